// The demo's HTML pages: the index (what to try) and the two demo pages. No inline script or style: the pages
// are served with `Content-Security-Policy: default-src 'self'`.

/** The SPA or the legacy page: the scenarios, the session panels, the Results log and the login dialog. */
export const demoPage = ({ title, backend, scripts, kind }) => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · session-fetch demo</title>
<link rel="stylesheet" href="/assets/demo.css">
${scripts.map((script) => `<script ${script.module ? 'type="module" ' : 'defer '}src="${script.src}"></script>`).join('\n')}
</head>
<body data-page="${kind}" data-backend="${backend}">
<header>
  <h1>session-fetch <small>${title}</small></h1>
  <nav><a href="/spa.html"${kind === 'spa' ? ' aria-current="page"' : ''}>SPA (ESM)</a> <a href="/legacy.html"${kind === 'legacy' ? ' aria-current="page"' : ''}>Legacy (script tag + jQuery)</a> <span class="backend">backend: ${backend === 'php' ? 'PHP (php-fpm + nginx)' : 'embedded PHP engine'}</span></nav>
</header>
<main>
  <section class="card" aria-label="Scenarios">
    <h2>Scenarios</h2>
    <div class="buttons">
      <button type="button" data-scenario="login">Log in (rotates the id)</button>
      <button type="button" data-scenario="logout">Log out</button>
      <button type="button" data-scenario="expire">Expire the session now</button>
      <button type="button" data-scenario="hold">Hold the lock 5 s</button>
      <button type="button" data-scenario="writes">20 concurrent writes</button>
      <button type="button" data-scenario="long">Long request outliving the session</button>
      <button type="button" data-scenario="tab">Open a second tab</button>
    </div>
    <p id="busy" class="busy" aria-live="polite"></p>
    <p class="hint">Results says what happened and why; the overlay (Ctrl+Shift+S) shows every attempt.</p>
  </section>
  <section class="card" aria-label="Session">
    <dl class="state">
      <dt>User</dt><dd id="user">…</dd>
      <dt>Counter</dt><dd id="counter">…</dd>
      <dt>Session</dt><dd id="status">unknown</dd>
      <dt>Fingerprint</dt><dd id="fp">—</dd>
    </dl>
  </section>
  <section class="card" aria-label="Results">
    <h2>Results</h2>
    <ol id="results" reversed></ol>
  </section>
</main>
<dialog id="login-dialog">
  <form method="dialog" id="login-form">
    <h2>Your session has expired</h2>
    <p id="login-reason">Log in again to continue; the requests waiting are sent once you are back.</p>
    <label>User <input name="user" id="login-user" value="alice" autocomplete="username"></label>
    <div class="buttons">
      <button type="submit" value="login" id="login-submit">Log in</button>
      <button type="submit" value="cancel" id="login-cancel" formnovalidate>Give up</button>
    </div>
  </form>
</dialog>
</body>
</html>
`;

/** The first page: what to try, in three lines, and links to both pages. */
export const indexPage = (backend) => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>session-fetch demo</title>
<link rel="stylesheet" href="/assets/demo.css">
</head>
<body data-page="index" data-backend="${backend}">
<header>
  <h1>session-fetch <small>demo</small></h1>
  <nav><a href="/spa.html">SPA (ESM)</a> <a href="/legacy.html">Legacy (script tag + jQuery)</a> <span class="backend">backend: ${backend === 'php' ? 'PHP (php-fpm + nginx)' : 'embedded PHP engine'}</span></nav>
</header>
<main class="index">
  <section class="card" aria-label="What to try">
    <h2>What to try</h2>
    <ol class="try">
      <li>Open the <a href="/spa.html">SPA</a> (an ES module) or the <a href="/legacy.html">legacy page</a> (script tag and <code>$.ajax</code>): the same PHP-style session, ${backend === 'php' ? 'served by the real PHP app on php-fpm + nginx' : 'served by the embedded engine of <code>session-fetch/testing</code>'}.</li>
      <li>Click <b>Log in</b>, then <b>Expire the session now</b>: the next request is held, the login dialog opens, and once you are back it is sent again.</li>
      <li>Watch the Results log say what happened and why, and the overlay (bottom right) show each attempt, the events and what Diagnostics finds.</li>
    </ol>
  </section>
</main>
</body>
</html>
`;
