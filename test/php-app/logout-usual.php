<?php
// A logout written the usual way, through the helper: `$_SESSION = []; session_destroy();` (no cookie handling).
// ?restart=1 starts a new session right after (a rotation, not a logout).
require __DIR__ . '/_bootstrap.php';
app_start();
$_SESSION = [];
session_destroy();
if (($_GET['restart'] ?? '') === '1') {
    session_start();
}
app_json(['loggedOut' => true, 'fp' => app_fp()]);
