<?php
// Increments $_SESSION['counter'] in the plain app (after ?hold= ms with the lock held); returns the new value.
require __DIR__ . '/_plain.php';
plain_start();
$value = ($_SESSION['counter'] ?? 0) + 1;
plain_hold();
$_SESSION['counter'] = $value;
plain_json(['counter' => $value]);
