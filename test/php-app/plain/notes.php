<?php
// The plain app's write that needs a login (401 without a user): appends the body to $_SESSION['notes'].
// GET lists the notes.
require __DIR__ . '/_plain.php';
plain_start();
if ($_SERVER['REQUEST_METHOD'] === 'GET') {
    session_write_close();
}
if (empty($_SESSION['user'])) {
    plain_json(['message' => 'Unauthenticated.'], 401);
    return;
}
if ($_SERVER['REQUEST_METHOD'] !== 'GET') {
    $_SESSION['notes'][] = (string) file_get_contents('php://input');
}
// sid: which session the answer came from (a note answered by a session that died afterwards died with it).
plain_json(['user' => $_SESSION['user'], 'notes' => $_SESSION['notes'] ?? [], 'sid' => substr(hash('sha256', session_id()), 0, 16)]);
