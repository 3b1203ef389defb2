<?php
// Who is logged in, in the plain app. ?mode=read uses read_and_close.
require __DIR__ . '/_plain.php';
if (($_GET['mode'] ?? '') === 'read') {
    session_start(['read_and_close' => true]);
} else {
    plain_start();
}
plain_json([
    'user' => $_SESSION['user'] ?? null,
    'counter' => $_SESSION['counter'] ?? 0,
    'log' => $_SESSION['log'] ?? [],
    'handler' => ini_get('session.save_handler'),
]);
