/**
 * Every activity's token is verified before anything runs: a request without a valid Bot
 * Framework token gets 401 and changes nothing (no workspace, member, deal or conversation
 * reference; nothing sent to Teams).
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { APP_ID, captureConnector, channelToken, forgedKey, message, mockBotFramework, startTeams, type TeamsHarness } from './harness.js';

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
  // The SDK prints rejected tokens to the console; the assertions below say what matters.
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

const counts = async () => ({
  workspaces: await t.handle.db.workspace.count(),
  members: await t.handle.db.member.count(),
  deals: await t.handle.db.deal.count(),
  conversations: await t.handle.db.teamsConversation.count(),
});

describe('token verification at /api/messages', () => {
  const bad: [string, () => string | null][] = [
    ['no Authorization header', () => null],
    ['a token signed with a key Bot Framework did not publish (same key id)', () => channelToken({ key: forgedKey.privateKey })],
    ['a token with an unknown key id', () => channelToken({ key: forgedKey.privateKey, kid: 'someone-elses-key' })],
    ['an unsigned token (alg none)', () => channelToken({ unsigned: true })],
    ['a token for another bot', () => channelToken({ audience: '11111111-2222-3333-4444-555555555555' })],
    ['a token from another issuer', () => channelToken({ issuer: 'https://sts.windows.net/evil/' })],
    ['a token for another service URL', () => channelToken({ serviceUrl: 'https://evil.example.com/teams/' })],
    ['an expired token', () => channelToken({ expiresInSeconds: -3600 })],
    ['garbage', () => 'not.a.jwt'],
  ];

  it.each(bad)('rejects %s with 401 and changes nothing', async (_what, token) => {
    const sent = captureConnector();
    const before = await counts();
    const res = await teams.post(message('deal new Forged deal 5k'), { token: token() });
    expect(res.status).toBe(401);
    expect(await counts()).toEqual(before);
    expect(sent).toEqual([]);
  });

  it('accepts a token Bot Framework signed for this bot and this service URL, and answers with the bot’s own token', async () => {
    const sent = captureConnector();
    const res = await teams.post(message('deal help'));
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.authorization).toBe('Bearer outbound-bot-token');
    expect(await t.handle.db.workspace.count()).toBe(1);
  });

  it('refuses to start without an app id or password', async () => {
    const { createTeamsSurface, TeamsConfigError } = await import('../../../src/bot/teams/index.js');
    const { loadEnv } = await import('../../../src/config/env.js');
    const { silentLogger } = await import('../../../src/log.js');
    expect(() => createTeamsSurface(loadEnv({}), t.crm, silentLogger)).toThrow(TeamsConfigError);
    expect(() => createTeamsSurface(loadEnv({ MICROSOFT_APP_ID: APP_ID }), t.crm, silentLogger)).toThrow(/MICROSOFT_APP_PASSWORD/);
    expect(() =>
      createTeamsSurface(loadEnv({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'x', MICROSOFT_APP_TYPE: 'SingleTenant' }), t.crm, silentLogger),
    ).toThrow(/MICROSOFT_APP_TENANT_ID/);
  });
});
