/**
 * Roles from Slack, through signed requests to the real Bolt receiver (users.info answered by
 * nock): Slack admins and owners are CRM admins, a plain member typing an admin command gets the
 * refusal naming the admins and nothing changes, an admin can; a read-only person is refused a
 * write from a command and from a button, at once after the change.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../../src/bot/slack/ids.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureResponseUrl, mockSlackBasics, nextId, parseApiBody, startSlack, textOf, type SlackHarness } from '../../helpers/slack.js';

let t: TestDb;
let slack: SlackHarness;

/** What users.info says about the people of this file (registered before the defaults, so they win). */
const PEOPLE: Record<string, Record<string, unknown>> = {
  U0MARIA: { name: 'maria', real_name: 'Maria Garcia', is_admin: true },
  U0SAM: { name: 'sam', real_name: 'Sam Lee', is_owner: true },
  U0BOB: { name: 'bob', real_name: 'Bob Brown' },
  U0RITA: { name: 'rita', real_name: 'Rita Reader' },
};
const as = (userId: string) => ({ userId, userName: String(PEOPLE[userId]!.name) });

function mockPeople() {
  nock('https://slack.com')
    .persist()
    .post('/api/users.info', (body: unknown) => Boolean(PEOPLE[String(parseApiBody(body).user)]))
    .reply(200, (_uri, body) => {
      const id = String(parseApiBody(body).user);
      return { ok: true, user: { id, team_id: 'T0ACME', tz: 'UTC', profile: { email: `${String(PEOPLE[id]!.name)}@acme.test` }, ...PEOPLE[id] } };
    });
}

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
  nock.cleanAll();
  mockPeople();
  mockSlackBasics();
  // Everyone uses the CRM once, Maria first.
  for (const id of ['U0MARIA', 'U0SAM', 'U0BOB', 'U0RITA']) await say('list', as(id));
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockPeople();
  mockSlackBasics();
});

/** Types a command and returns all the text of its answer. */
async function say(text: string, who: { userId: string; userName: string }): Promise<string> {
  const answer = captureResponseUrl();
  const res = await slack.command(text, who);
  expect(res.status).toBe(200);
  const msg = await answer;
  return `${String(msg.text ?? '')}\n${textOf(msg.blocks)}`;
}

const member = (externalId: string) => t.handle.db.member.findFirstOrThrow({ where: { externalId } });
const acme = () => t.handle.db.workspace.findFirstOrThrow({ where: { platform: 'slack', externalId: 'T0ACME' } });

describe('roles from Slack', () => {
  it('Slack admins and owners are admins; everyone else is a member', async () => {
    expect((await member('U0MARIA')).role).toBe('admin');
    expect((await member('U0SAM')).role).toBe('admin');
    expect((await member('U0BOB')).role).toBe('member');
    const said = await say('admins', as('U0BOB'));
    expect(said).toContain('Admins (2): Maria Garcia (@maria), Sam Lee (@sam).');
    expect(said).toContain('You are a member');
  });

  it('a member typing /deal settings guests on gets the refusal naming the admins, and nothing changes', async () => {
    const said = await say('settings guests on', as('U0BOB'));
    expect(said).toContain('Only admins can change workspace settings. Ask Maria Garcia or Sam Lee.');
    expect(said).toContain('/deal admins');
    expect((await acme()).allowGuests).toBe(false);
  });

  it('a member typing /deal role @x admin gets the refusal naming the admins, and nobody’s role changes', async () => {
    const before = (await t.handle.db.member.findMany({ orderBy: { externalId: 'asc' } })).map((m) => [m.externalId, m.role]);
    expect(await say('role <@U0RITA|rita> admin', as('U0BOB'))).toContain('Only admins can change roles. Ask Maria Garcia or Sam Lee.');
    expect(await say('role <@U0BOB|bob> admin', as('U0BOB'))).toContain('Only admins can change roles. Ask Maria Garcia or Sam Lee.');
    expect((await t.handle.db.member.findMany({ orderBy: { externalId: 'asc' } })).map((m) => [m.externalId, m.role])).toEqual(before);
  });

  it('an admin changes settings and roles', async () => {
    expect(await say('settings guests on', as('U0MARIA'))).toContain('Settings saved.');
    expect((await acme()).allowGuests).toBe(true);
    expect(await say('settings guests off', as('U0SAM'))).toContain('Settings saved.');
    expect(await say('role <@U0RITA|rita> read only', as('U0MARIA'))).toContain('Rita Reader (@rita) is now read-only (was a member)');
    expect((await member('U0RITA')).role).toBe('read_only');
  });

  it('a read-only person is refused at once, from a command and from a button, and nothing is written', async () => {
    expect(await say('new Read only attempt 5k', as('U0MARIA'))).toContain('Read only attempt');
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Read only attempt' } });
    const refusal = 'You have read-only access to this CRM. Ask an admin (Maria Garcia or Sam Lee) if you need to change things.';

    expect(await say('new Sneaky deal 5k', as('U0RITA'))).toContain(refusal);
    expect(await t.handle.db.deal.count({ where: { title: 'Sneaky deal' } })).toBe(0);

    const responseUrl = `https://hooks.slack.com/actions/${nextId('r')}`;
    const answer = captureResponseUrl(new URL(responseUrl).pathname);
    await slack.interaction({
      type: 'block_actions',
      team: { id: 'T0ACME', domain: 'acme' },
      user: { id: 'U0RITA', username: 'rita', team_id: 'T0ACME' },
      api_app_id: 'A0CRM',
      trigger_id: nextId('trig'),
      container: { type: 'message', is_ephemeral: true },
      channel: { id: 'C0SALES' },
      response_url: responseUrl,
      actions: [{ type: 'button', action_id: ACTIONS.markWon, block_id: 'b', value: deal.id, action_ts: '1' }],
    });
    const msg = await answer;
    expect(`${String(msg.text ?? '')}\n${textOf(msg.blocks)}`).toContain(refusal);
    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).status).toBe('open');

    // Reading is fine, and /deal admins says what she is.
    expect(await say('list all', as('U0RITA'))).toContain('Read only attempt');
    expect(await say('admins', as('U0RITA'))).toContain('You are read-only');
  });

  it('the last admin stays one, and the answer says so', async () => {
    expect(await say('role <@U0SAM|sam> member', as('U0MARIA'))).toContain('Sam Lee (@sam) is now a member (was an admin)');
    expect(await say('role <@U0MARIA|maria> member', as('U0MARIA'))).toContain('You are the workspace’s only admin, so you stay one');
    expect((await member('U0MARIA')).role).toBe('admin');
  });
});
