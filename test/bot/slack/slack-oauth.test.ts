/**
 * Multi-workspace distribution: two workspaces install the app through OAuth; their tokens are
 * stored encrypted; each sees only its own deals; uninstalling forgets the tokens, not the data.
 */
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrm } from '../../../src/domain/index.js';
import { SecretBox } from '../../../src/domain/shared/secret-box.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureResponseUrl, parseApiBody, startSlack, textOf, type SlackHarness } from '../../helpers/slack.js';

let t: TestDb;
let slack: SlackHarness;
const key = randomBytes(32);

beforeAll(async () => {
  t = await createTestDb();
  const crm = createCrm(t.handle.db, t.clock, { secretBox: new SecretBox(key) });
  slack = await startSlack(crm, {
    SLACK_BOT_TOKEN: '',
    SLACK_CLIENT_ID: '111.222',
    SLACK_CLIENT_SECRET: 'client-secret',
    SLACK_STATE_SECRET: 'state-secret',
    CRM_ENCRYPTION_KEY: key.toString('hex'),
  });
});
afterAll(async () => {
  nock.cleanAll();
  await slack.close();
  await t.cleanup();
});

async function install(teamId: string, token: string): Promise<void> {
  const start = await fetch(`${slack.server.url}/slack/install`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const location = new URL(start.headers.get('location')!);
  expect(location.host).toBe('slack.com');
  expect(location.searchParams.get('scope')).toContain('commands');
  const state = location.searchParams.get('state')!;
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  nock('https://slack.com')
    .post('/api/oauth.v2.access')
    .reply(200, {
      ok: true,
      app_id: 'A0CRM',
      authed_user: { id: `U0ADMIN${teamId}` },
      scope: 'commands,chat:write,users:read,users:read.email',
      token_type: 'bot',
      access_token: token,
      bot_user_id: `U0BOT${teamId}`,
      team: { id: teamId, name: `Team ${teamId}` },
      enterprise: null,
      is_enterprise_install: false,
    });
  nock('https://slack.com').post('/api/auth.test').reply(200, { ok: true, bot_id: `B${teamId}`, user_id: `U0BOT${teamId}`, team_id: teamId });
  const done = await fetch(`${slack.server.url}/slack/oauth_redirect?code=code-${teamId}&state=${state}`, {
    headers: { cookie },
    redirect: 'manual',
  });
  expect(done.status).toBeLessThan(400);
}

/** users.info answered only for the right workspace's token. */
function usersInfoFor(token: string, userId: string) {
  nock('https://slack.com', { reqheaders: { authorization: `Bearer ${token}` } })
    .persist()
    .post('/api/users.info')
    .reply(200, (_u, body) => {
      expect(parseApiBody(body).user).toBe(userId);
      return { ok: true, user: { id: userId, name: userId.toLowerCase(), tz: 'UTC', profile: {} } };
    });
}

describe('OAuth installs in two workspaces', () => {
  it('stores each installation sealed, never the token in the clear', async () => {
    await install('T0AAA', 'xoxb-aaa-secret-token');
    await install('T0BBB', 'xoxb-bbb-secret-token');
    const rows = await t.handle.db.slackInstallation.findMany({ orderBy: { installKey: 'asc' } });
    expect(rows.map((r) => r.installKey)).toEqual(['T:T0AAA', 'T:T0BBB']);
    for (const row of rows) {
      expect(row.sealed).not.toContain('xoxb');
      expect(row.sealed).toMatch(/^v1:/);
    }
    // Sealed with the configured key and bound to its row: a copy on another row does not open.
    const box = new SecretBox(key);
    expect(JSON.parse(box.open(rows[0]!.sealed, 'T:T0AAA')).bot.token).toBe('xoxb-aaa-secret-token');
    expect(() => box.open(rows[0]!.sealed, 'T:T0BBB')).toThrow();
  });

  it('keeps each workspace’s deals to itself, answering with its own token', async () => {
    usersInfoFor('xoxb-aaa-secret-token', 'U0ANNA');
    usersInfoFor('xoxb-bbb-secret-token', 'U0BORIS');
    const a = captureResponseUrl('/a1');
    await slack.command('new Secret AAA expansion 50k', {
      teamId: 'T0AAA',
      userId: 'U0ANNA',
      userName: 'anna',
      responseUrl: 'https://hooks.slack.com/a1',
    });
    expect(textOf((await a).blocks)).toContain('Secret AAA expansion');

    const b = captureResponseUrl('/b1');
    await slack.command('list all', { teamId: 'T0BBB', userId: 'U0BORIS', userName: 'boris', responseUrl: 'https://hooks.slack.com/b1' });
    const listed = textOf((await b).blocks);
    expect(listed).not.toContain('Secret AAA');

    const b2 = captureResponseUrl('/b2');
    await slack.command('secret', { teamId: 'T0BBB', userId: 'U0BORIS', userName: 'boris', responseUrl: 'https://hooks.slack.com/b2' });
    expect(textOf((await b2).blocks)).toMatch(/No deal matches/);

    const b3 = captureResponseUrl('/b3');
    await slack.command('D-1', { teamId: 'T0BBB', userId: 'U0BORIS', userName: 'boris', responseUrl: 'https://hooks.slack.com/b3' });
    expect(textOf((await b3).blocks)).not.toContain('Secret AAA');
  });

  it('forgets the tokens when the app is uninstalled, and keeps the workspace’s deals', async () => {
    const res = await slack.event({ type: 'app_uninstalled', event_ts: '1' }, { teamId: 'T0AAA' });
    expect(res.status).toBe(200);
    await expect.poll(() => t.handle.db.slackInstallation.count({ where: { teamId: 'T0AAA' } })).toBe(0);
    expect(await t.handle.db.slackInstallation.count({ where: { teamId: 'T0BBB' } })).toBe(1);
    expect(await t.handle.db.deal.count({ where: { title: 'Secret AAA expansion' } })).toBe(1);
  });

  it('does nothing for a workspace that has not installed the app', async () => {
    await slack.command('new Intruder deal', { teamId: 'T0NOPE', userId: 'U0X', responseUrl: 'https://hooks.slack.com/nope' });
    await new Promise((r) => setTimeout(r, 200));
    expect(await t.handle.db.workspace.count({ where: { externalId: 'T0NOPE' } })).toBe(0);
    expect(await t.handle.db.deal.count({ where: { title: 'Intruder deal' } })).toBe(0);
  });
});
