/**
 * Exactly once under throttling: Slack answers a scheduler's first post with 429 and a
 * Retry-After longer than the delivery lease, and a second scheduler (another process on the same
 * database) starts while the first would be waiting it out. Every digest must still be posted once.
 *
 * Unlike exactly-once.test.ts, time is real here (the point is what happens while one process
 * waits), so the lease and the Retry-After are short: a 4 s lease (the product's minimum is 30 s,
 * CRM_DELIVERY_LEASE_SECONDS; the replicas get it through CrmOptions.deliveryLeaseMs) and a 10 s
 * Retry-After. Slack is a loopback stub that counts posts per delivery key and answers
 * conversations.history from them; the schedulers are two child processes (test/helpers/replicas.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { digestSubject } from '../../src/domain/digests/digest.service.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';
import { slackStub, startReplicas, type Reports } from '../helpers/replicas.js';

const CHANNELS = Array.from({ length: 12 }, (_, i) => `C0TEAM${String(i + 1).padStart(2, '0')}`);
const LEASE_MS = 4_000;
/** Longer than the lease: a sender waiting it out would let its lease run out. */
const RETRY_AFTER_SECONDS = 10;
/** 9:00 in Berlin on Tuesday 24 November 2026, when every digest is due. */
const START_AT = '2026-11-24T08:00:00Z';
const LOCAL_DATE = '2026-11-24';
/** The second scheduler starts this long after the 429: past the lease, well within the Retry-After. */
const SECOND_STARTS_AFTER_MS = LEASE_MS + 500;
/** Both schedulers then tick every TICK_MS until every digest is done, for at most SETTLE_MS. */
const TICK_MS = 500;
const SETTLE_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb(new Date('2026-11-01T10:00:00Z'));
  w = await seedWorkspace(t.crm);
  for (const channel of CHANNELS) {
    await t.crm.digests.subscribe(w.alice, { platform: 'slack', conversationId: channel, minuteOfDay: 9 * 60 });
  }
});
afterAll(async () => {
  await t.cleanup();
});

const keyOf = (channel: string) => `digest:${digestSubject({ workspaceId: w.workspaceId, conversationId: channel })}:${LOCAL_DATE}`;
const sentCount = () => t.handle.db.deliveryLedger.count({ where: { kind: 'digest', localDate: LOCAL_DATE, status: 'sent' } });

it('a 429 with a Retry-After longer than the lease, and a second scheduler started meanwhile: every digest is posted exactly once', async () => {
  const stub = await slackStub(0, {
    history: true,
    answer: (n) =>
      n === 0 ? { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } } : undefined,
  });
  const replicas = await startReplicas(t.url, 2, stub.url, { leaseMs: LEASE_MS, realTime: { startAt: START_AT, realStartMs: Date.now() } });
  const reports: Reports[][] = [];
  try {
    // The first scheduler starts; its first post is throttled for longer than the lease.
    let firstRunning = true;
    const first = replicas.run(0).finally(() => (firstRunning = false));
    await stub.answered(0);
    // The second starts once the lease of what the first claimed around the 429 has run out, and
    // ticks for as long as the first run goes on (which, waiting out the Retry-After, it would).
    await sleep(SECOND_STARTS_AFTER_MS);
    do {
      reports.push([await replicas.run(1)]);
      await sleep(TICK_MS);
    } while (firstRunning);
    reports.push([await first]);

    // Both keep ticking, as their schedulers would, until every digest is done.
    const deadline = Date.now() + SETTLE_MS;
    while ((await sentCount()) < CHANNELS.length && Date.now() < deadline) {
      await sleep(TICK_MS);
      reports.push(await Promise.all([replicas.run(0), replicas.run(1)]));
    }
    const why = JSON.stringify(reports.map((r) => r.map((x) => x.digests)));

    // Every digest posted exactly once: counted by delivery key at the stub.
    const postsPerKey = new Map<string, number>();
    for (const p of stub.posts) postsPerKey.set(p.key, (postsPerKey.get(p.key) ?? 0) + 1);
    expect(Object.fromEntries(postsPerKey), why).toEqual(Object.fromEntries(CHANNELS.map((c) => [keyOf(c), 1])));
    expect(stub.calls(), why).toBe(CHANNELS.length + 1); // the 429, then one post each

    // The ledger names the message that was posted, for every digest.
    const rows = await t.handle.db.deliveryLedger.findMany({ where: { kind: 'digest', localDate: LOCAL_DATE } });
    const tsByChannel = new Map(stub.posts.map((p) => [p.channel, p.ts]));
    expect(rows).toHaveLength(CHANNELS.length);
    for (const row of rows) {
      expect(row, row.conversationId ?? row.subject).toMatchObject({ status: 'sent', sendingAt: null, messageId: tsByChannel.get(row.conversationId ?? '') });
    }
  } finally {
    await replicas.close();
    await stub.close();
  }
}, 90_000);
