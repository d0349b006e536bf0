/**
 * Roles from Teams, through the real Bot Framework endpoint (test/bot/teams/harness.ts): whoever
 * installs the app is an admin; a member typing an admin command gets the refusal naming the
 * admins and nothing changes; the admin can; a read-only person is refused a write from a message
 * and from a card button.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VERBS } from '../../../src/bot/teams/ids.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import {
  activity,
  captureConnector,
  cardAction,
  cardOf,
  cardText,
  CONVERSATIONS,
  message,
  mockBotFramework,
  startTeams,
  TENANT_ID,
  USERS,
  type Outgoing,
  type TeamsHarness,
} from './harness.js';

const CAROL = { id: '29:carol-teams-id', aadObjectId: 'aad-0000-carol', name: 'Carol Cole' } as unknown as typeof USERS.alice;
const CAROL_CHAT = { id: 'a:1carol-personal-chat', conversationType: 'personal', tenantId: TENANT_ID };
const asBob = { from: USERS.bob, conversation: CONVERSATIONS.bobPersonal };
const asCarol = { from: CAROL, conversation: CAROL_CHAT };

let t: TestDb;
let teams: TeamsHarness;

beforeAll(async () => {
  t = await createTestDb();
  teams = await startTeams(t.crm);
  mockBotFramework();
  captureConnector();
  // Alice installs the app; Bob and Carol use it afterwards.
  await teams.post(activity('installationUpdate', { action: 'add' }, { conversation: CONVERSATIONS.alicePersonal }));
  await teams.post(message('deal list'));
  await teams.post(message('deal list', asBob));
  await teams.post(message('deal list', asCarol));
});
afterAll(async () => {
  await teams.close();
  await t.cleanup();
});

/** What the bot sent to the connector in this test (one capture per test: the first one answers). */
let sent: Outgoing[] = [];
beforeEach(() => {
  nock.cleanAll();
  mockBotFramework();
  sent = captureConnector();
});

const mention = (user: { id: string; name: string }) => ({ type: 'mention', text: `<at>${user.name}</at>`, mentioned: { id: user.id, name: user.name } });

/** Sends a message and returns the text of what the bot answered. */
async function say(text: string, opts: Parameters<typeof message>[1] = {}): Promise<string> {
  const mark = sent.length;
  const res = await teams.post(message(text, opts));
  expect(res.status).toBe(200);
  return sent.slice(mark).map((s) => cardText(cardOf(s.body))).join('\n');
}

const member = (externalId: string) => t.handle.db.member.findFirstOrThrow({ where: { externalId } });
const workspace = () => t.handle.db.workspace.findFirstOrThrow({ where: { platform: 'teams', externalId: TENANT_ID } });

describe('roles from Teams', () => {
  it('the installer is an admin; the others are members', async () => {
    expect((await member(USERS.alice.aadObjectId)).role).toBe('admin');
    expect((await member(USERS.bob.aadObjectId)).role).toBe('member');
    expect((await member(CAROL.aadObjectId)).role).toBe('member');
    expect(await say('deal admins', asBob)).toContain('Admin (1): Alice Adams (@alice.adams).');
  });

  it('a member typing deal settings guests on gets the refusal naming the admins, and nothing changes', async () => {
    const said = await say('deal settings guests on', asBob);
    expect(said).toContain('Only admins can change workspace settings. Ask Alice Adams.');
    expect(said).toContain('deal admins');
    expect((await workspace()).allowGuests).toBe(false);
  });

  it('a member typing deal role @someone admin gets the refusal naming the admins, and nobody’s role changes', async () => {
    const said = await say('deal role <at>Carol Cole</at> admin', { ...asBob, entities: [mention(CAROL)] });
    expect(said).toContain('Only admins can change roles. Ask Alice Adams.');
    expect((await member(CAROL.aadObjectId)).role).toBe('member');
    expect((await member(USERS.bob.aadObjectId)).role).toBe('member');
  });

  it('the admin changes settings and roles', async () => {
    expect(await say('deal settings guests on')).toContain('Settings saved.');
    expect((await workspace()).allowGuests).toBe(true);
    expect(await say('deal settings guests off')).toContain('Settings saved.');
    const said = await say('deal role <at>Carol Cole</at> read-only', { entities: [mention(CAROL)] });
    expect(said).toContain('Carol Cole (@carol.cole) is now read-only (was a member)');
    expect((await member(CAROL.aadObjectId)).role).toBe('read_only');
  });

  it('a read-only person is refused from a message and from a card button, and nothing is written', async () => {
    expect(await say('deal new Teams roles deal 5k')).toContain('Teams roles deal');
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Teams roles deal' } });
    const refusal = 'You have read-only access to this CRM. Ask an admin (Alice Adams) if you need to change things.';

    expect(await say('deal new Sneaky deal 5k', asCarol)).toContain(refusal);
    expect(await t.handle.db.deal.count({ where: { title: 'Sneaky deal' } })).toBe(0);

    const res = await teams.post(cardAction(VERBS.markWon, { dealId: deal.id }, asCarol));
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('You have read-only access to this CRM.');
    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).status).toBe('open');

    expect(await say('deal list all', asCarol)).toContain('Teams roles deal');
  });
});
