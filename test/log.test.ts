/**
 * Secrets stay out of the logs at every level (issue 11, point 10): an OAuth install run through
 * the real Slack receiver at LOG_LEVEL=debug, where Bolt and Slack's Web API client log request
 * bodies (oauth.v2.access carries the client secret), leaves no secret in anything written.
 */
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpServer } from '../src/bot/http.js';
import { createSlackSurface } from '../src/bot/slack/app.js';
import { loadEnv } from '../src/config/env.js';
import { createCrm } from '../src/domain/index.js';
import { SecretBox } from '../src/domain/shared/secret-box.js';
import { createLogger, REDACTED } from '../src/log.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { SIGNING_SECRET, signature } from './helpers/slack.js';

const key = randomBytes(32);
/** Shaped like Slack's (32 hex digits): no pattern gives it away, only its value. */
const CLIENT_SECRET = '3f9c1e7a5b2d4086c1e9a7f3b5d20e84';
const STATE_SECRET = 'state-secret-for-the-log-test-5d1c';
const ISSUED = {
  bot: 'xoxb-1111-2222-LogTestBotTokenValue',
  user: 'xoxp-1111-3333-LogTestUserTokenValue',
  refresh: 'xoxe-1-LogTestRefreshTokenValue',
};
const SOURCE = {
  SLACK_CLIENT_ID: '111.222',
  SLACK_CLIENT_SECRET: CLIENT_SECRET,
  SLACK_STATE_SECRET: STATE_SECRET,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  CRM_ENCRYPTION_KEY: key.toString('hex'),
  CRM_TIMEZONE: 'UTC',
  LOG_LEVEL: 'debug',
};

/** Everything the logger wrote, one JSON line each. */
const lines: string[] = [];
const written = () => lines.join('');

let t: TestDb;
let server: HttpServer;

beforeAll(async () => {
  t = await createTestDb();
  const env = loadEnv(SOURCE);
  const log = createLogger(env.LOG_LEVEL, { destination: { write: (line: string) => void lines.push(line) }, secretsFrom: SOURCE });
  const crm = createCrm(t.handle.db, t.clock, { secretBox: new SecretBox(key) });
  server = await startHttpServer({ port: 0, host: '127.0.0.1', slack: createSlackSurface(env, crm, log), log });
});
afterAll(async () => {
  nock.cleanAll();
  await server.close();
  await t.cleanup();
});

async function installThroughOAuth(): Promise<void> {
  const start = await fetch(`${server.url}/slack/install`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const exchange = nock('https://slack.com')
    .post('/api/oauth.v2.access')
    .reply(200, {
      ok: true,
      app_id: 'A0CRM',
      authed_user: { id: 'U0ADMIN', scope: 'users:read', access_token: ISSUED.user, token_type: 'user' },
      scope: 'commands,chat:write,users:read,users:read.email',
      token_type: 'bot',
      access_token: ISSUED.bot,
      refresh_token: ISSUED.refresh,
      expires_in: 43_200,
      bot_user_id: 'U0BOT',
      team: { id: 'T0LOGS', name: 'Logs Inc' },
      enterprise: null,
      is_enterprise_install: false,
    });
  nock('https://slack.com').post('/api/auth.test').reply(200, { ok: true, bot_id: 'B0LOGS', user_id: 'U0BOT', team_id: 'T0LOGS' });
  const done = await fetch(`${server.url}/slack/oauth_redirect?code=code-logs&state=${state}`, { headers: { cookie }, redirect: 'manual' });
  expect(done.status).toBeLessThan(400);
  expect(exchange.isDone()).toBe(true);
}

describe('an OAuth install at LOG_LEVEL=debug', () => {
  it('writes no client secret, state secret, signing secret or issued token to the log', async () => {
    await installThroughOAuth();
    // Then the installed workspace uses the bot: a command answered with the issued token.
    nock('https://slack.com')
      .persist()
      .post('/api/users.info')
      .reply(200, { ok: true, user: { id: 'U0ANNA', name: 'anna', tz: 'UTC', profile: { email: 'anna@logs.test' } } });
    const answered = new Promise<void>((resolve) => {
      nock('https://hooks.slack.com')
        .post('/commands/T0LOGS/1/x')
        .reply(200, () => {
          resolve();
          return 'ok';
        });
    });
    const body = new URLSearchParams({
      team_id: 'T0LOGS',
      user_id: 'U0ANNA',
      user_name: 'anna',
      channel_id: 'C0LOGS',
      command: '/deal',
      text: 'list all',
      api_app_id: 'A0CRM',
      trigger_id: 'trig-logs',
      response_url: 'https://hooks.slack.com/commands/T0LOGS/1/x',
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${server.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature(body, ts) },
      body,
    });
    expect(res.status).toBe(200);
    await answered;

    const log = written();
    // The SDKs did write their debug lines, the token exchange's request body among them…
    expect(log).toContain('oauth.v2.access');
    expect(log).toMatch(/client_secret\\":\\"\[redacted\]/);
    // …and none of the secrets survived in any of them.
    for (const secret of [CLIENT_SECRET, STATE_SECRET, SIGNING_SECRET, SOURCE.CRM_ENCRYPTION_KEY, ISSUED.bot, ISSUED.user, ISSUED.refresh]) {
      expect(log).not.toContain(secret);
    }
    // Every line is still one JSON object.
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('createLogger', () => {
  const capture = (env: Record<string, string> = {}) => {
    const out: string[] = [];
    const log = createLogger('trace', { destination: { write: (line: string) => void out.push(line) }, secretsFrom: env });
    return { log, text: () => out.join('') };
  };

  it('scrubs configured secrets and token shapes from messages, fields and errors at every level', () => {
    const env = {
      OPENAI_API_KEY: 'my-openai-key-without-prefix-42',
      MICROSOFT_APP_PASSWORD: 'teams~app~password~value',
      SLACK_APP_TOKEN: 'xapp-1-A0CRM-1234-abcdef',
      DATABASE_URL: 'postgresql://crm:p%40ss-w0rd-secret@db.internal:5432/crm',
    };
    const { log, text } = capture(env);
    const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
    for (const level of levels) {
      log[level](`calling with key ${env.OPENAI_API_KEY} and password ${env.MICROSOFT_APP_PASSWORD}`);
      log[level]({ note: `token xoxb-9-9-abc and ${env.SLACK_APP_TOKEN}`, url: env.DATABASE_URL }, 'connecting to postgresql://crm:p@ss-w0rd-secret@db');
      log[level]({ err: new Error(`Authorization: Bearer abc.def.ghi client_secret=plainsecret&code=1`) }, 'failed');
      log[level]('raw password p@ss-w0rd-secret in a driver message');
    }
    const out = text();
    expect(out.split('\n').filter(Boolean)).toHaveLength(levels.length * 4);
    for (const secret of ['my-openai-key-without-prefix-42', 'teams~app~password~value', 'xapp-1-A0CRM', 'xoxb-9-9-abc', 'p%40ss-w0rd-secret', 'p@ss-w0rd-secret', 'abc.def.ghi', 'plainsecret']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain(REDACTED);
    // What is not secret stays readable.
    expect(out).toContain('db.internal:5432');
    expect(out).toContain('client_secret=');
  });
});
