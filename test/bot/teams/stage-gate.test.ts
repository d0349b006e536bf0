/**
 * Issue 15, stage gates in Teams, through the Bot Framework adapter: a card's Advance into a gated
 * stage answers with the card, the refusal naming what is missing, and a "Give what’s missing"
 * button; it opens a dialog with exactly the missing fields; a value that can't be read brings the
 * dialog back with it and nothing changes; submitting the values moves the deal and updates the card.
 * `deal stage D-n proposal` typed in a chat answers with the same button.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALOGS, VERBS } from '../../../src/bot/teams/ids.js';
import type { Actor } from '../../../src/domain/index.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureConnector, cardAction, cardOf, cardText, invoke, message, mockBotFramework, startTeams, type TeamsHarness } from './harness.js';

let t: TestDb;
let teams: TeamsHarness;
let alice: Actor;

beforeAll(async () => {
  t = await createTestDb();
  teams = await startTeams(t.crm);
  nock.cleanAll();
  mockBotFramework();
  captureConnector();
  await teams.post(message('deal new First deal 1k'));
  const first = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'First deal' } });
  alice = { workspaceId: first.workspaceId, memberId: first.ownerId!, timeZone: 'UTC' };
  // The tenant's first person is its admin: Proposal now needs an amount and a close date.
  await t.crm.pipelines.requireFields(alice, 'proposal', ['amount', 'close']);
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
const gateButtonOf = (card: Record<string, unknown>) => ((card.actions ?? []) as Action[]).find((a) => a.title === 'Give what’s missing');
const inputIds = (card: { body: { id?: string }[] }) => card.body.filter((b) => b.id).map((b) => b.id);
const row = (id: string) => t.handle.db.deal.findUniqueOrThrow({ where: { id }, include: { stage: true } });

describe('a gated stage in Teams', () => {
  it('Advance is refused with a dialog button; the dialog asks for only what is missing and moves the deal', async () => {
    const { deal } = await t.crm.deals.create(alice, { title: 'Gated card', stage: 'qualified', closeDate: '2026-12-31' });
    const res = await teams.post(cardAction(VERBS.advanceStage, { dealId: deal.id, stage: 'qualified' }, { replyToId: 'card-9' }));
    expect(res.status).toBe(200);
    const refused = res.body.value as Record<string, unknown>;
    expect(cardText(refused)).toContain(`${deal.ref} can’t enter Proposal yet: it needs an amount.`);
    const button = gateButtonOf(refused)!;
    expect(button.data).toMatchObject({ msteams: { type: 'task/fetch' }, dialog: DIALOGS.stageGate, dealId: deal.id });
    expect((await row(deal.id)).stage.key).toBe('qualified');

    const fetched = await teams.post(invoke('task/fetch', { data: button.data }, { replyToId: 'card-9' }));
    expect(fetched.body.task).toMatchObject({ type: 'continue', value: { title: `Move ${deal.ref} to Proposal` } });
    const dialog = fetched.body.task.value.card.content;
    expect(inputIds(dialog)).toEqual(['gate:amount']);
    const submitData = (dialog.actions as Action[])[0]!.data!;

    const bad = await teams.post(invoke('task/submit', { data: { ...submitData, 'gate:amount': 'lots' } }, { replyToId: 'card-9' }));
    expect(bad.body.task.type).toBe('continue');
    expect(cardText(bad.body.task.value.card.content)).toContain('Write an amount such as 25k');
    expect(JSON.stringify(bad.body.task.value.card.content.body)).toContain('"value":"lots"');
    expect((await row(deal.id)).amountCents).toBeNull();

    const sent = captureConnector();
    const done = await teams.post(invoke('task/submit', { data: { ...submitData, 'gate:amount': '€12k' } }, { replyToId: 'card-9' }));
    expect(done.status).toBe(200);
    const after = await row(deal.id);
    expect([after.stage.key, after.amountCents, after.currency]).toEqual(['proposal', 1_200_000n, 'EUR']);
    expect(sent[0]).toMatchObject({ method: 'PUT' });
    expect(cardText(cardOf(sent[0]!.body))).toContain(`${deal.ref} is now in Proposal.`);
  });

  it('`deal stage D-n proposal` answers with what is missing and the same button', async () => {
    const { deal } = await t.crm.deals.create(alice, { title: 'Gated by text' });
    const sent = captureConnector();
    await teams.post(message(`deal stage ${deal.ref} proposal`));
    const card = cardOf(sent[0]!.body);
    expect(cardText(card)).toContain(`${deal.ref} can’t enter Proposal yet: it needs an amount and a close date.`);
    const button = gateButtonOf(card)!;
    const fetched = await teams.post(invoke('task/fetch', { data: button.data }));
    expect(inputIds(fetched.body.task.value.card.content)).toEqual(['gate:amount', 'gate:close']);
  });
});
