/**
 * The words of a command: whitespace-separated tokens, "double-quoted" runs kept as one, Slack's
 * `<@U…|name>` escapes kept whole, with the offsets that let a parser give back text as typed.
 */

export interface Token {
  /** The word as typed (for a quoted word: its content, without the quotes). */
  text: string;
  quoted: boolean;
  /** Offsets of the whole token (quotes included) in the normalised text. */
  start: number;
  end: number;
}

const OPEN_QUOTES = '"“”„«';
const CLOSE_QUOTES = '"“”»';

function isSpace(ch: string): boolean {
  return /\s/u.test(ch);
}

/**
 * Split on whitespace. A "double-quoted" run is one token (straight or curly quotes; an unclosed
 * quote is just a character). A Slack `<@…>` / `<#…>` / `<!…>` escape is one token even if its
 * label has spaces.
 */
export function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  // nextClose[j]: the first closing quote at or after j, or -1 (keeps tokenising linear).
  const nextClose = new Int32Array(s.length + 1).fill(-1);
  for (let j = s.length - 1; j >= 0; j--) {
    nextClose[j] = CLOSE_QUOTES.includes(s[j] ?? '') ? j : (nextClose[j + 1] ?? -1);
  }
  let i = 0;
  while (i < s.length) {
    const ch = s[i] ?? '';
    if (isSpace(ch)) {
      i++;
      continue;
    }
    if (OPEN_QUOTES.includes(ch)) {
      const close = nextClose[i + 1] ?? -1;
      if (close !== -1) {
        tokens.push({ text: s.slice(i + 1, close).trim(), quoted: true, start: i, end: close + 1 });
        i = close + 1;
        continue;
      }
    }
    if (ch === '<' && /^<[@#!]/.test(s.slice(i, i + 2))) {
      const close = s.indexOf('>', i);
      const nextOpen = s.indexOf('<', i + 1);
      if (close !== -1 && (nextOpen === -1 || close < nextOpen)) {
        tokens.push({ text: s.slice(i, close + 1), quoted: false, start: i, end: close + 1 });
        i = close + 1;
        continue;
      }
    }
    let j = i;
    while (j < s.length && !isSpace(s[j] ?? '')) j++;
    tokens.push({ text: s.slice(i, j), quoted: false, start: i, end: j });
    i = j;
  }
  return tokens;
}

/** The lower-case keyword form of an unquoted token, or undefined for a quoted one. */
export function word(t: Token | undefined): string | undefined {
  return t === undefined || t.quoted ? undefined : t.text.toLowerCase();
}

/**
 * The text covered by tokens[from..to) as typed. A single quoted token gives its content;
 * otherwise the original substring (quotes and inner spacing kept), trimmed.
 */
export function rawText(s: string, tokens: readonly Token[], from: number, to: number): string {
  if (to <= from) return '';
  const first = tokens[from];
  const last = tokens[to - 1];
  if (!first || !last) return '';
  if (to - from === 1 && first.quoted) return first.text;
  return s.slice(first.start, last.end).trim();
}

/** The words of tokens[from..to) joined with single spaces (quoted ones without quotes). */
export function joinedText(tokens: readonly Token[], from: number, to: number): string {
  return tokens
    .slice(from, to)
    .map((t) => t.text)
    .filter((t) => t !== '')
    .join(' ')
    .trim();
}

/**
 * Slack's formatting undone: links it made of what was typed (`<mailto:ana@acme.com|ana@acme.com>`,
 * `<tel:+14155550100|+1 415 555 0100>`, `<http://acme.com|acme.com>`) become the text as typed, and
 * `&amp;`, `&lt;`, `&gt;` become `&`, `<`, `>`. Mentions (`<@U123|maria>`) are kept.
 */
export function unescapeSlack(text: string): string {
  return text
    .replace(/<((?:mailto|tel|https?):[^|<>\s]+)(?:\|([^<>]*))?>/g, (_, link: string, label: string | undefined) =>
      label ?? link.replace(/^(mailto|tel):/, ''),
    )
    .replace(/&(amp|lt|gt);/g, (_, name: string) => (name === 'amp' ? '&' : name === 'lt' ? '<' : '>'));
}

/** The text, cut to `max` characters with an ellipsis (for echoing what someone typed). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
