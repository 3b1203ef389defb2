// Mounts the debug overlay on a session client, open at once. session-fetch.overlay.global.js adds
// mountOverlay to the global SessionFetch of session-fetch.global.js.
document.addEventListener('DOMContentLoaded', () => {
  const { SessionFetch } = window;
  if (typeof SessionFetch?.mountOverlay !== 'function') {
    window.overlayError =
      'SessionFetch.mountOverlay is missing: dist/session-fetch.overlay.global.js did not load or does not add it';
    return;
  }
  const client = SessionFetch.createSessionClient();
  window.client = client;
  window.overlay = SessionFetch.mountOverlay(client, { open: true });
  document.getElementById('status').textContent = 'ready';
  window.overlayReady = true;
});
