<?php
// A login written the usual way, through the helper: session_regenerate_id(true) (not session_fetch_regenerate)
// after the password check, then the user. POST only; ?user= (default alice).
require __DIR__ . '/_bootstrap.php';
app_start();
session_regenerate_id(true);
$_SESSION['user'] = (string) ($_GET['user'] ?? 'alice');
app_json(['user' => $_SESSION['user'], 'fp' => app_fp()]);
