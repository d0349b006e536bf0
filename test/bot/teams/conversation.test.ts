/**
 * The CRM in Teams chat, over the real adapter: commands in a personal chat and after an
 * @mention in a channel, answered with Adaptive Cards; card buttons as `Action.Execute` invokes
 * (answered with the refreshed card) and as the `Action.Submit` fallback (the card updated by id).
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ASSISTANT_VERBS, VERBS } from '../../../src/bot/teams/ids.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import {
  captureConnector,
  cardAction,
  cardOf,
  cardText,
  cardVerbs,
  CONVERSATIONS,
  message,
  mockBotFramework,
  startTeams,
  TENANT_ID,
  USERS,
  type TeamsHarness,
} from './harness.js';

let t: TestDb;
let teams: TeamsHarness;

beforeAll(async () => {
  t = await createTestDb();
  teams = await startTeams(t.crm);
});
afterAll(async () => {
  await teams.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockBotFramework();
});

const deal = (title: string) => t.handle.db.deal.findFirstOrThrow({ where: { title }, include: { owner: true } });

describe('commands in a personal chat', () => {
  it('creates a deal and answers with its card; the person becomes a member of the tenant’s workspace', async () => {
    const sent = captureConnector();
    const res = await teams.post(message('deal new Acme renewal 25k close 2026-12-04'));
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(1);
    const card = cardOf(sent[0]!.body);
    expect(card.version).toBe('1.5');
    const text = cardText(card);
    expect(text).toContain('Created D-1.');
    expect(text).toContain('D-1  Acme renewal');
    expect(text).toContain('Amount: $25,000');
    expect(text).toContain('Stage: New');
    expect(text).toContain('Owner: Alice Adams');
    expect(text).toContain('Close date: Fri, Dec 4');
    expect(cardVerbs(card)).toEqual(expect.arrayContaining([VERBS.advanceStage, VERBS.markWon, VERBS.markLost, VERBS.setNextAction, VERBS.logActivity]));
    // A reply in the same conversation, to the message that asked.
    expect(sent[0]!.path).toMatch(/^\/teams\/v3\/conversations\/a:1alice-personal-chat\/activities\/\d+$/);

    const row = await deal('Acme renewal');
    expect(row.amountCents).toBe(2_500_000n);
    const ws = await t.handle.db.workspace.findUniqueOrThrow({ where: { id: row.workspaceId } });
    expect(ws).toMatchObject({ platform: 'teams', externalId: TENANT_ID });
    expect(row.owner).toMatchObject({ externalId: USERS.alice.aadObjectId, displayName: 'Alice Adams', handle: 'alice.adams', timezone: 'Europe/Berlin' });
  });

  it('stores the personal chat’s reference (without the message id) for proactive messages', async () => {
    const alice = await t.handle.db.member.findFirstOrThrow({ where: { externalId: USERS.alice.aadObjectId } });
    const stored = await t.handle.db.teamsConversation.findFirstOrThrow({ where: { conversationId: CONVERSATIONS.alicePersonal.id } });
    expect(stored).toMatchObject({ kind: 'personal', memberId: alice.id, workspaceId: alice.workspaceId });
    const ref = JSON.parse(stored.reference);
    expect(ref).toMatchObject({ serviceUrl: 'https://smba.trafficmanager.net/teams/', channelId: 'msteams', conversation: { id: CONVERSATIONS.alicePersonal.id } });
    expect(ref.activityId).toBeUndefined();
  });

  it('creates nothing new when Teams delivers the same message again', async () => {
    const first = message('deal new Globex pilot 40k');
    const sent = captureConnector();
    await teams.post(first);
    await teams.post(first);
    expect(await t.handle.db.deal.count({ where: { title: 'Globex pilot' } })).toBe(1);
    expect(cardText(cardOf(sent[1]!.body))).toContain('D-2 was already created.');
  });

  it('lists deals and shows one by reference', async () => {
    const sent = captureConnector();
    await teams.post(message('deal list'));
    const list = cardText(cardOf(sent[0]!.body));
    expect(list).toContain('Your open deals');
    expect(list).toContain('D-1  Acme renewal');
    expect(list).toContain('D-2  Globex pilot');
    expect(cardVerbs(cardOf(sent[0]!.body))).toContain(VERBS.openDeal);

    await teams.post(message('deal D-2'));
    expect(cardText(cardOf(sent[1]!.body))).toContain('D-2  Globex pilot');
  });

  it('answers a mistake with a short card and the nearest usage, in Teams’ own prefix', async () => {
    const sent = captureConnector();
    await teams.post(message('deal lost D-1'));
    const text = cardText(cardOf(sent[0]!.body));
    expect(text).toMatch(/why D-1 was lost/);
    expect(text).toContain('deal lost <ref> <reason>');
  });

  it('answers help with the commands written as `deal …` and a New deal button', async () => {
    const sent = captureConnector();
    await teams.post(message('deal help'));
    const card = cardOf(sent[0]!.body);
    expect(cardText(card)).toContain('deal new <title>');
    expect(cardText(card)).not.toContain('/deal');
    expect(JSON.stringify(card.actions)).toContain('task/fetch');
  });
});

describe('card buttons (Action.Execute)', () => {
  it('advances the stage and answers with the refreshed card in the invoke response', async () => {
    const row = await deal('Acme renewal');
    const sent = captureConnector();
    const res = await teams.post(cardAction(VERBS.advanceStage, { dealId: row.id, stage: 'new' }, { replyToId: 'card-1' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    const text = cardText(res.body.value);
    expect(text).toContain('D-1 is now in Qualified.');
    expect(text).toContain('Stage: Qualified');
    expect(sent).toEqual([]); // the card is updated in place; nothing else is posted
    const moved = await t.handle.db.deal.findUniqueOrThrow({ where: { id: row.id }, include: { stage: true } });
    expect(moved.stage.key).toBe('qualified');
  });

  it('moves a deal once when the same click is delivered twice', async () => {
    const row = await deal('Globex pilot');
    const click = cardAction(VERBS.advanceStage, { dealId: row.id, stage: 'new' });
    const first = await teams.post(click);
    const again = await teams.post(click);
    expect(cardText(first.body.value)).toContain('D-2 is now in Qualified.');
    expect(cardText(again.body.value)).toContain('D-2 is already in Qualified.');
    const moved = await t.handle.db.deal.findUniqueOrThrow({ where: { id: row.id }, include: { stage: true } });
    expect(moved.stage.key).toBe('qualified');
    expect(await t.handle.db.dealEvent.count({ where: { dealId: row.id, kind: 'stage' } })).toBe(1);
  });

  it('sets the next action from the unfolded form’s inputs', async () => {
    const row = await deal('Acme renewal');
    const res = await teams.post(cardAction(VERBS.setNextAction, { dealId: row.id, nextAction: 'Send the proposal', due: '2026-12-01' }));
    const text = cardText(res.body.value);
    expect(text).toContain('Next action set on D-1.');
    expect(text).toContain('Next action: Send the proposal (by Tue, Dec 1)');
  });

  it('logs an activity once, however often the click arrives', async () => {
    const row = await deal('Acme renewal');
    const click = cardAction(VERBS.logActivity, { dealId: row.id, activityType: 'call', body: 'Talked pricing with Maria' });
    const first = await teams.post(click);
    const again = await teams.post(click);
    expect(cardText(first.body.value)).toContain('Logged a call on D-1.');
    expect(cardText(again.body.value)).toContain('That was already logged on D-1.');
    expect(await t.handle.db.activity.count({ where: { dealId: row.id, source: 'teams' } })).toBe(1);
  });

  it('keeps the card and says what is missing when a form is incomplete', async () => {
    const row = await deal('Acme renewal');
    const res = await teams.post(cardAction(VERBS.markLost, { dealId: row.id, reason: '  ' }));
    const text = cardText(res.body.value);
    expect(text).toMatch(/⚠️ Say why D-1 was lost/);
    expect(text).toContain('D-1  Acme renewal');
    expect((await deal('Acme renewal')).status).toBe('open');
    expect(cardVerbs(res.body.value)).toContain(VERBS.markLost);
  });

  it('Snooze (a digest button) keeps the deal off the stale lists for 7 days and leaves the digest as it is', async () => {
    const row = await deal('Acme renewal');
    const sent = captureConnector();
    const res = await teams.post(cardAction(VERBS.snoozeDeal, { dealId: row.id }, { replyToId: 'digest-1' }));
    expect(res.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message' });
    expect(String(res.body.value)).toMatch(/Snoozed D-1 Acme renewal until .+: it stays off the stale lists/);
    expect(sent).toEqual([]); // no card replaced, nothing posted
    const after = await t.handle.db.deal.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.snoozedUntil?.getTime()).toBe(t.clock.now().getTime() + 7 * 24 * 3600_000);
  });

  it('does nothing with a deal of another workspace', async () => {
    const other = await t.crm.identity.ensureWorkspace({ platform: 'teams', externalId: 'other-tenant', name: 'Other' });
    const member = await t.crm.identity.ensureMember({ workspaceId: other.id, externalId: 'aad-other', handle: 'otto', displayName: 'Otto' });
    const { deal: theirs } = await t.crm.deals.create(await t.crm.identity.actorFor(member), { title: 'Their secret deal' });
    const res = await teams.post(cardAction(VERBS.markWon, { dealId: theirs.id }));
    expect(res.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message' });
    expect(String(res.body.value)).toMatch(/can’t find/);
    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe('open');
  });

  it('pages through a list in place', async () => {
    const res = await teams.post(cardAction(VERBS.page, { cursor: { scope: { type: 'all' }, page: 2, pageSize: 1 } }));
    const card = res.body.value;
    expect(cardText(card)).toContain('Showing 2–2 of 2');
    expect(card.actions.map((a: { title: string }) => a.title)).toEqual(['Prev']);
  });

  it('runs an assistant button and posts its answer as a new message, leaving the card as it was', async () => {
    const sent = captureConnector();
    const res = await teams.post(cardAction(ASSISTANT_VERBS.summary, { action: { type: 'summary', ref: 'D-1' } }, { replyToId: 'card-3' }));
    expect(res.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: 'Done.' });
    expect(sent).toHaveLength(1);
    expect(cardText(cardOf(sent[0]!.body))).toContain('Summary of D-1');
  });

  it('answers a button it no longer knows with a line, not an error', async () => {
    const res = await teams.post(cardAction('deal.teleport', { dealId: 'x' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
  });
});

describe('card buttons on clients without universal actions (Action.Submit)', () => {
  it('runs the same action and updates the card in place by its id', async () => {
    const row = await deal('Globex pilot');
    const sent = captureConnector();
    const submit = message('', { id: undefined });
    Object.assign(submit, { text: undefined, value: { verb: VERBS.markWon, dealId: row.id }, replyToId: 'card-42' });
    const res = await teams.post(submit);
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('PUT');
    expect(sent[0]!.path).toBe('/teams/v3/conversations/a:1alice-personal-chat/activities/card-42');
    expect(cardText(cardOf(sent[0]!.body))).toContain('D-2 is won. Nice work!');
    expect((await deal('Globex pilot')).status).toBe('won');
  });
});

describe('channels', () => {
  it('ignores channel messages that do not mention the bot', async () => {
    const sent = captureConnector();
    await teams.post(message('deal list', { conversation: CONVERSATIONS.salesChannel }));
    expect(sent).toEqual([]);
  });

  it('answers after an @mention, and names people by their Teams mention', async () => {
    // Bob speaks first: from then on he is a member others can name.
    const sent = captureConnector();
    await teams.post(message('deal help', { from: USERS.bob, conversation: CONVERSATIONS.bobPersonal }));
    const bobMention = { type: 'mention', text: '<at>Bob Brown</at>', mentioned: { id: USERS.bob.id, name: 'Bob Brown' } };
    await teams.post(message('deal assign D-1 <at>Bob Brown</at>', { conversation: CONVERSATIONS.salesChannel, mention: true, entities: [bobMention] }));
    expect(cardText(cardOf(sent[1]!.body))).toContain('D-1 now belongs to Bob Brown.');
    expect((await deal('Acme renewal')).owner?.externalId).toBe(USERS.bob.aadObjectId);
    const channel = await t.handle.db.teamsConversation.findFirstOrThrow({ where: { conversationId: CONVERSATIONS.salesChannel.id } });
    expect(channel).toMatchObject({ kind: 'channel', memberId: null });
  });

  it('keeps the channel (not the thread) as the conversation to post to later', async () => {
    captureConnector();
    const inThread = { ...CONVERSATIONS.salesChannel, id: `${CONVERSATIONS.salesChannel.id};messageid=1700000000000` };
    await teams.post(message('deal list', { conversation: inThread, mention: true }));
    expect(await t.handle.db.teamsConversation.count({ where: { conversationId: { startsWith: '19:sales-channel' } } })).toBe(1);
  });

  it('sends drafts to the asker’s personal chat, not to the channel', async () => {
    const sent = captureConnector();
    await teams.post(message('deal draft D-1', { conversation: CONVERSATIONS.salesChannel, mention: true }));
    expect(sent).toHaveLength(2);
    const [draft, note] = sent;
    expect(draft!.path).toMatch(/^\/teams\/v3\/conversations\/a:1alice-personal-chat\/activities$/);
    expect(cardText(cardOf(draft!.body))).toContain('Follow-up for D-1');
    expect(note!.path).toContain('19:sales-channel@thread.tacv2');
    expect(note!.body.text).toMatch(/personal chat/);
  });
});
