// A tab of the expiry suite. setupTab({ app, style }) makes window.client, whose onExpired logs in again with
// one of the login styles a page uses, counts its calls in window.handlerCalls, and resolves 'resume'.
(() => {
  const loaded = (frame) =>
    new Promise((resolve) => {
      const check = () => {
        try {
          if (frame.document.readyState === 'complete' && frame.location.href !== 'about:blank')
            return resolve();
        } catch {
          // not readable yet
        }
        setTimeout(check, 20);
      };
      check();
    });

  /** Fills and submits login.php's own form in a frame or popup, and waits for the answer page. */
  const formLogin = async (frame) => {
    await loaded(frame);
    const before = frame.document;
    const form = frame.document.forms[0];
    form.elements.user.value = 'alice';
    form.submit();
    await new Promise((resolve) => {
      const check = () => {
        try {
          if (frame.document !== before && frame.document.readyState === 'complete') return resolve();
        } catch {
          // navigating
        }
        setTimeout(check, 20);
      };
      check();
    });
  };

  window.setupTab = ({ app, style }) => {
    const base = app === 'plain' ? '/plain/' : '/';
    window.handlerCalls = 0;
    const logins = {
      marked: () => window.client.post(`${base}login.php`, { rotatesSession: true }).json(),
      unmarked: () => window.client.post(`${base}login.php`).json(),
      jquery: () =>
        new Promise((resolve, reject) => window.jQuery.post(`${base}login.php`).then(resolve, reject)),
      fetch: async () => {
        const response = await fetch(`${base}login.php`, { method: 'POST', credentials: 'include' });
        if (!response.ok) throw new Error(`login answered ${response.status}`);
      },
      iframe: async () => {
        const iframe = document.createElement('iframe');
        iframe.src = `${base}login.php`;
        document.body.append(iframe);
        await formLogin(iframe.contentWindow);
        iframe.remove();
      },
      popup: async () => {
        const popup = window.open(`${base}login.php`, 'login', 'width=400,height=300');
        await formLogin(popup);
        popup.close();
      },
    };
    // 'dialog': a login prompt the test answers (window.completeLogin()); it closes when told the prompt moved.
    const dialog = (context) =>
      new Promise((resolve) => {
        window.prompts = (window.prompts ?? 0) + 1;
        window.completeLogin = async () => {
          await logins.marked();
          resolve('resume');
        };
        context.signal.addEventListener('abort', () => {
          window.promptsClosed = (window.promptsClosed ?? 0) + 1;
          window.completeLogin = undefined;
          resolve('give-up');
        });
      });
    window.client = window.SessionFetch.createSessionClient({
      onExpired: async (context) => {
        window.handlerCalls++;
        window.promptedAt = Date.now();
        if (style === 'dialog') return dialog(context);
        await logins[style]();
        return 'resume';
      },
    });
    window.events = [];
    for (const name of ['session:expire', 'session:rotate', 'session:resume']) {
      window.client.on(name, () => window.events.push(name));
    }
    window.client.on('session:expire', () => {
      window.expiredAt ??= Date.now();
    });
    // How long each request that was held for the expiry took in all (the benchmark's maxHoldMs).
    window.holds = [];
    window.client.on('request:end', ({ request }) => {
      if (request.held) window.holds.push(request.endedAt - request.createdAt);
    });
    if (style === 'jquery') window.SessionFetch.jquery(window.jQuery, window.client);
  };

  // The test plays the user switching tabs: headless pages are all "visible" otherwise.
  let visibility = 'visible';
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
  window.setVisibility = (state) => {
    visibility = state;
    document.dispatchEvent(new Event('visibilitychange'));
  };

  /** Sends requests and keeps their outcomes in window.outcomes (name -> 'ok: ...' or the error's name). */
  window.fire = (requests) => {
    window.outcomes = window.outcomes ?? {};
    window.pending = (window.pending ?? 0) + requests.length;
    for (const { name, method, url, body } of requests) {
      window.client[method](url, body === undefined ? {} : { body })
        .json()
        .then(
          (answer) => {
            window.outcomes[name] = `ok: ${JSON.stringify(answer)}`;
          },
          (error) => {
            window.outcomes[name] = `${error.name}: ${error.message}`;
          },
        )
        .finally(() => {
          window.pending--;
        });
    }
  };
})();
