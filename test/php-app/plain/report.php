<?php
// The plain app's long report that needs a login: reads the session and closes it, works ?ms= ms, answers.
require __DIR__ . '/_plain.php';
plain_start();
session_write_close();
usleep(((int) ($_GET['ms'] ?? 3000)) * 1000);
if (empty($_SESSION['user'])) {
    plain_json(['message' => 'Unauthenticated.'], 401);
    return;
}
plain_json(['report' => 'done', 'user' => $_SESSION['user']]);
