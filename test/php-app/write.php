<?php
// A session write that holds the lock ?hold= ms. Appends ?tag= to $_SESSION['log'].
require __DIR__ . '/_bootstrap.php';
$t0 = microtime(true);
app_start();
$started = microtime(true);
$_SESSION['log'][] = (string) ($_GET['tag'] ?? '');
app_hold();
app_json([
    'tag' => $_GET['tag'] ?? null,
    'user' => $_SESSION['user'] ?? null,
    'fp' => app_fp(),
    'startedAt' => $started,
    'endedAt' => microtime(true),
    'log' => $_SESSION['log'],
]);
