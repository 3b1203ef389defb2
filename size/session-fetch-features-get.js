// The same SPA with both features passed in: CSRF tokens and the lifecycle (expiry warning, keepalive, wake checks).
import { createSessionClient } from 'session-fetch';
import { csrf } from 'session-fetch/csrf';
import { lifecycle } from 'session-fetch/lifecycle';

const client = createSessionClient({
  features: [csrf({ refreshUrl: '/csrf.php' }), lifecycle({ heartbeat: '/keepalive.php' })],
});
client.get('/api/me').json().then(console.log);
