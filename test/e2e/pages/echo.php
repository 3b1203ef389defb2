<?php
// Echoes what the request carried that a browser may add or drop: the cache headers, Accept, X-Requested-With,
// Origin, and whether a Cookie header arrived (its cookie names only, never a value). A session script
// (write mode), with the run's CORS allow-list, so it also serves as the cross-origin API.
// ?session=0: no session_start (CORS only). ?log=<key>: append the method (preflights included) to
// <document root>/../echo-<key>.log, for the test to read.
$logKey = preg_replace('/[^a-z0-9-]/i', '', (string) ($_GET['log'] ?? ''));
if ($logKey !== '') {
    file_put_contents(dirname(__DIR__, 2) . "/echo-$logKey.log", $_SERVER['REQUEST_METHOD'] . "\n", FILE_APPEND | LOCK_EX);
}
require __DIR__ . '/../_bootstrap.php';
if (($_GET['session'] ?? '1') === '0') {
    session_fetch_cors(array_values(array_filter(explode(',', (string) getenv('SF_CORS')))));
} else {
    app_start();
}
$cookie = $_SERVER['HTTP_COOKIE'] ?? null;
app_json([
    'method' => $_SERVER['REQUEST_METHOD'],
    'cacheControl' => $_SERVER['HTTP_CACHE_CONTROL'] ?? null,
    'pragma' => $_SERVER['HTTP_PRAGMA'] ?? null,
    'accept' => $_SERVER['HTTP_ACCEPT'] ?? null,
    'requestedWith' => $_SERVER['HTTP_X_REQUESTED_WITH'] ?? null,
    'origin' => $_SERVER['HTTP_ORIGIN'] ?? null,
    'cookieSent' => $cookie !== null,
    'cookieNames' => $cookie === null ? [] : array_map(fn ($part) => trim(explode('=', $part, 2)[0]), explode(';', $cookie)),
    'user' => $_SESSION['user'] ?? null,
    'fp' => app_fp(),
]);
