<?php
// The parity suite's script (test/parity): runs the session steps listed in ?do= (comma-separated) and answers
// what the script saw. Its twin for the mock engine is stepsRoute in test/parity/steps.ts: change both together.
//   ?helper=1 (default) session_fetch_start() (the helper's protocol), ?helper=0 plain session_start()
//   start | read (read_and_close) | close (session_write_close) | regenerate | regenerate-keep (false)
//   | destroy | clear ($_SESSION = []) | login (user = alice) | count (counter + 1) | protected (401 unless user)
//   | hold:<ms>
//   ?quiet=1 answers 204 with no output (its headers then go out only after PHP closed the session)
declare(strict_types=1);

require __DIR__ . '/../../../php/session-fetch.php';

$helper = ($_GET['helper'] ?? '1') !== '0';
$start = static function (array $options) use ($helper): void {
    if ($helper) {
        session_fetch_start($options);
    } else {
        session_start($options);
    }
};
foreach (array_filter(explode(',', (string) ($_GET['do'] ?? ''))) as $step) {
    [$name, $arg] = array_pad(explode(':', $step, 2), 2, '');
    match ($name) {
        'start' => $start([]),
        'read' => $start(['read_and_close' => true]),
        'close' => session_write_close(),
        'regenerate' => session_regenerate_id(true),
        'regenerate-keep' => session_regenerate_id(false),
        'destroy' => session_destroy(),
        'clear' => $_SESSION = [],
        'login' => $_SESSION['user'] = 'alice',
        'count' => $_SESSION['counter'] = ($_SESSION['counter'] ?? 0) + 1,
        'protected' => isset($_SESSION['user']) || http_response_code(401),
        'hold' => usleep((int) $arg * 1000),
    };
}
if (($_GET['quiet'] ?? '') === '1') {
    http_response_code(204);
    return;
}
$keys = array_values(array_diff(array_keys($_SESSION ?? []), ['__sf']));
sort($keys);
header('Content-Type: application/json');
echo json_encode([
    'user' => $_SESSION['user'] ?? null,
    'counter' => $_SESSION['counter'] ?? 0,
    'keys' => $keys,
    'active' => session_status() === PHP_SESSION_ACTIVE,
]);
