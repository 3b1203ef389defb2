<?php
// A read_and_close read: never holds the lock past session_start(). ?hold= keeps the script running.
require __DIR__ . '/_bootstrap.php';
app_start(['read_and_close' => true]);
app_hold();
app_json(['user' => $_SESSION['user'] ?? null, 'counter' => $_SESSION['counter'] ?? 0, 'fp' => app_fp(), 'endedAt' => microtime(true)]);
