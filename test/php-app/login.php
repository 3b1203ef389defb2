<?php
// GET: the login page (HTML, no session). POST: log in as ?user= (default alice) with
// session_regenerate_id(true), then hold the new session ?hold= ms.
require __DIR__ . '/_bootstrap.php';

if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    header('Content-Type: text/html; charset=UTF-8');
    echo "<!DOCTYPE html>\n<html><head><title>Log in</title></head><body>"
        . '<form method="post" action="/login.php"><input name="user"><button>Log in</button></form>'
        . "</body></html>\n";
    return;
}
app_start();
$previous = app_fp();
session_fetch_regenerate(true);
$_SESSION['user'] = (string) ($_GET['user'] ?? $_POST['user'] ?? 'alice');
$_SESSION['csrf'] = bin2hex(random_bytes(8));
app_hold();
app_json(['user' => $_SESSION['user'], 'csrf' => $_SESSION['csrf'], 'previousFp' => $previous, 'fp' => app_fp()]);
