<?php
// Writes, calls session_write_close() at once, then keeps running ?hold= ms without the lock.
require __DIR__ . '/_bootstrap.php';
app_start();
$_SESSION['early'] = ($_SESSION['early'] ?? 0) + 1;
$fp = app_fp();
session_write_close();
app_hold();
app_json(['early' => $_SESSION['early'], 'fp' => $fp, 'endedAt' => microtime(true)]);
