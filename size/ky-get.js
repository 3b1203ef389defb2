// Plain ky, one GET with cookies, for comparison.
import ky from 'ky';

ky.get('/api/me', { credentials: 'include' }).json().then(console.log);
