/**
 * A member removed from a team the bot is in has left, through the real Bot Framework endpoint
 * (test/bot/teams/harness.ts): they are deactivated and the admin gets one card in their personal
 * chat with a member picker and Hand over; a redelivered activity sends no second card; the bot
 * uninstalled from a personal chat is no departure; a 429 is waited out; Hand over moves everything
 * and the card says so, a second press says it was already done, a member pressing it is refused.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { INPUTS, VERBS } from '../../../src/bot/teams/ids.js';
import type { Actor } from '../../../src/domain/index.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { usd } from '../../helpers/fixtures.js';
import {
  activity,
  BOT,
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
  type Outgoing,
  type TeamsHarness,
} from './harness.js';

const person = (key: string, name: string) => ({
  user: { id: `29:${key}-teams-id`, aadObjectId: `aad-0000-${key}`, name } as unknown as typeof USERS.alice,
  chat: { id: `a:1${key}-personal-chat`, conversationType: 'personal', tenantId: TENANT_ID },
});
const CAROL = person('carol', 'Carol Cole');
const DAVE = person('dave', 'Dave Dunn');
const asBob = { from: USERS.bob, conversation: CONVERSATIONS.bobPersonal };

let t: TestDb;
let teams: TeamsHarness;
let sent: Outgoing[] = [];

const member = (externalId: string) => t.handle.db.member.findFirstOrThrow({ where: { externalId } });
const actorOf = async (externalId: string): Promise<Actor> => {
  const m = await member(externalId);
  return { workspaceId: m.workspaceId, memberId: m.id, timeZone: 'UTC' };
};

/** Two open deals, a won one, a contact, a company and an open task. */
async function giveThings(externalId: string, tag: string) {
  const who = await actorOf(externalId);
  await t.crm.deals.create(who, { title: `${tag} renewal`, amount: usd(5000) });
  await t.crm.deals.create(who, { title: `${tag} pilot` });
  const won = (await t.crm.deals.create(who, { title: `${tag} won` })).deal;
  await t.crm.deals.markWon(who, won.ref);
  await t.crm.contacts.create(who, { name: `${tag} Contact`, email: `${tag.toLowerCase()}@client.test` });
  await t.crm.companies.create(who, { name: `${tag} Co`, domain: `${tag.toLowerCase()}.test` });
  await t.crm.tasks.create(who, { title: `Call ${tag}` });
}

/** `who` removed from the Sales team (Alice removes them), as Teams sends it. */
const removedFromTeam = (who: { id: string; aadObjectId: string }) =>
  activity('conversationUpdate', { membersRemoved: [{ id: who.id, aadObjectId: who.aadObjectId }] }, {
    conversation: CONVERSATIONS.salesChannel,
    channelData: { eventType: 'teamMemberRemoved' },
  });

const toAlice = () => sent.filter((s) => s.method === 'POST' && s.path.includes(CONVERSATIONS.alicePersonal.id));

beforeAll(async () => {
  t = await createTestDb();
  teams = await startTeams(t.crm);
  mockBotFramework();
  captureConnector();
  // Alice installs the app (admin); Bob, Carol and Dave use it.
  await teams.post(activity('installationUpdate', { action: 'add' }, { conversation: CONVERSATIONS.alicePersonal }));
  await teams.post(message('deal list'));
  await teams.post(message('deal list', asBob));
  for (const p of [CAROL, DAVE]) await teams.post(message('deal list', { from: p.user, conversation: p.chat }));
  await giveThings(CAROL.user.aadObjectId, 'Carol');
  await giveThings(DAVE.user.aadObjectId, 'Dave');
});
afterAll(async () => {
  await teams.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockBotFramework();
  sent = captureConnector();
});

describe('a member removed from the team', () => {
  it('is deactivated, and the admin gets one card with a member picker and Hand over', async () => {
    const carol = await member(CAROL.user.aadObjectId);
    const event = removedFromTeam(CAROL.user);
    expect((await teams.post(event)).status).toBe(200);
    expect((await member(CAROL.user.aadObjectId)).deactivated).not.toBeNull();
    expect(toAlice()).toHaveLength(1);
    const card = cardOf(toAlice()[0]!.body);
    expect(cardText(card)).toContain('Carol Cole left: 2 open deals, 1 contact, 1 company, 1 open task. Hand them to:');
    const picker = (card.body as Record<string, unknown>[]).find((e) => e.type === 'Input.ChoiceSet') as { id: string; choices: { title: string }[] };
    expect(picker.id).toBe(INPUTS.handoverTo);
    expect(picker.choices.map((c) => c.title)).toEqual(['Alice Adams', 'Bob Brown', 'Dave Dunn']);
    expect(cardVerbs(card)).toEqual([VERBS.handOver]);
    expect(JSON.stringify(card.actions)).toContain(carol.id);

    // Teams redelivers the same activity: no second card.
    await teams.post(event);
    expect(toAlice()).toHaveLength(1);
  });

  it('the bot removed from a personal chat, or someone leaving a personal chat, is no departure', async () => {
    await teams.post(activity('conversationUpdate', { membersRemoved: [BOT] }, asBob));
    await teams.post(activity('conversationUpdate', { membersRemoved: [{ id: USERS.bob.id, aadObjectId: USERS.bob.aadObjectId }] }, asBob));
    expect((await member(USERS.bob.aadObjectId)).deactivated).toBeNull();
    expect(sent.filter((s) => s.method === 'POST' && s.path.includes(CONVERSATIONS.alicePersonal.id))).toHaveLength(0);
  });

  it('Hand over moves everything to the picked member and the card says so; again, it says it was done', async () => {
    const carol = await member(CAROL.user.aadObjectId);
    const bob = await member(USERS.bob.aadObjectId);
    const press = () => teams.post(cardAction(VERBS.handOver, { leaverId: carol.id, [INPUTS.handoverTo]: bob.id }));

    // A member can't.
    const refused = await teams.post(cardAction(VERBS.handOver, { leaverId: carol.id, [INPUTS.handoverTo]: bob.id }, asBob));
    expect(JSON.stringify(refused.body)).toContain('Only admins can hand over someone’s deals, contacts, companies and tasks. Ask Alice Adams.');

    const first = await press();
    expect(first.status).toBe(200);
    expect(cardText(first.body.value)).toBe('Handed Carol Cole’s 2 open deals, 1 contact, 1 company and 1 open task to Bob Brown.');
    const ws = carol.workspaceId;
    expect(await t.handle.db.deal.count({ where: { workspaceId: ws, ownerId: bob.id, status: 'open' } })).toBe(2);
    expect(await t.handle.db.contact.count({ where: { workspaceId: ws, ownerId: bob.id } })).toBe(1);
    expect(await t.handle.db.company.count({ where: { workspaceId: ws, ownerId: bob.id } })).toBe(1);
    expect(await t.handle.db.task.count({ where: { workspaceId: ws, assigneeId: bob.id, doneAt: null } })).toBe(1);
    expect(await t.handle.db.dealEvent.count({ where: { workspaceId: ws, kind: 'owner' } })).toBe(2);

    const second = await press();
    expect(cardText(second.body.value)).toMatch(/^Already done: Carol Cole has no open deals/);
    expect(await t.handle.db.dealEvent.count({ where: { workspaceId: ws, kind: 'owner' } })).toBe(2);
  });

  it('a 429 from Teams is waited out (Retry-After) and the admin still gets one card', async () => {
    nock.cleanAll();
    mockBotFramework();
    sent = captureConnector({ statuses: [429], headers: { 'retry-after': '2' } });
    await teams.post(removedFromTeam(DAVE.user));
    expect(teams.waits).toContain(2000);
    expect(toAlice()).toHaveLength(2);
    expect(cardText(cardOf(toAlice()[1]!.body))).toContain('Dave Dunn left: 2 open deals');
    const dave = await member(DAVE.user.aadObjectId);
    const rows = await t.handle.db.deliveryLedger.findMany({ where: { kind: 'handover', subject: { startsWith: `${dave.id}:` } } });
    expect(rows.map((r) => r.status)).toEqual(['sent']);
  });
});
