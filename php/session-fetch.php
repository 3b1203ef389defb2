<?php
/**
 * session-fetch server helper: the PHP half of the session-fetch protocol (docs/protocol.md).
 *
 * Include this file and call session_fetch_start() where you would call session_start():
 *
 *     require __DIR__ . '/vendor/.../session-fetch.php';   // or node_modules/session-fetch/php/session-fetch.php
 *
 *     session_fetch_start([
 *         'cors' => ['https://app.example.com'],  // optional: page origins allowed to call this API with cookies
 *     ]);
 *     $_SESSION['user'] = ...;
 *
 * Logins and logouts are written the usual way: session_regenerate_id(true) after a successful login,
 * session_destroy() on logout. The helper decides what to send when PHP sends the headers (after the script ran,
 * or at its first output), so it sees the final session:
 *   - `X-Session-Fp`: the first 16 hex characters of sha256(session_id()) of the FINAL id (never the id itself);
 *   - `X-Session-Expired: 1` when the browser sent a session id that is no longer a session: PHP replaced it
 *     (use_strict_mode=1), or the session arrived empty (use_strict_mode=0 silently adopts unknown ids, so a marker
 *     key, `__sf`, is stored in every session the helper keeps: a session without any key is new). A session that
 *     holds data without the marker was made by a script without the helper (a login page): it is adopted, not
 *     reported. For an AJAX request that did not log in (the id was not regenerated), the answer then carries no
 *     Set-Cookie for the session and the replacement session PHP made is destroyed: a late answer to a request
 *     sent with a dead id can never overwrite the cookie a login set meanwhile. Page loads keep PHP's behaviour.
 *   - `X-Session-End: 1` when the script destroyed the session (a logout) without starting a new one; the session
 *     cookie is expired too (session_destroy() alone leaves it);
 *   - turns a session-lock timeout into `423 Locked` + `Retry-After` + `X-Session-Lock: timeout` and exits
 *     before the script runs, without writing the session (which it does not own). Lock timeouts come from
 *       * SessionFetchTimeoutFileHandler (below): a files handler that gives up after a lock-wait timeout,
 *       * phpredis with redis.session.locking_enabled=1: its "Acquire of session lock was not successful"
 *         notice (session_start() still returns true and the write would be dropped silently);
 *     PHP's own files handler waits for the lock forever, so it never times out;
 *   - sends `X-Session-Ttl` (session.gc_maxlifetime, seconds) and `X-Session-Lock-Wait` (milliseconds spent in
 *     session_start(), measured with hrtime);
 *   - CORS for an allow-list of origins: exact Access-Control-Allow-Origin, Vary: Origin,
 *     Access-Control-Allow-Credentials, Access-Control-Expose-Headers for the protocol headers, and a 204 answer
 *     to the preflight (OPTIONS) with the allowed methods and headers.
 * The decision uses header_register_callback() and register_shutdown_function(): a script that registers its own
 * header callback replaces the helper's (the shutdown function still decides, at the end of the script).
 *
 * Functions:
 *   session_fetch_start(array $options = []): bool   session_start() replacement (options below)
 *   session_fetch_regenerate(bool $deleteOld = true): bool
 *                                                  session_regenerate_id() (kept for older code: the helper now
 *                                                  sends the final id's fingerprint by itself)
 *   session_fetch_destroy(): bool                  logout: session_destroy() + expire the session cookie
 *   session_fetch_expired(): bool                  whether this request came with a session id that had expired
 *   session_fetch_cors(array $origins, array $options = []): bool
 *                                                  CORS headers only (session_fetch_start calls it for 'cors')
 *   session_fetch_fingerprint(string $id): string  the fingerprint of an id
 *   session_fetch_is_ajax(): bool                  whether the request looks like fetch/XHR (see 'ajax')
 *   session_fetch_lock_timeout(int $waitedMs = 0): void
 *                                                  for custom handlers: report that the lock was not acquired
 *
 * session_fetch_start() options (all optional):
 *   'protocol'       bool  send the protocol headers (default true; false = plain session_start + lock handling)
 *   'ajax'           bool|null  treat the request as AJAX (true) or as a page load (false); null (default)
 *                              detects it: `X-Requested-With: XMLHttpRequest`, `Sec-Fetch-Dest: empty`, or an
 *                              `Accept` that names JSON and not HTML
 *   'login'          bool  this script logs users in without session_regenerate_id(): a session it writes to is
 *                          kept even when the request came with a dead id (default false: only a regenerated id
 *                          counts as a login, so a write endpoint hit with a dead id is still reported expired)
 *   'ttl'            bool  send X-Session-Ttl (default true)
 *   'lock_wait'      bool  send X-Session-Lock-Wait (default true)
 *   'retry_after'    int   seconds for Retry-After on a lock timeout (default 1)
 *   'exit_on_lock_timeout' bool  answer 423 and exit (default true); false: send the headers, return false
 *   'marker'         string  the $_SESSION key marking sessions kept by this helper (default '__sf')
 *   'cors'           string[]  allowed page origins (default none: same-origin only)
 *   'cors_methods'   string[]  (default GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS)
 *   'cors_headers'   string[]  (default Cache-Control, Pragma, Content-Type, Accept, X-Requested-With,
 *                              X-CSRF-TOKEN, X-XSRF-TOKEN)
 *   any other key is passed to session_start() (e.g. 'read_and_close' => true, 'cookie_httponly' => true).
 *
 * A timeout handler:
 *   session_set_save_handler(new SessionFetchTimeoutFileHandler(1000), true);   // 1 s lock-wait timeout
 *   session_fetch_start();
 *
 * phpredis (5.x):
 *   session.save_handler = redis
 *   session.save_path = "tcp://127.0.0.1:6379"
 *   redis.session.locking_enabled = 1
 *   redis.session.lock_wait_time = 20000   ; microseconds between tries
 *   redis.session.lock_retries = 50        ; 50 x 20 ms = about 1 s
 */

declare(strict_types=1);

/** Shared state of the helper for the current request. */
final class SessionFetchState
{
    /** Set by a handler (or the redis notice) when session_start() did not get the lock. */
    public static bool $lockTimeout = false;
    /** Milliseconds a handler reports it waited for the lock. */
    public static int $lockWaitedMs = 0;
    public static bool $protocol = true;
    /** Whether the first session_fetch_start() of this request classified the session. */
    public static bool $classified = false;
    /** The request came with a session id that was no longer a session. */
    public static bool $expired = false;
    /** session_id() right after the first start: a different id at header time means it was regenerated. */
    public static string $startId = '';
    public static bool $ajax = false;
    public static bool $login = false;
    public static string $marker = '__sf';
    public static bool $ttl = true;
    public static bool $lockWait = true;
    /** The headers were decided (session_fetch_send_headers runs once). */
    public static bool $decided = false;
    /** Milliseconds spent in session_start() (all calls of this request). */
    public static float $waitedMs = 0.0;
}

/** The protocol's fingerprint of a session id: first 16 hex characters of sha256(id). */
function session_fetch_fingerprint(string $id): string
{
    return substr(hash('sha256', $id), 0, 16);
}

/** For custom save handlers: the lock was not acquired in time (read() should then return false). */
function session_fetch_lock_timeout(int $waitedMs = 0): void
{
    SessionFetchState::$lockTimeout = true;
    SessionFetchState::$lockWaitedMs = max(SessionFetchState::$lockWaitedMs, $waitedMs);
}

/** Whether this request came with a session id that was no longer a session (see X-Session-Expired). */
function session_fetch_expired(): bool
{
    return SessionFetchState::$expired;
}

/**
 * Whether the request looks like fetch/XHR rather than a page load: `X-Requested-With: XMLHttpRequest` (jQuery,
 * session-fetch), `Sec-Fetch-Dest: empty` (fetch and XHR in current browsers), or an `Accept` that names JSON and
 * not HTML.
 */
function session_fetch_is_ajax(): bool
{
    if (strcasecmp((string) ($_SERVER['HTTP_X_REQUESTED_WITH'] ?? ''), 'XMLHttpRequest') === 0) {
        return true;
    }
    if (strcasecmp((string) ($_SERVER['HTTP_SEC_FETCH_DEST'] ?? ''), 'empty') === 0) {
        return true;
    }
    $accept = strtolower((string) ($_SERVER['HTTP_ACCEPT'] ?? ''));
    return str_contains($accept, 'json') && !str_contains($accept, 'html');
}

/**
 * CORS for an allow-list of page origins. Answers the preflight (OPTIONS) itself with 204 and exits.
 * Returns true when the request's origin is allowed.
 */
function session_fetch_cors(array $origins, array $options = []): bool
{
    $origin = $_SERVER['HTTP_ORIGIN'] ?? null;
    header('Vary: Origin', false);
    if ($origin === null || !in_array(rtrim($origin, '/'), array_map(fn ($o) => rtrim((string) $o, '/'), $origins), true)) {
        return false;
    }
    header('Access-Control-Allow-Origin: ' . $origin);
    header('Access-Control-Allow-Credentials: true');
    header('Access-Control-Expose-Headers: X-Session-Fp, X-Session-Expired, X-Session-End, X-Session-Lock, X-Session-Ttl, X-Session-Lock-Wait, Retry-After');
    if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'OPTIONS' && isset($_SERVER['HTTP_ACCESS_CONTROL_REQUEST_METHOD'])) {
        $methods = $options['cors_methods'] ?? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
        $headers = $options['cors_headers'] ?? ['Cache-Control', 'Pragma', 'Content-Type', 'Accept', 'X-Requested-With', 'X-CSRF-TOKEN', 'X-XSRF-TOKEN'];
        header('Access-Control-Allow-Methods: ' . implode(', ', $methods));
        header('Access-Control-Allow-Headers: ' . implode(', ', $headers));
        header('Access-Control-Max-Age: 600');
        http_response_code(204);
        exit;
    }
    return true;
}

/** Answers the lock timeout: 423, Retry-After, X-Session-Lock: timeout. Writes nothing. */
function session_fetch_answer_lock_timeout(array $options, float $waitedMs): void
{
    if (session_status() === PHP_SESSION_ACTIVE) {
        // phpredis: the session is "active" without the lock; abort so nothing is written at shutdown.
        session_abort();
    }
    if (headers_sent()) {
        return;
    }
    header_remove('Set-Cookie');
    header_remove('X-Session-Fp');
    http_response_code(423);
    header('Retry-After: ' . (int) ($options['retry_after'] ?? 1));
    header('X-Session-Lock: timeout');
    header('X-Session-Lock-Wait: ' . (int) round($waitedMs));
    header('Cache-Control: no-store');
    header('Content-Type: application/json');
}

/**
 * session_start() with the session-fetch protocol. Returns session_start()'s result; on a lock timeout answers
 * 423 and exits (or returns false with 'exit_on_lock_timeout' => false).
 */
function session_fetch_start(array $options = []): bool
{
    $own = ['protocol', 'ajax', 'login', 'ttl', 'lock_wait', 'retry_after', 'exit_on_lock_timeout', 'marker', 'cors', 'cors_methods', 'cors_headers'];
    $startOptions = array_diff_key($options, array_flip($own));
    $protocol = (bool) ($options['protocol'] ?? true);
    $marker = (string) ($options['marker'] ?? '__sf');
    SessionFetchState::$protocol = $protocol;
    SessionFetchState::$marker = $marker;
    SessionFetchState::$ttl = (bool) ($options['ttl'] ?? true);
    SessionFetchState::$lockWait = (bool) ($options['lock_wait'] ?? true);
    SessionFetchState::$login = SessionFetchState::$login || !empty($options['login']);
    SessionFetchState::$lockTimeout = false;
    SessionFetchState::$lockWaitedMs = 0;

    if (!empty($options['cors'])) {
        session_fetch_cors((array) $options['cors'], $options);
    }

    $name = session_name();
    $sent = isset($_COOKIE[$name]) && is_string($_COOKIE[$name]) && $_COOKIE[$name] !== '' ? $_COOKIE[$name] : null;

    // phpredis reports a lock failure only as a notice; the files-with-timeout handler makes read() fail, which
    // PHP reports as a warning. Catch both for the duration of session_start().
    set_error_handler(static function (int $errno, string $message): bool {
        if (stripos($message, 'session lock') !== false && stripos($message, 'not successful') !== false) {
            SessionFetchState::$lockTimeout = true;
            return true;
        }
        if (SessionFetchState::$lockTimeout && stripos($message, 'Failed to read session data') !== false) {
            return true;
        }
        return false;
    });
    $startedAt = hrtime(true);
    try {
        $started = session_start($startOptions);
    } finally {
        restore_error_handler();
    }
    $waitedMs = (hrtime(true) - $startedAt) / 1e6;
    SessionFetchState::$waitedMs += $waitedMs;

    if (SessionFetchState::$lockTimeout) {
        session_fetch_answer_lock_timeout($options, $waitedMs);
        if ($options['exit_on_lock_timeout'] ?? true) {
            echo json_encode(['message' => 'Session lock timeout']);
            exit;
        }
        return false;
    }
    if (!$started) {
        return false;
    }
    if (!$protocol) {
        return true;
    }

    $first = !SessionFetchState::$classified;
    if ($first) {
        // Expired: PHP replaced the id it was sent (strict mode, or an invalid id), or the session arrived without
        // any key (strict mode off adopts unknown ids as empty sessions). Data without the marker: adopted below.
        SessionFetchState::$classified = true;
        SessionFetchState::$expired = $sent !== null && (session_id() !== $sent || $_SESSION === []);
        SessionFetchState::$startId = session_id();
        $ajax = $options['ajax'] ?? null;
        SessionFetchState::$ajax = $ajax === null ? session_fetch_is_ajax() : (bool) $ajax;
        if (!headers_sent()) {
            // Decide when the headers go out, or at the end of the script, whichever comes first: a script with no
            // output has its headers sent only after PHP closed the session (session_id() is '' by then).
            header_register_callback('session_fetch_send_headers');
            register_shutdown_function('session_fetch_send_headers');
        }
    }
    // An expired AJAX request keeps its replacement session unmarked: unless the script logs in, it is dropped
    // when the headers go out (session_fetch_send_headers).
    $dropUnlessLogin = SessionFetchState::$expired && SessionFetchState::$ajax;
    if (!isset($_SESSION[$marker]) && !$dropUnlessLogin) {
        if (!empty($startOptions['read_and_close'])) {
            // A read_and_close start cannot store the marker: open the session for writing once.
            $again = $startOptions;
            unset($again['read_and_close']);
            if (session_start($again)) {
                $_SESSION[$marker] = time();
                session_write_close();
            }
        } else {
            $_SESSION[$marker] = time();
        }
    }
    return true;
}

/** Whether the script logged in: it regenerated the id, or (with 'login' => true) wrote to the session. */
function session_fetch_logged_in(): bool
{
    $id = session_id();
    if ($id !== '' && $id !== SessionFetchState::$startId) {
        return true;
    }
    $data = $_SESSION ?? [];
    unset($data[SessionFetchState::$marker]);
    return SessionFetchState::$login && $data !== [];
}

/**
 * The Set-Cookie header lines for the session cookie (`true`) or for every other cookie (`false`), as sent by
 * header() and PHP's session module.
 */
function session_fetch_cookie_lines(bool $session): array
{
    $prefix = 'set-cookie: ' . strtolower(session_name()) . '=';
    return array_values(array_filter(
        headers_list(),
        static fn (string $line) => stripos($line, 'set-cookie:') === 0
            && (str_starts_with(strtolower($line), $prefix) === $session),
    ));
}

/** Removes the Set-Cookie lines of the session cookie, keeping the app's other cookies. */
function session_fetch_remove_session_cookie(): void
{
    $others = session_fetch_cookie_lines(false);
    header_remove('Set-Cookie');
    foreach ($others as $line) {
        header($line, false);
    }
}

/** Whether the answer already expires the session cookie (session_fetch_destroy() or the script's setcookie). */
function session_fetch_deleting_cookie(): bool
{
    foreach (session_fetch_cookie_lines(true) as $line) {
        if (preg_match('/=deleted;|=;|max-age=0|expires=thu, 01[ -]jan[ -]1970/i', $line) === 1) {
            return true;
        }
    }
    return false;
}

/** Expires the session cookie in the browser (session_destroy() alone leaves it). */
function session_fetch_expire_cookie(): void
{
    $params = session_get_cookie_params();
    $cookie = [
        'expires' => 1,
        'path' => $params['path'],
        'domain' => $params['domain'],
        'secure' => $params['secure'],
        'httponly' => $params['httponly'],
    ];
    if (($params['samesite'] ?? '') !== '') {
        $cookie['samesite'] = $params['samesite'];
    }
    setcookie(session_name(), '', $cookie);
}

/**
 * The header callback (and shutdown function): decides, with the script's final session, what the answer says
 * about it (the decision table is in docs/protocol.md). Runs once: when the headers go out during the script, or
 * at its end, before PHP closes the session.
 */
function session_fetch_send_headers(): void
{
    if (SessionFetchState::$decided || SessionFetchState::$lockTimeout || headers_sent()) {
        return; // decided already, or a lock timeout answered 423 (session_fetch_answer_lock_timeout)
    }
    SessionFetchState::$decided = true;
    header_remove('X-Session-Fp');
    $id = session_id();
    $active = session_status() === PHP_SESSION_ACTIVE;
    if (SessionFetchState::$lockWait) {
        header('X-Session-Lock-Wait: ' . (int) round(SessionFetchState::$waitedMs));
    }

    if ($id === '') {
        // The script destroyed the session and started none: a logout. Expire the cookie unless the script did.
        if (!session_fetch_deleting_cookie()) {
            session_fetch_remove_session_cookie();
            session_fetch_expire_cookie();
        }
        header('X-Session-End: 1');
        return;
    }

    if (session_fetch_cookie_lines(true) !== [] && session_fetch_deleting_cookie()) {
        // The script expired the cookie, then started a session again (which PHP may not send): send its id.
        session_fetch_remove_session_cookie();
        $params = session_get_cookie_params();
        unset($params['lifetime']);
        setcookie(session_name(), $id, $params + ['expires' => 0]);
    }

    $expired = SessionFetchState::$expired && !session_fetch_logged_in();
    if ($expired && SessionFetchState::$ajax) {
        // Never hand out the replacement session: a late answer would overwrite the cookie of a login made
        // meanwhile. Drop it (nothing of it is kept) and send no session cookie.
        if ($active) {
            $_SESSION = [];
            session_destroy();
        }
        session_fetch_remove_session_cookie();
        header('X-Session-Expired: 1');
        return;
    }

    if ($active && !isset($_SESSION[SessionFetchState::$marker])) {
        // A kept session always carries the marker (a login may have emptied $_SESSION first).
        $_SESSION[SessionFetchState::$marker] = time();
    }
    header('X-Session-Fp: ' . session_fetch_fingerprint($id));
    if ($expired) {
        header('X-Session-Expired: 1');
    }
    if (SessionFetchState::$ttl) {
        header('X-Session-Ttl: ' . (int) ini_get('session.gc_maxlifetime'));
    }
}

/** session_regenerate_id(); kept for older code (the helper sends the final id's fingerprint by itself). */
function session_fetch_regenerate(bool $deleteOld = true): bool
{
    return session_regenerate_id($deleteOld);
}

/**
 * Logout: empties and destroys the session and expires the session cookie (session_destroy() sends no
 * Set-Cookie). The response carries `X-Session-End: 1` and no X-Session-Fp: there is no session any more.
 */
function session_fetch_destroy(): bool
{
    if (session_status() !== PHP_SESSION_ACTIVE) {
        return false;
    }
    $_SESSION = [];
    $ok = session_destroy();
    if (!headers_sent()) {
        session_fetch_remove_session_cookie();
        session_fetch_expire_cookie();
    }
    return $ok;
}

/**
 * A files session handler whose lock wait has a timeout: read() polls flock(LOCK_EX | LOCK_NB) until the
 * deadline, then reports a lock timeout (session_fetch_start answers 423) instead of waiting forever like PHP's
 * own files handler. Sessions are plain files `sess_<id>` in session.save_path (or the path given here).
 *
 * It polls about every $pollMs ms (jittered by half, so that waiters do not poll in step): a waiter takes a
 * freed lock about half a poll after it frees, close to flock's own hand-off, which matters when the client
 * pipelines writes with short holds (a 5 ms poll cost 10-15% of a 20 ms hold). A poll is one system call.
 *
 *   session_set_save_handler(new SessionFetchTimeoutFileHandler(1000), true);
 *
 * Unlike PHP's files handler, a request that waited for the lock of a session that was deleted meanwhile
 * (session_regenerate_id(true), session_destroy()) does not read the deleted file: it opens the path again and
 * so sees an empty session.
 */
class SessionFetchTimeoutFileHandler implements SessionHandlerInterface, SessionUpdateTimestampHandlerInterface
{
    private string $dir = '';
    /** @var resource|null */
    private $fp = null;
    private ?string $id = null;

    public function __construct(
        private int $timeoutMs = 1000,
        private ?string $path = null,
        private int $pollMs = 1,
    ) {
    }

    public function open(string $path, string $name): bool
    {
        $dir = $this->path ?? ($path !== '' ? $path : sys_get_temp_dir());
        // "N;/path" and "N;MODE;/path" forms of session.save_path: keep the directory only.
        if (str_contains($dir, ';')) {
            $parts = explode(';', $dir);
            $dir = (string) end($parts);
        }
        $this->dir = rtrim($dir, '/');
        return is_dir($this->dir);
    }

    private function file(string $id): string
    {
        return $this->dir . '/sess_' . $id;
    }

    private static function validId(string $id): bool
    {
        return $id !== '' && preg_match('/^[A-Za-z0-9,-]{1,256}$/', $id) === 1;
    }

    public function read(string $id): string|false
    {
        $this->release();
        if (!self::validId($id)) {
            return false;
        }
        $file = $this->file($id);
        $start = hrtime(true);
        $deadline = $start + $this->timeoutMs * 1_000_000;
        while (true) {
            $fp = @fopen($file, 'c+');
            if ($fp === false) {
                return false;
            }
            while (!flock($fp, LOCK_EX | LOCK_NB)) {
                if (hrtime(true) >= $deadline) {
                    fclose($fp);
                    session_fetch_lock_timeout((int) round((hrtime(true) - $start) / 1e6));
                    return false;
                }
                usleep(random_int(500 * $this->pollMs, 1500 * $this->pollMs));
            }
            // The file may have been deleted (or replaced) while we waited: then lock the current one.
            clearstatcache(true, $file);
            $onDisk = @stat($file);
            $held = fstat($fp);
            if ($onDisk !== false && $held !== false && $onDisk['ino'] === $held['ino'] && $onDisk['dev'] === $held['dev']) {
                break;
            }
            flock($fp, LOCK_UN);
            fclose($fp);
        }
        $this->fp = $fp;
        $this->id = $id;
        rewind($fp);
        $data = stream_get_contents($fp);
        return $data === false ? '' : $data;
    }

    public function write(string $id, string $data): bool
    {
        if ($this->fp === null || $this->id !== $id) {
            // Not our lock (should not happen: PHP writes only after a successful read).
            return false;
        }
        ftruncate($this->fp, 0);
        rewind($this->fp);
        $written = fwrite($this->fp, $data);
        fflush($this->fp);
        return $written === strlen($data);
    }

    public function updateTimestamp(string $id, string $data): bool
    {
        if ($this->fp === null || $this->id !== $id) {
            return false;
        }
        return touch($this->file($id));
    }

    public function validateId(string $id): bool
    {
        return self::validId($id) && is_file($this->file($id));
    }

    public function destroy(string $id): bool
    {
        if (self::validId($id)) {
            @unlink($this->file($id));
        }
        if ($this->id === $id) {
            $this->release();
        }
        return true;
    }

    public function close(): bool
    {
        $this->release();
        return true;
    }

    public function gc(int $max_lifetime): int|false
    {
        $count = 0;
        $limit = time() - $max_lifetime;
        foreach (glob($this->dir . '/sess_*') ?: [] as $file) {
            $mtime = @filemtime($file);
            if ($mtime !== false && $mtime < $limit && @unlink($file)) {
                $count++;
            }
        }
        return $count;
    }

    private function release(): void
    {
        if ($this->fp !== null) {
            flock($this->fp, LOCK_UN);
            fclose($this->fp);
        }
        $this->fp = null;
        $this->id = null;
    }
}
