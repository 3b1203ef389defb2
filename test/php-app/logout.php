<?php
// Logout: session_destroy() plus an expired session cookie (session_destroy sends no Set-Cookie).
// ?cookie=0 leaves the cookie alone (the browser keeps sending the destroyed id). ?restart=1 starts a session again.
require __DIR__ . '/_bootstrap.php';
app_start();
if (($_GET['cookie'] ?? '1') === '0') {
    $_SESSION = [];
    session_destroy();
} else {
    session_fetch_destroy();
}
if (($_GET['restart'] ?? '') === '1') {
    session_start();
}
app_json(['loggedOut' => true]);
