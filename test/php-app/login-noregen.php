<?php
// A login that does not regenerate the id: it writes the user into whatever session it got, and tells the helper
// so with 'login' => true (without it, a write to a session that came with a dead id is not a login).
require __DIR__ . '/_bootstrap.php';
app_start(['login' => true]);
$_SESSION['user'] = (string) ($_GET['user'] ?? 'alice');
app_json(['user' => $_SESSION['user'], 'fp' => app_fp()]);
