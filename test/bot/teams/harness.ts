/**
 * Drives the real Teams surface over HTTP: activities POSTed to /api/messages on a loopback port
 * with JWTs signed by a test RSA key. Bot Framework's OpenID metadata and signing keys, the AAD
 * token endpoint and the Teams connector (the activity's serviceUrl) are answered by nock, so the
 * SDK's real token validation and outbound calls run unchanged.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { loadEnv, type Env } from '../../../src/config/env.js';
import { startHttpServer, type HttpServer } from '../../../src/bot/http.js';
import { createTeamsSurface, type TeamsSurface } from '../../../src/bot/teams/index.js';
import type { Crm } from '../../../src/domain/index.js';
import { createLogger, silentLogger } from '../../../src/log.js';

export const APP_ID = '6f1c2b6e-0d1a-4c55-9a55-0c1f0e2d3a4b';
export const APP_PASSWORD = 'test-client-secret';
export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const SERVICE_URL = 'https://smba.trafficmanager.net/teams/';
export const CONNECTOR = 'https://smba.trafficmanager.net';
export const BOT = { id: `28:${APP_ID}`, name: 'CRM' };
export const KEY_ID = 'test-signing-key';

const OPENID_HOST = 'https://login.botframework.com';
const OPENID_PATH = '/v1/.well-known/openidconfiguration';
const JWKS_PATH = '/v1/.well-known/keys';

export const USERS = {
  alice: { id: '29:alice-teams-id', aadObjectId: 'aad-0000-alice', name: 'Alice Adams' },
  bob: { id: '29:bob-teams-id', aadObjectId: 'aad-0000-bob', name: 'Bob Brown' },
} as const;
export type TestUser = (typeof USERS)[keyof typeof USERS];

export const CONVERSATIONS = {
  alicePersonal: { id: 'a:1alice-personal-chat', conversationType: 'personal', tenantId: TENANT_ID },
  bobPersonal: { id: 'a:1bob-personal-chat', conversationType: 'personal', tenantId: TENANT_ID },
  salesChannel: { id: '19:sales-channel@thread.tacv2', conversationType: 'channel', tenantId: TENANT_ID, isGroup: true },
} as const;
export type TestConversation = { id: string; conversationType: string; tenantId: string; isGroup?: boolean };

/** The signing key Bot Framework publishes (here: ours), and one nobody publishes. */
export const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const forgedKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

export interface TokenOptions {
  key?: KeyObject;
  kid?: string;
  issuer?: string;
  audience?: string;
  serviceUrl?: string;
  expiresInSeconds?: number;
  algorithm?: jwt.Algorithm;
  /** No signature at all (`alg: none`). */
  unsigned?: boolean;
}

/** A token as Bot Framework's channel service signs it for an activity sent to the bot. */
export function channelToken(opts: TokenOptions = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    serviceurl: opts.serviceUrl ?? SERVICE_URL,
    nbf: now - 60,
    exp: now + (opts.expiresInSeconds ?? 600),
    iss: opts.issuer ?? 'https://api.botframework.com',
    aud: opts.audience ?? APP_ID,
  };
  if (opts.unsigned) {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${part({ alg: 'none', typ: 'JWT', kid: opts.kid ?? KEY_ID })}.${part(payload)}.`;
  }
  return jwt.sign(payload, opts.key ?? signingKey.privateKey, { algorithm: opts.algorithm ?? 'RS256', keyid: opts.kid ?? KEY_ID, noTimestamp: true });
}

/**
 * Bot Framework's OpenID metadata and keys, the AAD token endpoint the bot gets its outbound
 * token from (persisting: the SDK caches both, for hours), and Teams' member info and roster reads
 * (see `memberInfos`, `rosters`).
 */
export function mockBotFramework(): void {
  const jwk = signingKey.publicKey.export({ format: 'jwk' });
  nock(OPENID_HOST)
    .persist()
    .get(OPENID_PATH)
    .reply(200, { issuer: 'https://api.botframework.com', jwks_uri: `${OPENID_HOST}${JWKS_PATH}`, id_token_signing_alg_values_supported: ['RS256'] })
    .get(JWKS_PATH)
    .reply(200, { keys: [{ kty: 'RSA', use: 'sig', kid: KEY_ID, n: jwk.n, e: jwk.e, endorsements: ['msteams', 'emulator'] }] });
  nock('https://login.microsoftonline.com')
    .persist()
    .post('/botframework.com/oauth2/v2.0/token')
    .query(true)
    .reply(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'outbound-bot-token' });
  mockConnectorReads();
}

/** A guest of the test tenant and a user of another organisation (their member info says so). */
export const OUTSIDERS = {
  guest: { id: '29:gina-guest-id', aadObjectId: 'aad-0000-gina', name: 'Gina Guest' },
  partner: { id: '29:paul-partner-id', aadObjectId: 'aad-9999-paul', name: 'Paul Partner' },
} as const;
export const PARTNER_TENANT_ID = '0f8276ea-111b-46af-9512-79ce81d5dea1';

/** What Teams' member info says about a user (`GET …/members/{id}`); `delayMs` answers late, `status` fails. */
export interface MemberInfo {
  userRole?: string;
  tenantId?: string;
  delayMs?: number;
  status?: number;
}

/** Member info per Teams user id; anyone not listed is a `user` of the test tenant. Reset by mockBotFramework. */
export const memberInfos = new Map<string, MemberInfo>();
/** Roster per team or chat id (`GET …/pagedmembers`); a conversation not listed has Alice and Bob. Reset by mockBotFramework. */
export const rosters = new Map<string, { members: MemberInfo[]; delayMs?: number; status?: number }>();
/** How many times the bot asked for member info and rosters (what Teams was asked, not what the bot did). */
export const connectorReads = { memberInfo: 0, roster: 0 };

const ALL_PEOPLE: { id: string; aadObjectId: string; name: string }[] = [...Object.values(USERS), ...Object.values(OUTSIDERS)];

type Later = (err: Error | null, result: nock.ReplyFnResult) => void;
const later = (delayMs: number | undefined, done: Later, result: nock.ReplyFnResult) =>
  delayMs ? setTimeout(() => done(null, result), delayMs) : done(null, result);

/** Teams' member info and roster reads, answered from `memberInfos` and `rosters`. */
function mockConnectorReads(): void {
  memberInfos.clear();
  rosters.clear();
  connectorReads.memberInfo = 0;
  connectorReads.roster = 0;
  nock(CONNECTOR)
    .persist()
    .get(/^\/teams\/v3\/conversations\/[^/]+\/members\/[^/?]+$/)
    .reply(function (uri, _body, done: Later) {
      connectorReads.memberInfo++;
      const userId = decodeURIComponent(uri.split('/members/')[1]!);
      const info = memberInfos.get(userId) ?? {};
      const who = ALL_PEOPLE.find((p) => p.id === userId);
      if (info.status && info.status >= 400) return later(info.delayMs, done, [info.status, { error: { code: 'NotFound', message: 'test' } }]);
      later(info.delayMs, done, [
        200,
        { id: userId, name: who?.name ?? 'Someone', aadObjectId: who?.aadObjectId, tenantId: info.tenantId ?? TENANT_ID, userRole: info.userRole ?? 'user' },
      ]);
    })
    .get(/^\/teams\/v3\/conversations\/[^/]+\/pagedmembers(\?.*)?$/)
    .reply(function (uri, _body, done: Later) {
      connectorReads.roster++;
      const id = decodeURIComponent(uri.split('/conversations/')[1]!.split('/pagedmembers')[0]!);
      const roster = rosters.get(id);
      if (roster?.status && roster.status >= 400) return later(roster.delayMs, done, [roster.status, { error: { code: 'ServiceError', message: 'test' } }]);
      const members = roster
        ? roster.members.map((m, i) => ({ id: `29:member-${i}`, name: `Member ${i}`, tenantId: m.tenantId ?? TENANT_ID, userRole: m.userRole ?? 'user' }))
        : Object.values(USERS).map((u) => ({ ...u, tenantId: TENANT_ID, userRole: 'user' }));
      later(roster?.delayMs, done, [200, { members }]);
    });
}

/** What the bot sent to the Teams connector. */
export interface Outgoing {
  method: string;
  path: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

/**
 * Answers every message the bot sends (new, reply, update) and records it. `status` makes the
 * first answers fail (e.g. [429, 200]: throttled once, then accepted).
 */
export function captureConnector(opts: { statuses?: number[]; headers?: Record<string, string> } = {}): Outgoing[] {
  const sent: Outgoing[] = [];
  const statuses = [...(opts.statuses ?? [])];
  let n = 0;
  const answer = function (this: nock.ReplyFnContext, uri: string, body: nock.Body): nock.ReplyFnResult {
    const status = statuses.shift() ?? 200;
    sent.push({ method: this.req.method, path: decodeURIComponent(uri), body: body as Record<string, unknown>, authorization: this.req.headers.authorization as string | undefined });
    if (status >= 400) return [status, { error: { code: status === 429 ? 'TooManyRequests' : 'ServiceError', message: 'test' } }, opts.headers ?? {}];
    return [status, { id: `sent-${++n}` }];
  };
  nock(CONNECTOR)
    .persist()
    .post(/^\/teams\/v3\/conversations\/.+\/activities(\/.*)?$/)
    .reply(answer)
    .put(/^\/teams\/v3\/conversations\/.+\/activities\/.+$/)
    .reply(answer);
  return sent;
}

let seq = 0;
export const activityId = () => `1${Date.now()}${(seq++).toString().padStart(4, '0')}`;

export interface ActivityOptions {
  from?: TestUser | (typeof OUTSIDERS)[keyof typeof OUTSIDERS];
  conversation?: TestConversation;
  id?: string;
  localTimezone?: string;
  teamName?: string;
  /** `channelData.channel.type` of a channel (`standard`, `private`, `shared`). */
  channelType?: string;
  /** More `channelData` fields (e.g. `membershipSource`). */
  channelData?: Record<string, unknown>;
}

/** The envelope every activity from Teams carries. */
export const TEAM_ID = '19:team-general@thread.tacv2';

export function activity(type: string, fields: Record<string, unknown>, opts: ActivityOptions = {}): Record<string, unknown> {
  const from = opts.from ?? USERS.alice;
  const conversation = opts.conversation ?? CONVERSATIONS.alicePersonal;
  return {
    type,
    id: opts.id ?? activityId(),
    timestamp: new Date().toISOString(),
    serviceUrl: SERVICE_URL,
    channelId: 'msteams',
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    conversation,
    recipient: BOT,
    locale: 'en-US',
    ...(opts.localTimezone && { localTimezone: opts.localTimezone }),
    channelData: {
      tenant: { id: TENANT_ID },
      ...(conversation.conversationType === 'channel' && {
        team: { id: TEAM_ID, name: opts.teamName ?? 'Sales Team' },
        channel: { id: conversation.id, ...(opts.channelType && { type: opts.channelType }) },
      }),
      ...opts.channelData,
    },
    ...fields,
  };
}

/** A chat message; in a channel, `mention: true` @mentions the bot first. */
export function message(text: string, opts: ActivityOptions & { mention?: boolean; entities?: unknown[] } = {}): Record<string, unknown> {
  const mentionText = `<at>${BOT.name}</at>`;
  const entities = [
    ...(opts.mention ? [{ type: 'mention', text: mentionText, mentioned: BOT }] : []),
    ...(opts.entities ?? []),
  ];
  return activity('message', { text: opts.mention ? `${mentionText} ${text}` : text, textFormat: 'plain', ...(entities.length && { entities }) }, { localTimezone: 'Europe/Berlin', ...opts });
}

/** A card button (`Action.Execute`): the invoke Teams sends. */
export function cardAction(verb: string, data: Record<string, unknown>, opts: ActivityOptions & { replyToId?: string } = {}): Record<string, unknown> {
  return activity(
    'invoke',
    {
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' },
      ...(opts.replyToId && { replyToId: opts.replyToId }),
    },
    opts,
  );
}

export function invoke(name: string, value: unknown, opts: ActivityOptions & { replyToId?: string } = {}): Record<string, unknown> {
  return activity('invoke', { name, value, ...(opts.replyToId && { replyToId: opts.replyToId }) }, opts);
}

export interface TeamsHarness {
  surface: TeamsSurface;
  server: HttpServer;
  env: Env;
  /** Waits the bot asked for (proactive retries), instantly. */
  waits: number[];
  /** POSTs an activity, with a valid token unless told otherwise. */
  post(activity: Record<string, unknown>, opts?: { token?: string | null; raw?: string }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startTeams(crm: Crm, envOverrides: Record<string, string> = {}): Promise<TeamsHarness> {
  const env = loadEnv({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: APP_PASSWORD, CRM_TIMEZONE: 'UTC', ...envOverrides });
  const waits: number[] = [];
  const log = process.env.TEAMS_TEST_LOG ? createLogger('debug') : silentLogger;
  const surface = createTeamsSurface(env, crm, log, {
    proactive: {
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  });
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', teams: surface, log: silentLogger });
  return {
    surface,
    server,
    env,
    waits,
    post: async (act, opts = {}) => {
      const token = opts.token === undefined ? channelToken() : opts.token;
      const res = await fetch(`${server.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token !== null && { authorization: `Bearer ${token}` }) },
        body: opts.raw ?? JSON.stringify(act),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body };
    },
    close: () => server.close(),
  };
}

/** Every TextBlock text, FactSet fact and TextRun in a card, for assertions on what it says. */
export function cardText(node: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if ((o.type === 'TextBlock' || o.type === 'TextRun') && typeof o.text === 'string') out.push(o.text);
    if (o.type === 'FactSet' && Array.isArray(o.facts)) for (const f of o.facts as { title: string; value: string }[]) out.push(`${f.title}: ${f.value}`);
    for (const [k, v] of Object.entries(o)) if (k !== 'fallback' && typeof v === 'object') walk(v);
  };
  walk(node);
  // Bold markers we put in go; then the backslashes that escaped people's words.
  return out.join('\n').replace(/(?<!\\)\*\*/g, '').replace(/\\(.)/g, '$1');
}

/** The verbs of every Action.Execute in a card (inside unfolding forms too). */
export function cardVerbs(node: unknown): string[] {
  const verbs: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'Action.Execute' && typeof o.verb === 'string') verbs.push(o.verb);
    for (const [k, v] of Object.entries(o)) if (k !== 'fallback' && typeof v === 'object') walk(v);
  };
  walk(node);
  return verbs;
}

/** The first card attachment of an outgoing activity. */
export function cardOf(body: Record<string, unknown> | undefined): Record<string, unknown> {
  const attachments = (body?.attachments ?? []) as { contentType: string; content: Record<string, unknown> }[];
  const found = attachments.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  if (!found) throw new Error(`no adaptive card in ${JSON.stringify(body)?.slice(0, 300)}`);
  return found.content;
}

export const newTenantId = () => randomUUID();
