<?php
// Logout: session_fetch_destroy() (session_destroy() plus an expired session cookie).
// ?cookie=0 drops the session behind the browser's back: plain session_start() and session_destroy() without the
// helper, so nothing touches the cookie (the helper would expire it: that is a logout) and the browser keeps
// sending the destroyed id. ?restart=1 starts a session again after the logout.
require __DIR__ . '/_bootstrap.php';
if (($_GET['cookie'] ?? '1') === '0') {
    app_start(['protocol' => false]);
    $_SESSION = [];
    session_destroy();
} else {
    app_start();
    session_fetch_destroy();
}
if (($_GET['restart'] ?? '') === '1') {
    session_start();
}
app_json(['loggedOut' => true]);
