<?php
// Benchmark endpoint of the plain app: a session write holding the lock ?hold= ms. X-Bench-Blocked-Ms is the
// time from the request's start (REQUEST_TIME_FLOAT) to session_start() returning (or giving up).
require __DIR__ . '/_plain.php';
plain_start();
$_SESSION['n'] = ($_SESSION['n'] ?? 0) + 1;
plain_hold();
plain_json(['n' => $_SESSION['n']]);
