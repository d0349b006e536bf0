/**
 * A person's words, cleaned once on their way into the domain (every zod schema that takes text
 * from people builds on `lineText` or `bodyText`), so that SQLite and PostgreSQL store the same
 * thing and no surface has to guess:
 *
 * - control characters (NUL, BEL, ESC, DEL, the C1 range …) are removed: PostgreSQL refuses NUL
 *   in text, and the others only ever garble a terminal or a chat message;
 * - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are removed:
 *   they make text read differently from what it is ("Trojan Source");
 * - whitespace is normalised: a single-line value (a title, a name, a next action, a lost
 *   reason) becomes words separated by single spaces; a multi-line body (an activity) keeps its
 *   line breaks, with at most one blank line in a row;
 * - everything else, quotes and apostrophes included, is kept exactly as typed.
 *
 * Limits are counted on the cleaned text and stated as applied: "at most 200 characters".
 */
import { z } from 'zod';

/** Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/gu;
/** C0 controls other than the whitespace ones (tab, line feed, vertical tab, form feed, carriage return), DEL, and C1 controls other than NEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are removed.
const CONTROLS = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]/gu;
/** Every way of breaking a line: CR LF, CR, vertical tab, form feed, NEL, line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- vertical tab and form feed are line breaks here.
const LINE_BREAKS = /\r\n|[\r\u000B\u000C\u0085\u2028\u2029]/gu;

function stripInvisible(text: string): string {
  return text.replace(CONTROLS, '').replace(BIDI_CONTROLS, '');
}

/** One line of text: controls and bidi overrides removed, any run of whitespace (line breaks too) one space, trimmed. */
export function cleanLine(text: string): string {
  return stripInvisible(text.replace(LINE_BREAKS, '\n')).replace(/\s+/gu, ' ').trim();
}

/**
 * A multi-line body: controls and bidi overrides removed, line breaks kept as `\n` (at most one
 * blank line in a row), other whitespace within a line one space, each line trimmed.
 */
export function cleanBody(text: string): string {
  return stripInvisible(text.replace(LINE_BREAKS, '\n'))
    .split('\n')
    .map((line) => line.replace(/\s+/gu, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The words of a limit as it is applied: "at most 200 characters". */
export const atMost = (max: number) => `at most ${max.toLocaleString('en-US')} characters`;

/** A single-line value from a person, cleaned (`cleanLine`), 1 to `max` characters after cleaning. */
export function lineText(max: number, emptyMessage = 'it can’t be empty') {
  return z.string().overwrite(cleanLine).min(1, emptyMessage).max(max, atMost(max));
}

/** A single-line value from a person that may be empty after cleaning (a contact's job title). */
export function optionalLineText(max: number) {
  return z.string().overwrite(cleanLine).max(max, atMost(max));
}

/** A multi-line body from a person, cleaned (`cleanBody`), 1 to `max` characters after cleaning. */
export function bodyText(max: number, emptyMessage = 'it can’t be empty') {
  return z.string().overwrite(cleanBody).min(1, emptyMessage).max(max, atMost(max));
}

/** Case- and accent-insensitive keys for lookups that must work the same on SQLite and PostgreSQL. */
export function searchKey(...parts: (string | null | undefined)[]): string {
  return cleanLine(
    parts
      .filter((p): p is string => Boolean(p))
      .join(' ')
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase(),
  );
}

/**
 * The escape character of every LIKE the domain writes (`… LIKE ? ESCAPE '!'`). Not a backslash:
 * SQLite's LIKE has no escape character unless one is named, PostgreSQL's is a backslash unless
 * one is named, and Prisma's `contains`/`startsWith` name none, so they treat `%` and `_` in a
 * person's text as wildcards on both databases. Naming `!` makes both read the same pattern.
 */
export const LIKE_ESCAPE = '!';

/** Escapes LIKE's wildcards (and the escape character) so a person's text is matched literally. */
export function likeEscape(text: string): string {
  return text.replace(/[!%_]/g, (c) => `${LIKE_ESCAPE}${c}`);
}

/** A LIKE pattern for "contains this text, literally" (`… LIKE ${likeContains(key)} ESCAPE '!'`). */
export const likeContains = (text: string) => `%${likeEscape(text)}%`;

/** A LIKE pattern for "starts with this text, literally". */
export const likeStartsWith = (text: string) => `${likeEscape(text)}%`;
