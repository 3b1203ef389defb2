// An SPA module importing the ESM build (dist/index.js) the way a bundler-less app would, and zod, the app's own.
import * as z from 'zod';
import * as SessionFetch from '/dist/index.js';

const $ = (id) => document.getElementById(id);
// ?protocol=0 in the page's URL is passed on to the API (the PHP app's per-request switch).
const protocol = new URLSearchParams(location.search).get('protocol');
const api = (path) =>
  protocol === null ? path : `${path}${path.includes('?') ? '&' : '?'}protocol=${protocol}`;
const client = SessionFetch.createSessionClient();

// The session snapshot, rendered on every change.
const snapshots = [];
const render = () => {
  const session = client.session;
  snapshots.push(session);
  $('status').textContent = session.status;
  $('fingerprint').textContent = session.fingerprint ?? '-';
  $('rotations').textContent = String(session.rotations);
  $('source').textContent = session.source;
};
client.subscribe(render);
render();

// Session events, listed in the page.
for (const name of ['session:start', 'session:rotate', 'session:expire', 'session:resume']) {
  client.on(name, ({ session, previous }) => {
    const item = document.createElement('li');
    item.dataset.event = name;
    item.dataset.fingerprint = session.fingerprint ?? '';
    item.dataset.previous = previous.fingerprint ?? '';
    item.textContent = `${name} ${previous.fingerprint ?? '(none)'} -> ${session.fingerprint ?? '(none)'}`;
    $('events').append(item);
  });
}

$('login').addEventListener('click', async () => {
  const data = await client.post(api('/login.php?user=alice'), { rotatesSession: true }).json();
  $('user').textContent = data.user;
});
$('whoami').addEventListener('click', async () => {
  const data = await client.get(api('/whoami.php')).json();
  $('user').textContent = data.user ?? 'nobody';
});

// A typed call: .json(schema) checks the answer with zod (any Standard Schema) and keeps only the schema's keys.
const Profile = z.object({ user: z.string(), counter: z.number() });
$('profile').addEventListener('click', async () => {
  try {
    const profile = await client.get(api('/whoami.php')).json(Profile);
    $('profile-result').textContent = JSON.stringify(profile);
  } catch (error) {
    if (!(error instanceof SessionFetch.SchemaValidationError)) throw error;
    $('profile-result').textContent =
      `${error.name}: ${error.issues.map((issue) => issue.path.join('.')).join(', ')}`;
  }
});

Object.assign(window, { SessionFetch, client, snapshots, spaReady: true });
