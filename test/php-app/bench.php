<?php
// Benchmark endpoint: a session write holding the lock ?hold= ms. X-Bench-Blocked-Ms is the time from the
// request's start (REQUEST_TIME_FLOAT) to session_start() returning; X-Session-Lock-Wait the time inside it;
// X-Bench-Locked-At when this write took the lock (epoch ms), for the benchmark's timelines.
require __DIR__ . '/_bootstrap.php';
app_start(['exit_on_lock_timeout' => false]) or (function () {
    header('X-Bench-Blocked-Ms: ' . (int) round((microtime(true) - $_SERVER['REQUEST_TIME_FLOAT']) * 1000));
    echo json_encode(['message' => 'Session lock timeout']);
    exit;
})();
header('X-Bench-Blocked-Ms: ' . (int) round((microtime(true) - $_SERVER['REQUEST_TIME_FLOAT']) * 1000));
header('X-Bench-Locked-At: ' . round(microtime(true) * 1000, 1));
$_SESSION['n'] = ($_SESSION['n'] ?? 0) + 1;
app_hold();
app_json(['n' => $_SESSION['n']]);
