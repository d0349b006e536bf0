/**
 * Who may use the CRM from Slack, and where it posts: people from another organisation (Slack
 * Connect) and guests are refused with nothing written; channels shared with another organisation
 * get no CRM content that everyone can read unless the workspace allows it. Everything through
 * signed requests to the real Bolt receiver; Slack's Web API answered by nock.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, SHORTCUTS } from '../../../src/bot/slack/ids.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import {
  captureApi,
  captureResponseUrl,
  mockSlackBasics,
  nextId,
  parseApiBody,
  SHARED_CHANNEL_PREFIX,
  startSlack,
  textOf,
  type SlackHarness,
} from '../../helpers/slack.js';

let t: TestDb;
let slack: SlackHarness;

/** users.info answers for people who are not plain members (registered before the defaults, so they win). */
const PEOPLE: Record<string, Record<string, unknown>> = {
  U0GUEST: { name: 'gus', is_restricted: true },
  U0SINGLE: { name: 'sol', is_restricted: true, is_ultra_restricted: true },
  U0ADMIN: { name: 'ada', is_admin: true },
  U0PARTNER: { name: 'pat', team_id: 'T0PARTNER' },
};

function mockPeople() {
  nock('https://slack.com')
    .persist()
    .post('/api/users.info', (body: unknown) => Boolean(PEOPLE[String(parseApiBody(body).user)]))
    .reply(200, (_uri, body) => {
      const id = String(parseApiBody(body).user);
      const p = PEOPLE[id]!;
      return { ok: true, user: { id, team_id: 'T0ACME', real_name: p.name, tz: 'UTC', profile: { email: `${String(p.name)}@acme.test` }, ...p } };
    });
}

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
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

const members = (externalId: string) => t.handle.db.member.count({ where: { externalId } });
const dealCount = () => t.handle.db.deal.count();
const acme = () => t.handle.db.workspace.findFirstOrThrow({ where: { platform: 'slack', externalId: 'T0ACME' } });

async function newDeal(title: string): Promise<string> {
  const answer = captureResponseUrl();
  await slack.command(`new ${title}`);
  await answer;
  return (await t.handle.db.deal.findFirstOrThrow({ where: { title } })).id;
}

/** A button click, as Slack posts it, from a person of a given team. */
function click(actionId: string, value: string, who: { userId: string; teamId: string }, channelId = 'C0SALES') {
  const responseUrl = `https://hooks.slack.com/actions/${nextId('r')}`;
  const answer = captureResponseUrl(new URL(responseUrl).pathname);
  const sent = slack.interaction({
    type: 'block_actions',
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: who.userId, username: who.userId.toLowerCase(), team_id: who.teamId },
    api_app_id: 'A0CRM',
    trigger_id: nextId('trig'),
    container: { type: 'message', is_ephemeral: false },
    channel: { id: channelId },
    response_url: responseUrl,
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1' }],
  });
  return { sent, answer };
}

describe('people from another organisation (Slack Connect)', () => {
  it('a partner typing /deal is refused politely, sees no deals, and is not made a member', async () => {
    await newDeal('Secret pipeline deal');
    const answer = captureResponseUrl();
    const res = await slack.command('list all', { teamId: 'T0PARTNER', userId: 'U0PARTNER', userName: 'pat' });
    expect(res.status).toBe(200);
    const msg = await answer;
    const text = String(msg.text ?? textOf(msg.blocks));
    expect(text).toMatch(/only for the members of the workspace/i);
    expect(text).not.toContain('Secret pipeline deal');
    expect(await members('U0PARTNER')).toBe(0);
    expect(await t.handle.db.workspace.count({ where: { externalId: 'T0PARTNER' } })).toBe(0);
  });

  it('a partner clicking Log activity on a shared card gets the refusal and no modal', async () => {
    const dealId = await newDeal('Shared card deal');
    let opened = false;
    nock('https://slack.com')
      .post('/api/views.open')
      .reply(200, () => {
        opened = true;
        return { ok: true };
      });
    const { sent, answer } = click(ACTIONS.logActivity, dealId, { userId: 'U0PARTNER', teamId: 'T0PARTNER' });
    expect((await sent).status).toBe(200);
    expect(String((await answer).text)).toMatch(/only for the members of the workspace/i);
    expect(opened).toBe(false);
    expect(await members('U0PARTNER')).toBe(0);
  });

  it('users.info saying another team refuses someone who came through the home team', async () => {
    const answer = captureResponseUrl();
    await slack.command('new Partner attempt', { userId: 'U0PARTNER', userName: 'pat' });
    expect(String((await answer).text)).toMatch(/only for the members of the workspace/i);
    expect(await t.handle.db.deal.count({ where: { title: 'Partner attempt' } })).toBe(0);
    expect(await members('U0PARTNER')).toBe(0);
  });

  it('"Log to CRM" from a partner answers with the refusal instead of opening the modal', async () => {
    let opened = false;
    nock('https://slack.com')
      .post('/api/views.open')
      .reply(200, () => {
        opened = true;
        return { ok: true };
      });
    const answer = captureResponseUrl('/actions/T0ACME/shortcut-partner/x');
    const res = await slack.interaction({
      type: 'message_action',
      callback_id: SHORTCUTS.logToCrm,
      trigger_id: nextId('trig'),
      team: { id: 'T0ACME', domain: 'acme' },
      user: { id: 'U0PARTNER', username: 'pat', team_id: 'T0PARTNER' },
      channel: { id: 'C0SALES', name: 'sales' },
      message_ts: '1700000000.000300',
      message: { type: 'message', user: 'U0BOB', ts: '1700000000.000300', text: 'Budget is approved' },
      response_url: 'https://hooks.slack.com/actions/T0ACME/shortcut-partner/x',
    });
    expect(res.status).toBe(200);
    expect(String((await answer).text)).toMatch(/only for the members of the workspace/i);
    expect(opened).toBe(false);
  });
});

describe('guests', () => {
  it.each([
    ['a multi-channel guest', 'U0GUEST', 'gus'],
    ['a single-channel guest', 'U0SINGLE', 'sol'],
  ])('%s is refused and nothing is written', async (_label, userId, userName) => {
    const before = await dealCount();
    const answer = captureResponseUrl();
    await slack.command('new Guest deal 5k', { userId, userName });
    const text = String((await answer).text);
    expect(text).toMatch(/guest accounts are not allowed/i);
    expect(text).toContain('/deal settings guests on');
    expect(await dealCount()).toBe(before);
    expect(await members(userId)).toBe(0);
  });

  it('only an admin may let guests in; then a guest can create deals, and turning it off shuts them out again', async () => {
    const refused = captureResponseUrl();
    // Alice, the first person here, is an admin (docs/roles.md); Bob is a plain member.
    await slack.command('settings guests on', { userId: 'U0BOB', userName: 'bob' });
    expect(String((await refused).text)).toMatch(/only admins can change workspace settings/i);
    expect((await acme()).allowGuests).toBe(false);

    const saved = captureResponseUrl();
    await slack.command('settings guests on', { userId: 'U0ADMIN', userName: 'ada' });
    expect(textOf((await saved).blocks)).toMatch(/Guests: \*on\*/);
    expect((await acme()).allowGuests).toBe(true);

    const created = captureResponseUrl();
    await slack.command('new Guest allowed deal', { userId: 'U0GUEST', userName: 'gus' });
    expect(textOf((await created).blocks)).toContain('Guest allowed deal');
    expect(await t.handle.db.member.findFirstOrThrow({ where: { externalId: 'U0GUEST' } })).toMatchObject({ access: 'guest' });

    const off = captureResponseUrl();
    await slack.command('settings guests off', { userId: 'U0ADMIN', userName: 'ada' });
    await off;
    const again = captureResponseUrl();
    await slack.command('list all', { userId: 'U0GUEST', userName: 'gus' });
    expect(String((await again).text)).toMatch(/guest accounts are not allowed/i);
  });

  it('a member made a guest (user_change) is refused from then on', async () => {
    const first = captureResponseUrl();
    await slack.command('list', { userId: 'U0MAYA', userName: 'maya' });
    await first;
    expect(await members('U0MAYA')).toBe(1);
    const res = await slack.event({
      type: 'user_change',
      user: { id: 'U0MAYA', team_id: 'T0ACME', name: 'maya', is_restricted: true, tz: 'UTC', profile: { display_name: 'Maya' } },
    });
    expect(res.status).toBe(200);
    await expect.poll(async () => (await t.handle.db.member.findFirstOrThrow({ where: { externalId: 'U0MAYA' } })).access).toBe('guest');
    const answer = captureResponseUrl();
    await slack.command('list', { userId: 'U0MAYA', userName: 'maya' });
    expect(String((await answer).text)).toMatch(/guest accounts are not allowed/i);
  });

  it('a guest opening the App Home sees why, and no deals', async () => {
    const published = captureApi('views.publish');
    await slack.event({ type: 'app_home_opened', user: 'U0SINGLE', tab: 'home', channel: 'D0SOL' });
    const call = await published;
    expect(textOf(call.view)).toMatch(/guest accounts are not allowed/i);
    expect(await members('U0SINGLE')).toBe(0);
  });
});

describe('channels shared with another organisation', () => {
  const shared = `${SHARED_CHANNEL_PREFIX}PARTNER`;

  it('/deal digest here refuses there, naming the setting, and subscribes nothing', async () => {
    const answer = captureResponseUrl();
    await slack.command('digest here', { channelId: shared });
    const msg = await answer;
    const text = `${String(msg.text)}\n${textOf(msg.blocks)}`;
    expect(text).toMatch(/shared with another organisation/i);
    expect(text).toContain('/deal settings shared-channels on');
    expect(await t.handle.db.digestSubscription.count({ where: { conversationId: shared } })).toBe(0);
  });

  it('"Share to channel" refuses there and posts nothing for everyone', async () => {
    const dealId = await newDeal('Do not share me');
    const { sent, answer } = click(ACTIONS.shareToChannel, dealId, { userId: 'U0ALICE', teamId: 'T0ACME' }, shared);
    await sent;
    const msg = await answer;
    expect(msg.response_type).not.toBe('in_channel');
    expect(String(msg.text)).toMatch(/shared with another organisation/i);
  });

  it('in a channel of the workspace alone, both work; with the setting on, the shared channel too', async () => {
    const here = captureResponseUrl();
    await slack.command('digest here', { channelId: 'C0INTERNAL' });
    expect(textOf((await here).blocks)).toMatch(/gets the pipeline digest/);

    const on = captureResponseUrl();
    await slack.command('settings shared-channels on', { userId: 'U0ADMIN', userName: 'ada' });
    await on;
    const there = captureResponseUrl();
    await slack.command('digest here', { channelId: shared });
    expect(textOf((await there).blocks)).toMatch(/gets the pipeline digest/);
    expect(await t.handle.db.digestSubscription.count({ where: { conversationId: shared } })).toBe(1);
  });
});

describe('the workspace decimal mark', () => {
  it('is the currency’s way until an admin sets it; then 1.500 reads by the setting, and the answer says how', async () => {
    const before = captureResponseUrl();
    await slack.command('settings');
    expect(textOf((await before).blocks)).toMatch(/Decimal mark: \*auto\*/);

    const set = captureResponseUrl();
    await slack.command('settings decimal comma', { userId: 'U0ADMIN', userName: 'ada' });
    expect(textOf((await set).blocks)).toMatch(/Decimal mark: \*comma\*/);
    expect((await acme()).decimalMark).toBe('comma');

    const created = captureResponseUrl();
    await slack.command('new Decimal mark deal 1.500 USD');
    expect(textOf((await created).blocks)).toMatch(/1,500/);
    expect((await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Decimal mark deal' } })).amountCents).toBe(150_000n);

    const back = captureResponseUrl();
    await slack.command('settings decimal auto', { userId: 'U0ADMIN', userName: 'ada' });
    await back;
    expect((await acme()).decimalMark).toBeNull();
  });
});
