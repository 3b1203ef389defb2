<?php
// The plain app's login. GET: the login page. POST: log in as ?user= (default alice) with
// session_regenerate_id(true).
require __DIR__ . '/_plain.php';
if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    header('Content-Type: text/html; charset=UTF-8');
    echo "<!DOCTYPE html>\n<html><head><title>Log in</title></head><body>"
        . '<form method="post" action="/plain/login.php"><input name="user"><button>Log in</button></form>'
        . "</body></html>\n";
    return;
}
plain_start();
session_regenerate_id(true);
$_SESSION['user'] = (string) ($_GET['user'] ?? $_POST['user'] ?? 'alice');
plain_json(['user' => $_SESSION['user']]);
