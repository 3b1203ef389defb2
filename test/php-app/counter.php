<?php
// Increments $_SESSION['counter'] (after ?hold= ms with the lock held) and returns the new value.
require __DIR__ . '/_bootstrap.php';
app_start();
$value = ($_SESSION['counter'] ?? 0) + 1;
app_hold();
$_SESSION['counter'] = $value;
app_json(['counter' => $value, 'fp' => app_fp()]);
