<?php
// A login that empties the session first (`$_SESSION = []`, common to drop a previous user's data), then
// regenerates the id and writes the user. Through the helper; ?user= (default alice).
require __DIR__ . '/_bootstrap.php';
app_start();
$_SESSION = [];
session_regenerate_id(true);
$_SESSION['user'] = (string) ($_GET['user'] ?? 'alice');
app_json(['user' => $_SESSION['user'], 'fp' => app_fp()]);
