<?php
// whoami behind CORS without Access-Control-Expose-Headers: the page gets the answer (and the cookie works),
// but cannot read X-Session-Fp and the other protocol headers.
require __DIR__ . '/../_bootstrap.php';
app_start();
header_remove('Access-Control-Expose-Headers');
app_json(['user' => $_SESSION['user'] ?? null, 'fp' => app_fp()]);
