<?php
// A legacy PHP page: rendered with the session, jQuery and the script-tag build of session-fetch, and $.ajax
// calls made session-aware by SessionFetch.jquery($, { onExpired }). ?jq=3|4 picks the jQuery version.
require __DIR__ . '/../_bootstrap.php';
app_start(['read_and_close' => true]);
$jq = ($_GET['jq'] ?? '3') === '4' ? '4' : '3';
$user = $_SESSION['user'] ?? null;
header('Content-Type: text/html; charset=UTF-8');
?><!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Legacy page (jQuery <?= $jq ?>)</title>
<script src="/vendor/jquery<?= $jq ?>.js"></script>
<script src="/dist/session-fetch.global.js"></script>
</head>
<body>
<h1>Orders</h1>
<p id="hello">Hello <?= htmlspecialchars($user ?? 'guest') ?></p>
<dialog id="login-dialog">
  <form id="login-form">
    <p>Your session has expired. Log in again.</p>
    <label>User <input id="login-user" name="user" autocomplete="off"></label>
    <button id="login-submit" type="submit">Log in</button>
    <button id="login-cancel" type="button">Cancel</button>
  </form>
</dialog>
<ul id="log"></ul>
<script>
  // What the test reads: callbacks per tag (each must fire once), dialogs shown, errors.
  window.results = { success: {}, error: {}, complete: {}, dialogs: 0, logins: [] };

  function note(text) {
    $('<li>').text(text).appendTo('#log');
  }

  // The app's login dialog: shown once per expiry; its form logs in with $.post (rotatesSession) and resumes.
  function onExpired(context) {
    window.results.dialogs++;
    var dialog = document.getElementById('login-dialog');
    dialog.showModal();
    note('session expired, ' + context.waiting + ' waiting');
    return new Promise(function (resolve) {
      $('#login-cancel').off('click').on('click', function () {
        dialog.close();
        resolve('give-up');
      });
      $('#login-form').off('submit').on('submit', function (event) {
        event.preventDefault();
        var user = $('#login-user').val();
        $.post({ url: '/login.php?user=' + encodeURIComponent(user), dataType: 'json', rotatesSession: true })
          .done(function (data) {
            window.results.logins.push(data.user);
            $('#hello').text('Hello ' + data.user);
            dialog.close();
            resolve('resume');
          })
          .fail(function () {
            dialog.close();
            resolve('give-up');
          });
      });
    });
  }

  window.sessionFetch = SessionFetch.jquery($, { onExpired: onExpired });
  // The adapter's client (or the adapter itself when it is the client), to read the session state.
  window.client = window.sessionFetch && window.sessionFetch.session !== undefined
    ? window.sessionFetch
    : window.sessionFetch && window.sessionFetch.client;

  // $.ajax with callbacks that count per tag.
  window.call = function (tag, settings) {
    return $.ajax($.extend({ dataType: 'json' }, settings, {
      success: function (data) {
        (window.results.success[tag] = window.results.success[tag] || []).push(data);
      },
      error: function (xhr, status, error) {
        (window.results.error[tag] = window.results.error[tag] || []).push(status + ' ' + xhr.status + ' ' + error);
      },
      complete: function () {
        window.results.complete[tag] = (window.results.complete[tag] || 0) + 1;
      }
    }));
  };

  window.legacyReady = true;
</script>
</body>
</html>
