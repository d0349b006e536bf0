/**
 * People from outside the workspace, through the real Bot Framework endpoint: a Teams guest
 * (member info `userRole: guest`) and a user of another tenant get the polite refusal on every
 * kind of activity and nothing is written, until a workspace admin (whoever installed the app)
 * lets guests in. Conversations that guests or other organisations read get no CRM content:
 * `deal digest here` refuses there (with the setting that allows it), answers go to the person's
 * own chat, and digest deliveries are skipped. In a personal chat, `deal digest here` subscribes
 * nothing. Teams' member info and roster are answered by nock (test/bot/teams/harness.ts).
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS, DIALOGS, VERBS } from '../../../src/bot/teams/ids.js';
import { DeliveryError } from '../../../src/domain/index.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import {
  activity,
  captureConnector,
  cardAction,
  cardOf,
  cardText,
  connectorReads,
  CONVERSATIONS,
  invoke,
  memberInfos,
  message,
  mockBotFramework,
  OUTSIDERS,
  PARTNER_TENANT_ID,
  rosters,
  startTeams,
  TEAM_ID,
  TENANT_ID,
  USERS,
  type Outgoing,
  type TeamsHarness,
  type TestConversation,
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

let channels = 0;
/** A channel of the test team not seen before (verdicts about who reads a channel are cached per channel). */
const newChannel = (): TestConversation => ({ id: `19:channel-${++channels}@thread.tacv2`, conversationType: 'channel', tenantId: TENANT_ID, isGroup: true });
const personalOf = (name: string): TestConversation => ({ id: `a:1${name}-personal`, conversationType: 'personal', tenantId: TENANT_ID });

/** Everything the CRM writes about people and deals, to show that a refusal wrote nothing. */
const rows = async () => ({
  members: await t.handle.db.member.count(),
  deals: await t.handle.db.deal.count(),
  activities: await t.handle.db.activity.count(),
  subscriptions: await t.handle.db.digestSubscription.count(),
  conversations: await t.handle.db.teamsConversation.count(),
});
const texts = (sent: Outgoing[]) => sent.map((s) => cardText(cardOf(s.body))).join('\n');
/** Posts an activity and returns what the bot sent for it (one connector capture per test). */
async function exchange(sent: Outgoing[], act: Record<string, unknown>): Promise<Outgoing[]> {
  const mark = sent.length;
  await teams.post(act);
  return sent.slice(mark);
}
/** Someone the CRM has never seen. */
const newcomer = (name: string) => ({ id: `29:${name}-id`, aadObjectId: `aad-${name}`, name }) as unknown as typeof USERS.alice;
const REFUSAL = 'this CRM is only for the workspace’s own members';
const OUTSIDER_REFUSAL = 'this CRM is only for the members of the workspace that runs it';

let aliceDealId = '';

describe('the workspace’s own people', () => {
  it('the person who installs the app becomes a workspace admin; a member is asked about once a day', async () => {
    captureConnector();
    await teams.post(activity('installationUpdate', { action: 'add' }, { conversation: CONVERSATIONS.alicePersonal }));
    await teams.post(message('deal new Acme renewal 25k'));
    await teams.post(message('deal list'));
    const alice = await t.handle.db.member.findFirstOrThrow({ where: { externalId: USERS.alice.aadObjectId } });
    expect(alice).toMatchObject({ platformAdmin: true, access: 'member' });
    expect(alice.profileCheckedAt).not.toBeNull();
    // One member info read for three activities; asked again once a day has passed.
    expect(connectorReads.memberInfo).toBe(1);
    t.clock.advance(25 * 60 * 60 * 1000);
    await teams.post(message('deal list'));
    await teams.post(message('deal list'));
    expect(connectorReads.memberInfo).toBe(2);
    aliceDealId = (await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Acme renewal' } })).id;

    // Bob, a member who did not install the app, is no admin.
    nock.cleanAll();
    mockBotFramework();
    const sent = captureConnector();
    const said = await exchange(sent, message('deal settings guests on', { from: USERS.bob, conversation: CONVERSATIONS.bobPersonal }));
    expect(texts(said)).toContain('Only admins can change workspace settings. Ask Alice Adams.');
    expect((await t.handle.db.workspace.findFirstOrThrow({ where: { externalId: TENANT_ID } })).allowGuests).toBe(false);
  });
});

describe('a guest of the tenant', () => {
  const guest = OUTSIDERS.guest;
  const inGuestChat = { from: guest, conversation: personalOf('gina') };

  it('gets the polite refusal on a message and nothing is written', async () => {
    memberInfos.set(guest.id, { userRole: 'guest' });
    const before = await rows();
    const sent = captureConnector();
    const res = await teams.post(message('deal new Sneaky deal 10k', inGuestChat));
    expect(res.status).toBe(200);
    const said = texts(sent);
    expect(said).toContain(REFUSAL);
    expect(said).toContain('deal settings guests on');
    expect(await rows()).toEqual(before);
  });

  it('sees no CRM data and writes nothing from a card button, a dialog, the message extension or a search', async () => {
    memberInfos.set(guest.id, { userRole: 'guest' });
    const before = await rows();
    const sent = captureConnector();
    const button = await teams.post(cardAction(VERBS.openDeal, { dealId: aliceDealId }, inGuestChat));
    expect(button.status).toBe(200);
    expect(JSON.stringify(button.body)).toContain(REFUSAL);
    expect(JSON.stringify(button.body)).not.toContain('Acme');

    const dialog = await teams.post(invoke('task/fetch', { data: { dialog: DIALOGS.editDeal, dealId: aliceDealId } }, inGuestChat));
    expect(JSON.stringify(dialog.body)).toContain(REFUSAL);
    expect(JSON.stringify(dialog.body)).not.toContain('Acme');

    const fetch = await teams.post(invoke('composeExtension/fetchTask', { commandId: COMMANDS.logToCrm, commandContext: 'message', messagePayload: { id: '1', body: { contentType: 'text', content: 'hi' } } }, inGuestChat));
    expect(fetch.body.task.type).toBe('continue');
    expect(cardText(fetch.body.task.value.card.content)).toContain(REFUSAL);
    expect(JSON.stringify(fetch.body)).not.toContain('Acme');

    const submit = await teams.post(
      invoke(
        'composeExtension/submitAction',
        { commandId: COMMANDS.logToCrm, commandContext: 'message', data: { dialog: DIALOGS.logMessage, origin: { conversationId: 'c', messageId: 'm' }, deal: aliceDealId, activityType: 'note', body: 'guest note' } },
        inGuestChat,
      ),
    );
    expect(submit.body.task.type).toBe('continue');
    expect(cardText(submit.body.task.value.card.content)).toContain(REFUSAL);

    const search = await teams.post(invoke('application/search', { kind: 'search', dataset: 'deals', queryText: 'Acme' }, inGuestChat));
    expect(search.status).toBe(200);
    expect(search.body.value.results).toEqual([]);

    expect(sent).toHaveLength(0); // nothing posted anywhere either
    expect(await rows()).toEqual(before);
  });

  it('answers within Teams’ 5 s when the member info is slow, refusing a newcomer it could not check and writing nothing', async () => {
    const slow = newcomer('sam.slow');
    memberInfos.set(slow.id, { userRole: 'guest', delayMs: 3000 });
    const before = await rows();
    const started = Date.now();
    const res = await teams.post(cardAction(VERBS.openDeal, { dealId: aliceDealId }, { from: slow, conversation: personalOf('sam') }));
    const took = Date.now() - started;
    expect(res.status).toBe(200);
    expect(took).toBeLessThan(5000);
    expect(JSON.stringify(res.body)).toContain('couldn’t check with Teams who you are');
    expect(await rows()).toEqual(before);
  });

  it('is let in once a workspace admin allows guests, and stored as a guest', async () => {
    memberInfos.set(guest.id, { userRole: 'guest' });
    const sent = captureConnector();
    expect(texts(await exchange(sent, message('deal settings guests on')))).toContain('Settings saved.');

    expect(texts(await exchange(sent, message('deal list all', inGuestChat)))).toContain('Acme renewal');
    const gina = await t.handle.db.member.findFirstOrThrow({ where: { externalId: guest.aadObjectId } });
    expect(gina).toMatchObject({ access: 'guest', platformAdmin: false });

    // Turned off again: refused again, though now a known member.
    await exchange(sent, message('deal settings guests off'));
    const said = texts(await exchange(sent, message('deal list all', inGuestChat)));
    expect(said).toContain(REFUSAL);
    expect(said).not.toContain('Acme renewal');
  });
});

describe('a user of another organisation', () => {
  const partner = OUTSIDERS.partner;

  it('is refused when the member info gives another tenant, on a message and a card button, and nothing is written', async () => {
    memberInfos.set(partner.id, { tenantId: PARTNER_TENANT_ID });
    const channel = newChannel();
    const before = await rows();
    const sent = captureConnector();
    await teams.post(message('deal list all', { from: partner, conversation: channel, mention: true }));
    expect(texts(sent)).toContain(OUTSIDER_REFUSAL);
    expect(texts(sent)).not.toContain('Acme');
    const button = await teams.post(cardAction(VERBS.openDeal, { dealId: aliceDealId }, { from: partner, conversation: channel }));
    expect(JSON.stringify(button.body)).toContain(OUTSIDER_REFUSAL);
    expect(JSON.stringify(button.body)).not.toContain('Acme');
    expect(await rows()).toEqual(before);
  });

  it('is refused from the activity alone when Teams names their own tenant (shared channel membership), without asking Teams', async () => {
    const before = await rows();
    const sent = captureConnector();
    await teams.post(
      message('deal list all', { from: partner, conversation: newChannel(), mention: true, channelType: 'shared', channelData: { membershipSource: { sourceType: 'team', tenantId: PARTNER_TENANT_ID } } }),
    );
    expect(texts(sent)).toContain(OUTSIDER_REFUSAL);
    expect(connectorReads.memberInfo).toBe(0);
    expect(await rows()).toEqual(before);
  });

  it('stays refused when guests are allowed', async () => {
    memberInfos.set(partner.id, { tenantId: PARTNER_TENANT_ID });
    await t.handle.db.workspace.updateMany({ where: { externalId: TENANT_ID }, data: { allowGuests: true } });
    try {
      const sent = captureConnector();
      await teams.post(message('deal list all', { from: partner, conversation: personalOf('paul') }));
      expect(texts(sent)).toContain(OUTSIDER_REFUSAL);
      expect(await t.handle.db.member.count({ where: { externalId: partner.aadObjectId } })).toBe(0);
    } finally {
      await t.handle.db.workspace.updateMany({ where: { externalId: TENANT_ID }, data: { allowGuests: false } });
    }
  });
});

describe('conversations that guests or other organisations read', () => {
  it('`deal digest here` refuses in a team with a guest, with the reason and the setting; allowed once the admin turns it on', async () => {
    rosters.set(TEAM_ID, { members: [{}, { userRole: 'guest' }] });
    const channel = newChannel();
    const sent = captureConnector();
    const said = texts(await exchange(sent, message('deal digest here', { conversation: channel, mention: true })));
    expect(said).toContain('includes guests or people from other organisations');
    expect(said).toContain('deal settings shared-channels on');
    expect(await t.handle.db.digestSubscription.count({ where: { conversationId: channel.id } })).toBe(0);

    await exchange(sent, message('deal settings shared-channels on'));
    try {
      expect(texts(await exchange(sent, message('deal digest here', { conversation: channel, mention: true })))).toContain('This channel gets the pipeline digest');
      expect(await t.handle.db.digestSubscription.count({ where: { conversationId: channel.id } })).toBe(1);
    } finally {
      await exchange(sent, message('deal settings shared-channels off'));
    }
  });

  it('`deal digest here` refuses in a shared channel and in a team with another tenant’s member', async () => {
    const sent = captureConnector();
    const shared = newChannel();
    expect(texts(await exchange(sent, message('deal digest here', { conversation: shared, mention: true, channelType: 'shared' })))).toContain('This is a shared channel');

    rosters.set(TEAM_ID, { members: [{}, { tenantId: PARTNER_TENANT_ID }] });
    const mixed = newChannel();
    expect(texts(await exchange(sent, message('deal digest here', { conversation: mixed, mention: true })))).toContain('includes guests or people from other organisations');
    expect(await t.handle.db.digestSubscription.count({ where: { conversationId: { in: [shared.id, mixed.id] } } })).toBe(0);
  });

  it('`deal digest here` refuses when Teams does not say in time who is in the team', async () => {
    rosters.set(TEAM_ID, { members: [{}], delayMs: 3000 });
    const sent = captureConnector();
    const channel = newChannel();
    await teams.post(message('deal digest here', { conversation: channel, mention: true }));
    expect(texts(sent)).toContain('couldn’t check with Teams who can read this conversation');
    expect(await t.handle.db.digestSubscription.count({ where: { conversationId: channel.id } })).toBe(0);
  });

  it('answers with CRM data go to the person’s own chat; the channel hears why, without the data', async () => {
    rosters.set(TEAM_ID, { members: [{}, { userRole: 'guest' }] });
    const sent = captureConnector();
    const channel = newChannel();
    await teams.post(message('deal list all', { conversation: channel, mention: true }));
    const inChannel = sent.filter((s) => s.path.includes(channel.id));
    const inPersonal = sent.filter((s) => s.path.includes(CONVERSATIONS.alicePersonal.id));
    expect(texts(inChannel)).toContain('I sent my answer to you in our personal chat');
    expect(texts(inChannel)).not.toContain('Acme');
    expect(texts(inPersonal)).toContain('Acme renewal');

    // The "Open" button of a list or digest (Teams' only way to post a card for all to see) likewise.
    const before = sent.length;
    await teams.post(cardAction(VERBS.openDeal, { dealId: aliceDealId }, { conversation: channel }));
    const opened = sent.slice(before);
    expect(texts(opened.filter((s) => s.path.includes(channel.id)))).not.toContain('Acme');
    expect(texts(opened.filter((s) => s.path.includes(CONVERSATIONS.alicePersonal.id)))).toContain('Acme renewal');
  });

  it('answers in a team of the workspace’s own people stay in the channel', async () => {
    const sent = captureConnector();
    const channel = newChannel();
    await teams.post(message('deal list all', { conversation: channel, mention: true }));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toContain(channel.id);
    expect(texts(sent)).toContain('Acme renewal');
  });

  it('a digest delivery to a channel whose team has a guest is skipped with its reason, posting nothing', async () => {
    const channel = newChannel();
    captureConnector();
    await teams.post(message('deal digest here', { conversation: channel, mention: true }));
    expect(await t.handle.db.digestSubscription.count({ where: { conversationId: channel.id } })).toBe(1);

    // A guest joins the team later.
    nock.cleanAll();
    mockBotFramework();
    rosters.set(TEAM_ID, { members: [{}, { userRole: 'guest' }] });
    const sent = captureConnector();
    const ws = await t.handle.db.workspace.findFirstOrThrow({ where: { externalId: TENANT_ID } });
    const alice = await t.handle.db.member.findFirstOrThrow({ where: { externalId: USERS.alice.aadObjectId } });
    const digest = await t.crm.digests.preview({ workspaceId: ws.id, memberId: alice.id, timeZone: 'UTC' });
    const err = await teams.surface.notifier
      .send({ platform: 'teams', workspaceId: ws.id, conversationId: channel.id, kind: 'channel' }, { type: 'digest', key: `digest:${channel.id}`, digest })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ code: 'shared_channel', retryable: false });
    expect(sent).toHaveLength(0);
  });
});

describe('`deal digest here` in a personal chat', () => {
  it('says digests are for channels and subscribes nothing', async () => {
    const before = await t.handle.db.digestSubscription.count();
    const sent = captureConnector();
    await teams.post(message('deal digest here'));
    const said = texts(sent);
    expect(said).toContain('Digests are for channels');
    expect(said).toContain('deal digest here');
    await teams.post(message('deal digest off'));
    expect(await t.handle.db.digestSubscription.count()).toBe(before);
  });
});
