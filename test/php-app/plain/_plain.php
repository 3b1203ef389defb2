<?php
// Shared set-up of the plain app: PHP sessions as an app without the session-fetch helper uses them.
// session_start() only: no X-Session-Fp, no X-Session-Lock-Wait, no expiry marker. A lock timeout (the timeout
// handler's read() failing, or phpredis' "Acquire of session lock was not successful" notice, after which
// session_start() still returns true) is answered by the app: 423 + Retry-After: 1 + X-Session-Lock: timeout,
// or a bare 423 with ?bare=1. Configured by the same pool env as test/php-app (SF_HANDLER, SF_LOCK_TIMEOUT_MS).
declare(strict_types=1);

if ((getenv('SF_HANDLER') ?: 'files') === 'timeout') {
    // Only for its save handler: a files handler whose lock wait gives up after a timeout.
    require_once __DIR__ . '/../../../php/session-fetch.php';
    session_set_save_handler(new SessionFetchTimeoutFileHandler((int) (getenv('SF_LOCK_TIMEOUT_MS') ?: 1000)), true);
}

/** Milliseconds since the request reached PHP. */
function plain_elapsed_ms(): int
{
    return (int) round((microtime(true) - $_SERVER['REQUEST_TIME_FLOAT']) * 1000);
}

/** session_start(), or a 423 answer and exit when the session lock was not acquired in time. */
function plain_start(): void
{
    error_clear_last();
    $started = @session_start();
    $error = error_get_last();
    $lockFailed = $error !== null && stripos($error['message'], 'session lock') !== false;
    if ($started && !$lockFailed) {
        header('X-Bench-Blocked-Ms: ' . plain_elapsed_ms());
        return;
    }
    if (session_status() === PHP_SESSION_ACTIVE) {
        // phpredis: "active" without the lock; nothing may be written at shutdown.
        session_abort();
    }
    header('X-Bench-Blocked-Ms: ' . plain_elapsed_ms());
    http_response_code(423);
    if (($_GET['bare'] ?? '') !== '1') {
        header('Retry-After: 1');
        header('X-Session-Lock: timeout');
    }
    header('Content-Type: application/json');
    echo json_encode(['message' => 'Session lock timeout']);
    exit;
}

function plain_json(mixed $data, int $status = 200): void
{
    http_response_code($status);
    header('Content-Type: application/json');
    echo json_encode($data);
}

/** ?hold=<ms>: keep the session (and its lock) open this long. */
function plain_hold(): void
{
    $hold = (int) ($_GET['hold'] ?? 0);
    if ($hold > 0) {
        usleep($hold * 1000);
    }
}
