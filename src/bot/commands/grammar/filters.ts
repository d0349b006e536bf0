/**
 * Custom-field filters in a list command: `source=partner`, `seats>10`, `renewal<=2027-01-01`,
 * `source="Trade show"`, `source = partner`, `source=-` (no value). The words that are not a
 * filter are given back for the list's own scope (`mine`, `all`, a stage, a company).
 */
import type { FieldFilter } from '../../../domain/fields/field.lines.js';
import type { Token } from './tokens.js';

const FILTER = /^([\p{L}\p{N}_.-]+)(>=|<=|=|>|<)(.*)$/su;
const OP = /^(>=|<=|=|>|<)$/;
const OPEN_QUOTE = /^["“”„«]/;
const CLOSE_QUOTE = /["“”»]$/;

/** The most filters one command takes (the domain refuses more). */
export const MAX_LIST_FILTERS = 5;

export interface ReadFilters {
  filters: FieldFilter[];
  /** The tokens that are not part of a filter, in order. */
  rest: Token[];
}

/** Reads every `key<op>value` among `tokens[from..]`; `error` when one has no value. */
export function readFilters(s: string, tokens: readonly Token[], from: number): ReadFilters | { error: string } {
  const filters: FieldFilter[] = [];
  const rest: Token[] = [];
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    // `source = partner`: three words.
    if (!t.quoted && next && !next.quoted && OP.test(next.text) && /^[\p{L}\p{N}_.-]+$/u.test(t.text)) {
      const value = tokens[i + 2];
      if (!value) return { error: `What should ${t.text} be? e.g. \`${t.text}${next.text}…\`.` };
      filters.push({ key: t.text, op: next.text as FieldFilter['op'], value: value.text });
      i += 2;
      continue;
    }
    const m = t.quoted ? null : FILTER.exec(t.text);
    if (!m) {
      rest.push(t);
      continue;
    }
    const key = m[1]!;
    const op = m[2] as FieldFilter['op'];
    let value = m[3] ?? '';
    if (value === '') {
      // `source= partner`, `source= "Trade show"`
      if (!next) return { error: `What should ${key} be? e.g. \`${key}${op}…\`, or \`${key}=-\` for the ones without it.` };
      value = next.text;
      i++;
    } else if (OPEN_QUOTE.test(value) && !(value.length > 1 && CLOSE_QUOTE.test(value))) {
      // `source="Trade show"`: the quote opened inside this word closes in a later one.
      let end = i;
      while (end + 1 < tokens.length && !CLOSE_QUOTE.test(tokens[end]!.text)) end++;
      if (end > i && CLOSE_QUOTE.test(tokens[end]!.text)) {
        value = s.slice(t.start + key.length + op.length, tokens[end]!.end);
        i = end;
      }
    }
    filters.push({ key, op, value: value.replace(/^["“”„«]|["“”»]$/g, '').trim() });
  }
  return { filters, rest };
}

/** Whether any of the tokens is a filter (for a command's `fits`). */
export function hasFilter(tokens: readonly Token[], from: number): boolean {
  const read = readFilters('', tokens, from);
  return 'filters' in read && read.filters.length > 0;
}
