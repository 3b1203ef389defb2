<?php
// A session write of the plain app that holds the lock ?hold= ms. Appends ?tag= to $_SESSION['log']. Answers
// when the request reached PHP (arrivedAt), got the lock (startedAt) and let it go (endedAt), in seconds.
require __DIR__ . '/_plain.php';
plain_start();
$started = microtime(true);
$_SESSION['log'][] = (string) ($_GET['tag'] ?? '');
plain_hold();
plain_json([
    'tag' => $_GET['tag'] ?? null,
    'user' => $_SESSION['user'] ?? null,
    'arrivedAt' => $_SERVER['REQUEST_TIME_FLOAT'],
    'startedAt' => $started,
    'endedAt' => microtime(true),
    'log' => $_SESSION['log'],
]);
