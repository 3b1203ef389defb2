// ofetch, one GET with cookies, for comparison.
import { ofetch } from 'ofetch';

ofetch('/api/me', { credentials: 'include' }).then(console.log);
