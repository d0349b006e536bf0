/** Readers for the words that describe people and companies: emails, phone numbers, web domains. */
import type { Token } from './tokens.js';

const EMAIL = /^[^\s@<>"'()[\]]+@[^\s@<>"'()[\]]+\.[a-z]{2,}$/i;
const DOMAIN = /^(?:https?:\/\/)?(?:www\.)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,})\/?$/i;

/** An email address as typed (`ana@acme.com`), lower case; undefined when the word is not one. */
export function emailIn(t: Token | undefined): string | undefined {
  if (!t || t.quoted) return undefined;
  const text = t.text.replace(/[.,;]$/, '');
  return EMAIL.test(text) ? text.toLowerCase() : undefined;
}

/** A web domain (`acme.com`, `https://www.acme.com/`), lower case without scheme or www. */
export function domainIn(t: Token | undefined): string | undefined {
  if (!t || t.quoted || t.text.includes('@')) return undefined;
  return DOMAIN.exec(t.text)?.[1]?.toLowerCase();
}

/** A word that starts a phone number: `+1`, `+44-20…`, `(415)`, `0171…`, `415-555-0100`. */
function phoneStart(text: string): boolean {
  return /^(\+\d|\(\d|\d)[\d().-]*$/.test(text) && /\d/.test(text);
}

/**
 * A phone number starting at tokens[i], possibly several words (`+1 415 555 0100`): the number and
 * how many words it took. At least 7 digits in all; a lone short number (`3`, `2026`) is not one.
 */
export function phoneAt(tokens: readonly Token[], i: number): { phone: string; used: number } | undefined {
  const first = tokens[i];
  if (!first || first.quoted || !phoneStart(first.text)) return undefined;
  let j = i;
  const parts: string[] = [];
  while (j < tokens.length) {
    const t = tokens[j];
    if (!t || t.quoted || !/^[\d().+-]+$/.test(t.text) || (j > i && t.text.startsWith('+'))) break;
    parts.push(t.text);
    j++;
  }
  const phone = parts.join(' ');
  const digits = phone.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 20 ? { phone, used: j - i } : undefined;
}

/** The index of the last unquoted `keyword` in tokens[from..to), or -1. */
export function lastWord(tokens: readonly Token[], keyword: string, from: number, to: number = tokens.length): number {
  for (let i = to - 1; i >= from; i--) {
    const t = tokens[i];
    if (t && !t.quoted && t.text.toLowerCase() === keyword) return i;
  }
  return -1;
}
