// The same SPA with the session-debug overlay mounted.
import { createSessionClient } from 'session-fetch';
import { mountOverlay } from 'session-fetch/overlay';

const client = createSessionClient();
mountOverlay(client);
client.get('/api/me').json().then(console.log);
