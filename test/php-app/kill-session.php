<?php
// For the tests: the server forgets session ?id= (as gc_maxlifetime or a restart would), behind the browser's
// back. Plain PHP, no cookie sent back.
declare(strict_types=1);
if ((getenv('SF_HANDLER') ?: 'files') === 'timeout') {
    require_once __DIR__ . '/../../php/session-fetch.php';
    session_set_save_handler(new SessionFetchTimeoutFileHandler((int) (getenv('SF_LOCK_TIMEOUT_MS') ?: 1000)), true);
}
ini_set('session.use_cookies', '0');
ini_set('session.use_strict_mode', '0');
session_id((string) ($_GET['id'] ?? ''));
session_start();
session_destroy();
header('Content-Type: application/json');
echo json_encode(['killed' => true]);
