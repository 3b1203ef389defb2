<?php
// ?plain=1: always redirect (a plain PHP app); ?inline=1: serve the login page inline with 200.
// Laravel-like API endpoint: 302 to /login.php (or 401 JSON when the request asks for JSON) when logged
// out, 419 when a state-changing request carries no matching X-CSRF-TOKEN.
require __DIR__ . '/_bootstrap.php';
app_start();
$wantsJson = str_contains($_SERVER['HTTP_ACCEPT'] ?? '', 'json')
    || ($_SERVER['HTTP_X_REQUESTED_WITH'] ?? '') === 'XMLHttpRequest';
if (!isset($_SESSION['user'])) {
    if (($_GET['inline'] ?? '') === '1') {
        // A plain app that serves its login page in place of the answer (200 HTML).
        header('Content-Type: text/html; charset=UTF-8');
        echo "<!DOCTYPE html>\n<html><body><form method=\"post\" action=\"/login.php\"></form></body></html>\n";
        return;
    }
    if ($wantsJson && ($_GET['plain'] ?? '') !== '1') {
        app_json(['message' => 'Unauthenticated.'], 401);
    } else {
        http_response_code(302);
        header('Location: /login.php');
    }
    return;
}
$method = $_SERVER['REQUEST_METHOD'];
if (!in_array($method, ['GET', 'HEAD', 'OPTIONS'], true)
    && !hash_equals((string) ($_SESSION['csrf'] ?? ''), (string) ($_SERVER['HTTP_X_CSRF_TOKEN'] ?? ''))) {
    app_json(['message' => 'CSRF token mismatch.'], 419);
    return;
}
app_json(['user' => $_SESSION['user'], 'method' => $method]);
