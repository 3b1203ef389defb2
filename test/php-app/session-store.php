<?php
// Test-only view of the session store (starts no session): GET lists the stored session ids and their data as
// JSON; ?delete=<id> removes one, as garbage collection (Debian's cron job, a Redis TTL) would. Files handlers:
// sess_* in session.save_path; redis: the PHPREDIS_SESSION:* keys of the server in session.save_path.
declare(strict_types=1);

header('Content-Type: application/json');
$delete = isset($_GET['delete']) ? (string) $_GET['delete'] : null;
if ($delete !== null && preg_match('/^[A-Za-z0-9,-]+$/', $delete) !== 1) {
    http_response_code(400);
    echo json_encode(['message' => 'bad id']);
    return;
}
$sessions = [];
if (ini_get('session.save_handler') === 'redis') {
    $url = parse_url((string) ini_get('session.save_path'));
    $redis = new Redis();
    $redis->connect($url['host'] ?? '127.0.0.1', (int) ($url['port'] ?? 6379));
    $prefix = 'PHPREDIS_SESSION:';
    if ($delete !== null) {
        $redis->del($prefix . $delete);
    }
    foreach ($redis->keys($prefix . '*') ?: [] as $key) {
        $sessions[substr($key, strlen($prefix))] = (string) $redis->get($key);
    }
} else {
    $dir = (string) ini_get('session.save_path');
    if (str_contains($dir, ';')) {
        $parts = explode(';', $dir);
        $dir = (string) end($parts);
    }
    if ($delete !== null) {
        @unlink($dir . '/sess_' . $delete);
    }
    foreach (glob($dir . '/sess_*') ?: [] as $file) {
        $sessions[substr(basename($file), 5)] = (string) file_get_contents($file);
    }
}
echo json_encode(['sessions' => (object) $sessions]);
