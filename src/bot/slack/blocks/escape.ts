/**
 * Making people's words safe to show in Slack, and short enough for Slack's limits.
 *
 * The approach, in one place:
 * - Text from people (titles, companies, names, next actions, activity bodies, search words)
 *   shown inside `mrkdwn` goes through `escapeMrkdwn`: `&`, `<`, `>` become entities, so nothing a
 *   person typed can become a link, a mention or `<!channel>`; and every `*`, `_`, `~` and `` ` ``
 *   gets a zero-width space (U+200B) on both sides, so it can neither open nor close bold,
 *   italics, strike-through or code, nor pair with the markup we wrap around it (`*heading*`).
 *   Slack has no escape character for these. Both sides, because an opener must follow a word
 *   boundary and a closer must precede one: whether Slack counts U+200B as a boundary or as a
 *   letter, one of the two rules fails on each side. The visible characters stay the same (the
 *   cost: the invisible spaces are copied along with the text, and `:emoji_codes:` with
 *   underscores typed by a person show as text).
 * - Our own text that uses markup on purpose (help, hints with `code`) goes through
 *   `escapeControl`, which escapes only `&`, `<`, `>`.
 * - `plain_text` objects (buttons, options, modal labels, initial values) are never parsed for
 *   markup or mentions, so they take raw text and are only truncated.
 * - Lengths are measured in UTF-16 code units (`String#length`), which is never less than what Slack
 *   counts, and cuts never split a surrogate pair, an entity or a `<…>` token.
 */

/** Slack's limits live in limits.ts (one table, each number with its source); re-exported for the builders. */
export { SLACK_LIMITS } from './limits.js';

const ZWSP = '\u200B';

/** Escapes Slack's three control characters, leaving intended markup (`*bold*`, `code`) alone. */
export function escapeControl(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Makes a person's words inert inside mrkdwn: no links, mentions or formatting. See the file comment. */
export function escapeMrkdwn(text: string): string {
  return escapeControl(text).replace(/[*_~`]/g, (c) => ZWSP + c + ZWSP);
}

/** Shortens raw (unescaped) text to at most `max` UTF-16 units, ending with `…` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  return `${cutBefore(text, max - 1)}…`;
}

/**
 * Shortens text that is already mrkdwn (escaped), without leaving half an entity (`&am`), half a
 * `<@U…>` token, or a formatting character separated from its zero-width space.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  return `${safeMrkdwnCut(cutBefore(text, max - 1))}…`;
}

/**
 * Splits mrkdwn into chunks of at most `max` characters: at line breaks where possible, then at
 * spaces, and only as a last resort mid-word (never inside an entity or a `<…>` token).
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  const flush = () => {
    if (current.trim()) chunks.push(current);
    current = '';
  };
  for (const line of text.split('\n')) {
    const joined = current ? `${current}\n${line}` : line;
    if (joined.length <= max) {
      current = joined;
      continue;
    }
    flush();
    let rest = line;
    while (rest.length > max) {
      let piece = safeMrkdwnCut(cutBefore(rest, max));
      const space = piece.lastIndexOf(' ');
      if (space > max / 2) piece = piece.slice(0, space + 1);
      if (!piece) piece = cutBefore(rest, max) || rest.slice(0, 2); // one token longer than max: cut it anyway
      chunks.push(piece);
      rest = rest.slice(piece.length);
    }
    current = rest;
  }
  flush();
  return chunks;
}

/** The longest prefix of at most `max` units that does not end inside a surrogate pair. */
function cutBefore(text: string, max: number): string {
  let cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

/** Drops a trailing partial entity, an unclosed `<…` token, or a formatting char without its ZWSP. */
function safeMrkdwnCut(cut: string): string {
  return cut.replace(/&[#a-zA-Z0-9]*$/, '').replace(/<[^>]*$/, '').replace(/[*_~`]$/, '');
}
