<?php
// Shared set-up of the test app. Configured per server run by the pool's env (test/helpers/php-server.ts):
//   SF_HANDLER = files | timeout | redis   (redis: session.save_handler/save_path are set by the pool ini)
//   SF_LOCK_TIMEOUT_MS = lock-wait timeout of the timeout handler (default 1000)
//   SF_PROTOCOL = 1 | 0                    protocol headers on/off (?protocol=0|1 overrides per request)
//   SF_CORS = comma-separated allowed origins
// ?ajax=1|0 overrides the helper's AJAX detection for one request.
declare(strict_types=1);

require __DIR__ . '/../../php/session-fetch.php';

if ((getenv('SF_HANDLER') ?: 'files') === 'timeout') {
    session_set_save_handler(new SessionFetchTimeoutFileHandler((int) (getenv('SF_LOCK_TIMEOUT_MS') ?: 1000)), true);
}

function app_protocol(): bool
{
    if (isset($_GET['protocol'])) {
        return $_GET['protocol'] !== '0';
    }
    // Compared as a string: `getenv(...) ?: '1'` would turn '0' into '1'.
    return getenv('SF_PROTOCOL') !== '0';
}

/** session_fetch_start() with the run's settings. */
function app_start(array $options = []): bool
{
    $cors = array_values(array_filter(explode(',', (string) getenv('SF_CORS'))));
    if (isset($_GET['ajax'])) {
        $options += ['ajax' => $_GET['ajax'] !== '0'];
    }
    return session_fetch_start($options + ['protocol' => app_protocol(), 'cors' => $cors]);
}

function app_json(mixed $data, int $status = 200): void
{
    http_response_code($status);
    header('Content-Type: application/json');
    echo json_encode($data);
}

/** ?hold=<ms>: keep the session (and its lock) open this long. */
function app_hold(): void
{
    $hold = (int) ($_GET['hold'] ?? 0);
    if ($hold > 0) {
        usleep($hold * 1000);
    }
}

function app_fp(): ?string
{
    return session_id() !== '' ? session_fetch_fingerprint(session_id()) : null;
}
