<?php
// Who is logged in. ?mode=read uses read_and_close.
require __DIR__ . '/_bootstrap.php';
app_start(($_GET['mode'] ?? '') === 'read' ? ['read_and_close' => true] : []);
app_json([
    'user' => $_SESSION['user'] ?? null,
    'counter' => $_SESSION['counter'] ?? 0,
    'fp' => app_fp(),
    'strict' => ini_get('session.use_strict_mode'),
    'handler' => ini_get('session.save_handler'),
]);
