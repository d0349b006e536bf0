/**
 * Proactive delivery: conversation references stored when the bot is installed or spoken to, and
 * digests and nudges delivered to them later through the Notifier port, with Microsoft's
 * connector API answered by nock. Teams' throttling (429 + Retry-After) is honoured: a throttled
 * message is sent again after the wait Teams asked for, and delivered once.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProactiveSender } from '../../../src/bot/teams/index.js';
import { createDeliveryRunner, DeliveryError } from '../../../src/domain/index.js';
import { silentLogger } from '../../../src/log.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { activity, captureConnector, cardOf, cardText, CONVERSATIONS, message, mockBotFramework, startTeams, USERS, type Outgoing, type TeamsHarness } from './harness.js';

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
  teams.waits.length = 0;
});

const channelId = CONVERSATIONS.salesChannel.id;
const storedChannel = () => t.handle.db.teamsConversation.findFirstOrThrow({ where: { conversationId: channelId } });
const posts = (sent: Outgoing[]) => sent.filter((s) => s.method === 'POST' && s.path.endsWith('/activities'));

describe('conversation references', () => {
  it('are stored when the app is installed in a team, with a hello to the channel', async () => {
    const sent = captureConnector();
    const res = await teams.post(activity('installationUpdate', { action: 'add' }, { conversation: CONVERSATIONS.salesChannel }));
    expect(res.status).toBe(200);
    const stored = await storedChannel();
    expect(stored.kind).toBe('channel');
    expect(JSON.parse(stored.reference)).toMatchObject({ conversation: { id: channelId }, serviceUrl: 'https://smba.trafficmanager.net/teams/', bot: { id: expect.stringMatching(/^28:/) } });
    expect(cardText(cardOf(sent[0]!.body))).toContain('I am your chat-ops CRM');
  });

  it('are stored when the bot is first spoken to in a personal chat, tied to the member', async () => {
    captureConnector();
    await teams.post(message('deal new Acme renewal 25k', { conversation: CONVERSATIONS.alicePersonal }));
    const alice = await t.handle.db.member.findFirstOrThrow({ where: { externalId: USERS.alice.aadObjectId } });
    expect(await t.crm.teamsConversations.findPersonal(alice.workspaceId, alice.id)).toMatchObject({ conversationId: CONVERSATIONS.alicePersonal.id });
  });

  it('are forgotten when the app is removed', async () => {
    captureConnector();
    await teams.post(activity('installationUpdate', { action: 'add' }, { conversation: CONVERSATIONS.bobPersonal, from: USERS.bob }));
    expect(await t.handle.db.teamsConversation.count({ where: { conversationId: CONVERSATIONS.bobPersonal.id } })).toBe(1);
    await teams.post(activity('installationUpdate', { action: 'remove' }, { conversation: CONVERSATIONS.bobPersonal, from: USERS.bob }));
    expect(await t.handle.db.teamsConversation.count({ where: { conversationId: CONVERSATIONS.bobPersonal.id } })).toBe(0);
  });
});

describe('channel digest through the Notifier port', () => {
  it('is delivered once when Teams answers 429 first: the runner waits the Retry-After, then sends again', async () => {
    // `deal digest here` in the channel subscribes it (Alice's zone: 09:00 Berlin is 08:00 UTC).
    t.clock.set('2026-11-24T07:00:00Z');
    captureConnector();
    await teams.post(message('deal digest here', { conversation: CONVERSATIONS.salesChannel, mention: true }));
    expect(await t.handle.db.digestSubscription.count({ where: { platform: 'teams', conversationId: channelId } })).toBe(1);

    t.clock.set('2026-11-24T08:30:00Z');
    nock.cleanAll();
    mockBotFramework();
    const sent = captureConnector({ statuses: [429], headers: { 'Retry-After': '3' } });
    const waits: number[] = [];
    const runner = createDeliveryRunner(t.crm, teams.surface.notifier, { platforms: ['teams'], sleep: async (ms) => void waits.push(ms), log: silentLogger });
    const report = await runner.runDigests();

    expect(report).toMatchObject({ due: 1, sent: 1, failed: 0, retrying: 0 });
    expect(waits).toContain(3000);
    const tries = posts(sent);
    expect(tries).toHaveLength(2); // throttled once, accepted once
    expect(tries.every((p) => p.path === `/teams/v3/conversations/${channelId}/activities`)).toBe(true);
    const card = cardOf(tries[1]!.body);
    expect(cardText(card)).toContain('Pipeline digest · Tue, Nov 24');
    expect(cardText(card)).toContain('Total: 1 deal · $25,000');
    const ledger = await t.handle.db.deliveryLedger.findFirstOrThrow({ where: { kind: 'digest' } });
    expect(ledger.status).toBe('sent');

    // The next run the same day posts nothing.
    const again = await runner.runDigests();
    expect(again.sent).toBe(0);
    expect(posts(sent)).toHaveLength(2);
  });
});

describe('the proactive sender', () => {
  const reference = async () => (await storedChannel()).reference;
  const note = { type: 'message' as const, text: 'hello' };

  it('honours 429 Retry-After itself and delivers once', async () => {
    const sent = captureConnector({ statuses: [429], headers: { 'Retry-After': '2' } });
    const result = await teams.surface.sender.send(await reference(), note);
    expect(result).toMatchObject({ id: 'sent-1', attempts: 2 });
    expect(teams.waits).toEqual([2000]);
    expect(posts(sent)).toHaveLength(2);
  });

  it('retries 5xx a bounded number of times, then gives up with a retryable error', async () => {
    const sent = captureConnector({ statuses: [503, 502, 500, 503, 503] });
    const err = await teams.surface.sender.send(await reference(), note).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ retryable: true, maybeDelivered: true, code: 'http_503' });
    expect(posts(sent)).toHaveLength(4); // maxAttempts
    expect(teams.waits).toHaveLength(3);
  });

  it('does not block on a long Retry-After: the caller gets it back to reschedule', async () => {
    const sent = captureConnector({ statuses: [429], headers: { 'Retry-After': '3600' } });
    const err = await teams.surface.sender.send(await reference(), note).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: true, code: 'rate_limited', retryAfterMs: 3_600_000 });
    expect(teams.waits).toEqual([]);
    expect(posts(sent)).toHaveLength(1);
  });

  it('is the only one retrying: with one attempt asked for, the SDK does not retry behind its back', async () => {
    const sent = captureConnector({ statuses: [503, 200] });
    const err = await teams.surface.sender.send(await reference(), note, { maxAttempts: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'http_503', retryable: true });
    expect(posts(sent)).toHaveLength(1);
  });

  it('works without the HTTP server (a job worker’s notifier)', async () => {
    const { createTeamsNotifier } = await import('../../../src/bot/teams/index.js');
    const notifier = createTeamsNotifier(teams.env, t.crm, silentLogger);
    expect(notifier).toBeDefined();
    expect(ProactiveSender).toBeDefined();
  });
});

describe('DM nudges and gone conversations', () => {
  it('sends a nudge to the member’s personal chat (the destination may name the member)', async () => {
    const alice = await t.handle.db.member.findFirstOrThrow({ where: { externalId: USERS.alice.aadObjectId } });
    const nudge = await t.crm.nudges.build(alice, '2026-11-24');
    expect(nudge).not.toBeNull();
    const sent = captureConnector();
    const result = await teams.surface.notifier.send(
      { platform: 'teams', workspaceId: alice.workspaceId, conversationId: alice.id, kind: 'direct' },
      { type: 'nudge', key: `nudge:${alice.id}:2026-11-24`, nudge: nudge! },
    );
    expect(result).toEqual({ messageId: 'sent-1', conversationId: CONVERSATIONS.alicePersonal.id });
    expect(posts(sent)[0]!.path).toBe(`/teams/v3/conversations/${CONVERSATIONS.alicePersonal.id}/activities`);
    expect(cardText(cardOf(posts(sent)[0]!.body))).toContain('Good morning, Alice.');
  });

  it('forgets a conversation the bot was removed from, and says so without retrying', async () => {
    const ws = (await storedChannel()).workspaceId;
    captureConnector({ statuses: [404] });
    const digest = await t.crm.digests.preview({ workspaceId: ws, memberId: '', timeZone: 'UTC' });
    const err = await teams.surface.notifier
      .send({ platform: 'teams', workspaceId: ws, conversationId: channelId, kind: 'channel' }, { type: 'digest', key: 'digest:x', digest })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'conversation_not_found', retryable: false });
    expect(await t.handle.db.teamsConversation.count({ where: { conversationId: channelId } })).toBe(0);
  });

  it('fails for good when there is no stored conversation', async () => {
    const err = await teams.surface.notifier
      .send({ platform: 'teams', workspaceId: 'nowhere', conversationId: '19:unknown@thread.tacv2', kind: 'channel' }, { type: 'digest', key: 'k', digest: {} as never })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'conversation_not_found', retryable: false });
  });
});
