/**
 * The deal commands people type most: find and list deals, move them through stages, win or lose
 * them, set the next action, log what happened, hand them over.
 */
import { DomainError, DomainErrorCode } from '../../../domain/index.js';
import { defineCommand, deliveryKey } from '../command.js';
import { looksLikeDateAttempt, parseDateOnly, pastDateNote } from '../dates.js';
import { DATE_HELP, REF_HELP } from '../help-topics.js';
import { ACTIVITY_TYPES, DEAL_REF_PATTERN, type ActivityType, type DateOnly, type ListScope, type PersonRef } from '../intent.js';
import { parseMention } from '../mentions.js';
import type { Reply } from '../reply.js';
import {
  dealRefIn,
  fail,
  LIMITS,
  matchStage,
  notADate,
  ok,
  parseDealRef,
  refAt,
  stageList,
  type ParseOutcome,
  type ParseState,
} from '../grammar/state.js';
import { clip, rawText, word, type Token } from '../grammar/tokens.js';
import { didYouMean } from '../grammar/words.js';
import { closedNote, lostHeadline, nextActionHint } from './deal-replies.js';
import { readFilters } from '../grammar/filters.js';
import type { FieldFilter } from '../../../domain/fields/field.lines.js';
import { parseFill, parseStageAdmin, STAGE_ADMIN_WORDS, type StageAdminIntent } from './pipelines.js';

/** `ref` is a deal reference (`D-42`) or search text over title and company. */
export interface ShowIntent { kind: 'show'; query: string }
/**
 * `filters`: custom-field filters (`source=partner`), all of which must hold. `pipeline`: `in
 * <pipeline>`, a key or name as typed (the domain refuses one it does not know, naming them).
 */
export interface ListIntent { kind: 'list'; scope: ListScope; filters?: FieldFilter[]; pipeline?: string }
/** `fill`: what a gated stage asks for, given with the move (`… with amount 25k, close friday`). */
export interface StageIntent { kind: 'stage'; ref: string; stage: string; fill?: Record<string, string> }
export interface WonIntent { kind: 'won'; ref: string }
export interface LostIntent { kind: 'lost'; ref: string; reason: string }
export interface NextIntent { kind: 'next'; ref: string; action: string; due?: DateOnly }
export interface LogIntent { kind: 'log'; ref: string; type: ActivityType; text: string }
export interface AssignIntent { kind: 'assign'; ref: string; owner: PersonRef }

const USAGES = {
  list: '/deal list [mine|all|<stage>] [in <pipeline>] [<field>=<value> …]',
  show: '/deal <ref or search text>',
  stage: '/deal stage <ref> <stage> [with amount <amount>, close <date>, contact <name>, …]',
  won: '/deal won <ref>',
  lost: '/deal lost <ref> <reason>',
  next: '/deal next <ref> <action> [by <date>]',
  log: '/deal log <ref> call|email|meeting|note <text>',
  assign: '/deal assign <ref> @person',
} as const;

const STAGES_HELP = 'Stages: new, qualified, proposal, negotiation, won, lost (or your workspace\'s own).';

/** The second word is a deal reference: fits a command that takes one. */
const refFits = (state: ParseState): 0 | 1 => (dealRefIn(state.tokens[1]) !== undefined ? 1 : 0);

function parseShow({ s, tokens }: ParseState, from: number): ParseOutcome<ShowIntent> {
  if (from >= tokens.length) {
    return fail(
      'What should I look for? Give a deal reference like D-42 or some words from its title.',
      USAGES.show,
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
      USAGES.show,
    );
  }
  if (query.length > LIMITS.query) {
    return fail(
      `That search is too long: keep it under ${LIMITS.query} characters.`,
      USAGES.show,
    );
  }
  const ref = tokens.length - from === 1 && !tokens[from]?.quoted ? parseDealRef(query) : undefined;
  return ok({ kind: 'show', query: ref ?? query });
}

function parseList({ s, tokens, stages }: ParseState): ParseOutcome<ListIntent> {
  // Custom-field filters (`source=partner`, `seats>10`) AND together with the scope.
  const read = readFilters(s, tokens, 1);
  if ('error' in read) return fail(read.error, USAGES.list);
  const { rest, pipeline } = peelListPipeline(read.rest, stages);
  if (pipeline === '') return fail('Which pipeline? e.g. `/deal list in renewals` (`/deal pipelines` lists them).', USAGES.list);
  const list = (scope: ListScope): ParseOutcome<ListIntent> =>
    ok({ kind: 'list', scope, ...(read.filters.length > 0 && { filters: read.filters }), ...(pipeline !== undefined && { pipeline }) });
  const words = rest.map((t) => t.text.toLowerCase());
  // A pipeline alone lists everyone's open deals there, as a stage alone lists everyone's in it.
  if (words.length === 0) return list({ type: pipeline === undefined ? 'mine' : 'all' });
  if (words.length === 1 && (words[0] === 'mine' || words[0] === 'my')) return list({ type: 'mine' });
  if (words.length === 1 && words[0] === 'all') return list({ type: 'all' });
  const stage = matchStage(words, stages);
  if (stage !== undefined) return list({ type: 'stage', stage });
  return fail(
    `I can't list "${clip(words.join(' '), 40)}".${didYouMean(words.join(' '), ['mine', 'all', ...stages])} Use mine, all, or a stage: ${stageList(stages)}; \`in <pipeline>\` keeps to one pipeline.`,
    USAGES.list,
  );
}

/**
 * `in <pipeline>` at the end of a list's words (`list mine in renewals`, `list check-in in
 * account renewals`): the words before it and the pipeline as typed ('' when `in` ends the
 * text). Words that are a stage as a whole stay a stage (`list sign in`, `list in progress`).
 */
function peelListPipeline(rest: Token[], stages: readonly string[]): { rest: Token[]; pipeline?: string } {
  if (matchStage(rest.map((t) => t.text), stages) !== undefined) return { rest };
  let at = -1;
  for (let i = rest.length - 1; i >= 0; i--) {
    if (word(rest[i]) === 'in') {
      at = i;
      break;
    }
  }
  if (at === -1) return { rest };
  const pipeline = rest
    .slice(at + 1)
    .map((t) => t.text)
    .join(' ')
    .trim();
  return { rest: rest.slice(0, at), pipeline };
}

function parseStage(state: ParseState): ParseOutcome<StageIntent | StageAdminIntent> {
  // `/deal stage add|rename|move|remove|require|probability …` shapes the stages (families/pipelines.ts).
  if (STAGE_ADMIN_WORDS[word(state.tokens[1]) ?? ''] !== undefined) return parseStageAdmin(state);
  const r = refAt(state, 'stage', USAGES.stage);
  if ('error' in r) return r.error;
  const withAt = state.tokens.findIndex((t, i) => i > 2 && word(t) === 'with');
  let fill: Record<string, string> | undefined;
  if (withAt !== -1) {
    const read = parseFill(state, withAt + 1);
    if ('error' in read) return fail(read.error, USAGES.stage);
    fill = read.fill;
  }
  const words = state.tokens
    .slice(2, withAt === -1 ? undefined : withAt)
    .map((t) => t.text.toLowerCase())
    .filter((w) => w !== '');
  if (words.length === 0) {
    return fail(
      `Which stage should ${r.ref} move to? Stages: ${stageList(state.stages)}.`,
      USAGES.stage,
    );
  }
  const typed = words.join(' ');
  const stage = matchStage(words, state.stages) ?? typed;
  if (stage.length > LIMITS.title) {
    return fail(`That stage name is too long.`, USAGES.stage);
  }
  return ok({ kind: 'stage', ref: r.ref, stage, ...(fill && { fill }) });
}

function parseWon(state: ParseState): ParseOutcome<WonIntent> {
  const r = refAt(state, 'won', USAGES.won);
  if ('error' in r) return r.error;
  if (state.tokens.length > 2) {
    return fail(
      `\`/deal won\` takes just the deal reference, e.g. \`/deal won ${r.ref}\`.`,
      USAGES.won,
    );
  }
  return ok({ kind: 'won', ref: r.ref });
}

function parseLost(state: ParseState): ParseOutcome<LostIntent> {
  const r = refAt(state, 'lost', USAGES.lost);
  if ('error' in r) return r.error;
  const reason = rawText(state.s, state.tokens, 2, state.tokens.length);
  if (reason === '') {
    return fail(
      `Please say why ${r.ref} was lost, e.g. \`/deal lost ${r.ref} went with a competitor\`.`,
      USAGES.lost,
    );
  }
  if (reason.length > LIMITS.reason) {
    return fail(`That reason is too long: keep it under ${LIMITS.reason} characters.`, USAGES.lost);
  }
  return ok({ kind: 'lost', ref: r.ref, reason });
}

function parseNext(state: ParseState): ParseOutcome<NextIntent> {
  const r = refAt(state, 'next', USAGES.next);
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
      if (after !== '' && looksLikeDateAttempt(after)) return fail(notADate('by', after, 'due date', 'action'), USAGES.next);
      break;
    }
  }
  const action = rawText(s, tokens, 2, end);
  if (action === '') {
    return fail(
      `What's the next step for ${r.ref}? e.g. \`/deal next ${r.ref} send the proposal by friday\`.`,
      USAGES.next,
    );
  }
  if (action.length > LIMITS.action) {
    return fail(
      `That next step is too long: keep it under ${LIMITS.action} characters.`,
      USAGES.next,
    );
  }
  if (due === undefined) return ok({ kind: 'next', ref: r.ref, action });
  return ok({ kind: 'next', ref: r.ref, action, due }, [pastDateNote(due, 'due date', state.dateCtx)]);
}

function parseLog(state: ParseState): ParseOutcome<LogIntent> {
  const r = refAt(state, 'log', USAGES.log);
  if ('error' in r) return r.error;
  const typeWord = word(state.tokens[2]);
  const types = ACTIVITY_TYPES.join(', ');
  if (typeWord === undefined) {
    return fail(
      `What kind of activity was it? Use one of ${types}, e.g. \`/deal log ${r.ref} call spoke with Maria\`.`,
      USAGES.log,
    );
  }
  if (!(ACTIVITY_TYPES as readonly string[]).includes(typeWord)) {
    return fail(
      `"${clip(state.tokens[2]?.text ?? '', 30)}" isn't an activity type;${didYouMean(typeWord, ACTIVITY_TYPES)} use one of ${types}.`,
      USAGES.log,
    );
  }
  const type = typeWord as ActivityType;
  const text = rawText(state.s, state.tokens, 3, state.tokens.length);
  if (text === '') {
    return fail(
      `What happened? Add some text, e.g. \`/deal log ${r.ref} ${type} spoke with Maria about pricing\`.`,
      USAGES.log,
    );
  }
  if (text.length > LIMITS.logText) {
    return fail(`That's too long to log: keep it under ${LIMITS.logText} characters.`, USAGES.log);
  }
  return ok({ kind: 'log', ref: r.ref, type, text });
}

function parseAssign(state: ParseState): ParseOutcome<AssignIntent> {
  const r = refAt(state, 'assign', USAGES.assign);
  if ('error' in r) return r.error;
  let rest = state.tokens.slice(2);
  if (word(rest[0]) === 'to') rest = rest.slice(1);
  const person = rest.length === 1 && rest[0] && !rest[0].quoted ? parseMention(rest[0].text) : undefined;
  if (!person) {
    return fail(
      `Who should own ${r.ref}? Mention one person, e.g. \`/deal assign ${r.ref} @maria\`.`,
      USAGES.assign,
    );
  }
  return ok({ kind: 'assign', ref: r.ref, owner: person });
}

export const showDeal = defineCommand<ShowIntent>({
  kind: 'show',
  words: ['show'],
  helpWords: ['search', 'find'],
  group: 'Deals',
  usage: USAGES.show,
  summary: 'Show a deal by reference, or search deals by title and company.',
  example: '/deal D-42',
  details: [
    'Anything that is not a command is a search: `/deal acme renewal`.',
    'To search for words that start like a command, use `/deal show <search text>`, e.g. `/deal show next generation`.',
    ...REF_HELP,
  ],
  fallback: true,
  parse: (state) => parseShow(state, word(state.tokens[0]) === 'show' ? 1 : 0),
  fits: (state) => (dealRefIn(state.tokens[1]) !== undefined && state.tokens.length === 2 ? 2 : 0),
  async run(ctx, intent, prefix) {
    const { crm, actor } = ctx;
    const noMatch: Reply = {
      kind: 'error',
      message: `No deal matches “${intent.query}”.`,
      hint: `Try fewer words, \`${prefix} list all\`, or \`${prefix} help\` for the commands.`,
    };
    // A reference (the grammar normalises it to `D-42`): its card in one load, not a search first.
    if (DEAL_REF_PATTERN.test(intent.query)) {
      const deal = await crm.deals.get(actor, intent.query).catch((err: unknown) => {
        if (err instanceof DomainError && err.code === DomainErrorCode.NotFound) return undefined;
        throw err;
      });
      return deal ? { kind: 'deal', deal, hint: nextActionHint(deal, prefix) } : noMatch;
    }
    const found = await crm.deals.find(actor, intent.query);
    const only = found.items[0];
    if (found.total === 1 && only) {
      const deal = await crm.deals.get(actor, only.id);
      return { kind: 'deal', deal, hint: nextActionHint(deal, prefix) };
    }
    return found.total === 0 ? noMatch : { kind: 'list', list: found };
  },
});

export const listDeals = defineCommand<ListIntent>({
  kind: 'list',
  words: ['list'],
  group: 'Deals',
  usage: USAGES.list,
  summary: 'List your open deals, all deals, or the deals in one stage; `in <pipeline>` keeps to one pipeline, custom-field filters narrow it (`source=partner`).',
  example: '/deal list proposal',
  details: [
    STAGES_HELP,
    'Filters: `<field>=<value>` for any custom field (`/deal fields` lists them), `>`, `<`, `>=`, `<=` for numbers, money and dates, `<field>=-` for deals without it; several narrow it together: `/deal list all source=partner seats>10`.',
    'With several pipelines, `in <pipeline>` lists one pipeline\'s deals: `/deal list in renewals` (everyone\'s open deals there), `/deal list mine in renewals`, `/deal list check-in in renewals source=partner`.',
  ],
  parse: parseList,
  fits(state) {
    const read = readFilters(state.s, state.tokens, 1);
    if ('error' in read) return 0;
    const peeled = peelListPipeline(read.rest, state.stages);
    const rest = peeled.rest.map((t) => t.text.toLowerCase());
    return rest.length === 0 || (rest.length === 1 && ['mine', 'my', 'all'].includes(rest[0] ?? '')) || matchStage(rest, state.stages) !== undefined
      ? 1
      : 0;
  },
  async run(ctx, intent, prefix) {
    const list = await ctx.crm.deals.list(ctx.actor, {
      ...intent.scope,
      ...(intent.filters && { filters: intent.filters }),
      ...(intent.pipeline !== undefined && { pipeline: intent.pipeline }),
    });
    const empty = intent.filters ? `No deals match. \`${prefix} fields deal\` lists the fields and their choices.` : `Nothing here yet. Create a deal with \`${prefix} new <title> [amount]\`.`;
    return { kind: 'list', list, hint: list.total === 0 ? empty : undefined };
  },
});

export const moveStage = defineCommand<StageIntent | StageAdminIntent>({
  kind: 'stage',
  words: ['stage'],
  group: 'Deals',
  usage: USAGES.stage,
  summary: 'Move a deal to another stage.',
  example: '/deal stage D-42 negotiation',
  details: [STAGES_HELP, ...REF_HELP],
  parse: parseStage,
  fits: refFits,
  async run(ctx, intent, prefix) {
    if (intent.kind !== 'stage') throw new Error('stage_admin intents run as their own command (table.ts)');
    const change = await ctx.crm.deals.moveStageChange(ctx.actor, intent.ref, intent.stage, { fill: intent.fill });
    const { deal } = change;
    const headline =
      deal.status === 'lost'
        ? lostHeadline(change)
        : change.changed
          ? closedNote(`${deal.ref} is now in ${deal.stage.name}.`, change)
          : `${deal.ref} is already in ${deal.stage.name}. Nothing changed.`;
    return { kind: 'deal', headline, deal, hint: nextActionHint(deal, prefix) };
  },
});

export const markWon = defineCommand<WonIntent>({
  kind: 'won',
  words: ['won'],
  group: 'Deals',
  usage: USAGES.won,
  summary: 'Mark a deal as won.',
  example: '/deal won D-42',
  details: REF_HELP,
  parse: parseWon,
  fits: (state) => (dealRefIn(state.tokens[1]) !== undefined && state.tokens.length === 2 ? 2 : 0),
  async run(ctx, intent) {
    const change = await ctx.crm.deals.markWonFrom(ctx.actor, intent.ref, undefined);
    const { deal } = change;
    const headline = change.changed ? closedNote(`${deal.ref} is won. Nice work!`, change) : `${deal.ref} is already won. Nothing changed.`;
    return { kind: 'deal', headline, deal };
  },
});

export const markLost = defineCommand<LostIntent>({
  kind: 'lost',
  words: ['lost'],
  group: 'Deals',
  usage: USAGES.lost,
  summary: 'Mark a deal as lost, with the reason (required).',
  example: '/deal lost D-42 went with a competitor',
  details: REF_HELP,
  parse: parseLost,
  fits: refFits,
  async run(ctx, intent) {
    const change = await ctx.crm.deals.markLostFrom(ctx.actor, intent.ref, intent.reason, undefined);
    return { kind: 'deal', headline: lostHeadline(change), deal: change.deal };
  },
});

export const setNext = defineCommand<NextIntent>({
  kind: 'next',
  words: ['next'],
  group: 'Deals',
  usage: USAGES.next,
  summary: 'Set the next step, optionally with a due date.',
  example: '/deal next D-42 send the proposal by friday',
  details: [
    'The next step is the deal\'s first open task: this changes that task, or adds one. More tasks: `/deal task D-42 <title> [by <date>]`.',
    'The due date is the last `by <date>` at the end; "by email" stays part of the action.',
    ...DATE_HELP,
    ...REF_HELP,
  ],
  parse: parseNext,
  fits: refFits,
  async run(ctx, intent) {
    const deal = await ctx.crm.deals.setNextAction(ctx.actor, intent.ref, { action: intent.action, due: intent.due });
    return { kind: 'deal', headline: `Next action set on ${deal.ref}.`, deal };
  },
});

export const logActivity = defineCommand<LogIntent>({
  kind: 'log',
  words: ['log'],
  group: 'Deals',
  usage: USAGES.log,
  summary: 'Log a call, email, meeting or note on a deal.',
  example: '/deal log D-42 call spoke with Maria about pricing',
  details: REF_HELP,
  parse: parseLog,
  fits: (state) =>
    dealRefIn(state.tokens[1]) !== undefined ? ((ACTIVITY_TYPES as readonly string[]).includes(word(state.tokens[2]) ?? '') ? 2 : 1) : 0,
  async run(ctx, intent, prefix) {
    const { created } = await ctx.crm.activities.log(ctx.actor, {
      deal: intent.ref,
      type: intent.type,
      body: intent.text,
      source: ctx.surface,
      idempotencyKey: deliveryKey(ctx),
    });
    const deal = await ctx.crm.deals.get(ctx.actor, intent.ref);
    const what = intent.type === 'email' ? 'an email' : `a ${intent.type}`;
    return {
      kind: 'deal',
      headline: created ? `Logged ${what} on ${deal.ref}.` : `That ${intent.type} was already logged on ${deal.ref}.`,
      deal,
      hint: nextActionHint(deal, prefix),
    };
  },
});

export const assignDeal = defineCommand<AssignIntent>({
  kind: 'assign',
  words: ['assign'],
  group: 'Deals',
  usage: USAGES.assign,
  summary: 'Give a deal to someone else.',
  example: '/deal assign D-42 @maria',
  details: REF_HELP,
  parse: parseAssign,
  fits: refFits,
  async run(ctx, intent) {
    const deal = await ctx.crm.deals.assign(ctx.actor, intent.ref, intent.owner);
    return { kind: 'deal', headline: `${deal.ref} now belongs to ${deal.owner?.displayName ?? 'nobody'}.`, deal };
  },
});

