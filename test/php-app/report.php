<?php
// A long report that needs a login: reads the session (read_and_close), works ?ms= ms, answers. Through the helper.
require __DIR__ . '/_bootstrap.php';
app_start(['read_and_close' => true]);
usleep(((int) ($_GET['ms'] ?? 3000)) * 1000);
if (empty($_SESSION['user'])) {
    app_json(['message' => 'Unauthenticated.'], 401);
    return;
}
app_json(['report' => 'done', 'user' => $_SESSION['user']]);
