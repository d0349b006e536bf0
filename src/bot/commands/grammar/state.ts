/**
 * What every command parser works on (the typed words and the context they are read in) and the
 * small readers several command families share: deal references, stages, the `ok`/`fail` results.
 */
import type { DecimalSeparator } from '../amount.js';
import { DATE_EXAMPLES, type DateContext } from '../dates.js';
import { DEAL_REF_PATTERN, type ParseContext } from '../intent.js';
import { clip, tokenize, unescapeSlack, word, type Token } from './tokens.js';

export interface ParseState {
  /** The normalised text (Slack escapes undone). */
  s: string;
  /** Its words; tokens[0] is the command word (a leading `/deal` or `deal` is dropped). */
  tokens: Token[];
  ctx: ParseContext;
  dateCtx: DateContext;
  /** The workspace's stage keys and names, lower case. */
  stages: string[];
  /** The workspace's decimal mark, when the context gives one. */
  decimalSeparator?: DecimalSeparator;
  /** Every word that starts a command (for parsers that must not swallow one, such as `help`). */
  commandWords: ReadonlySet<string>;
}

export interface ParseError {
  /** One friendly sentence saying what was wrong. */
  message: string;
  /** The nearest correct usage, e.g. "/deal next <ref> <action> [by <date>]". */
  usage: string;
}

/**
 * `notes`: things the answer should tell the person about how their words were read (an amount
 * read one way of two, a date in the past). Each is one friendly sentence.
 */
export type ParseOutcome<I> = { ok: true; intent: I; notes?: string[] } | { ok: false; error: ParseError };

export function ok<I>(intent: I, notes: readonly (string | undefined)[] = []): ParseOutcome<I> {
  const said = notes.filter((n): n is string => n !== undefined && n !== '');
  return said.length > 0 ? { ok: true, intent, notes: said } : { ok: true, intent };
}

export function fail(message: string, usage: string): { ok: false; error: ParseError } {
  return { ok: false, error: { message, usage } };
}

export const LIMITS = {
  /** Longest command text accepted at all. */
  input: 5000,
  title: 200,
  query: 200,
  reason: 500,
  action: 500,
  logText: 4000,
  /** Most words a `close <date>` / `by <date>` date may have. */
  dateWords: 6,
} as const;

/** The stages assumed when the context does not list the workspace's own. */
export const DEFAULT_STAGES: readonly string[] = ['new', 'qualified', 'proposal', 'negotiation', 'won', 'lost'];

export function makeState(text: string, ctx: ParseContext, commandWords: ReadonlySet<string>): ParseState {
  const s = unescapeSlack(text);
  let tokens = tokenize(s);
  const lead = word(tokens[0]);
  if (lead === '/deal' || lead === 'deal') tokens = tokens.slice(1);
  const now = ctx?.now instanceof Date ? ctx.now : new Date(Number.NaN);
  const state: ParseState = {
    s,
    tokens,
    ctx,
    dateCtx: { now, timeZone: typeof ctx?.timeZone === 'string' ? ctx.timeZone : 'UTC' },
    stages: normaliseStages(ctx?.stages),
    commandWords,
  };
  if (ctx?.decimalSeparator === '.' || ctx?.decimalSeparator === ',') state.decimalSeparator = ctx.decimalSeparator;
  return state;
}

/** The context's default currency, or '' when it has none. */
export function defaultCurrencyOf(state: ParseState): string {
  return typeof state.ctx?.defaultCurrency === 'string' ? state.ctx.defaultCurrency : '';
}

export function amountOptions(state: ParseState): { decimalSeparator?: DecimalSeparator } {
  return state.decimalSeparator === undefined ? {} : { decimalSeparator: state.decimalSeparator };
}

/** Normalise a deal reference (`D-42`, `d42`, `#42`) to `D-42`; undefined if it is not one. */
export function parseDealRef(token: string): string | undefined {
  const m = DEAL_REF_PATTERN.exec(token) ?? /^#(\d{1,9})$/.exec(token);
  const digits = m?.[1];
  if (digits === undefined) return undefined;
  return `D-${Number.parseInt(digits, 10)}`;
}

/** The deal reference in an unquoted token, if it is one. */
export function dealRefIn(t: Token | undefined): string | undefined {
  return t && !t.quoted ? parseDealRef(t.text) : undefined;
}

/** The workspace's stages, lower case with single spaces, in their given order. */
function normaliseStages(stages: readonly string[] | undefined): string[] {
  const list = (Array.isArray(stages) ? stages : [])
    .filter((s): s is string => typeof s === 'string')
    .map((s) => s.trim().toLowerCase().replace(/\s+/g, ' '))
    .filter((s) => s !== '');
  return [...new Set(list.length > 0 ? list : DEFAULT_STAGES)];
}

/** The stage in `stages` spelled by all of `words` (case-insensitive), if any. */
export function matchStage(words: readonly string[], stages: readonly string[]): string | undefined {
  const typed = words.join(' ').toLowerCase();
  return stages.find((s) => s === typed);
}

export function stageList(stages: readonly string[]): string {
  return stages.join(', ');
}

/** The deal reference after the command word (`/deal won D-42`), or the error to return. */
export function refAt(state: ParseState, name: string, usage: string, at = 1): { ref: string } | { error: { ok: false; error: ParseError } } {
  const token = state.tokens[at];
  const ref = dealRefIn(token);
  if (ref !== undefined) return { ref };
  const what =
    token === undefined
      ? `Which deal? \`/deal ${name}\` needs a deal reference like D-42.`
      : `"${clip(token.text, 30)}" isn't a deal reference; \`/deal ${name}\` needs one like D-42.`;
  return { error: fail(`${what} Find it with \`/deal <search text>\`.`, usage) };
}

/**
 * "I can't read "someday" as a close date …": names the words, shows dates that work, and says how
 * to keep the keyword in the text.
 */
export function notADate(keyword: 'close' | 'by', after: string, what: string, inTitle: 'title' | 'action' | 'task'): string {
  const shown = clip(after.replace(/\s+/g, ' '), 40);
  const quoteHint =
    inTitle === 'title'
      ? `If "close${shown ? ` ${shown}` : ''}" is part of the title, put the title in "quotes".`
      : `If "by${shown ? ` ${shown}` : ''}" is part of the ${inTitle}, put it in "quotes".`;
  const head = shown === '' ? `\`${keyword}\` needs a ${what} after it.` : `I can't read "${shown}" as a ${what}.`;
  return `${head} Try ${keyword} + a date: ${DATE_EXAMPLES}. ${quoteHint}`;
}
