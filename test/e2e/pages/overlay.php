<?php
// The debug overlay under a strict CSP: no inline script or style anywhere, scripts from this origin only.
// ?csp=0 sends no CSP (to compare).
// ?api=login is not the page but a login written the usual PHP way by a server that sends X-Session-Fp itself,
// before session_regenerate_id(true): its answer names the old, dead id (what the helper's
// session_fetch_regenerate() avoids).
if (($_GET['api'] ?? '') === 'login') {
    session_start();
    header('X-Session-Fp: ' . substr(hash('sha256', session_id()), 0, 16));
    session_regenerate_id(true);
    $_SESSION['user'] = 'erin';
    header('Content-Type: application/json');
    echo json_encode(['user' => 'erin']);
    return;
}
header('Content-Type: text/html; charset=UTF-8');
if (($_GET['csp'] ?? '1') !== '0') {
    header("Content-Security-Policy: default-src 'self'");
}
?><!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Overlay</title>
<script src="/dist/session-fetch.global.js"></script>
<script src="/dist/session-fetch.overlay.global.js"></script>
<script src="/pages/overlay.js"></script>
</head>
<body>
<h1>Overlay page</h1>
<p id="status">loading</p>
</body>
</html>
