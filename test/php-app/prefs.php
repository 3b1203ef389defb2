<?php
// A script that sets a cookie of its own (theme=dark) besides the session: the helper must keep it.
require __DIR__ . '/_bootstrap.php';
app_start();
setcookie('theme', 'dark', ['path' => '/']);
app_json(['user' => $_SESSION['user'] ?? null]);
