// Mounts the debug overlay on a session client, open at once. session-fetch.overlay.global.js adds
// mountOverlay to the global SessionFetch of session-fetch.global.js.
// onExpired does what the test sets in window.expiryDecision: 'resume' logs in again first, else it gives up.
// ?lockRetries=N sets lockRetry.limit.
document.addEventListener('DOMContentLoaded', () => {
  const { SessionFetch } = window;
  if (typeof SessionFetch?.mountOverlay !== 'function') {
    window.overlayError =
      'SessionFetch.mountOverlay is missing: dist/session-fetch.overlay.global.js did not load or does not add it';
    return;
  }
  const limit = new URLSearchParams(location.search).get('lockRetries');
  const client = SessionFetch.createSessionClient({
    ...(limit ? { lockRetry: { limit: Number(limit), baseDelay: 0 } } : {}),
    onExpired: async () => {
      if (window.expiryDecision !== 'resume') return 'give-up';
      await client.post('/login.php?user=erin', { rotatesSession: true });
      return 'resume';
    },
  });
  window.client = client;
  window.overlay = SessionFetch.mountOverlay(client, { open: true });
  document.getElementById('status').textContent = 'ready';
  window.overlayReady = true;
});
