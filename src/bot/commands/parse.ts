/**
 * The `/deal` grammar shared by every chat surface. `parseCommand` turns the text after `/deal`
 * (a leading `/deal` or `deal` is tolerated, so the console can pass the whole line) into an
 * {@link Intent}, or into a friendly {@link ParseError} with the nearest correct usage. It never
 * throws.
 *
 *   (empty) | help [command]          help
 *   new <title> [amount] [stage] [@owner] [close <date>]
 *   list [mine|all|<stage>]
 *   stage <ref> <stage>
 *   won <ref>
 *   lost <ref> <reason>
 *   next <ref> <action> [by <date>]
 *   log <ref> call|email|meeting|note <text>
 *   assign <ref> @person
 *   report
 *   draft <ref> [again]               a follow-up email draft (AI, or an offline template)
 *   summary <ref> [again]             a summary of the deal's activity (also summarize, summarise)
 *   summary contact <name or email>   a summary of a contact's activity
 *   show <ref or search text>         (the `show` keyword is optional:)
 *   <ref or search text>              anything else
 *
 * - Keywords are case-insensitive; extra whitespace is fine. Slack's `&amp;`, `&lt;`, `&gt;` are
 *   unescaped first (mentions such as `<@U123ABC|maria>` are kept intact).
 * - `<ref>` is a deal reference: `D-42`, `d-42`, `D42` or `#42`, normalised to `D-42`.
 * - `new`: the options come after the title, in any order. They are peeled off the END of the
 *   text: an owner mention, an amount (see amount.ts: money needs a currency symbol/code, a
 *   k/m/b/bn suffix or thousands separators, so a bare number such as `2026` stays in the title),
 *   a stage from `ctx.stages` (multi-word stages match as consecutive words), and `close <date>`,
 *   the last `close` whose following words are entirely a date (`new Close Co renewal close next
 *   friday` is titled "Close Co renewal"). Whatever remains is the title. Words in "double quotes"
 *   are never options: `new "Acme won" 10k`.
 * - `next`: the action may end with `by <date>` (the last `by` followed entirely by a date).
 * - A first word one or two typos away from a keyword (`lsit`, `asign D-4 @maria`, `nxt D-4 call`)
 *   is answered with "Did you mean …?" when the rest of the text fits that command; otherwise the
 *   text is a search.
 */
import { matchAmountBefore, readAmount, type DecimalSeparator } from './amount.js';
import {
  DATE_EXAMPLES,
  looksLikeDateAttempt,
  parseDateOnly,
  pastDateNote,
  safeTimeZone,
  type DateContext,
} from './dates.js';
import {
  ACTIVITY_TYPES,
  DEAL_REF_PATTERN,
  type ActivityType,
  type Intent,
  type IntentKind,
  type Money,
  type ParseContext,
  type ParseResult,
  type PersonRef,
} from './intent.js';
import { looksLikeMention, parseMention } from './mentions.js';

/** The usage line of each command, as shown in errors and help. */
export const USAGE: Record<IntentKind, string> = {
  help: '/deal help [command]',
  new: '/deal new <title> [amount] [stage] [@owner] [close <date>]',
  list: '/deal list [mine|all|<stage>]',
  show: '/deal <ref or search text>',
  stage: '/deal stage <ref> <stage>',
  won: '/deal won <ref>',
  lost: '/deal lost <ref> <reason>',
  next: '/deal next <ref> <action> [by <date>]',
  log: '/deal log <ref> call|email|meeting|note <text>',
  assign: '/deal assign <ref> @person',
  report: '/deal report',
  draft: '/deal draft <ref> [again]',
  summary: '/deal summary <ref> [again] | /deal summary contact <name or email>',
  digest:
    '/deal digest [here [at <time>] [weekdays|daily] [all-clear|silent] [<time zone>] | off | preview | stale <days> | threshold <amount>|off]',
  nudges: '/deal nudges [on|off] [at <time>] [quiet <from>-<to>|quiet off]',
  settings: '/deal settings [guests on|off] [shared-channels on|off] [decimal comma|point|auto]',
};

/** The stages assumed when the context does not list the workspace's own. */
export const DEFAULT_STAGES: readonly string[] = [
  'new',
  'qualified',
  'proposal',
  'negotiation',
  'won',
  'lost',
];

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

/** The keywords that start a command (`show` is optional before a search). */
export const KEYWORDS = [
  'help',
  'new',
  'list',
  'show',
  'stage',
  'won',
  'lost',
  'next',
  'log',
  'assign',
  'report',
  'draft',
  'summary',
  'digest',
  'nudges',
  'settings',
] as const;
type Keyword = (typeof KEYWORDS)[number];

const GENERAL_USAGE = USAGE.help;

// ---------------------------------------------------------------------------------------------
// Tokens

interface Token {
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
function tokenize(s: string): Token[] {
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
function word(t: Token | undefined): string | undefined {
  return t === undefined || t.quoted ? undefined : t.text.toLowerCase();
}

/**
 * The text covered by tokens[from..to) as typed. A single quoted token gives its content;
 * otherwise the original substring (quotes and inner spacing kept), trimmed.
 */
function rawText(s: string, tokens: readonly Token[], from: number, to: number): string {
  if (to <= from) return '';
  const first = tokens[from];
  const last = tokens[to - 1];
  if (!first || !last) return '';
  if (to - from === 1 && first.quoted) return first.text;
  return s.slice(first.start, last.end).trim();
}

/** The words of tokens[from..to) joined with single spaces (quoted ones without quotes). */
function joinedText(tokens: readonly Token[], from: number, to: number): string {
  return tokens
    .slice(from, to)
    .map((t) => t.text)
    .filter((t) => t !== '')
    .join(' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Helpers

function ok(intent: Intent, notes: readonly (string | undefined)[] = []): ParseResult {
  const said = notes.filter((n): n is string => n !== undefined && n !== '');
  return said.length > 0 ? { ok: true, intent, notes: said } : { ok: true, intent };
}

function fail(message: string, usage: string): ParseResult {
  return { ok: false, error: { message, usage } };
}

function unescapeSlack(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : '>',
  );
}

/** Normalise a deal reference (`D-42`, `d42`, `#42`) to `D-42`; undefined if it is not one. */
export function parseDealRef(token: string): string | undefined {
  const m = DEAL_REF_PATTERN.exec(token) ?? /^#(\d{1,9})$/.exec(token);
  const digits = m?.[1];
  if (digits === undefined) return undefined;
  return `D-${Number.parseInt(digits, 10)}`;
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
function matchStage(words: readonly string[], stages: readonly string[]): string | undefined {
  const typed = words.join(' ').toLowerCase();
  return stages.find((s) => s === typed);
}

function stageList(stages: readonly string[]): string {
  return stages.join(', ');
}

/**
 * Optimal-string-alignment edit distance (Levenshtein plus adjacent transpositions, so `lsit` is
 * one edit from `list`).
 */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const width = n + 1;
  const d = new Array<number>((m + 1) * width).fill(0);
  const at = (i: number, j: number): number => d[i * width + j] ?? 0;
  for (let i = 0; i <= m; i++) d[i * width] = i;
  for (let j = 0; j <= n; j++) d[j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * width + j] = best;
    }
  }
  return at(m, n);
}

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Parse the text of a `/deal` command. Never throws: any input gives either an intent or an
 * error with a friendly message and the nearest correct usage.
 */
export function parseCommand(text: string, ctx: ParseContext): ParseResult {
  try {
    return parse(typeof text === 'string' ? text : '', ctx);
  } catch {
    return fail("Sorry, I couldn't read that command.", GENERAL_USAGE);
  }
}

interface State {
  s: string;
  tokens: Token[];
  ctx: ParseContext;
  dateCtx: DateContext;
  stages: string[];
  /** The workspace's decimal mark, when the context gives one. */
  decimalSeparator?: DecimalSeparator;
}

function parse(text: string, ctx: ParseContext): ParseResult {
  if (text.length > LIMITS.input) {
    return fail(
      `That's too long for a command: keep it under ${LIMITS.input} characters.`,
      GENERAL_USAGE,
    );
  }
  const s = unescapeSlack(text);
  let tokens = tokenize(s);
  const lead = word(tokens[0]);
  if (lead === '/deal' || lead === 'deal') tokens = tokens.slice(1);

  const now = ctx?.now instanceof Date ? ctx.now : new Date(Number.NaN);
  const state: State = {
    s,
    tokens,
    ctx,
    dateCtx: { now, timeZone: typeof ctx?.timeZone === 'string' ? ctx.timeZone : 'UTC' },
    stages: normaliseStages(ctx?.stages),
  };
  if (ctx?.decimalSeparator === '.' || ctx?.decimalSeparator === ',') state.decimalSeparator = ctx.decimalSeparator;

  if (tokens.length === 0) return ok({ kind: 'help' });
  const first = word(tokens[0]);
  switch (first) {
    case 'help':
    case '?':
      return parseHelp(state);
    case 'new':
      return parseNew(state);
    case 'list':
      return parseList(state);
    case 'show':
      return parseShow(state, 1);
    case 'stage':
      return parseStage(state);
    case 'won':
      return parseWon(state);
    case 'lost':
      return parseLost(state);
    case 'next':
      return parseNext(state);
    case 'log':
      return parseLog(state);
    case 'assign':
      return parseAssign(state);
    case 'report':
      return parseReport(state);
    case 'draft':
      return parseDraft(state);
    case 'summary':
    case 'summarize':
    case 'summarise':
      return parseSummary(state);
    case 'digest':
      return parseDigest(state);
    case 'nudges':
    case 'nudge':
      return parseNudges(state);
    case 'settings':
    case 'setting':
      return parseSettings(state);
    default: {
      const nearMiss = findNearMiss(state);
      if (nearMiss) {
        if (tokens.length === 1) {
          const query = clip(tokens[0]?.text ?? '', 40);
          return fail(
            `Did you mean \`/deal ${nearMiss}\`? To search for "${query}", use \`/deal show ${query}\`.`,
            USAGE[nearMiss],
          );
        }
        const rest = clip(rawText(s, tokens, 1, tokens.length).replace(/\s+/g, ' '), 60);
        const typed = clip(rawText(s, tokens, 0, tokens.length).replace(/\s+/g, ' '), 60);
        return fail(
          `Did you mean \`/deal ${nearMiss} ${rest}\`? To search for "${typed}", use \`/deal show ${typed}\`.`,
          USAGE[nearMiss],
        );
      }
      return parseShow(state, 0);
    }
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------------------------------------
// Commands

function parseHelp({ tokens }: State): ParseResult {
  let words = tokens.slice(1).map((t) => t.text.toLowerCase());
  if (words[0] === '/deal' || words[0] === 'deal') words = words.slice(1);
  const topic = words.join(' ').replace(/^\//, '').trim();
  if (topic === '') return ok({ kind: 'help' });
  return ok({ kind: 'help', topic: topic.slice(0, 50) });
}

function parseShow({ s, tokens }: State, from: number): ParseResult {
  if (from >= tokens.length) {
    return fail(
      'What should I look for? Give a deal reference like D-42 or some words from its title.',
      USAGE.show,
    );
  }
  let query =
    tokens.length - from === 1 && tokens[from]?.quoted
      ? (tokens[from]?.text ?? '')
      : rawText(s, tokens, from, tokens.length).replace(/\s+/g, ' ');
  query = query.trim();
  if (query === '') {
    return fail(
      'What should I look for? Give a deal reference like D-42 or some words from its title.',
      USAGE.show,
    );
  }
  if (query.length > LIMITS.query) {
    return fail(
      `That search is too long: keep it under ${LIMITS.query} characters.`,
      USAGE.show,
    );
  }
  const ref = tokens.length - from === 1 && !tokens[from]?.quoted ? parseDealRef(query) : undefined;
  return ok({ kind: 'show', query: ref ?? query });
}

function parseList({ tokens, stages }: State): ParseResult {
  const words = tokens.slice(1).map((t) => t.text.toLowerCase());
  if (words.length === 0) return ok({ kind: 'list', scope: { type: 'mine' } });
  if (words.length === 1 && (words[0] === 'mine' || words[0] === 'my')) {
    return ok({ kind: 'list', scope: { type: 'mine' } });
  }
  if (words.length === 1 && words[0] === 'all') return ok({ kind: 'list', scope: { type: 'all' } });
  const stage = matchStage(words, stages);
  if (stage !== undefined) return ok({ kind: 'list', scope: { type: 'stage', stage } });
  return fail(
    `I can't list "${clip(words.join(' '), 40)}".${didYouMean(words.join(' '), ['mine', 'all', ...stages])} Use mine, all, or a stage: ${stageList(stages)}.`,
    USAGE.list,
  );
}

/** The deal reference after the keyword, or the error to return. */
function refAt(
  state: State,
  kind: 'stage' | 'won' | 'lost' | 'next' | 'log' | 'assign' | 'draft' | 'summary',
): { ref: string } | { error: ParseResult } {
  const token = state.tokens[1];
  const ref = token && !token.quoted ? parseDealRef(token.text) : undefined;
  if (ref !== undefined) return { ref };
  const what =
    token === undefined
      ? `Which deal? \`/deal ${kind}\` needs a deal reference like D-42.`
      : `"${clip(token.text, 30)}" isn't a deal reference; \`/deal ${kind}\` needs one like D-42.`;
  return {
    error: fail(`${what} Find it with \`/deal <search text>\`.`, USAGE[kind]),
  };
}

function parseStage(state: State): ParseResult {
  const r = refAt(state, 'stage');
  if ('error' in r) return r.error;
  const words = state.tokens.slice(2).map((t) => t.text.toLowerCase()).filter((w) => w !== '');
  if (words.length === 0) {
    return fail(
      `Which stage should ${r.ref} move to? Stages: ${stageList(state.stages)}.`,
      USAGE.stage,
    );
  }
  const typed = words.join(' ');
  const stage = matchStage(words, state.stages) ?? typed;
  if (stage.length > LIMITS.title) {
    return fail(`That stage name is too long.`, USAGE.stage);
  }
  return ok({ kind: 'stage', ref: r.ref, stage });
}

function parseWon(state: State): ParseResult {
  const r = refAt(state, 'won');
  if ('error' in r) return r.error;
  if (state.tokens.length > 2) {
    return fail(
      `\`/deal won\` takes just the deal reference, e.g. \`/deal won ${r.ref}\`.`,
      USAGE.won,
    );
  }
  return ok({ kind: 'won', ref: r.ref });
}

function parseLost(state: State): ParseResult {
  const r = refAt(state, 'lost');
  if ('error' in r) return r.error;
  const reason = rawText(state.s, state.tokens, 2, state.tokens.length);
  if (reason === '') {
    return fail(
      `Please say why ${r.ref} was lost, e.g. \`/deal lost ${r.ref} went with a competitor\`.`,
      USAGE.lost,
    );
  }
  if (reason.length > LIMITS.reason) {
    return fail(`That reason is too long: keep it under ${LIMITS.reason} characters.`, USAGE.lost);
  }
  return ok({ kind: 'lost', ref: r.ref, reason });
}

function parseNext(state: State): ParseResult {
  const r = refAt(state, 'next');
  if ('error' in r) return r.error;
  const { s, tokens } = state;
  let end = tokens.length;
  let due: string | undefined;
  const lowest = Math.max(2, tokens.length - 1 - LIMITS.dateWords);
  for (let i = tokens.length - 2; i >= lowest; i--) {
    if (word(tokens[i]) !== 'by') continue;
    const date = parseDateOnly(rawText(s, tokens, i + 1, tokens.length), state.dateCtx);
    if (date !== undefined) {
      due = date;
      end = i;
      break;
    }
  }
  if (due === undefined) {
    // The last `by` followed by words meant as a date that are not one: refused, not kept in the
    // action (`by someday`); `by email` is part of the action.
    for (let i = tokens.length - 1; i >= 2; i--) {
      if (word(tokens[i]) !== 'by') continue;
      const after = rawText(s, tokens, i + 1, tokens.length);
      if (after !== '' && looksLikeDateAttempt(after)) return fail(notADate('by', after, 'due date', 'next'), USAGE.next);
      break;
    }
  }
  const action = rawText(s, tokens, 2, end);
  if (action === '') {
    return fail(
      `What's the next step for ${r.ref}? e.g. \`/deal next ${r.ref} send the proposal by friday\`.`,
      USAGE.next,
    );
  }
  if (action.length > LIMITS.action) {
    return fail(
      `That next step is too long: keep it under ${LIMITS.action} characters.`,
      USAGE.next,
    );
  }
  if (due === undefined) return ok({ kind: 'next', ref: r.ref, action });
  return ok({ kind: 'next', ref: r.ref, action, due }, [pastDateNote(due, 'due date', state.dateCtx)]);
}

function parseLog(state: State): ParseResult {
  const r = refAt(state, 'log');
  if ('error' in r) return r.error;
  const typeWord = word(state.tokens[2]);
  const types = ACTIVITY_TYPES.join(', ');
  if (typeWord === undefined) {
    return fail(
      `What kind of activity was it? Use one of ${types}, e.g. \`/deal log ${r.ref} call spoke with Maria\`.`,
      USAGE.log,
    );
  }
  if (!(ACTIVITY_TYPES as readonly string[]).includes(typeWord)) {
    return fail(
      `"${clip(state.tokens[2]?.text ?? '', 30)}" isn't an activity type;${didYouMean(typeWord, ACTIVITY_TYPES)} use one of ${types}.`,
      USAGE.log,
    );
  }
  const type = typeWord as ActivityType;
  const text = rawText(state.s, state.tokens, 3, state.tokens.length);
  if (text === '') {
    return fail(
      `What happened? Add some text, e.g. \`/deal log ${r.ref} ${type} spoke with Maria about pricing\`.`,
      USAGE.log,
    );
  }
  if (text.length > LIMITS.logText) {
    return fail(`That's too long to log: keep it under ${LIMITS.logText} characters.`, USAGE.log);
  }
  return ok({ kind: 'log', ref: r.ref, type, text });
}

function parseAssign(state: State): ParseResult {
  const r = refAt(state, 'assign');
  if ('error' in r) return r.error;
  let rest = state.tokens.slice(2);
  if (word(rest[0]) === 'to') rest = rest.slice(1);
  const person = rest.length === 1 && rest[0] && !rest[0].quoted ? parseMention(rest[0].text) : undefined;
  if (!person) {
    return fail(
      `Who should own ${r.ref}? Mention one person, e.g. \`/deal assign ${r.ref} @maria\`.`,
      USAGE.assign,
    );
  }
  return ok({ kind: 'assign', ref: r.ref, owner: person });
}

/** Words after a draft's or summary's reference that ask for a fresh answer. */
const AGAIN = new Set(['again', 'regenerate', 'fresh']);

function parseDraft(state: State): ParseResult {
  const r = refAt(state, 'draft');
  if ('error' in r) return r.error;
  const rest = state.tokens.slice(2);
  if (rest.length === 0) return ok({ kind: 'draft', ref: r.ref });
  if (rest.length === 1 && AGAIN.has(word(rest[0]) ?? '')) return ok({ kind: 'draft', ref: r.ref, regenerate: true });
  return fail(
    `\`/deal draft\` takes just the deal reference (and \`again\` for a fresh draft), e.g. \`/deal draft ${r.ref}\`.`,
    USAGE.draft,
  );
}

function parseSummary(state: State): ParseResult {
  const { tokens } = state;
  if (word(tokens[1]) === 'contact') {
    const contact = rawText(state.s, tokens, 2, tokens.length);
    if (contact === '') {
      return fail('Which contact? e.g. `/deal summary contact Ana Lopez` or `/deal summary contact ana@acme.com`.', USAGE.summary);
    }
    if (contact.length > LIMITS.query) {
      return fail(`That name is too long: keep it under ${LIMITS.query} characters.`, USAGE.summary);
    }
    return ok({ kind: 'summary', contact });
  }
  const r = refAt(state, 'summary');
  if ('error' in r) return r.error;
  const rest = tokens.slice(2);
  if (rest.length === 0) return ok({ kind: 'summary', ref: r.ref });
  if (rest.length === 1 && AGAIN.has(word(rest[0]) ?? '')) return ok({ kind: 'summary', ref: r.ref, regenerate: true });
  return fail(
    `\`/deal summary\` takes just the deal reference (and \`again\` for a fresh summary), e.g. \`/deal summary ${r.ref}\`.`,
    USAGE.summary,
  );
}

function parseReport(state: State): ParseResult {
  if (state.tokens.length > 1) {
    return fail('`/deal report` takes no options.', USAGE.report);
  }
  return ok({ kind: 'report' });
}

// ---------------------------------------------------------------------------------------------
// digest and nudges

const DIGEST_WORDS = ['here', 'off', 'preview', 'stale', 'threshold', 'settings'];
const NUDGE_WORDS = ['on', 'off', 'at', 'quiet'];

/**
 * A time of day as minutes after midnight: `9`, `9:00`, `09:30`, `17:45`, `9am`, `5:30pm`, `9 am`
 * (the am/pm may be its own word: pass both). Undefined when it is not one.
 */
export function parseTimeOfDay(text: string): number | undefined {
  const m = /^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/i.exec(text.trim());
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const half = m[3]?.toLowerCase().replaceAll('.', '');
  if (minute > 59) return undefined;
  if (half) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  } else if (hour > 23) {
    return undefined;
  }
  return hour * 60 + minute;
}

/** Reads a time at tokens[i] (and an `am`/`pm` word after it): the minutes and how many tokens it used. */
function timeAt(tokens: readonly Token[], i: number): { minute: number; used: number } | undefined {
  const first = tokens[i];
  if (!first || first.quoted) return undefined;
  const half = word(tokens[i + 1]);
  if (half && /^(am|pm|a\.m\.|p\.m\.)$/.test(half)) {
    const minute = parseTimeOfDay(`${first.text} ${half}`);
    if (minute !== undefined) return { minute, used: 2 };
  }
  const minute = parseTimeOfDay(first.text);
  return minute === undefined ? undefined : { minute, used: 1 };
}

/** `19:00-08:00`, `7pm-8am`, `19-8`, or `19:00 to 08:00`: quiet hours as [start, end) minutes. */
function rangeAt(tokens: readonly Token[], i: number): { start: number; end: number; used: number } | undefined {
  const t = tokens[i];
  if (!t || t.quoted) return undefined;
  const dash = /^(.+?)\s*[-–]\s*(.+)$/.exec(t.text);
  if (dash) {
    const start = parseTimeOfDay(dash[1] ?? '');
    const end = parseTimeOfDay(dash[2] ?? '');
    return start === undefined || end === undefined ? undefined : { start, end, used: 1 };
  }
  const from = timeAt(tokens, i);
  if (!from) return undefined;
  const sep = word(tokens[i + from.used]);
  if (sep !== 'to' && sep !== '-' && sep !== '–') return undefined;
  const to = timeAt(tokens, i + from.used + 1);
  return to ? { start: from.minute, end: to.minute, used: from.used + 1 + to.used } : undefined;
}

const looksLikeTimeZone = (text: string) => /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){1,2}$|^UTC$|^GMT$/.test(text);

function parseDigest(state: State): ParseResult {
  const { tokens } = state;
  const sub = word(tokens[1]);
  const rest = tokens.slice(2);
  const usage = USAGE.digest;
  if (sub === undefined || sub === 'settings') {
    if (tokens.length > 2) return fail('`/deal digest` alone shows the settings.', usage);
    return ok({ kind: 'digest', action: 'show' });
  }
  if (sub === 'off' || sub === 'stop' || sub === 'preview') {
    if (rest.length > 0) return fail(`\`/deal digest ${sub}\` takes no options.`, usage);
    return ok({ kind: 'digest', action: sub === 'preview' ? 'preview' : 'off' });
  }
  if (sub === 'stale') {
    const n = rest.length === 1 || (rest.length === 2 && /^days?$/i.test(rest[1]?.text ?? '')) ? Number(rest[0]?.text) : Number.NaN;
    if (!Number.isInteger(n) || n < 1 || n > 365) {
      return fail('How many days without activity make a deal stale? e.g. `/deal digest stale 21` (1 to 365).', usage);
    }
    return ok({ kind: 'digest', action: 'stale', days: n });
  }
  if (sub === 'threshold') {
    const text = rawText(state.s, tokens, 2, tokens.length);
    if (/^(off|none)$/i.test(text)) return ok({ kind: 'digest', action: 'threshold', amount: null });
    const currency = typeof state.ctx?.defaultCurrency === 'string' ? state.ctx.defaultCurrency : '';
    const reading = text ? readAmount(text, currency, amountOptions(state)) : { kind: 'none' as const };
    if (reading.kind === 'invalid') return fail(reading.reason, usage);
    if (reading.kind !== 'money') {
      const unread = text === '' ? '' : `I can't read "${clip(text, 40)}" as an amount. `;
      return fail(`${unread}Give an amount, e.g. \`/deal digest threshold 50k\`, or \`off\`.`, usage);
    }
    return ok({ kind: 'digest', action: 'threshold', amount: reading.money }, [reading.note]);
  }
  if (sub !== 'here') {
    return fail(`I don't know \`/deal digest ${clip(tokens[1]?.text ?? '', 30)}\`.${didYouMean(sub, DIGEST_WORDS)} Use here, off, preview, stale or threshold.`, usage);
  }
  const intent: Extract<Intent, { kind: 'digest'; action: 'here' }> = { kind: 'digest', action: 'here' };
  for (let i = 2; i < tokens.length; ) {
    const t = tokens[i]!;
    const w = word(t) ?? '';
    if (w === 'at') {
      const time = timeAt(tokens, i + 1);
      if (!time) return fail('At what time? e.g. `/deal digest here at 9:00` or `at 8:30am`.', usage);
      intent.minuteOfDay = time.minute;
      i += 1 + time.used;
    } else if (w === 'weekdays' || w === 'workdays') {
      intent.days = 'weekdays';
      i++;
    } else if (w === 'daily' || w === 'everyday') {
      intent.days = 'daily';
      i++;
    } else if (w === 'all-clear' || w === 'allclear') {
      intent.whenEmpty = 'all_clear';
      i++;
    } else if (w === 'silent' || w === 'quiet') {
      intent.whenEmpty = 'silent';
      i++;
    } else if (!t.quoted && looksLikeTimeZone(t.text)) {
      if (safeTimeZone(t.text) !== t.text) return fail(`"${clip(t.text, 40)}" isn't a time zone I know. Use one like Europe/Berlin.`, usage);
      intent.timeZone = t.text;
      i++;
    } else {
      const time = timeAt(tokens, i);
      if (time) {
        intent.minuteOfDay = time.minute;
        i += time.used;
        continue;
      }
      return fail(`I don't understand "${clip(t.text, 30)}" here.`, usage);
    }
  }
  return ok(intent);
}

function parseNudges(state: State): ParseResult {
  const { tokens } = state;
  const usage = USAGE.nudges;
  const intent: Extract<Intent, { kind: 'nudges' }> = { kind: 'nudges' };
  for (let i = 1; i < tokens.length; ) {
    const w = word(tokens[i]) ?? '';
    if (w === 'on' || w === 'off') {
      intent.enabled = w === 'on';
      i++;
    } else if (w === 'at') {
      const time = timeAt(tokens, i + 1);
      if (!time) return fail('At what time? e.g. `/deal nudges at 8:30`.', usage);
      intent.minuteOfDay = time.minute;
      i += 1 + time.used;
    } else if (w === 'quiet') {
      if (/^(off|none)$/.test(word(tokens[i + 1]) ?? '')) {
        intent.quiet = null;
        i += 2;
        continue;
      }
      const range = rangeAt(tokens, i + 1);
      if (!range) return fail('Give quiet hours as a range, e.g. `/deal nudges quiet 19:00-08:00`, or `quiet off`.', usage);
      intent.quiet = { start: range.start, end: range.end };
      i += 1 + range.used;
    } else {
      const time = timeAt(tokens, i);
      if (time) {
        intent.minuteOfDay = time.minute;
        i += time.used;
        continue;
      }
      return fail(`I don't understand "${clip(tokens[i]?.text ?? '', 30)}" here.`, usage);
    }
  }
  return ok(intent);
}

// ---------------------------------------------------------------------------------------------
// settings

/** The words of `/deal settings <switch> on|off`, and the workspace switch each names. */
const SETTING_WORDS: Readonly<Record<string, 'allowGuests' | 'allowSharedChannels'>> = {
  guests: 'allowGuests',
  guest: 'allowGuests',
  'shared-channels': 'allowSharedChannels',
  'shared-channel': 'allowSharedChannels',
  shared: 'allowSharedChannels',
};

function parseSettings(state: State): ParseResult {
  const { tokens } = state;
  const usage = USAGE.settings;
  const intent: Extract<Intent, { kind: 'settings' }> = { kind: 'settings' };
  const names = ['guests', 'shared-channels', 'decimal'];
  for (let i = 1; i < tokens.length; i += 2) {
    const name = word(tokens[i]) ?? '';
    const value = word(tokens[i + 1]);
    if (DECIMAL_WORDS.includes(name)) {
      // How "1.500" reads: a decimal comma (1.234,56) or point (1,234.56), or back to the currency's way.
      if (value !== 'comma' && value !== 'point' && value !== 'auto') {
        return fail(`Say \`comma\`, \`point\` or \`auto\` after "${name}", e.g. \`/deal settings decimal comma\` for 1.234,56.`, usage);
      }
      intent.decimalMark = value === 'auto' ? null : value;
      continue;
    }
    const key = SETTING_WORDS[name];
    if (!key) return fail(`There is no setting called "${clip(tokens[i]?.text ?? '', 30)}".${didYouMean(name, names)} Settings: ${names.join(', ')}.`, usage);
    if (value !== 'on' && value !== 'off') return fail(`Say \`on\` or \`off\` after "${name}", e.g. \`/deal settings ${name} on\`.`, usage);
    intent[key] = value === 'on';
  }
  return ok(intent);
}

/** The words of `/deal settings decimal comma|point|auto`. */
const DECIMAL_WORDS = ['decimal', 'decimals', 'decimal-mark', 'numbers'];

// ---------------------------------------------------------------------------------------------
// new

function parseNew(state: State): ParseResult {
  const { s, ctx, stages } = state;
  const tokens = state.tokens.slice(1);
  const defaultCurrency = typeof ctx?.defaultCurrency === 'string' ? ctx.defaultCurrency : '';
  // Quoted words never take part in options.
  const words = tokens.map((t) => (t.quoted ? '"' : t.text));
  const stagesLongestFirst = [...stages].sort((a, b) => b.split(' ').length - a.split(' ').length);

  let amount: Money | undefined;
  let amountText = '';
  let amountNote: string | undefined;
  let stage: string | undefined;
  let owner: PersonRef | undefined;
  let ownerText = '';
  let closeDate: string | undefined;

  const twice = (what: string, a: string, b: string): ParseResult =>
    fail(
      `That has two ${what} (${clip(a, 30)} and ${clip(b, 30)}). Keep one, or put the title in "quotes".`,
      USAGE.new,
    );

  let end = tokens.length;
  peel: while (end > 0) {
    const last = tokens[end - 1];
    if (!last || last.quoted) break;

    // An owner: @maria or <@U123ABC>.
    if (looksLikeMention(last.text)) {
      const person = parseMention(last.text);
      if (person) {
        if (owner) return twice('owners', last.text, ownerText);
        owner = person;
        ownerText = last.text;
        end -= 1;
        continue;
      }
    }

    // An amount: 25k, $1.2M, 25,000 EUR, EUR 25000.
    const match = matchAmountBefore(words, end, defaultCurrency, amountOptions(state));
    // `… 0 NEW`: a stage after a number is a stage, not an unknown currency.
    const stageInstead = match?.reading.kind === 'invalid' && matchStage([last.text], stages) !== undefined;
    if (match && !stageInstead) {
      const typed = joinedText(tokens, end - match.length, end);
      if (match.reading.kind === 'invalid') return fail(match.reading.reason, USAGE.new);
      if (amount) return twice('amounts', typed, amountText);
      amount = match.reading.money;
      amountText = typed;
      amountNote = match.reading.note;
      end -= match.length;
      continue;
    }

    // A stage, possibly several words ("closed won"); the longest match wins.
    for (const name of stagesLongestFirst) {
      const n = name.split(' ').length;
      if (n > end) continue;
      const slice = tokens.slice(end - n, end);
      if (slice.some((t) => t.quoted)) continue;
      if (matchStage(slice.map((t) => t.text), [name]) === undefined) continue;
      if (stage !== undefined) return twice('stages', name, stage);
      stage = name;
      end -= n;
      continue peel;
    }

    // close <date>: the last `close` followed entirely by a date, never the first word (that
    // `close` begins the title: `new Close 2026 3 3` is a deal called "Close 2026 3 3").
    const lowest = Math.max(1, end - 1 - LIMITS.dateWords);
    for (let i = end - 2; i >= lowest; i--) {
      if (word(tokens[i]) !== 'close') continue;
      const date = parseDateOnly(rawText(s, tokens, i + 1, end), state.dateCtx);
      if (date === undefined) continue;
      if (closeDate !== undefined) return twice('close dates', date, closeDate);
      closeDate = date;
      end = i;
      continue peel;
    }

    break;
  }

  // `close <words>` left in the title: words meant as a date that are not one are refused, never
  // kept in the title (`close someday`, `close 2026-02-30`); `close the deal` is just words.
  for (let i = end - 1; i >= 1; i--) {
    if (word(tokens[i]) !== 'close') continue;
    const after = rawText(s, tokens, i + 1, end);
    if (after === '' || looksLikeDateAttempt(after)) {
      return fail(notADate('close', after, 'close date', 'new'), USAGE.new);
    }
  }

  const title = rawText(s, tokens, 0, end).replace(/\s+/g, ' ');
  if (title === '') {
    return fail(
      'Give the deal a title, e.g. `/deal new Acme renewal 25k close next friday`.',
      USAGE.new,
    );
  }
  if (title.length > LIMITS.title) {
    return fail(`That title is too long: keep it under ${LIMITS.title} characters.`, USAGE.new);
  }
  const intent: Extract<Intent, { kind: 'new' }> = { kind: 'new', title };
  if (amount) intent.amount = amount;
  if (stage !== undefined) intent.stage = stage;
  if (owner) intent.owner = owner;
  if (closeDate !== undefined) intent.closeDate = closeDate;
  return ok(intent, [amountNote, closeDate === undefined ? undefined : pastDateNote(closeDate, 'close date', state.dateCtx)]);
}

function amountOptions(state: State): { decimalSeparator?: DecimalSeparator } {
  return state.decimalSeparator === undefined ? {} : { decimalSeparator: state.decimalSeparator };
}

/**
 * "I can't read "someday" as a close date …": names the words, shows dates that work, and says how
 * to keep the keyword in the text.
 */
function notADate(keyword: 'close' | 'by', after: string, what: string, command: 'new' | 'next'): string {
  const shown = clip(after.replace(/\s+/g, ' '), 40);
  const quoteHint =
    command === 'new'
      ? `If "close${shown ? ` ${shown}` : ''}" is part of the title, put the title in "quotes".`
      : `If "by${shown ? ` ${shown}` : ''}" is part of the action, put it in "quotes".`;
  const head = shown === '' ? `\`${keyword}\` needs a ${what} after it.` : `I can't read "${shown}" as a ${what}.`;
  return `${head} Try ${keyword} + a date: ${DATE_EXAMPLES}. ${quoteHint}`;
}

// ---------------------------------------------------------------------------------------------
// Near misses

/** Every word that starts a command (aliases included), and the keyword a typo of it suggests. */
const COMMAND_WORDS: Readonly<Record<string, Keyword>> = {
  help: 'help',
  new: 'new',
  list: 'list',
  show: 'show',
  stage: 'stage',
  won: 'won',
  lost: 'lost',
  next: 'next',
  log: 'log',
  assign: 'assign',
  report: 'report',
  draft: 'draft',
  summary: 'summary',
  summarize: 'summary',
  summarise: 'summary',
  digest: 'digest',
  nudges: 'nudges',
  nudge: 'nudges',
  settings: 'settings',
  setting: 'settings',
};

/** How many typos a word of this length may have and still be recognised: 1 up to 4 letters, else 2. */
export function typoBudget(word: string): number {
  return word.length <= 4 ? 1 : 2;
}

/**
 * The candidate `typed` is most likely a typo of (within {@link typoBudget} edits), or undefined.
 * The one suggestion rule for command words and the words inside commands (activity types,
 * digest and settings words, list scopes).
 */
export function nearestWord(typed: string, candidates: readonly string[]): string | undefined {
  const t = typed.toLowerCase();
  let best: { word: string; distance: number } | undefined;
  for (const c of candidates) {
    const budget = typoBudget(c);
    if (Math.abs(c.length - t.length) > budget) continue;
    const distance = editDistance(t, c);
    if (distance === 0) return c;
    if (distance <= budget && (!best || distance < best.distance)) best = { word: c, distance };
  }
  return best?.word;
}

/** ` Did you mean `call`?` for a word one or two typos from one of `candidates`, else ''. */
function didYouMean(typed: string, candidates: readonly string[]): string {
  const near = nearestWord(typed, candidates);
  return near === undefined || near === typed.toLowerCase() ? '' : ` Did you mean \`${near}\`?`;
}

/**
 * A typo that is the keyword's own letters mistyped mechanically: swapped (`nwe`), one dropped
 * (`wn`) or one doubled (`wonn`), rather than another word (`now`, `few`, `news`).
 */
function mechanicalTypo(typed: string, keyword: string): boolean {
  const sorted = (w: string) => [...w].sort().join('');
  if (typed.length === keyword.length) return sorted(typed) === sorted(keyword);
  if (typed.length === keyword.length - 1) return [...keyword].some((_, i) => keyword.slice(0, i) + keyword.slice(i + 1) === typed);
  if (typed.length === keyword.length + 1) {
    return [...typed].some((ch, i) => (typed[i - 1] === ch || typed[i + 1] === ch) && typed.slice(0, i) + typed.slice(i + 1) === keyword);
  }
  return false;
}

/**
 * A keyword the first word is probably a typo of, but only when the rest of the text fits that
 * command (so `/deal State Farm` and `/deal few deals` are still searches, while
 * `/deal stgae D-4 won`, `/deal wn D-4` and `/deal nwe Acme 25k` are typos).
 */
function findNearMiss(state: State): Keyword | undefined {
  const { tokens, stages } = state;
  const first = word(tokens[0]);
  if (first === undefined || first.length < 2 || first.length > 12) return undefined;
  const rest = tokens.slice(1);
  const restWords = rest.map((t) => t.text.toLowerCase());
  const secondIsRef = rest[0] !== undefined && !rest[0].quoted && parseDealRef(rest[0].text) !== undefined;
  const defaultCurrency = typeof state.ctx?.defaultCurrency === 'string' ? state.ctx.defaultCurrency : 'USD';

  /** 0: does not fit; 1: fits; 2: fits precisely (wins a tie). */
  const fit = (keyword: Keyword, typed: string): number => {
    switch (keyword) {
      case 'help':
        return rest.length === 0 || (rest.length === 1 && COMMAND_WORDS[restWords[0] ?? ''] !== undefined) ? 1 : 0;
      case 'new': {
        if (rest.length === 0) return 0;
        const hasOption = rest.some(
          (t) => !t.quoted && (looksLikeMention(t.text) || readAmount(t.text, defaultCurrency, { requireMoneyMarker: true }).kind !== 'none'),
        ) || restWords.includes('close') || stages.includes(restWords[restWords.length - 1] ?? '');
        return hasOption ? 2 : mechanicalTypo(typed, 'new') ? 1 : 0;
      }
      case 'list':
        return rest.length === 0 ||
          (rest.length === 1 && ['mine', 'my', 'all'].includes(restWords[0] ?? '')) ||
          matchStage(restWords, stages) !== undefined
          ? 1
          : 0;
      case 'report':
        return rest.length === 0 ? 1 : 0;
      case 'digest':
        return rest.length === 0 || DIGEST_WORDS.includes(restWords[0] ?? '') ? 1 : 0;
      case 'nudges':
        return rest.length === 0 || NUDGE_WORDS.includes(restWords[0] ?? '') ? 1 : 0;
      case 'settings':
        return rest.length === 0 || (SETTING_WORDS[restWords[0] ?? ''] !== undefined || DECIMAL_WORDS.includes(restWords[0] ?? '')) ? 1 : 0;
      case 'won':
      case 'show':
        return secondIsRef && rest.length === 1 ? 2 : 0;
      case 'log':
        return secondIsRef ? ((ACTIVITY_TYPES as readonly string[]).includes(restWords[1] ?? '') ? 2 : 1) : 0;
      case 'draft':
      case 'summary':
        return secondIsRef && rest.length <= 2 ? 2 : secondIsRef ? 1 : 0;
      default:
        return secondIsRef ? 1 : 0;
    }
  };

  let best: { keyword: Keyword; distance: number; fit: number } | undefined;
  for (const [commandWord, keyword] of Object.entries(COMMAND_WORDS)) {
    const budget = typoBudget(commandWord);
    if (Math.abs(commandWord.length - first.length) > budget) continue;
    const distance = editDistance(first, commandWord);
    if (distance === 0 || distance > budget) continue;
    const f = fit(keyword, first);
    if (f === 0) continue;
    if (!best || distance < best.distance || (distance === best.distance && f > best.fit)) best = { keyword, distance, fit: f };
  }
  return best?.keyword;
}
