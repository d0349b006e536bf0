/**
 * Issue 15, pipelines and stages in the grammar: every form of `/deal pipelines`, `/deal pipeline …`
 * and `/deal stage add|rename|move|remove|require|probability …`, their refusals with the nearest
 * usage; `/deal stage D-42 proposal` still moves a deal (now also `with` the values a gate asks
 * for); `/deal new … in <pipeline>`. Then the commands end to end over the domain, and the
 * "pipeline" reply drawn on every surface.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type CommandContext, type Reply } from '../../../src/bot/commands/execute.js';
import type { ParseContext } from '../../../src/bot/commands/intent.js';
import { parseCommand, USAGE } from '../../../src/bot/commands/parse.js';
import { renderReply } from '../../../src/bot/console/render.js';
import { replyBlocks } from '../../../src/bot/slack/blocks/reply.js';
import { replyCard } from '../../../src/bot/teams/cards/reply.js';
import { silentLogger } from '../../../src/log.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../../helpers/fixtures.js';

// Tuesday 24 November 2026, 11:00 in Berlin.
const ctx: ParseContext = { now: new Date('2026-11-24T10:00:00Z'), timeZone: 'Europe/Berlin', defaultCurrency: 'USD' };
const parse = (text: string, c: ParseContext = ctx) => parseCommand(text, c);
const intentOf = (text: string, c?: ParseContext) => {
  const r = parse(text, c);
  if (!r.ok) throw new Error(`expected an intent for "${text}", got: ${r.error.message}`);
  return r.intent;
};
const errorOf = (text: string) => {
  const r = parse(text);
  if (r.ok) throw new Error(`expected an error for "${text}", got ${JSON.stringify(r.intent)}`);
  return r.error;
};

describe('/deal pipelines and /deal pipeline', () => {
  it.each<[string, unknown]>([
    ['pipelines', { kind: 'pipelines' }],
    ['/deal pipelines', { kind: 'pipelines' }],
    ['pipeline', { kind: 'pipeline', action: 'show' }],
    ['pipeline renewals', { kind: 'pipeline', action: 'show', name: 'renewals' }],
    ['pipeline new Renewals', { kind: 'pipeline', action: 'new', name: 'Renewals' }],
    ['pipeline new Channel partners', { kind: 'pipeline', action: 'new', name: 'Channel partners' }],
    ['pipeline rename Renewals to Account renewals', { kind: 'pipeline', action: 'rename', name: 'Renewals', to: 'Account renewals' }],
    ['pipeline rename "Up to date" to Current', { kind: 'pipeline', action: 'rename', name: 'Up to date', to: 'Current' }],
    ['pipeline default renewals', { kind: 'pipeline', action: 'default', name: 'renewals' }],
  ])('%s', (text, intent) => {
    expect(intentOf(text)).toEqual(intent);
  });

  it.each<[string, string, string]>([
    ['pipelines renewals', '`/deal pipelines` takes no other words. To see one pipeline: `/deal pipeline <name>`.', USAGE.pipelines],
    ['pipeline new', 'Name the new pipeline, e.g. `/deal pipeline new Renewals`.', USAGE.pipeline],
    ['pipeline rename Renewals', 'Say the pipeline and its new name, e.g. `/deal pipeline rename Renewals to Account renewals`.', USAGE.pipeline],
    ['pipeline rename Renewals to', 'Say the pipeline and its new name, e.g. `/deal pipeline rename Renewals to Account renewals`.', USAGE.pipeline],
    ['pipeline default', 'Which pipeline should new deals go to? e.g. `/deal pipeline default Renewals`.', USAGE.pipeline],
  ])('%s is refused with the nearest usage', (text, message, usage) => {
    expect(errorOf(text)).toEqual({ message, usage });
  });
});

describe('/deal stage add|rename|move|remove|require|probability', () => {
  it.each<[string, unknown]>([
    ['stage add Discovery', { action: 'add', name: 'Discovery' }],
    ['stage add Discovery after New', { action: 'add', name: 'Discovery', place: { after: 'New' } }],
    ['stage add Discovery call before Proposal in renewals', { action: 'add', name: 'Discovery call', place: { before: 'Proposal' }, pipeline: 'renewals' }],
    ['stage add Check-in in account renewals', { action: 'add', name: 'Check-in', pipeline: 'account renewals' }],
    ['stage add "Sign in" after New', { action: 'add', name: 'Sign in', place: { after: 'New' } }],
    ['stage rename Discovery to Discovery call', { action: 'rename', stage: 'Discovery', to: 'Discovery call' }],
    ['stage rename Discovery to Discovery call in renewals', { action: 'rename', stage: 'Discovery', to: 'Discovery call', pipeline: 'renewals' }],
    ['stage move Proposal before Qualified', { action: 'move', stage: 'Proposal', place: { before: 'Qualified' } }],
    ['stage reorder Legal review after Negotiation', { action: 'move', stage: 'Legal review', place: { after: 'Negotiation' } }],
    ['stage remove Discovery', { action: 'remove', stage: 'Discovery' }],
    ['stage remove Discovery move deals to Qualified', { action: 'remove', stage: 'Discovery', moveTo: 'Qualified' }],
    ['stage delete Discovery move to Qualified in renewals', { action: 'remove', stage: 'Discovery', moveTo: 'Qualified', pipeline: 'renewals' }],
    ['stage require Proposal amount close contact', { action: 'require', stage: 'Proposal', requirements: ['amount', 'close', 'contact'] }],
    ['stage require Proposal amount, close date and contact', { action: 'require', stage: 'Proposal', requirements: ['amount', 'close', 'contact'] }],
    ['stage require negotiation next action owner source', { action: 'require', stage: 'negotiation', requirements: ['next', 'owner', 'source'] }],
    ['stage require Proposal nothing', { action: 'require', stage: 'Proposal', requirements: [] }],
    ['stage require Proposal none in renewals', { action: 'require', stage: 'Proposal', requirements: [], pipeline: 'renewals' }],
    ['stage probability Proposal 40', { action: 'probability', stage: 'Proposal', probability: 40 }],
    ['stage probability Legal review to 90%', { action: 'probability', stage: 'Legal review', probability: 90 }],
    ['stage kind "Closed - no budget" lost', { action: 'kind', stage: 'Closed - no budget', stageKind: 'lost' }],
    ['stage kind "Closed - no budget" lost in renewals', { action: 'kind', stage: 'Closed - no budget', stageKind: 'lost', pipeline: 'renewals' }],
    ['stage kind Parked to open', { action: 'kind', stage: 'Parked', stageKind: 'open' }],
    ['stage type Signed is won', { action: 'kind', stage: 'Signed', stageKind: 'won' }],
    ['stage kind Legal review won in account renewals', { action: 'kind', stage: 'Legal review', stageKind: 'won', pipeline: 'account renewals' }],
    ['stage add Closed - no budget kind lost', { action: 'add', name: 'Closed - no budget', stageKind: 'lost' }],
    ['stage add Churned after Lost kind lost in renewals', { action: 'add', name: 'Churned', place: { after: 'Lost' }, stageKind: 'lost', pipeline: 'renewals' }],
    ['stage add Upsell won before Lost kind won', { action: 'add', name: 'Upsell won', place: { before: 'Lost' }, stageKind: 'won' }],
    ['stage add "Kind of ready" after New', { action: 'add', name: 'Kind of ready', place: { after: 'New' } }],
  ])('%s', (text, intent) => {
    expect(intentOf(text)).toEqual({ kind: 'stage_admin', ...(intent as object) });
  });

  it('reads a several-word stage before its requirements when the workspace has it', () => {
    const c = { ...ctx, stages: ['new', 'discovery call', 'won', 'lost'] };
    expect(intentOf('stage require Discovery call amount', c)).toEqual({ kind: 'stage_admin', action: 'require', stage: 'Discovery call', requirements: ['amount'] });
  });

  it.each<[string, string, keyof typeof USAGE | 'add' | 'rename' | 'move' | 'remove' | 'require' | 'probability' | 'kind']>([
    ['stage add', 'Which stage? e.g. `/deal stage add Discovery after New`.', 'add'],
    ['stage add Discovery after', 'After which stage? e.g. `/deal stage add Discovery after New`.', 'add'],
    ['stage rename Discovery', 'Say the stage and its new name, e.g. `/deal stage rename Discovery to Discovery call`.', 'rename'],
    ['stage move Proposal', 'Say where Proposal goes: `before <stage>` or `after <stage>`, e.g. `/deal stage move Proposal before Qualified`.', 'move'],
    ['stage move Proposal before', 'Before which stage? e.g. `/deal stage move Proposal before Qualified`.', 'move'],
    ['stage remove Discovery move deals to', 'Where should its deals go? e.g. `/deal stage remove Discovery move deals to Qualified`.', 'remove'],
    ['stage require Proposal', 'What should Proposal require? e.g. `/deal stage require Proposal amount close contact`, or `nothing` to clear it.', 'require'],
    ['stage probability Proposal', 'Give the stage and a whole percent from 0 to 100, e.g. `/deal stage probability Proposal 40`.', 'probability'],
    ['stage probability Proposal 140', 'Give the stage and a whole percent from 0 to 100, e.g. `/deal stage probability Proposal 40`.', 'probability'],
    ['stage kind Proposal', 'Give the stage and its kind: open, won or lost, e.g. `/deal stage kind "Closed - no budget" lost`.', 'kind'],
    ['stage kind Proposal closed', 'Give the stage and its kind: open, won or lost, e.g. `/deal stage kind "Closed - no budget" lost`.', 'kind'],
    ['stage kind lost', 'Give the stage and its kind: open, won or lost, e.g. `/deal stage kind "Closed - no budget" lost`.', 'kind'],
    ['stage add Churned kind closed', 'A stage’s kind is open, won, lost, e.g. `/deal stage add Closed - no budget kind lost`.', 'add'],
  ])('%s is refused with the usage of that form', (text, message, form) => {
    const error = errorOf(text);
    expect(error.message).toBe(message);
    expect(USAGE.stage_admin.split(' | ')).toContain(error.usage);
    expect(error.usage).toContain(`/deal stage ${form}`);
  });

  it('still moves a deal: `/deal stage D-42 proposal`, now also with what a gated stage asks for', () => {
    expect(intentOf('stage D-42 proposal')).toEqual({ kind: 'stage', ref: 'D-42', stage: 'proposal' });
    expect(intentOf('stage D-42 proposal with amount 25k, close next friday, contact Ana Lima, owner @maria, source partner')).toEqual({
      kind: 'stage',
      ref: 'D-42',
      stage: 'proposal',
      fill: { amount: '25000 USD', close: '2026-11-27', contact: 'Ana Lima', owner: '@maria', 'field:source': 'partner' },
    });
    expect((intentOf('stage D-42 proposal with close date 2026-12-31, next action send the quote') as { fill?: unknown }).fill).toEqual({ close: '2026-12-31', next: 'send the quote' });
    expect(errorOf('stage D-42 proposal with amount lots').message).toBe('I can\'t read "lots" as an amount, e.g. 25k or €2,000.');
    expect(errorOf('stage D-42 proposal with close someday').message).toBe('I can\'t read "someday" as a close date, e.g. next friday or 2026-12-31.');
    expect(errorOf('stage D-42 proposal with amount').message).toBe('Give a value after “amount”, e.g. `with amount 25k, close next friday, contact Ana Lima`.');
  });
});

describe('/deal list … in <pipeline>', () => {
  const stages = { ...ctx, stages: ['new', 'qualified', 'proposal', 'negotiation', 'won', 'lost', 'check-in', 'sign in', 'in progress'] };
  it.each<[string, Record<string, unknown>]>([
    ['list in renewals', { scope: { type: 'all' }, pipeline: 'renewals' }],
    ['list mine in renewals', { scope: { type: 'mine' }, pipeline: 'renewals' }],
    ['list all in account renewals', { scope: { type: 'all' }, pipeline: 'account renewals' }],
    ['list check-in in renewals', { scope: { type: 'stage', stage: 'check-in' }, pipeline: 'renewals' }],
    ['list in renewals source=partner', { scope: { type: 'all' }, pipeline: 'renewals', filters: [{ key: 'source', op: '=', value: 'partner' }] }],
    ['list mine source=partner in renewals', { scope: { type: 'mine' }, pipeline: 'renewals', filters: [{ key: 'source', op: '=', value: 'partner' }] }],
    // A stage whose name has `in` stays a stage.
    ['list sign in', { scope: { type: 'stage', stage: 'sign in' } }],
    ['list in progress', { scope: { type: 'stage', stage: 'in progress' } }],
    ['list sign in in renewals', { scope: { type: 'stage', stage: 'sign in' }, pipeline: 'renewals' }],
    // Without a pipeline, as before.
    ['list', { scope: { type: 'mine' } }],
    ['list proposal', { scope: { type: 'stage', stage: 'proposal' } }],
  ])('%s', (text, fields) => {
    const intent = intentOf(text, stages) as unknown as Record<string, unknown>;
    expect(intent).toEqual({ kind: 'list', ...fields });
  });

  it('refuses `in` without a pipeline, and words that are neither a scope nor a stage', () => {
    expect(parse('list mine in', stages)).toEqual({ ok: false, error: { message: 'Which pipeline? e.g. `/deal list in renewals` (`/deal pipelines` lists them).', usage: USAGE.list } });
    const r = parse('list someday in renewals', stages);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('`in <pipeline>` keeps to one pipeline');
  });
});

describe('/deal new … in <pipeline>', () => {
  const several = { ...ctx, pipelines: ['sales', 'sales', 'renewals', 'renewals', 'account-renewals', 'account renewals'] };
  it.each<[string, ParseContext, Record<string, unknown>]>([
    ['new Acme renewal 5k in renewals', several, { title: 'Acme renewal', pipeline: 'renewals' }],
    ['new Acme renewal in account renewals @bob', several, { title: 'Acme renewal', pipeline: 'account renewals', owner: { handle: 'bob' } }],
    ['new Acme renewal in renewals qualified', several, { title: 'Acme renewal', pipeline: 'renewals', stage: 'qualified' }],
    // Not a pipeline after `in`: the words stay in the title, as before pipelines could be several.
    ['new Work in progress', several, { title: 'Work in progress' }],
    ['new Expansion in Berlin 10k', several, { title: 'Expansion in Berlin' }],
    ['new "Growth in renewals"', several, { title: 'Growth in renewals' }],
    // One pipeline: `in` is never read as one (the context lists no pipelines then).
    ['new Expansion in sales', ctx, { title: 'Expansion in sales' }],
    ['new Acme close in 10 days', several, { title: 'Acme', closeDate: '2026-12-04' }],
  ])('%s', (text, c, fields) => {
    const intent = intentOf(text, c) as unknown as Record<string, unknown>;
    expect(intent).toMatchObject({ kind: 'new', ...fields });
    if (!('pipeline' in fields)) expect(intent.pipeline).toBeUndefined();
  });

  it('refuses two pipelines', () => {
    expect(parse('new Acme in renewals in sales', several)).toMatchObject({ ok: false, error: { message: expect.stringContaining('two pipelines') } });
  });
});

describe('the commands over the domain, on every surface', () => {
  let t: TestDb;
  let w: TestWorkspace;
  const clock = { now: new Date('2026-11-24T10:00:00Z'), timeZone: 'Europe/Berlin' };
  beforeAll(async () => {
    t = await createTestDb();
    w = await seedWorkspace(t.crm, 'T-PIPE-GRAMMAR');
  });
  afterAll(async () => t.cleanup());
  const context = (actor = w.alice): CommandContext => ({ crm: t.crm, actor, surface: 'console', log: silentLogger });
  const run = (text: string, actor = w.alice) => executeCommand(context(actor), text);
  const asText = (reply: Reply) => renderReply(reply, { ...clock, color: false });

  it('an admin builds a pipeline; each answer shows the whole pipeline on the console, in Slack and in Teams', async () => {
    expect((await run('pipeline new Renewals')).kind).toBe('pipeline');
    await run('stage add Check-in after New in renewals');
    await run('stage require Check-in amount close in renewals');
    await run('stage probability Check-in 40 in renewals');
    await run('new Renew Acme 5k in renewals');
    const reply = await run('pipeline renewals');
    expect(asText(reply)).toBe(
      [
        'Renewals (in renewals)',
        '  1. New                     10% · open · 1 deal',
        '  2. Check-in                40% · open · needs Amount, Close date · 0 deals',
        '  3. Won                     100% · won (closes the deal) · 0 deals',
        '  4. Lost                    0% · lost (closes the deal) · 0 deals',
      ].join('\n'),
    );
    const slack = replyBlocks(reply, clock);
    expect(JSON.stringify(slack.blocks)).toContain('2. *Check-in* · 40% · open · needs Amount, Close date · 0 deals');
    const teams = replyCard(reply, clock);
    expect(JSON.stringify(teams.card)).toContain('needs Amount, Close date · 0 deals');
    const all = await run('pipelines');
    expect(asText(all)).toContain('Sales (default · in sales)');
    expect(asText(all)).toContain('Renewals (in renewals)');
  });

  it('a member is refused with the admins named; the pipeline is unchanged', async () => {
    const reply = await run('stage add Discovery after New', w.bob);
    expect(reply).toMatchObject({ kind: 'error', message: 'Only admins can change pipelines and stages. Ask Alice Adams.' });
    expect(asText(await run('pipeline'))).not.toContain('Discovery');
  });

  it('removing a stage with deals asks where they go, with the command; then moves them', async () => {
    await run('stage add Discovery after New');
    const deal = await run('new Globex pilot discovery');
    expect(deal).toMatchObject({ kind: 'deal', deal: { stage: { name: 'Discovery' } } });
    const asked = await run('stage remove Discovery');
    expect(asked).toMatchObject({
      kind: 'error',
      message: 'Discovery holds 1 deal: where should it go? Say `move deals to <stage>`, one of New, Qualified, Proposal, Negotiation.',
      hint: 'e.g. `/deal stage remove Discovery move deals to New`',
    });
    const done = await run('stage remove Discovery move deals to Qualified');
    expect(done).toMatchObject({ kind: 'pipeline', headline: 'Removed Discovery from Sales. Moved 1 deal to Qualified.' });
  });

  it('a gated move answers with what is missing and the command to give it; with it, the deal moves', async () => {
    await run('stage require Proposal amount close');
    const created = await run('new Initech');
    if (created.kind !== 'deal') throw new Error(created.kind);
    const ref = created.deal.ref;
    const refused = await run(`stage ${ref} proposal`);
    expect(refused).toMatchObject({
      kind: 'error',
      message: `${ref} can’t enter Proposal yet: it needs an amount and a close date.`,
      hint: `Give them with the move: \`/deal stage ${ref} Proposal with amount <amount>, close <date>\``,
    });
    expect(asText(refused)).toContain('with amount <amount>, close <date>');
    const moved = await run(`stage ${ref} Proposal with amount 25k, close next friday`);
    expect(moved).toMatchObject({ kind: 'deal', deal: { stage: { name: 'Proposal' }, amountText: '$25,000', expectedCloseDate: '2026-11-27' } });
  });

  it('`stage kind` makes an empty stage lost; a stage holding deals is refused, naming how many', async () => {
    await run('stage add Parked after Lost');
    const done = await run('stage kind Parked lost');
    expect(done).toMatchObject({ kind: 'pipeline', headline: 'Parked is now a lost stage: deals that enter it are lost.' });
    expect(asText(done)).toContain('Parked                  10% · lost (closes the deal) · 0 deals');
    expect(await run('stage kind parked lost')).toMatchObject({ kind: 'pipeline', headline: 'parked is already lost. Nothing changed.' });
    const added = await run('stage add Churned kind lost');
    expect(added).toMatchObject({ kind: 'pipeline', headline: 'Added Churned to Sales, a lost stage.' });
    expect(asText(added)).toContain('Churned                 0% · lost (closes the deal) · 0 deals');
    const held = await run('stage kind Qualified won');
    expect(held).toMatchObject({
      kind: 'error',
      message:
        'Qualified holds 1 deal, so it stays open: a deal’s status follows its stage’s kind. Move it to another stage first (`/deal stage remove Qualified move deals to <stage>` moves them all).',
    });
    expect(asText(await run('stage kind Proposal won', w.bob))).toContain('Only admins can change pipelines and stages. Ask Alice Adams.');
  });

  it('`list in <pipeline>` keeps to that pipeline; an unknown one is answered with the pipelines', async () => {
    await run('new Renewal for Initech in renewals');
    await run('new Sales only deal');
    const renewals = await run('list in renewals');
    expect(renewals).toMatchObject({ kind: 'list', list: { heading: 'All open deals in Renewals' } });
    if (renewals.kind !== 'list') throw new Error(renewals.kind);
    expect(renewals.list.items.map((d) => d.title).sort()).toEqual(['Renew Acme', 'Renewal for Initech']);
    const mine = await run('list mine in renewals', w.bob);
    expect(mine).toMatchObject({ kind: 'list', list: { heading: 'Your open deals in Renewals', total: 0 } });
    const stage = await run('list new in renewals');
    expect(stage).toMatchObject({ kind: 'list', list: { heading: 'Deals in New (Renewals)' } });
    const unknown = await run('list in partners');
    expect(unknown).toMatchObject({ kind: 'error', message: 'There is no pipeline called “partners”. Pipelines: Sales, Renewals.' });
  });

  it('unknown pipelines name the way to list them', async () => {
    expect(await run('new Acme in partners')).toMatchObject({ kind: 'deal' }); // one pipeline named "partners"? no: a title
    expect(await run('pipeline partners')).toMatchObject({ kind: 'error', message: 'There is no pipeline called “partners”. Pipelines: Sales, Renewals.', hint: '`/deal pipelines` lists the pipelines and their stages.' });
  });
});
