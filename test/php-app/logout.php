<?php
// Logout: session_destroy() plus an expired session cookie (session_destroy sends no Set-Cookie).
// ?cookie=0 leaves the cookie alone (the browser keeps sending the destroyed id).
require __DIR__ . '/_bootstrap.php';
app_start();
if (($_GET['cookie'] ?? '1') === '0') {
    $_SESSION = [];
    session_destroy();
} else {
    session_fetch_destroy();
}
app_json(['loggedOut' => true]);
