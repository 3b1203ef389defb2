<?php
// A login page that does not use the helper at all: plain session_start(), the user written, and with
// ?regenerate=1 session_regenerate_id(true) first. The helper meets this session later without its marker.
declare(strict_types=1);

session_start();
if (($_GET['regenerate'] ?? '') === '1') {
    session_regenerate_id(true);
}
$_SESSION['user'] = (string) ($_GET['user'] ?? 'alice');
header('Content-Type: application/json');
echo json_encode(['user' => $_SESSION['user']]);
