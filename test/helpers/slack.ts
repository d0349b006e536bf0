/**
 * Drives the real Slack surface over HTTP: requests signed like Slack signs them, sent to the
 * Bolt receiver on a loopback port; Slack's Web API and response URLs are answered by nock.
 */
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { loadEnv, type Env } from '../../src/config/env.js';
import { startHttpServer, type HttpServer } from '../../src/bot/http.js';
import { createSlackSurface, type SlackSurface, type SlackSurfaceOptions } from '../../src/bot/slack/app.js';
import type { Crm } from '../../src/domain/index.js';
import { silentLogger } from '../../src/log.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export function signature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackHarness {
  surface: SlackSurface;
  server: HttpServer;
  env: Env;
  /** POSTs a raw body to /slack/events, signed unless told otherwise. */
  post(body: string, opts?: { contentType?: string; timestamp?: number; sign?: boolean; secret?: string; headers?: Record<string, string> }): Promise<Response>;
  command(text: string, ids?: Partial<CommandIds>): Promise<Response>;
  interaction(payload: unknown): Promise<Response>;
  event(event: Record<string, unknown>, ids?: { teamId?: string }): Promise<Response>;
  close(): Promise<void>;
}

export interface CommandIds {
  teamId: string;
  userId: string;
  userName: string;
  channelId: string;
  triggerId: string;
  responseUrl: string;
}

let seq = 0;
export const nextId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`.toUpperCase();
/** Numbers the default response URLs of commands, so a capture never takes an older command's answer. */
let commandSeq = 0;

/** What auth.test says at start (npm start checks the token before serving): the Acme workspace's bot. */
export const HOME_AUTH = { teamId: 'T0ACME', botUserId: 'U0BOT', botId: 'B0BOT' } as const;

export async function startSlack(
  crm: Crm,
  envOverrides: Record<string, string> = {},
  options: SlackSurfaceOptions = { auth: HOME_AUTH },
): Promise<SlackHarness> {
  const env = loadEnv({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    CRM_TIMEZONE: 'UTC',
    ...envOverrides,
  });
  const surface = createSlackSurface(env, crm, silentLogger, options);
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', slack: surface, log: silentLogger });
  const post: SlackHarness['post'] = (body, opts = {}) => {
    const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
      ...opts.headers,
    };
    if (opts.sign !== false) {
      headers['x-slack-request-timestamp'] = String(ts);
      headers['x-slack-signature'] = signature(body, ts, opts.secret);
    }
    return fetch(`${server.url}/slack/events`, { method: 'POST', headers, body });
  };
  return {
    surface,
    server,
    env,
    post,
    command: (text, ids = {}) => {
      const c: CommandIds = {
        teamId: 'T0ACME',
        userId: 'U0ALICE',
        userName: 'alice',
        channelId: 'C0SALES',
        triggerId: nextId('trig'),
        responseUrl: `https://hooks.slack.com/commands/T0ACME/${commandSeq++}/x`,
        ...ids,
      };
      return post(
        new URLSearchParams({
          token: 'legacy',
          team_id: c.teamId,
          team_domain: 'acme',
          channel_id: c.channelId,
          channel_name: 'sales',
          user_id: c.userId,
          user_name: c.userName,
          command: '/deal',
          text,
          api_app_id: 'A0CRM',
          response_url: c.responseUrl,
          trigger_id: c.triggerId,
        }).toString(),
      );
    },
    interaction: (payload) => post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString()),
    event: (event, ids = {}) =>
      post(
        JSON.stringify({
          token: 'legacy',
          team_id: ids.teamId ?? 'T0ACME',
          api_app_id: 'A0CRM',
          event,
          type: 'event_callback',
          event_id: nextId('Ev'),
          event_time: Math.floor(Date.now() / 1000),
        }),
        { contentType: 'application/json' },
      ),
    close: () => server.close(),
  };
}

/** Channels whose id starts with this are shared with another organisation (Slack Connect) in tests. */
export const SHARED_CHANNEL_PREFIX = 'C0SHARED';

/**
 * Answers auth.test (Bolt checks its token once), users.info for any user, and conversations.info
 * (a channel is shared with another organisation when its id starts with SHARED_CHANNEL_PREFIX).
 */
export function mockSlackBasics(opts: { teamId?: string; persist?: boolean } = {}) {
  const scope = nock('https://slack.com').persist(opts.persist ?? true);
  scope.post('/api/auth.test').reply(200, { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: opts.teamId ?? 'T0ACME' });
  scope.post('/api/conversations.info').reply(200, (_uri, body) => {
    const channel = String(parseApiBody(body).channel ?? '');
    return { ok: true, channel: { id: channel, is_ext_shared: channel.startsWith(SHARED_CHANNEL_PREFIX) } };
  });
  scope.post('/api/users.info').reply(200, (_uri, body) => {
    const user = new URLSearchParams(String(body)).get('user') ?? 'U0NOBODY';
    const name = user.replace(/^U0/, '').toLowerCase();
    return {
      ok: true,
      user: { id: user, name, real_name: name.charAt(0).toUpperCase() + name.slice(1), tz: 'Europe/Berlin', profile: { display_name: '', email: `${name}@acme.test` } },
    };
  });
  return scope;
}

/**
 * Resolves with the JSON body of the next POST to a response URL path; with no path, to the
 * default response URL of a command sent after this call (an earlier command's late answer, or a
 * button's, never matches).
 */
/** A modal submission from Alice in the Acme workspace, as Slack posts it to the interactivity URL. */
export function viewSubmission(opts: {
  callbackId: string;
  values: Record<string, Record<string, Record<string, unknown>>>;
  privateMetadata?: string;
  viewId?: string;
}): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: 'U0ALICE', username: 'alice', team_id: 'T0ACME' },
    api_app_id: 'A0CRM',
    trigger_id: nextId('trig'),
    view: {
      id: opts.viewId ?? nextId('V'),
      type: 'modal',
      callback_id: opts.callbackId,
      private_metadata: opts.privateMetadata ?? '{}',
      state: { values: opts.values },
      hash: 'h',
    },
  };
}

export function captureResponseUrl(path?: string | RegExp): Promise<Record<string, unknown>> {
  const from = commandSeq;
  const laterCommand = (uri: string) => {
    const m = /^\/commands\/[^/]+\/(\d+)\/x$/.exec(uri);
    return m !== null && Number(m[1]) >= from;
  };
  return new Promise((resolve) => {
    nock('https://hooks.slack.com')
      .post(path ?? laterCommand)
      .reply(200, (_uri, body) => {
        resolve(typeof body === 'string' ? (JSON.parse(body) as Record<string, unknown>) : (body as Record<string, unknown>));
        return 'ok';
      });
  });
}

/** Resolves with the parsed body of the next call to a Web API method. */
export function captureApi(method: string, reply: Record<string, unknown> = { ok: true }): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    nock('https://slack.com')
      .post(`/api/${method}`)
      .reply(200, (_uri, body) => {
        resolve(parseApiBody(body));
        return reply;
      });
  });
}

export function parseApiBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'string') return body as Record<string, unknown>;
  if (body.startsWith('{')) return JSON.parse(body) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    try {
      out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

/** All text in a Block Kit structure, for asserting what a person would read. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .filter(([k]) => k !== 'type' && k !== 'action_id' && k !== 'block_id' && k !== 'value')
      .map(([, v]) => textOf(v))
      .join('\n');
  }
  return '';
}
