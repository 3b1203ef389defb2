<?php
// A write that needs a login (401 without a user): appends the body to $_SESSION['notes'].
// GET lists the notes. Through the helper.
require __DIR__ . '/_bootstrap.php';
app_start($_SERVER['REQUEST_METHOD'] === 'GET' ? ['read_and_close' => true] : []);
if (empty($_SESSION['user'])) {
    app_json(['message' => 'Unauthenticated.'], 401);
    return;
}
if ($_SERVER['REQUEST_METHOD'] !== 'GET') {
    $_SESSION['notes'][] = (string) file_get_contents('php://input');
}
// sid: which session the answer came from (a note answered by a session that died afterwards died with it).
app_json(['user' => $_SESSION['user'], 'notes' => $_SESSION['notes'] ?? [], 'sid' => substr(hash('sha256', session_id()), 0, 16)]);
