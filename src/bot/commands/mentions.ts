/**
 * People named in commands: Slack sends `<@U123ABC|maria>` or `<@U123ABC>`, the console and
 * plain-text surfaces `@maria`. Handles are lower-cased and made of `[a-z0-9._-]`.
 */
import type { PersonRef } from './intent.js';

/** Slack user mention; Slack ids are upper-case letters and digits starting with U or W. */
const SLACK_MENTION = /^<@([UW][A-Z0-9]{1,40})(?:\|([^<>|]{0,80}))?>[.,;:!?]*$/;

/** `@handle`, optionally followed by sentence punctuation (`@maria,`). */
const HANDLE_MENTION = /^@([A-Za-z0-9._-]{1,64}?)[.,;:!?]*$/;

const HANDLE = /^[a-z0-9._-]{1,64}$/;

/** Normalise a typed handle: lower case, without `@`; undefined if it has other characters. */
export function normaliseHandle(raw: string): string | undefined {
  const handle = raw.replace(/^@/, '').toLowerCase();
  return HANDLE.test(handle) ? handle : undefined;
}

/**
 * Parse one whitespace-free token as a person: `<@U123ABC|maria>`, `<@U123ABC>` or `@maria`.
 * Returns undefined for anything else.
 */
export function parseMention(token: string): PersonRef | undefined {
  const slack = SLACK_MENTION.exec(token);
  if (slack) {
    const [, userId, label] = slack;
    if (userId === undefined) return undefined;
    const person: PersonRef = { userId };
    const handle = label === undefined ? undefined : normaliseHandle(label.trim());
    if (handle !== undefined) person.handle = handle;
    return person;
  }
  const plain = HANDLE_MENTION.exec(token);
  if (plain) {
    const [, raw] = plain;
    // Trailing dots are punctuation, not part of the handle (`@maria.` is maria).
    const handle = raw === undefined ? undefined : normaliseHandle(raw.replace(/\.+$/, ''));
    return handle === undefined ? undefined : { handle };
  }
  return undefined;
}

/** Whether a token is meant as a mention (starts with `@` or `<@`), valid or not. */
export function looksLikeMention(token: string): boolean {
  return token.startsWith('@') || token.startsWith('<@');
}

/** All the people mentioned in a piece of text, in order. */
export function findMentions(text: string): PersonRef[] {
  const people: PersonRef[] = [];
  for (const token of text.split(/\s+/)) {
    if (token === '') continue;
    const person = parseMention(token);
    if (person) people.push(person);
  }
  return people;
}
