/**
 * Slack at the edges, through the real receiver with signed requests:
 * - retried Events API deliveries (same event_id, X-Slack-Retry-Num) do their work once, also
 *   when the retry reaches another replica on the same database (issue 11, point 6);
 * - timestamps in the future or not written as a number are refused like stale ones, and a form
 *   body naming a key twice gets a bare 400 and no answer to anyone (issue 11, point 9).
 */
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../../../src/db/client.js';
import { createCrm } from '../../../src/domain/index.js';
import { INBOX_RETENTION_MS } from '../../../src/domain/inbox/inbox.service.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { mockSlackBasics, nextId, parseApiBody, SIGNING_SECRET, startSlack, type SlackHarness } from '../../helpers/slack.js';

/** How long to wait for work done after the acknowledgement (PostgreSQL's first queries are slow). */
const POLL = { timeout: 10_000 };

let t: TestDb;
let slack: SlackHarness;
/** A second app instance on the same database: another replica behind the load balancer. */
let replicaDb: DbHandle;
let replica: SlackHarness;

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
  replicaDb = await openDatabase(t.url);
  replica = await startSlack(createCrm(replicaDb.db, t.clock));
});
afterAll(async () => {
  await replica.close();
  await replicaDb.close();
  await slack.close();
  await t.cleanup();
});

interface SlackCall {
  url: string;
  body: Record<string, unknown>;
}
/** Every request that reached Slack's Web API or a response URL, in order. */
let calls: SlackCall[];

/** Records every call to slack.com and hooks.slack.com; Web API calls are answered `ok`. */
function recordSlack(): void {
  calls = [];
  const record = (req: { path: string; options?: { host?: string } }, _i: unknown, body: unknown) => {
    calls.push({ url: `${req.options?.host ?? ''}${req.path}`, body: typeof body === 'string' && body ? parseApiBody(body) : {} });
  };
  mockSlackBasics().on('request', record);
  nock('https://slack.com').persist().post(/^\/api\/.+/).reply(200, { ok: true }).on('request', record);
  nock('https://hooks.slack.com').persist().post(/.*/).reply(200, 'ok').on('request', record);
}

beforeEach(() => {
  nock.cleanAll();
  recordSlack();
});

const publishesFor = (user: string) => calls.filter((c) => c.url.endsWith('/api/views.publish') && c.body.user_id === user).length;

function homeOpened(eventId: string, user: string): string {
  return JSON.stringify({
    token: 'legacy',
    team_id: 'T0ACME',
    api_app_id: 'A0CRM',
    event: { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: '1' },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
  });
}

/** Delivers an event body as Slack does; `retryNum` > 0 marks a retry. */
function deliver(to: SlackHarness, body: string, retryNum = 0): Promise<Response> {
  const headers: Record<string, string> = retryNum ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' } : {};
  return to.post(body, { contentType: 'application/json', headers });
}

/**
 * Opens the Home of a fresh person and waits until it is published: the listeners have run for
 * everything delivered before (a dropped retry only costs one insert, far less than a Home).
 */
async function settle(to: SlackHarness = slack): Promise<void> {
  const user = nextId('U0MARK');
  expect((await deliver(to, homeOpened(nextId('Ev'), user))).status).toBe(200);
  await expect.poll(() => publishesFor(user), POLL).toBe(1);
}

describe('retried events', () => {
  it('publishes the Home once when the same app_home_opened arrives three times at once', async () => {
    const eventId = nextId('Ev');
    const body = homeOpened(eventId, 'U0ALICE');
    const statuses = (await Promise.all([deliver(slack, body), deliver(slack, body, 1), deliver(slack, body, 2)])).map((r) => r.status);
    expect(statuses).toEqual([200, 200, 200]);
    await expect.poll(() => publishesFor('U0ALICE'), POLL).toBe(1);
    await settle();
    expect(publishesFor('U0ALICE')).toBe(1);
    const row = await t.handle.db.inboxItem.findUniqueOrThrow({ where: { key: `slack:event:${eventId}` } });
    expect([row.kind, row.status]).toEqual(['event', 'done']);
  });

  it('publishes once when the retries come after the first delivery was handled', async () => {
    const body = homeOpened(nextId('Ev'), 'U0ALICE');
    expect((await deliver(slack, body)).status).toBe(200);
    await expect.poll(() => publishesFor('U0ALICE'), POLL).toBe(1);
    expect((await deliver(slack, body, 1)).status).toBe(200);
    expect((await deliver(slack, body, 2)).status).toBe(200);
    await settle();
    expect(publishesFor('U0ALICE')).toBe(1);
  });

  it('publishes once when the retries reach another replica on the same database', async () => {
    const body = homeOpened(nextId('Ev'), 'U0ALICE');
    const statuses = (await Promise.all([deliver(slack, body), deliver(replica, body, 1), deliver(replica, body, 2)])).map((r) => r.status);
    expect(statuses).toEqual([200, 200, 200]);
    await expect.poll(() => publishesFor('U0ALICE'), POLL).toBe(1);
    await Promise.all([settle(slack), settle(replica)]);
    expect(publishesFor('U0ALICE')).toBe(1);
  });

  it('handles a retry again when the first delivery’s work failed', async () => {
    nock.cleanAll();
    const failing = nock('https://slack.com').post('/api/views.publish').reply(200, { ok: false, error: 'internal_error' });
    recordSlack();
    const eventId = nextId('Ev');
    const body = homeOpened(eventId, 'U0ALICE');
    expect((await deliver(slack, body)).status).toBe(200);
    // The failed first attempt let go of its claim…
    await expect.poll(() => failing.isDone(), POLL).toBe(true);
    await expect.poll(() => t.handle.db.inboxItem.count({ where: { key: `slack:event:${eventId}` } }), POLL).toBe(0);
    expect(publishesFor('U0ALICE')).toBe(0);
    // …so Slack's retry does the work, once.
    expect((await deliver(slack, body, 1)).status).toBe(200);
    await expect.poll(() => publishesFor('U0ALICE'), POLL).toBe(1);
  });

  it('forgets delivered events after the retention period', async () => {
    const oldKey = `slack:event:${nextId('Ev')}`;
    await t.handle.db.inboxItem.create({ data: { key: oldKey, kind: 'event', receivedAt: new Date(t.clock.now().getTime() - INBOX_RETENTION_MS - 60_000) } });
    const recent = homeOpened(nextId('Ev'), 'U0ALICE');
    // Each process prunes at most once an hour: move the clock past that.
    t.clock.advance(2 * 60 * 60_000);
    expect((await deliver(replica, recent)).status).toBe(200);
    await expect.poll(() => t.handle.db.inboxItem.count({ where: { key: oldKey } }), POLL).toBe(0);
    expect(await t.handle.db.inboxItem.count()).toBeGreaterThan(0);
  });
});

/** An HMAC signature over any timestamp text (the harness signs numbers only). */
function signatureOver(body: string, timestamp: string): string {
  return `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

function commandForm(fields: [string, string][], user = 'U0MALLORY'): string {
  const base: [string, string][] = [
    ['token', 'legacy'],
    ['team_domain', 'acme'],
    ['channel_id', 'C0SALES'],
    ['user_id', user],
    ['user_name', user.slice(2).toLowerCase()],
    ['command', '/deal'],
    ['api_app_id', 'A0CRM'],
    ['trigger_id', nextId('trig')],
  ];
  return new URLSearchParams([...base, ...fields]).toString();
}

describe('requests at the edge', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const dealsTitled = (title: string) => t.handle.db.deal.count({ where: { title: { contains: title } } });

  it('refuses a timestamp more than 5 minutes in the future, and accepts one within the window', async () => {
    const body = (title: string, url: string) =>
      commandForm([
        ['team_id', 'T0ACME'],
        ['text', `new ${title} 5k`],
        ['response_url', `https://hooks.slack.com/commands/T0ACME/${url}/x`],
      ]);
    const future = await slack.post(body('Future dated', 'future'), { timestamp: now() + 6 * 60 });
    expect(future.status).toBe(401);
    const nearFuture = await slack.post(body('Clock skew', 'skew'), { timestamp: now() + 4 * 60 });
    expect(nearFuture.status).toBe(200);
    await expect.poll(() => calls.some((c) => c.url.includes('/skew/')), POLL).toBe(true);
    expect(calls.some((c) => c.url.includes('/future/'))).toBe(false);
    expect(await dealsTitled('Future dated')).toBe(0);
    expect(await dealsTitled('Clock skew')).toBe(1);
  });

  it('refuses a timestamp that is not written as a whole number, even when the signature matches it', async () => {
    const body = commandForm([
      ['team_id', 'T0ACME'],
      ['text', 'new Odd timestamp 5k'],
      ['response_url', 'https://hooks.slack.com/commands/T0ACME/odd/x'],
    ]);
    const n = now();
    // Bolt reads these with Number(): `${n}.0` and hex would pass its check, signed over `n`.
    const cases: [string, string][] = [
      ['abc', 'abc'],
      ['', ''],
      [`${n}.0`, String(n)],
      [`0x${n.toString(16)}`, String(n)],
      [`${n}e0`, String(n)],
    ];
    for (const [header, signedOver] of cases) {
      const res = await slack.post(body, {
        sign: false,
        headers: { 'x-slack-request-timestamp': header, 'x-slack-signature': signatureOver(body, signedOver) },
      });
      expect(res.status, `timestamp ${JSON.stringify(header)}`).toBe(401);
      expect(await res.text()).toBe('');
    }
    await settle();
    expect(await dealsTitled('Odd timestamp')).toBe(0);
    expect(calls.some((c) => c.url.includes('/odd/'))).toBe(false);
  });

  it('answers a form naming a key twice with a bare 400, and answers no one', async () => {
    const hook = (name: string) => `https://hooks.slack.com/commands/T0ACME/${name}/x`;
    const bodies = {
      text: commandForm([
        ['team_id', 'T0ACME'],
        ['text', 'new Twice A 5k'],
        ['text', 'new Twice B 5k'],
        ['response_url', hook('dup-text')],
      ], 'U0TWICE'),
      team_id: commandForm([
        ['team_id', 'T0ACME'],
        ['team_id', 'T0OTHER'],
        ['text', 'new Twice C 5k'],
        ['response_url', hook('dup-team')],
      ], 'U0TWICE'),
      response_url: commandForm([
        ['team_id', 'T0ACME'],
        ['text', 'new Twice D 5k'],
        ['response_url', hook('dup-url-1')],
        ['response_url', hook('dup-url-2')],
      ], 'U0TWICE'),
      payload: new URLSearchParams([
        ['payload', JSON.stringify(blockAction(hook('dup-payload-1')))],
        ['payload', JSON.stringify(blockAction(hook('dup-payload-2')))],
      ]).toString(),
    };
    for (const [key, body] of Object.entries(bodies)) {
      const res = await slack.post(body);
      expect(res.status, `${key} twice`).toBe(400);
      expect(await res.text()).toBe('');
    }
    // Nothing reached Slack, not even later: a valid command sent afterwards is answered first.
    expect(calls).toEqual([]);
    await settle();
    expect(calls.filter((c) => /dup-|U0TWICE/.test(JSON.stringify(c)))).toEqual([]);
    expect(await dealsTitled('Twice')).toBe(0);
    expect(await t.handle.db.member.count({ where: { externalId: 'U0TWICE' } })).toBe(0);
  });

  it('still answers a well-formed command (the door lets Slack’s own requests through)', async () => {
    const body = commandForm([
      ['team_id', 'T0ACME'],
      ['text', 'new Welcome through 5k'],
      ['response_url', 'https://hooks.slack.com/commands/T0ACME/welcome/x'],
    ]);
    expect((await slack.post(body)).status).toBe(200);
    await expect.poll(() => calls.some((c) => c.url.includes('/welcome/')), POLL).toBe(true);
    expect(await dealsTitled('Welcome through')).toBe(1);
  });
});

function blockAction(responseUrl: string): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: 'U0TWICE', username: 'twice', team_id: 'T0ACME' },
    api_app_id: 'A0CRM',
    trigger_id: nextId('trig'),
    container: { type: 'message', message_ts: '1.2', channel_id: 'C0SALES', is_ephemeral: true },
    channel: { id: 'C0SALES', name: 'sales' },
    response_url: responseUrl,
    actions: [{ type: 'button', action_id: 'unknown_action', block_id: 'b', value: 'v', action_ts: '1.3' }],
  };
}
