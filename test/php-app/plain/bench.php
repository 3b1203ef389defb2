<?php
// Benchmark endpoint of the plain app: a session write holding the lock ?hold= ms. X-Bench-Blocked-Ms is the
// time from the request's start (REQUEST_TIME_FLOAT) to session_start() returning (or giving up);
// X-Bench-Locked-At when this write took the lock (epoch ms), for the benchmark's timelines.
require __DIR__ . '/_plain.php';
plain_start();
header('X-Bench-Locked-At: ' . round(microtime(true) * 1000, 1));
$_SESSION['n'] = ($_SESSION['n'] ?? 0) + 1;
plain_hold();
plain_json(['n' => $_SESSION['n']]);
