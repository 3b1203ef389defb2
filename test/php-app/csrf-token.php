<?php
// The session's CSRF token as JSON ({ token }), made when the session has none: a refresh endpoint for
// the client's csrf.refreshUrl (Sanctum's /sanctum/csrf-cookie hands it out as a cookie instead).
require __DIR__ . '/_bootstrap.php';
app_start();
if (!isset($_SESSION['csrf']) || !is_string($_SESSION['csrf'])) {
    $_SESSION['csrf'] = bin2hex(random_bytes(8));
}
app_json(['token' => $_SESSION['csrf']]);
