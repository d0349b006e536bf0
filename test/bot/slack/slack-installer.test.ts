/**
 * OAuth distribution: whoever installs the app becomes an admin of that workspace's CRM, through
 * the real install and redirect endpoints (Slack's oauth.v2.access and users.info answered by nock):
 * before anyone else used it, when they were already a member, and when Slack can't say who they are.
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

/** users.info with a workspace's bot token: plain members of that team (none of them a Slack admin). */
function people(token: string, teamId: string, names: Record<string, string>) {
  nock('https://slack.com', { reqheaders: { authorization: `Bearer ${token}` } })
    .persist()
    .post('/api/users.info', (body: unknown) => Boolean(names[String(parseApiBody(body).user)]))
    .reply(200, (_u, body) => {
      const id = String(parseApiBody(body).user);
      const real = names[id]!;
      return { ok: true, user: { id, team_id: teamId, name: real.split(' ')[0]!.toLowerCase(), real_name: real, tz: 'UTC', profile: {} } };
    });
}

/** Installs the app in `teamId` as `userId`, through /slack/install and the OAuth redirect. */
async function install(teamId: string, userId: string, token: string): Promise<void> {
  const start = await fetch(`${slack.server.url}/slack/install`, { redirect: 'manual' });
  const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  nock('https://slack.com')
    .post('/api/oauth.v2.access')
    .reply(200, {
      ok: true,
      app_id: 'A0CRM',
      authed_user: { id: userId },
      scope: 'commands,chat:write,users:read,users:read.email',
      token_type: 'bot',
      access_token: token,
      bot_user_id: `U0BOT${teamId}`,
      team: { id: teamId, name: `Team ${teamId}` },
      enterprise: null,
      is_enterprise_install: false,
    });
  nock('https://slack.com').post('/api/auth.test').reply(200, { ok: true, bot_id: `B${teamId}`, user_id: `U0BOT${teamId}`, team_id: teamId });
  const done = await fetch(`${slack.server.url}/slack/oauth_redirect?code=code-${teamId}&state=${state}`, { headers: { cookie }, redirect: 'manual' });
  expect(done.status).toBeLessThan(400);
}

let answers = 0;
async function say(teamId: string, userId: string, text: string): Promise<string> {
  const path = `/installer/${++answers}`;
  const answer = captureResponseUrl(path);
  await slack.command(text, { teamId, userId, userName: userId.toLowerCase(), responseUrl: `https://hooks.slack.com${path}` });
  const msg = await answer;
  return `${String(msg.text ?? '')}\n${textOf(msg.blocks)}`;
}

const memberIn = async (teamId: string, userId: string) => {
  const ws = await t.handle.db.workspace.findFirstOrThrow({ where: { platform: 'slack', externalId: teamId } });
  return t.handle.db.member.findFirst({ where: { workspaceId: ws.id, externalId: userId } });
};

describe('the Slack installer', () => {
  it('is an admin from the install on, before anyone uses the CRM; the next person is a member', async () => {
    people('xoxb-ivy', 'T0IVY', { U0IVY: 'Ivy Installer', U0BOB: 'Bob Brown' });
    await install('T0IVY', 'U0IVY', 'xoxb-ivy');
    expect(await memberIn('T0IVY', 'U0IVY')).toMatchObject({ role: 'admin', displayName: 'Ivy Installer', handle: 'ivy' });

    const said = await say('T0IVY', 'U0BOB', 'admins');
    expect(said).toContain('Admin (1): Ivy Installer (@ivy).');
    expect(said).toContain('You are a member');
    expect((await memberIn('T0IVY', 'U0BOB'))?.role).toBe('member');
  });

  it('is promoted when they already used the CRM as a member', async () => {
    people('xoxb-two', 'T0TWO', { U0ANN: 'Ann Early', U0CARL: 'Carl Later' });
    await install('T0TWO', 'U0ANN', 'xoxb-two');
    await say('T0TWO', 'U0CARL', 'list');
    expect((await memberIn('T0TWO', 'U0CARL'))?.role).toBe('member');

    await install('T0TWO', 'U0CARL', 'xoxb-two');
    expect((await memberIn('T0TWO', 'U0CARL'))?.role).toBe('admin');
    expect(await say('T0TWO', 'U0CARL', 'admins')).toContain('Admins (2): Ann Early (@ann), Carl Later (@carl).');
  });

  it('is an admin even when Slack can’t say who they are at install time, and named on first use', async () => {
    nock('https://slack.com', { reqheaders: { authorization: 'Bearer xoxb-slow' } }).post('/api/users.info').times(2).reply(500, 'down');
    await install('T0SLOW', 'U0DORA', 'xoxb-slow');
    expect(await memberIn('T0SLOW', 'U0DORA')).toMatchObject({ role: 'admin', displayName: 'U0DORA' });

    people('xoxb-slow', 'T0SLOW', { U0DORA: 'Dora Dunn' });
    expect(await say('T0SLOW', 'U0DORA', 'admins')).toContain('Admin (1): Dora Dunn (@dora).');
  });
});
