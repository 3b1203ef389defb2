<?php
// The debug overlay under a strict CSP: no inline script or style anywhere, scripts from this origin only.
// ?csp=0 sends no CSP (to compare).
header('Content-Type: text/html; charset=UTF-8');
if (($_GET['csp'] ?? '1') !== '0') {
    header("Content-Security-Policy: default-src 'self'");
}
?><!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
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
