// An SPA that creates a client and makes one GET: what `import { createSessionClient }` costs.
import { createSessionClient } from 'session-fetch';

const client = createSessionClient();
client.get('/api/me').json().then(console.log);
