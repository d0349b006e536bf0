/**
 * Pipelines and stages, shaped by a workspace's admins from chat (the domain enforces who may:
 * src/domain/pipeline/pipeline.service.ts):
 *
 *   /deal pipelines                                   every pipeline, stage by stage
 *   /deal pipeline [<name>]                           one pipeline (the default when no name)
 *   /deal pipeline new Renewals
 *   /deal pipeline rename Renewals to Account renewals
 *   /deal pipeline default Renewals
 *   /deal stage add Discovery after New [kind lost] [in renewals]  (or `before <stage>`)
 *   /deal stage rename Discovery to Discovery call [in …]
 *   /deal stage move Proposal before Qualified [in …]        (or `after <stage>`)
 *   /deal stage remove Discovery [move deals to Qualified] [in …]
 *   /deal stage require Proposal amount close contact [in …] (`nothing` clears the gate)
 *   /deal stage probability Proposal 40 [in …]
 *   /deal stage kind "Closed - no budget" lost [in …]        (open, won or lost)
 *
 * Stage and pipeline names may be several words; a name that contains one of the words the
 * command reads (`to`, `after`, `before`, `in`, `move`) goes in "quotes". `/deal stage D-42 proposal`
 * (moving a deal, families/deals.ts) hands the words above to this module.
 */
import { readAmount } from '../amount.js';
import { defineCommand } from '../command.js';
import { parseDateOnly } from '../dates.js';
import type { Reply } from '../reply.js';
import { defaultCurrencyOf, amountOptions, fail, ok, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { clip, word, type Token } from '../grammar/tokens.js';
import type { PipelineChange, StagePlace } from '../../../domain/pipeline/pipeline.service.js';
import { STAGE_KINDS, type StageKind } from '../../../domain/pipeline/pipeline.defaults.js';
import { formatMoney } from '../../../domain/shared/money.js';

export interface PipelinesIntent {
  kind: 'pipelines';
}

export type PipelineIntent =
  | { kind: 'pipeline'; action: 'show'; name?: string }
  | { kind: 'pipeline'; action: 'new'; name: string }
  | { kind: 'pipeline'; action: 'rename'; name: string; to: string }
  | { kind: 'pipeline'; action: 'default'; name: string };

type InPipeline = { pipeline?: string };
export type StageAdminIntent = { kind: 'stage_admin' } & InPipeline &
  (
    | { action: 'add'; name: string; place?: StagePlace; stageKind?: StageKind }
    | { action: 'rename'; stage: string; to: string }
    | { action: 'move'; stage: string; place: StagePlace }
    | { action: 'remove'; stage: string; moveTo?: string }
    | { action: 'require'; stage: string; requirements: string[] }
    | { action: 'probability'; stage: string; probability: number }
    | { action: 'kind'; stage: string; stageKind: StageKind }
  );

export const PIPELINE_USAGES = {
  pipelines: '/deal pipelines',
  pipeline: '/deal pipeline [<name>] | /deal pipeline new <name> | /deal pipeline rename <name> to <new name> | /deal pipeline default <name>',
  add: '/deal stage add <name> [after|before <stage>] [kind open|won|lost] [in <pipeline>]',
  rename: '/deal stage rename <stage> to <new name> [in <pipeline>]',
  move: '/deal stage move <stage> before|after <stage> [in <pipeline>]',
  remove: '/deal stage remove <stage> [move deals to <stage>] [in <pipeline>]',
  require: '/deal stage require <stage> <amount|close|contact|company|owner|next|custom field …>|nothing [in <pipeline>]',
  probability: '/deal stage probability <stage> <0-100> [in <pipeline>]',
  kind: '/deal stage kind <stage> open|won|lost [in <pipeline>]',
} as const;

const STAGE_ADMIN_USAGE = [
  PIPELINE_USAGES.add,
  PIPELINE_USAGES.rename,
  PIPELINE_USAGES.move,
  PIPELINE_USAGES.remove,
  PIPELINE_USAGES.require,
  PIPELINE_USAGES.probability,
  PIPELINE_USAGES.kind,
].join(' | ');

/** The words after `/deal stage` that change stages rather than move a deal. */
export const STAGE_ADMIN_WORDS: Readonly<Record<string, StageAdminIntent['action']>> = {
  add: 'add',
  rename: 'rename',
  move: 'move',
  reorder: 'move',
  remove: 'remove',
  delete: 'remove',
  require: 'require',
  requires: 'require',
  probability: 'probability',
  prob: 'probability',
  kind: 'kind',
  type: 'kind',
};

/** A stage kind as people type it. */
const KIND_WORDS: Readonly<Record<string, StageKind>> = { open: 'open', won: 'won', win: 'won', lost: 'lost', lose: 'lost' };
const kindOf = (t: Token | undefined): StageKind | undefined => KIND_WORDS[word(t) ?? ''];

const NONE_WORDS = new Set(['nothing', 'none', 'no', 'clear', 'off']);
/** Two-word requirement names, read as one. */
const REQUIREMENT_PAIRS: Readonly<Record<string, string>> = { 'close date': 'close', 'next action': 'next', 'next step': 'next' };
const FILLER = new Set(['and', '&', '+']);

/** The text of tokens[from, to) as typed, quoted words without their quotes. */
function text(tokens: readonly Token[], from: number, to: number): string {
  return tokens
    .slice(from, to)
    .map((t) => t.text)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The index of the last unquoted `word` in tokens[from, to), or -1. */
function lastWord(tokens: readonly Token[], words: readonly string[], from: number, to = tokens.length): number {
  for (let i = to - 1; i >= from; i--) if (words.includes(word(tokens[i]) ?? '')) return i;
  return -1;
}

function firstWord(tokens: readonly Token[], words: readonly string[], from: number, to = tokens.length): number {
  for (let i = from; i < to; i++) if (words.includes(word(tokens[i]) ?? '')) return i;
  return -1;
}

/** Peels `in <pipeline>` off the end: the tokens left, and the pipeline named. */
function peelPipeline(tokens: readonly Token[], from: number): { end: number; pipeline?: string } {
  const at = lastWord(tokens, ['in'], from + 1);
  if (at === -1 || at === tokens.length - 1) return { end: tokens.length };
  return { end: at, pipeline: text(tokens, at + 1, tokens.length) };
}

function parsePipelines(state: ParseState): ParseOutcome<PipelinesIntent> {
  if (state.tokens.length > 1) {
    return fail('`/deal pipelines` takes no other words. To see one pipeline: `/deal pipeline <name>`.', PIPELINE_USAGES.pipelines);
  }
  return ok({ kind: 'pipelines' });
}

function parsePipeline(state: ParseState): ParseOutcome<PipelineIntent> {
  const { tokens } = state;
  const usage = PIPELINE_USAGES.pipeline;
  const verb = word(tokens[1]);
  if (tokens.length === 1) return ok({ kind: 'pipeline', action: 'show' });
  if (verb === 'new' || verb === 'add' || verb === 'create') {
    const name = text(tokens, 2, tokens.length);
    if (name === '') return fail('Name the new pipeline, e.g. `/deal pipeline new Renewals`.', usage);
    return ok({ kind: 'pipeline', action: 'new', name });
  }
  if (verb === 'rename') {
    const to = firstWord(tokens, ['to'], 3);
    if (to === -1 || to === tokens.length - 1) {
      return fail('Say the pipeline and its new name, e.g. `/deal pipeline rename Renewals to Account renewals`.', usage);
    }
    return ok({ kind: 'pipeline', action: 'rename', name: text(tokens, 2, to), to: text(tokens, to + 1, tokens.length) });
  }
  if (verb === 'default') {
    const name = text(tokens, 2, tokens.length);
    if (name === '') return fail('Which pipeline should new deals go to? e.g. `/deal pipeline default Renewals`.', usage);
    return ok({ kind: 'pipeline', action: 'default', name });
  }
  return ok({ kind: 'pipeline', action: 'show', name: text(tokens, 1, tokens.length) });
}

/** The stage-changing forms of `/deal stage …` (tokens[1] is one of STAGE_ADMIN_WORDS). */
export function parseStageAdmin(state: ParseState): ParseOutcome<StageAdminIntent> {
  const { tokens } = state;
  const action = STAGE_ADMIN_WORDS[word(tokens[1]) ?? ''];
  if (!action) return fail('What should change? Add, rename, move, remove a stage, or set what it requires, its probability or its kind.', STAGE_ADMIN_USAGE);
  const peeled = peelPipeline(tokens, 2);
  const { pipeline } = peeled;
  let { end } = peeled;
  const inPipeline = pipeline === undefined ? {} : { pipeline };
  const usage = PIPELINE_USAGES[action];
  if (end <= 2) return fail(`Which stage? e.g. \`${example(action)}\`.`, usage);

  if (action === 'kind') {
    // `kind <stage> [to|is|as] open|won|lost`
    const kind = kindOf(tokens[end - 1]);
    let nameEnd = end - 1;
    if (['to', 'is', 'as'].includes(word(tokens[nameEnd - 1]) ?? '')) nameEnd--;
    if (!kind || nameEnd <= 2) return fail(`Give the stage and its kind: open, won or lost, e.g. \`${example(action)}\`.`, usage);
    return ok({ kind: 'stage_admin', action, stage: text(tokens, 2, nameEnd), stageKind: kind, ...inPipeline });
  }
  // `stage add <name> … kind lost`: a won or lost stage (open unless told).
  let stageKind: StageKind | undefined;
  if (action === 'add' && end - 2 > 2 && word(tokens[end - 2]) === 'kind') {
    stageKind = kindOf(tokens[end - 1]);
    if (!stageKind) return fail(`A stage’s kind is ${STAGE_KINDS.join(', ')}, e.g. \`/deal stage add Closed - no budget kind lost\`.`, usage);
    end -= 2;
  }
  if (action === 'add' || action === 'move') {
    const at = lastWord(tokens, ['after', 'before'], 3, end);
    const place = at === -1 ? undefined : placeOf(word(tokens[at])!, text(tokens, at + 1, end));
    if (at !== -1 && !place) return fail(`${word(tokens[at]) === 'after' ? 'After' : 'Before'} which stage? e.g. \`${example(action)}\`.`, usage);
    const name = text(tokens, 2, at === -1 ? end : at);
    if (action === 'add') return ok({ kind: 'stage_admin', action, name, ...(place && { place }), ...(stageKind && { stageKind }), ...inPipeline });
    if (!place) return fail(`Say where ${clip(name, 30)} goes: \`before <stage>\` or \`after <stage>\`, e.g. \`${example(action)}\`.`, usage);
    return ok({ kind: 'stage_admin', action, stage: name, place, ...inPipeline });
  }
  if (action === 'rename') {
    const to = firstWord(tokens, ['to'], 3, end);
    if (to === -1 || to === end - 1) return fail(`Say the stage and its new name, e.g. \`${example(action)}\`.`, usage);
    return ok({ kind: 'stage_admin', action, stage: text(tokens, 2, to), to: text(tokens, to + 1, end), ...inPipeline });
  }
  if (action === 'remove') {
    const move = firstWord(tokens, ['move', 'moving'], 3, end);
    if (move === -1) return ok({ kind: 'stage_admin', action, stage: text(tokens, 2, end), ...inPipeline });
    let from = move + 1;
    if (['deals', 'them', 'its'].includes(word(tokens[from]) ?? '')) from++;
    if (word(tokens[from]) === 'deals') from++;
    if (['to', 'into'].includes(word(tokens[from]) ?? '')) from++;
    const moveTo = text(tokens, from, end);
    if (moveTo === '') return fail(`Where should its deals go? e.g. \`${example(action)}\`.`, usage);
    return ok({ kind: 'stage_admin', action, stage: text(tokens, 2, move), moveTo, ...inPipeline });
  }
  if (action === 'probability') {
    const last = tokens[end - 1]?.text.replace(/%$/, '') ?? '';
    const probability = /^\d{1,3}$/.test(last) ? Number(last) : Number.NaN;
    let nameEnd = end - 1;
    if (word(tokens[nameEnd - 1]) === 'to' || word(tokens[nameEnd - 1]) === 'is') nameEnd--;
    if (Number.isNaN(probability) || probability > 100 || nameEnd <= 2) {
      return fail(`Give the stage and a whole percent from 0 to 100, e.g. \`${example(action)}\`.`, usage);
    }
    return ok({ kind: 'stage_admin', action, stage: text(tokens, 2, nameEnd), probability, ...inPipeline });
  }
  // require: the stage (the longest name the workspace has, else one word), then the requirements.
  const known = new Set(state.stages);
  let nameEnd = 3;
  for (let i = end; i > 3; i--) {
    if (known.has(text(tokens, 2, i).toLowerCase())) {
      nameEnd = i;
      break;
    }
  }
  const words = tokens
    .slice(nameEnd, end)
    .flatMap((t) => (t.quoted ? [t.text] : t.text.split(',')))
    .map((w) => w.trim())
    .filter((w) => w !== '' && !FILLER.has(w.toLowerCase()));
  if (words.length === 0) return fail(`What should ${clip(text(tokens, 2, nameEnd), 30)} require? e.g. \`${example(action)}\`, or \`nothing\` to clear it.`, usage);
  if (words.length === 1 && NONE_WORDS.has(words[0]!.toLowerCase())) {
    return ok({ kind: 'stage_admin', action, stage: text(tokens, 2, nameEnd), requirements: [], ...inPipeline });
  }
  const requirements: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const pair = REQUIREMENT_PAIRS[`${words[i]} ${words[i + 1] ?? ''}`.toLowerCase()];
    if (pair) {
      requirements.push(pair);
      i++;
    } else requirements.push(words[i]!);
  }
  return ok({ kind: 'stage_admin', action, stage: text(tokens, 2, nameEnd), requirements, ...inPipeline });
}

function placeOf(where: string, stage: string): StagePlace | undefined {
  if (stage === '') return undefined;
  return where === 'after' ? { after: stage } : { before: stage };
}

function example(action: StageAdminIntent['action']): string {
  return {
    add: '/deal stage add Discovery after New',
    rename: '/deal stage rename Discovery to Discovery call',
    move: '/deal stage move Proposal before Qualified',
    remove: '/deal stage remove Discovery move deals to Qualified',
    require: '/deal stage require Proposal amount close contact',
    probability: '/deal stage probability Proposal 40',
    kind: '/deal stage kind "Closed - no budget" lost',
  }[action];
}

/**
 * `with amount 25k, close next friday, contact Ana Lima` after `/deal stage D-42 proposal`: the
 * values a gated stage asks for, read as people type them and handed to the domain in plain form
 * (an amount as `25000 USD`, a date as `YYYY-MM-DD`). Each item is a requirement word and its
 * value; items are separated by commas.
 */
export function parseFill(state: ParseState, from: number): { fill: Record<string, string> } | { error: string } {
  const raw = state.tokens
    .slice(from)
    .map((t) => (t.quoted ? `"${t.text}"` : t.text))
    .join(' ');
  const fill: Record<string, string> = {};
  for (const item of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const parts = item.split(/\s+/);
    const two = `${parts[0] ?? ''} ${parts[1] ?? ''}`.toLowerCase();
    const [key, rest] = REQUIREMENT_PAIRS[two]
      ? [REQUIREMENT_PAIRS[two]!, parts.slice(2).join(' ')]
      : [(parts[0] ?? '').toLowerCase(), parts.slice(1).join(' ')];
    const value = rest.replace(/^"(.*)"$/, '$1').trim();
    if (value === '') return { error: `Give a value after “${key}”, e.g. \`with amount 25k, close next friday, contact Ana Lima\`.` };
    if (key === 'amount' || key === 'value') {
      const reading = readAmount(value, defaultCurrencyOf(state) || 'USD', amountOptions(state));
      if (reading.kind !== 'money') return { error: reading.kind === 'invalid' ? reading.reason : `I can't read "${clip(value, 30)}" as an amount, e.g. 25k or €2,000.` };
      fill.amount = plainMoney(reading.money);
    } else if (key === 'close') {
      const date = parseDateOnly(value, state.dateCtx);
      if (!date) return { error: `I can't read "${clip(value, 30)}" as a close date, e.g. next friday or 2026-12-31.` };
      fill.close = date;
    } else if (key === 'owner') {
      fill.owner = value.replace(/^<@([^|>]+)(?:\|[^>]*)?>$/, '$1');
    } else if (['contact', 'company', 'next'].includes(key)) {
      fill[key] = value;
    } else {
      fill[key.startsWith('field:') ? key : `field:${key}`] = value;
    }
  }
  return Object.keys(fill).length > 0 ? { fill } : { error: 'Say what to give with `with`, e.g. `with amount 25k, close next friday`.' };
}

/** An amount as the domain’s gate reads it: `25000 USD`, `1234.50 EUR`. */
export function plainMoney(m: { minor: bigint; currency: string }): string {
  const shown = formatMoney(m, 'en-US');
  const digits = shown.replace(/[^\d.]/g, '');
  return `${digits} ${m.currency}`;
}

function pipelineReply(change: PipelineChange, done: string, unchanged: string, hint?: string): Reply {
  return { kind: 'pipeline', pipelines: [change.pipeline], headline: change.changed ? done : unchanged, ...(hint && { hint }) };
}

export const pipelinesCommand = defineCommand<PipelinesIntent>({
  kind: 'pipelines',
  words: ['pipelines'],
  group: 'Digests and settings',
  usage: PIPELINE_USAGES.pipelines,
  summary: 'Every pipeline and its stages: probability, kind, what each stage requires, and how many deals are in it.',
  example: '/deal pipelines',
  parse: parsePipelines,
  fits: (state) => (state.tokens.length === 1 ? 1 : 0),
  async run(ctx, _intent, prefix) {
    const pipelines = await ctx.crm.pipelines.views(ctx.actor);
    return { kind: 'pipeline', pipelines, hint: `Admins change them: \`${prefix} pipeline new <name>\`, \`${prefix} stage add <name> after <stage>\` (\`${prefix} help stage_admin\`).` };
  },
});

export const pipelineCommand = defineCommand<PipelineIntent>({
  kind: 'pipeline',
  words: ['pipeline'],
  group: 'Digests and settings',
  usage: PIPELINE_USAGES.pipeline,
  summary: 'Show a pipeline; admins add one, rename it, or make it the default (where new deals go).',
  example: '/deal pipeline new Renewals',
  details: [
    'A new pipeline starts with New, Won and Lost: add your own stages with `/deal stage add <name> after New in <pipeline>`.',
    'Renaming a pipeline changes the word commands use for it (`in account-renewals`).',
    'Create a deal in another pipeline with `/deal new <title> in <pipeline>`.',
  ],
  parse: parsePipeline,
  fits: (state) => (['new', 'rename', 'default'].includes(word(state.tokens[1]) ?? '') ? 2 : 0),
  async run(ctx, intent, prefix) {
    const { crm, actor } = ctx;
    switch (intent.action) {
      case 'show':
        return { kind: 'pipeline', pipelines: [await crm.pipelines.view(actor, intent.name)] };
      case 'new': {
        const change = await crm.pipelines.createPipeline(actor, intent.name);
        const p = change.pipeline;
        return pipelineReply(change, `Created the ${p.name} pipeline.`, '', `Add stages with \`${prefix} stage add <name> after New in ${p.key}\`; new deals go there with \`${prefix} new <title> in ${p.key}\`.`);
      }
      case 'rename': {
        const change = await crm.pipelines.renamePipeline(actor, intent.name, intent.to);
        return pipelineReply(change, `Renamed the pipeline to ${change.pipeline.name}.`, `The pipeline is already called ${change.pipeline.name}. Nothing changed.`);
      }
      case 'default': {
        const change = await crm.pipelines.setDefault(actor, intent.name);
        return pipelineReply(change, `${change.pipeline.name} is now the default pipeline: new deals go there.`, `${change.pipeline.name} is already the default pipeline. Nothing changed.`);
      }
    }
  },
});

export const stageAdminCommand = defineCommand<StageAdminIntent>({
  kind: 'stage_admin',
  words: [],
  helpWords: ['stages'],
  group: 'Digests and settings',
  usage: STAGE_ADMIN_USAGE,
  summary: 'Admins shape a pipeline’s stages: add, rename, reorder, remove (moving its deals), what a deal needs to enter (its gate), win probability, kind (open, won or lost).',
  example: '/deal stage add Discovery after New',
  details: [
    '`in <pipeline>` at the end picks another pipeline than the default.',
    'Removing a stage that holds deals asks where they go: `/deal stage remove Discovery move deals to Qualified`. Each deal’s timeline records the move.',
    'Requirements: amount, close (date), contact, company, owner, next (action), or a deal custom field. A deal moved into the stage without them is refused, with what is missing; give them with the move: `/deal stage D-42 proposal with amount 25k, close next friday, contact Ana Lima`.',
    'A stage’s kind: open, or won or lost (closing the deals that enter it). A pipeline keeps at least one of each, its first stage open; a stage holding deals keeps its kind. `/deal won` and `/deal lost` use the first won and lost stage.',
    '`/deal pipeline <name>` has an Edit stages button in Slack and Teams: names, probabilities and kinds in one form.',
    'Names with a word the command reads (to, after, before, in, move, kind) go in "quotes".',
  ],
  parse: parseStageAdmin,
  claims: (state) => word(state.tokens[0]) === 'stage' && STAGE_ADMIN_WORDS[word(state.tokens[1]) ?? ''] !== undefined,
  async run(ctx, intent) {
    const p = ctx.crm.pipelines;
    const { actor } = ctx;
    switch (intent.action) {
      case 'add': {
        const change = await p.addStage(actor, { name: intent.name, place: intent.place, pipeline: intent.pipeline, ...(intent.stageKind && { kind: intent.stageKind }) });
        const closing = intent.stageKind && intent.stageKind !== 'open' ? `, a ${intent.stageKind} stage` : '';
        return pipelineReply(change, `Added ${intent.name} to ${change.pipeline.name}${closing}.`, '');
      }
      case 'rename': {
        const change = await p.renameStage(actor, intent.stage, intent.to, intent.pipeline);
        return pipelineReply(change, `Renamed ${intent.stage} to ${intent.to}.`, `That stage is already called ${intent.to}. Nothing changed.`);
      }
      case 'move': {
        const change = await p.moveStage(actor, intent.stage, intent.place, intent.pipeline);
        const where = 'after' in intent.place ? `after ${intent.place.after}` : `before ${intent.place.before}`;
        return pipelineReply(change, `Moved ${intent.stage} ${where}.`, `${intent.stage} is already ${where}. Nothing changed.`);
      }
      case 'remove': {
        const change = await p.removeStage(actor, intent.stage, intent.moveTo, intent.pipeline);
        const moved = change.moved ? ` Moved ${change.moved === 1 ? '1 deal' : `${change.moved} deals`} to ${intent.moveTo}.` : '';
        return pipelineReply(change, `Removed ${intent.stage} from ${change.pipeline.name}.${moved}`, '');
      }
      case 'require': {
        const change = await p.requireFields(actor, intent.stage, intent.requirements, intent.pipeline);
        const stage = change.pipeline.stages.find((s) => s.name.toLowerCase() === intent.stage.toLowerCase() || s.key === intent.stage.toLowerCase());
        const name = stage?.name ?? intent.stage;
        const what = stage?.required.length ? `a deal needs ${stage.required.join(', ')} to enter ${name}` : `${name} requires nothing`;
        return pipelineReply(change, `Done: ${what}.`, `Already so: ${what}. Nothing changed.`);
      }
      case 'probability': {
        const change = await p.setProbability(actor, intent.stage, intent.probability, intent.pipeline);
        return pipelineReply(change, `${intent.stage} now weighs ${intent.probability}% in the forecast.`, `${intent.stage} is already at ${intent.probability}%. Nothing changed.`);
      }
      case 'kind': {
        const change = await p.setKind(actor, intent.stage, intent.stageKind, intent.pipeline);
        const done = intent.stageKind === 'open' ? `${intent.stage} is now an open stage.` : `${intent.stage} is now a ${intent.stageKind} stage: deals that enter it are ${intent.stageKind}.`;
        return pipelineReply(change, done, `${intent.stage} is already ${intent.stageKind}. Nothing changed.`);
      }
    }
  },
});
