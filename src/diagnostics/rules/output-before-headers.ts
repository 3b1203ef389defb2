import type { Rule } from '../types.js';
import { label } from '../util.js';

// PHP's messages, as display_errors prints them: HTML (`<br />\n<b>Warning</b>:  ... in <b>/a.php</b> on line
// <b>3</b><br />`, Xdebug's table with "( ! )"), or plain text (CLI-style, `PHP Notice:` with log_errors to stderr).
const message =
  /^\s*(?:\(\s*!\s*\)\s*)?(?:PHP )?((?:Catchable |Recoverable )?(?:Fatal|Parse) error|Warning|Notice|Deprecated|Strict Standards)\s*:\s*([^\n]*?)\s+in\s+(\S+)\s+on line\s+(\d+)/i;
const headersSent =
  /headers already sent|Cannot modify header information|after headers have already been sent/i;

/** Strips tags and decodes the few entities PHP uses, to read the message as text. */
const plain = (text: string): string =>
  text
    .replace(/<[^>]*>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** PHP warnings printed in front of the body: broken JSON, and headers (Set-Cookie) that could not be sent. */
export const outputBeforeHeaders: Rule = (context) => (observation, report) => {
  if (observation.type !== 'body') return;
  const text = plain(observation.text);
  const match = message.exec(text);
  if (!match) return;
  const [, level = '', what = '', file = '', line = ''] = match;
  const sent = headersSent.test(text);
  const first = `${level}: ${what.slice(0, 160)} in ${file} on line ${line}`;
  report({
    id: 'output-before-headers',
    key: `${file}:${line}`,
    severity: 'error',
    title: sent
      ? 'Headers already sent: PHP output came before them'
      : 'PHP printed a message before the body',
    detail:
      `${label(observation.request, context)} answered with "${first}" in front of its body` +
      (sent
        ? ', so PHP could not send its headers: Set-Cookie (the session) and the protocol headers are missing.'
        : '; the JSON cannot be parsed, and output before session_start() or header() keeps PHP from sending Set-Cookie.'),
    fix: 'Fix what the message reports, and turn display_errors off outside development (log the errors instead).',
    requestId: observation.request.id,
  });
};
