/**
 * Issue 15 in Teams, through the Bot Framework adapter: a pipeline card's "Edit stages" opens a
 * dialog with a row per stage (name, probability, kind); submitting saves every row in one
 * transaction and updates the card; a mistake brings the dialog back with the refusal on top,
 * each issue under its row and what was typed kept, and nothing changes; a member is told who the
 * admins are. The new-deal dialog offers a pipeline picker when there are several pipelines and
 * creates the deal in the pipeline picked (a stage of another pipeline is refused, nothing
 * created). `deal list in <pipeline>` and `deal stage kind` answer here too.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALOGS, INPUTS, stageEditInputId } from '../../../src/bot/teams/ids.js';
import { stageEditorDialog } from '../../../src/bot/teams/cards/stage-editor.js';
import { pipelineCard } from '../../../src/bot/teams/cards/pipeline.js';
import { jsonBytes, TEAMS_CARD_LIMITS } from '../../../src/bot/teams/cards/limits.js';
import type { Actor } from '../../../src/domain/index.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureConnector, cardOf, cardText, CONVERSATIONS, invoke, message, mockBotFramework, startTeams, USERS, type TeamsHarness } from './harness.js';

let t: TestDb;
let teams: TeamsHarness;
let alice: Actor;
const asBob = { from: USERS.bob, conversation: CONVERSATIONS.bobPersonal };

beforeAll(async () => {
  t = await createTestDb();
  teams = await startTeams(t.crm);
  nock.cleanAll();
  mockBotFramework();
  captureConnector();
  // Alice first (the tenant's first person: its admin), then Bob (a member).
  await teams.post(message('deal new First deal 1k'));
  await teams.post(message('deal list', asBob));
  const first = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'First deal' } });
  alice = { workspaceId: first.workspaceId, memberId: first.ownerId!, timeZone: 'UTC' };
});
afterAll(async () => {
  await teams.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockBotFramework();
});

type Action = { type: string; title: string; data?: Record<string, unknown> };
type Input = { type: string; id: string; value?: unknown; choices?: { title: string; value: string }[] };

/** Every input in a card, however deep (containers, column sets), in order. */
function inputsOf(node: unknown): Input[] {
  const out: Input[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') out.push(o as unknown as Input);
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  walk(node);
  return out;
}

/** Every action in a card, however deep (action sets too). */
function actionsOf(node: unknown): Action[] {
  const out: Action[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.') && typeof o.title === 'string') out.push(o as unknown as Action);
    for (const [k, v] of Object.entries(o)) if (k !== 'fallback' && typeof v === 'object') walk(v);
  };
  walk(node);
  return out;
}

/** The dialog's inputs as Teams submits them (values as they stand), with some changed by stage name. */
function submitted(dialog: Record<string, unknown>, changes: Record<string, { name?: string; probability?: string; kind?: string }>) {
  const inputs = inputsOf(dialog.body);
  const data: Record<string, unknown> = { ...((dialog.actions as Action[])[0]!.data ?? {}) };
  for (const input of inputs) data[input.id] = String(input.value ?? '');
  for (const input of inputs.filter((i) => i.id.endsWith(':name'))) {
    const c = changes[String(input.value)];
    if (!c) continue;
    const id = input.id.slice(0, -':name'.length);
    if (c.name !== undefined) data[`${id}:name`] = c.name;
    if (c.probability !== undefined) data[`${id}:probability`] = c.probability;
    if (c.kind !== undefined) data[`${id}:kind`] = c.kind;
  }
  return data;
}

const stored = async (key = 'sales') =>
  (
    await t.handle.db.pipeline.findFirstOrThrow({ where: { workspaceId: alice.workspaceId, key }, include: { stages: { orderBy: { position: 'asc' } } } })
  ).stages.map((s) => [s.name, s.probability, s.kind]);

describe('the stage editor in Teams', () => {
  it('an admin opens it from the pipeline card, saves every row at once, and the card shows the pipeline', async () => {
    await t.crm.deals.create(alice, { title: 'In negotiation', stage: 'negotiation' });
    const sent = captureConnector();
    await teams.post(message('deal pipeline'));
    const pipelineCard = cardOf(sent[0]!.body);
    const button = actionsOf(pipelineCard).find((a) => a.title === 'Edit stages')!;
    const sales = await t.crm.pipelines.defaultPipeline(alice.workspaceId);
    expect(button.data).toMatchObject({ msteams: { type: 'task/fetch' }, dialog: DIALOGS.editStages, pipelineId: sales.id });

    const fetched = await teams.post(invoke('task/fetch', { data: button.data }, { replyToId: 'card-p' }));
    expect(fetched.body.task).toMatchObject({ type: 'continue', value: { title: 'Edit Sales stages' } });
    const dialog = fetched.body.task.value.card.content;
    const rows = inputsOf(dialog.body);
    expect(rows.filter((i) => i.id.endsWith(':name')).map((i) => i.value)).toEqual(['New', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost']);
    expect(rows.filter((i) => i.id.endsWith(':kind')).map((i) => i.value)).toEqual(['open', 'open', 'open', 'open', 'won', 'lost']);
    expect(rows.filter((i) => i.id.endsWith(':probability')).map((i) => [i.type, i.value])).toContainEqual(['Input.Number', 75]);
    expect(cardText(dialog)).toContain('Holds 1 deal: its kind stays open while it does.');
    expect(cardText(dialog)).toContain('Reorder, add or remove stages, and set what a stage requires, by command');

    const done = await teams.post(
      invoke('task/submit', { data: submitted(dialog, { Negotiation: { name: 'Contracting', probability: '80' }, Proposal: { probability: '45' } }) }, { replyToId: 'card-p' }),
    );
    expect(done.status).toBe(200);
    expect(await stored()).toEqual([
      ['New', 10, 'open'],
      ['Qualified', 25, 'open'],
      ['Proposal', 45, 'open'],
      ['Contracting', 80, 'open'],
      ['Won', 100, 'won'],
      ['Lost', 0, 'lost'],
    ]);
    const updated = sent.find((m) => m.method === 'PUT')!;
    expect(updated.path).toContain('/activities/card-p');
    expect(cardText(cardOf(updated.body))).toContain('Saved Sales: Proposal: 50% → 45%; Renamed Negotiation to Contracting; Contracting: 75% → 80%.');
  });

  it('a mistake brings the dialog back with the refusal, each issue under its row, what was typed kept; nothing changes', async () => {
    const editor = await t.crm.pipelines.editor(alice);
    const dialog = stageEditorDialog(editor).card as unknown as Record<string, unknown>;
    const before = await stored();
    const bad = await teams.post(invoke('task/submit', { data: submitted(dialog, { New: { name: '' }, Won: { kind: 'open' }, Proposal: { probability: '140' } }) }));
    expect(bad.body.task.type).toBe('continue');
    const again = bad.body.task.value.card.content;
    const said = cardText(again);
    expect(said).toContain('3 things to fix, nothing was saved. Give the stage a name.');
    expect(said).toContain('A probability is a whole percent from 0 to 100, e.g. 40.');
    expect(said).toContain('Won is Sales’s only won stage: a pipeline keeps at least one open, one won and one lost stage.');
    const id = (name: string) => editor.stages.find((s) => s.name === name)!.id;
    const values = Object.fromEntries(inputsOf(again.body).map((i) => [i.id, i.value]));
    expect(values[stageEditInputId(id('New'), 'name')]).toBe('');
    expect(values[stageEditInputId(id('Won'), 'kind')]).toBe('open');
    expect(values[stageEditInputId(id('Proposal'), 'probability')]).toBe(140);
    expect(await stored()).toEqual(before);

    // Opened before someone else changed the pipeline: shown as it is now, nothing saved.
    await t.crm.pipelines.setProbability(alice, 'qualified', 30);
    const stale = await teams.post(invoke('task/submit', { data: submitted(dialog, { New: { name: 'Intake' } }) }));
    expect(cardText(stale.body.task.value.card.content)).toContain('Sales’s stages changed since this form was opened');
    expect(Object.fromEntries(inputsOf(stale.body.task.value.card.content.body).map((i) => [i.id, i.value]))[stageEditInputId(id('Qualified'), 'probability')]).toBe(30);
    expect((await stored())[0]![0]).toBe('New');
  });

  it('a member opening it is told who the admins are', async () => {
    const sales = await t.crm.pipelines.defaultPipeline(alice.workspaceId);
    const fetched = await teams.post(invoke('task/fetch', { data: { msteams: { type: 'task/fetch' }, dialog: DIALOGS.editStages, pipelineId: sales.id } }, asBob));
    expect(fetched.body.task).toEqual({ type: 'message', value: 'Only admins can change pipelines and stages. Ask Alice Adams.' });
    const editor = await t.crm.pipelines.editor(alice);
    const saved = await teams.post(invoke('task/submit', { data: submitted(stageEditorDialog(editor).card as unknown as Record<string, unknown>, { New: { name: 'Intake' } }) }, asBob));
    expect(saved.body.task).toEqual({ type: 'message', value: 'Only admins can change pipelines and stages. Ask Alice Adams.' });
    expect((await stored())[0]![0]).toBe('New');
  });

  it('stays within Teams’ card budget with the most stages and longest names, and says when it shows fewer', async () => {
    const editor = await t.crm.pipelines.editor(alice);
    const long = (i: number) => `${'Ж'.repeat(38)}${String(i).padStart(2, '0')}`;
    const twenty = { ...editor, stages: Array.from({ length: 20 }, (_, i) => ({ ...editor.stages[0]!, id: `c${'x'.repeat(24)}${i}`, name: long(i), deals: 5 })) };
    const dialog = stageEditorDialog(twenty, { error: 'x'.repeat(300), issues: Object.fromEntries(twenty.stages.map((s) => [stageEditInputId(s.id, 'name'), 'y'.repeat(200)])) });
    expect(jsonBytes(dialog.card)).toBeLessThanOrEqual(TEAMS_CARD_LIMITS.cardBytes);
    const many = { ...twenty, stages: Array.from({ length: 60 }, (_, i) => ({ ...twenty.stages[0]!, id: `c${'x'.repeat(24)}${i}`, name: long(i) })) };
    const capped = stageEditorDialog(many);
    expect(jsonBytes(capped.card)).toBeLessThanOrEqual(TEAMS_CARD_LIMITS.cardBytes);
    expect(cardText(capped.card)).toMatch(/Showing the first \d+ of 60 stages/);
  });

  it('`deal pipelines` with 20 pipelines of 20 long stages stays under the budget, counting the pipelines it leaves out', () => {
    const stages = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, name: `${'Ж'.repeat(38)}${i}`, probability: 50, kind: 'open' as const, required: ['Amount', 'Close date', 'Contact', 'Company', 'Owner', 'Next action'], deals: 12345 }));
    const pipelines = Array.from({ length: 20 }, (_, i) => ({ id: `c${'x'.repeat(24)}${i}`, key: `p${i}`, name: `${'P'.repeat(58)}${i}`, isDefault: i === 0, stages }));
    const { card } = pipelineCard(pipelines);
    expect(jsonBytes(card)).toBeLessThanOrEqual(TEAMS_CARD_LIMITS.cardBytes);
    expect(cardText(card)).toMatch(/…and \d+ more pipelines: `?deal pipeline <name>`? shows one\./);
    expect(actionsOf(card).filter((a) => a.title === 'Edit stages').length).toBeGreaterThan(0);
  });
});

describe('several pipelines in Teams', () => {
  beforeAll(async () => {
    await t.crm.pipelines.createPipeline(alice, 'Renewals');
    await t.crm.pipelines.addStage(alice, { name: 'Check-in', pipeline: 'renewals' });
  });

  it('the new-deal dialog has a pipeline picker; the deal is created in the pipeline picked', async () => {
    const fetched = await teams.post(invoke('task/fetch', { data: { msteams: { type: 'task/fetch' }, dialog: DIALOGS.createDeal } }));
    const dialog = fetched.body.task.value.card.content;
    const inputs = inputsOf(dialog.body);
    const picker = inputs.find((i) => i.id === INPUTS.pipeline)!;
    expect(picker.value).toBe('sales');
    expect(picker.choices!.map((c) => c.title)).toEqual(['Sales', 'Renewals']);
    expect(inputs.find((i) => i.id === INPUTS.stage)!.choices!.map((c) => c.title)).toContain('Renewals · Check-in');
    const submit = (dialog.actions as Action[])[0]!.data!;

    const sent = captureConnector();
    await teams.post(invoke('task/submit', { data: { ...submit, [INPUTS.title]: 'Acme renewal', [INPUTS.pipeline]: 'renewals', [INPUTS.stage]: 'renewals:check-in' } }));
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Acme renewal' }, include: { pipeline: true, stage: true } });
    expect([deal.pipeline.key, deal.stage.key]).toEqual(['renewals', 'check-in']);
    expect(cardText(cardOf(sent[0]!.body))).toMatch(/Created D-\d+\./);

    // No stage picked: the pipeline's first stage.
    await teams.post(invoke('task/submit', { data: { ...submit, [INPUTS.title]: 'Plain renewal', [INPUTS.pipeline]: 'renewals' } }));
    const plain = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Plain renewal' }, include: { pipeline: true, stage: true } });
    expect([plain.pipeline.key, plain.stage.key]).toEqual(['renewals', 'new']);
  });

  it('a stage of another pipeline than the one picked brings the dialog back, nothing created', async () => {
    const res = await teams.post(
      invoke('task/submit', { data: { dialog: DIALOGS.createDeal, [INPUTS.title]: 'Mismatched', [INPUTS.pipeline]: 'renewals', [INPUTS.stage]: 'sales:proposal' } }),
    );
    expect(res.body.task.type).toBe('continue');
    expect(cardText(res.body.task.value.card.content)).toContain('Proposal is a stage of Sales, not Renewals: pick one of Renewals’s stages (“Renewals · …”).');
    expect(await t.handle.db.deal.count({ where: { title: 'Mismatched' } })).toBe(0);
  });

  it('`deal list in renewals` and `deal stage kind` answer with the pipeline', async () => {
    const sent = captureConnector();
    await teams.post(message('deal list in renewals'));
    const list = cardText(cardOf(sent[0]!.body));
    expect(list).toContain('All open deals in Renewals');
    expect(list).toContain('Acme renewal');
    expect(list).not.toContain('In negotiation');
    await t.crm.pipelines.addStage(alice, { name: 'Churned', pipeline: 'renewals', place: { after: 'lost' } });
    await teams.post(message('deal stage kind Churned lost in renewals'));
    expect(cardText(cardOf(sent[1]!.body))).toContain('Churned is now a lost stage: deals that enter it are lost.');
  });
});
