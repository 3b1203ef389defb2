import type { RouteScript } from '../../src/testing/index.js';

/**
 * The parity suite's script for the mock engine: the twin of test/php-app/parity/steps.php (change both together).
 * It runs the session steps listed in `?do=` (comma-separated) and answers what the script saw:
 *   `?helper=1` (default) speaks the helper's protocol, `?helper=0` is plain session_start();
 *   start | read (read_and_close) | close (session_write_close) | regenerate | regenerate-keep (false)
 *   | destroy | clear ($_SESSION = []) | login (user = alice) | count (counter + 1) | protected (401 unless user)
 *   | hold:<ms>
 *   `?quiet=1` answers 204 with no output (its headers then go out only after PHP closed the session)
 */
export const stepsRoute: RouteScript = async (php) => {
  const protocol = php.query.get('helper') !== '0';
  const steps = (php.query.get('do') ?? '').split(',').filter(Boolean);
  let started = false;
  for (const step of steps) {
    const [name, arg = ''] = step.split(':');
    switch (name) {
      case 'start':
      case 'read':
        await php.session_start({ read_and_close: name === 'read', protocol });
        started = true;
        break;
      case 'close':
        php.session_write_close();
        break;
      case 'regenerate':
      case 'regenerate-keep':
        await php.session_regenerate_id(name === 'regenerate');
        break;
      case 'destroy':
        php.session_destroy();
        break;
      case 'clear':
        for (const key of Object.keys(php.$_SESSION)) delete php.$_SESSION[key];
        break;
      case 'login':
        php.$_SESSION.user = 'alice';
        break;
      case 'count':
        php.$_SESSION.counter = Number(php.$_SESSION.counter ?? 0) + 1;
        break;
      case 'protected':
        if (php.$_SESSION.user === undefined) php.http_response_code(401);
        break;
      case 'hold':
        await php.sleep(Number(arg));
        break;
      default:
        throw new Error(`steps: unknown step ${step}`);
    }
  }
  if (php.query.get('quiet') === '1') return new Response(null, { status: 204 });
  // No session started: PHP's $_SESSION is unset (the PHP script reads it as []).
  const data: Record<string, unknown> = started ? php.$_SESSION : {};
  return php.json({
    user: data.user ?? null,
    counter: data.counter ?? 0,
    keys: Object.keys(data).sort(),
    active: php.session_status() === 2,
  });
};
