/**
 * Each digest and nudge posts once for its local date: run twice, after a crash, with two
 * schedulers at once, through 429s and 5xx. Slack's Web API is answered by nock; time is a
 * FixedClock (the runner's waits move it instead of sleeping).
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../../src/db/client.js';
import { createCrm, type Crm, type CrmOptions } from '../../src/domain/index.js';
import { digestSubject } from '../../src/domain/digests/digest.service.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { recordPosts, slackRunner } from '../helpers/digests.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';
import { parseApiBody } from '../helpers/slack.js';
import { slackStub, startReplicas } from '../helpers/replicas.js';

const MIN = 60_000;
// Tuesday 24 November 2026, 9:00 in Berlin.
const NINE_BERLIN = '2026-11-24T08:00:00Z';
let t: TestDb;
let w: TestWorkspace;
const extra: DbHandle[] = [];

beforeAll(async () => {
  t = await createTestDb(new Date('2026-11-01T10:00:00Z'));
  w = await seedWorkspace(t.crm);
  // Alice has deals with no next action; Bob's next action is due later: only Alice gets a nudge.
  await t.crm.deals.create(w.alice, { title: 'Acme renewal', amount: usd(25_000) });
  await t.crm.deals.create(w.alice, { title: 'Globex pilot', amount: usd(8_000), stage: 'qualified' });
  await t.crm.deals.create(w.bob, { title: 'Initech expansion', amount: usd(60_000), nextAction: 'Demo', nextActionDue: '2026-12-15' });
  for (const channel of ['C0SALES', 'C0EXEC']) {
    await t.crm.digests.subscribe(w.alice, { platform: 'slack', conversationId: channel, minuteOfDay: 9 * 60 });
  }
});
afterAll(async () => {
  nock.cleanAll();
  for (const h of extra) await h.close();
  await t.cleanup();
});
beforeEach(async () => {
  nock.cleanAll();
  await t.handle.db.deliveryLedger.deleteMany();
  t.clock.set(NINE_BERLIN);
});

const ledger = (channel: string) =>
  t.handle.db.deliveryLedger.findUniqueOrThrow({
    where: { kind_subject_localDate: { kind: 'digest', subject: digestSubject({ workspaceId: w.workspaceId, conversationId: channel }), localDate: '2026-11-24' } },
  });

/** Runs `fn` with only `channel` subscribed; the other subscriptions come back as they were. */
async function onlyChannel(channel: string, fn: () => Promise<void>): Promise<void> {
  const others = await t.handle.db.digestSubscription.findMany({ where: { conversationId: { not: channel } } });
  await t.handle.db.digestSubscription.deleteMany({ where: { id: { in: others.map((o) => o.id) } } });
  try {
    await fn();
  } finally {
    await t.handle.db.digestSubscription.createMany({ data: others });
  }
}

/** A restarted process: its own database connection and domain, on the same clock. */
async function secondProcess(options: CrmOptions = {}): Promise<Crm> {
  const handle = await openDatabase(t.url);
  extra.push(handle);
  return createCrm(handle.db, t.clock, options);
}

describe('digests', () => {
  it('running the job twice posts once', async () => {
    const slack = recordPosts();
    const { runner } = slackRunner(t.crm, t.clock);
    expect(await runner.runDigests()).toMatchObject({ due: 2, sent: 2 });
    expect(await runner.runDigests()).toMatchObject({ due: 0, sent: 0 });
    t.clock.advance(60 * MIN);
    expect(await runner.runDigests()).toMatchObject({ due: 0, sent: 0 });
    expect(slack.posts.map((p) => p.channel).sort()).toEqual(['C0EXEC', 'C0SALES']);
    expect((await ledger('C0SALES')).status).toBe('sent');
  });

  it('a crash after the claim and before the post posts once, after the lease, from the restarted process', async () => {
    const slack = recordPosts();
    // The first process claimed C0SALES's digest, then died before posting.
    const key = { kind: 'digest' as const, subject: digestSubject({ workspaceId: w.workspaceId, conversationId: 'C0SALES' }), localDate: '2026-11-24' };
    expect(await t.crm.deliveryLedger.claim(w.workspaceId, key, t.clock.now())).not.toBeNull();

    const restarted = slackRunner(await secondProcess(), t.clock).runner;
    t.clock.advance(MIN);
    expect(await restarted.runDigests()).toMatchObject({ sent: 1 }); // C0EXEC; C0SALES is still held
    expect(slack.posts.map((p) => p.channel)).toEqual(['C0EXEC']);

    t.clock.advance(5 * MIN); // the dead run's lease runs out
    expect(await restarted.runDigests()).toMatchObject({ due: 1, sent: 1 });
    expect(await restarted.runDigests()).toMatchObject({ due: 0, sent: 0 });
    expect(slack.posts.map((p) => p.channel)).toEqual(['C0EXEC', 'C0SALES']);
    expect(await ledger('C0SALES')).toMatchObject({ status: 'sent', attempts: 2, sendingAt: null });
  });

  it('a crash after Slack accepted the post but before the ledger said so does not post again', async () => {
    const slack = recordPosts();
    // The first process was mid-send: the ledger says "sending"; Slack has the message.
    const key = { kind: 'digest' as const, subject: digestSubject({ workspaceId: w.workspaceId, conversationId: 'C0SALES' }), localDate: '2026-11-24' };
    const claim = (await t.crm.deliveryLedger.claim(w.workspaceId, key, t.clock.now()))!;
    await t.crm.deliveryLedger.sending(claim, t.clock.now(), { conversationId: 'C0SALES' });
    const history = nock('https://slack.com')
      .post('/api/conversations.history')
      .reply(200, (_uri, body) => {
        const args = parseApiBody(body);
        expect(args.channel).toBe('C0SALES');
        expect(args.include_all_metadata).toBe('true');
        return {
          ok: true,
          messages: [
            { ts: '1790000000.000777', text: 'Pipeline digest', metadata: { event_type: 'crm_delivery', event_payload: { key: `digest:${key.subject}:2026-11-24` } } },
          ],
        };
      });

    t.clock.advance(6 * MIN);
    const { runner } = slackRunner(await secondProcess(), t.clock);
    expect(await runner.runDigests()).toMatchObject({ sent: 2 });
    expect(history.isDone()).toBe(true);
    expect(slack.posts.map((p) => p.channel)).toEqual(['C0EXEC']); // C0SALES was not posted again
    expect(await ledger('C0SALES')).toMatchObject({ status: 'sent', messageId: '1790000000.000777' });
  });

  it('when Slack cannot say whether the interrupted post got through, it posts again (the documented at-least-once window)', async () => {
    const slack = recordPosts();
    const key = { kind: 'digest' as const, subject: digestSubject({ workspaceId: w.workspaceId, conversationId: 'C0SALES' }), localDate: '2026-11-24' };
    const claim = (await t.crm.deliveryLedger.claim(w.workspaceId, key, t.clock.now()))!;
    await t.crm.deliveryLedger.sending(claim, t.clock.now(), { conversationId: 'C0SALES' });
    nock('https://slack.com').post('/api/conversations.history').reply(200, { ok: false, error: 'missing_scope' });

    t.clock.advance(6 * MIN);
    const { runner } = slackRunner(t.crm, t.clock);
    await runner.runDigests();
    expect(slack.posts.map((p) => p.channel).sort()).toEqual(['C0EXEC', 'C0SALES']);
    expect((await ledger('C0SALES')).status).toBe('sent');
  });

  it('two schedulers racing (two processes) post each digest and nudge once', async () => {
    // Two replicas, each its own process and database connection, run together on three mornings;
    // Slack is a loopback stub that answers slowly, so that their runs overlap.
    const stub = await slackStub(100);
    const replicas = await startReplicas(t.url, 2, stub.url);
    try {
      for (const day of ['2026-11-24', '2026-11-25', '2026-11-26']) {
        // 15:00 in Berlin, 9:00 in New York: every digest and nudge is due.
        const reports = await replicas.runAll(`${day}T14:00:00Z`);
        const sent = reports.reduce((n, r) => n + r.digests.sent + r.nudges.sent, 0);
        expect(sent, `${day}: ${JSON.stringify(reports)}`).toBe(3);
      }
      const byChannel = new Map<string, number>();
      for (const p of stub.posts) byChannel.set(p.channel, (byChannel.get(p.channel) ?? 0) + 1);
      expect(Object.fromEntries(byChannel)).toEqual({ C0SALES: 3, C0EXEC: 3, 'T-ACME-UALICE': 3 });
      const keys = stub.posts.map((p) => p.key);
      expect(new Set(keys).size).toBe(keys.length);
    } finally {
      await replicas.close();
      await stub.close();
    }
  }, 120_000);

  it('429 then 200 posts once, after waiting the Retry-After', async () => {
    await onlyChannel('C0SALES', async () => {
      const slack = recordPosts((n) => (n === 0 ? { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'Retry-After': '3' } } : undefined));
      const { runner, waits } = slackRunner(t.crm, t.clock);
      expect(await runner.runDigests()).toMatchObject({ due: 1, sent: 1 });
      expect(slack.calls()).toBe(2);
      expect(slack.posts).toHaveLength(1);
      expect(waits).toContain(3000);
      expect(await ledger('C0SALES')).toMatchObject({ status: 'sent', attempts: 1, sendingAt: null });
      expect(await runner.runDigests()).toMatchObject({ due: 0 });
      expect(slack.calls()).toBe(2);
    });
  });

  it('a Retry-After longer than a run waits is picked up by a later run, once', async () => {
    await onlyChannel('C0SALES', async () => {
      const slack = recordPosts((n) => (n === 0 ? { status: 429, body: { ok: false }, headers: { 'Retry-After': '120' } } : undefined));
      const { runner, waits } = slackRunner(t.crm, t.clock);
      expect(await runner.runDigests()).toMatchObject({ due: 1, retrying: 1 });
      expect(waits).toEqual([]);
      expect(await ledger('C0SALES')).toMatchObject({ status: 'retry', detail: 'rate_limited' });
      t.clock.advance(MIN);
      expect(await runner.runDigests()).toMatchObject({ due: 0 }); // not before the Retry-After
      t.clock.advance(MIN + 1000);
      expect(await runner.runDigests()).toMatchObject({ due: 1, sent: 1 });
      expect(await runner.runDigests()).toMatchObject({ due: 0 });
      expect(slack.posts).toHaveLength(1);
      expect(await ledger('C0SALES')).toMatchObject({ status: 'sent', attempts: 2 });
    });
  });

  it('a Retry-After longer than the lease is not waited out: the throttled digest and the next one are handed back, then posted once', async () => {
    // The shortest lease the environment allows (CRM_DELIVERY_LEASE_SECONDS=30): no wait over 7.5 s.
    const crm = createCrm(t.handle.db, t.clock, { deliveryLeaseMs: 30_000 });
    let throttled = false;
    const slack = recordPosts((_n, body) => {
      if (throttled || body.channel !== 'C0SALES') return undefined;
      throttled = true;
      return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'Retry-After': '45' } };
    });
    const { runner, waits } = slackRunner(crm, t.clock, { concurrency: 1 });
    expect(await runner.runDigests()).toMatchObject({ due: 2, retrying: 2, sent: 0 });
    expect(waits).toEqual([]); // nothing waited while holding a claim
    expect(slack.calls()).toBe(1); // C0EXEC was not even tried while the workspace is throttled
    const retryAt = new Date(t.clock.now().getTime() + 45_000);
    expect(await ledger('C0SALES')).toMatchObject({ status: 'retry', nextAttemptAt: retryAt, detail: 'rate_limited', attempts: 1, sendingAt: null });
    expect(await ledger('C0EXEC')).toMatchObject({ status: 'retry', nextAttemptAt: retryAt, detail: 'rate_limited', attempts: 0 });

    t.clock.advance(30_000);
    expect(await runner.runDigests()).toMatchObject({ due: 0 }); // not before the Retry-After
    t.clock.advance(15_000);
    expect(await runner.runDigests()).toMatchObject({ due: 2, sent: 2 });
    expect(slack.posts.map((p) => p.channel).sort()).toEqual(['C0EXEC', 'C0SALES']);
    expect(await ledger('C0EXEC')).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('a run whose claim was taken over while it waited does not post, and cannot mark the new holder’s row', async () => {
    await onlyChannel('C0SALES', async () => {
      const crm = createCrm(t.handle.db, t.clock, { deliveryLeaseMs: 30_000 });
      const slack = recordPosts((n) => (n === 0 ? { status: 429, body: { ok: false }, headers: { 'Retry-After': '5' } } : undefined));
      nock('https://slack.com').persist().post('/api/conversations.history').reply(200, { ok: true, messages: [] });
      const second = slackRunner(await secondProcess({ deliveryLeaseMs: 30_000 }), t.clock).runner;
      let secondReport: unknown;
      const first = slackRunner(crm, t.clock, {
        // The first run waits the 5 s asked for, but stalls far longer (a paused machine):
        // meanwhile its lease runs out and the second scheduler takes the digest over.
        sleep: async (ms) => {
          t.clock.advance(ms + 30_000);
          secondReport = await second.runDigests();
        },
      }).runner;
      expect(await first.runDigests()).toMatchObject({ due: 1, busy: 1, sent: 0 });
      expect(secondReport).toMatchObject({ due: 1, sent: 1 });
      expect(slack.posts).toHaveLength(1);
      expect(await ledger('C0SALES')).toMatchObject({ status: 'sent', attempts: 2, messageId: slack.posts[0]!.ts });
    });
  });

  it('after a takeover, the slower run’s "sent" changes nothing', async () => {
    const store = createCrm(t.handle.db, t.clock, { deliveryLeaseMs: 30_000 }).deliveryLedger;
    const key = { kind: 'digest' as const, subject: digestSubject({ workspaceId: w.workspaceId, conversationId: 'C0SALES' }), localDate: '2026-11-24' };
    const slow = (await store.claim(w.workspaceId, key, t.clock.now()))!;
    expect(await store.sending(slow, t.clock.now(), { conversationId: 'C0SALES' })).toBe(true);
    t.clock.advance(30_000);
    const taker = (await store.claim(w.workspaceId, key, t.clock.now()))!;
    expect(taker).toMatchObject({ takenOver: true });
    expect(await store.sent(slow, { messageId: '1790000000.000001' })).toBe(false);
    expect(await store.sending(slow, t.clock.now(), { conversationId: 'C0SALES' })).toBe(false);
    expect(await ledger('C0SALES')).toMatchObject({ status: 'claimed', claimToken: taker.token, messageId: null });
    expect(await store.sent(taker, { messageId: '1790000000.000002' })).toBe(true);
    expect(await ledger('C0SALES')).toMatchObject({ status: 'sent', messageId: '1790000000.000002' });
  });

  it('a 5xx is retried after checking that the failed attempt did not get through', async () => {
    const slack = recordPosts((n) => (n === 0 ? { status: 503, body: 'upstream unavailable' } : undefined));
    const history = nock('https://slack.com').post('/api/conversations.history').reply(200, { ok: true, messages: [] });
    const { runner, waits } = slackRunner(t.crm, t.clock, { concurrency: 1 });
    expect(await runner.runDigests()).toMatchObject({ sent: 2 });
    expect(history.isDone()).toBe(true);
    expect(slack.calls()).toBe(3);
    expect(slack.posts).toHaveLength(2);
    expect(waits).toContain(2000); // the first backoff step
  });

  it('a permanent error (not in the channel) fails once and is not retried; the settings say so', async () => {
    const slack = recordPosts((_n, body) => (body.channel === 'C0EXEC' ? { status: 200, body: { ok: false, error: 'not_in_channel' } } : undefined));
    const { runner } = slackRunner(t.crm, t.clock);
    expect(await runner.runDigests()).toMatchObject({ sent: 1, failed: 1 });
    t.clock.advance(10 * MIN);
    expect(await runner.runDigests()).toMatchObject({ due: 0 });
    expect(slack.calls()).toBe(2);
    const settings = await t.crm.digests.settings(w.alice, 'C0EXEC');
    expect(settings.here?.last).toMatchObject({ status: 'failed', detail: 'not_in_channel' });
  });
});

describe('nudges', () => {
  it('go once to each owner with something to do, and skip owners with nothing to do', async () => {
    const slack = recordPosts();
    t.clock.set('2026-11-24T14:00:00Z'); // 15:00 Berlin (Alice), 9:00 New York (Bob)
    const { runner } = slackRunner(t.crm, t.clock);
    expect(await runner.runNudges()).toMatchObject({ due: 2, sent: 1, skipped: 1 });
    expect(slack.posts.map((p) => p.channel)).toEqual(['T-ACME-UALICE']);
    const bob = await t.handle.db.deliveryLedger.findFirstOrThrow({ where: { kind: 'nudge', subject: w.bob.memberId } });
    expect(bob).toMatchObject({ status: 'skipped', detail: 'nothing to do', localDate: '2026-11-24' });
    expect(await runner.runNudges()).toMatchObject({ due: 0, sent: 0 });
    const text = JSON.stringify(slack.posts[0]!.blocks);
    expect(text).toContain('Your open deals with no next action* (2)');
    expect(text).toContain('Acme renewal');
    expect(text).toContain('Globex pilot');
    expect(text).not.toContain('Initech');
  });

  it('wait for the member’s own hour, skip weekends and quiet hours, and respect "nudges off"', async () => {
    const slack = recordPosts();
    const { runner } = slackRunner(t.crm, t.clock);
    t.clock.set('2026-11-24T07:59:00Z'); // 8:59 in Berlin
    expect(await runner.runNudges()).toMatchObject({ due: 0 });
    t.clock.set('2026-11-28T10:00:00Z'); // Saturday
    expect(await runner.runNudges()).toMatchObject({ due: 0 });
    t.clock.set('2026-11-24T18:30:00Z'); // 19:30 in Berlin: quiet hours (13:30 for Bob, who has nothing to do)
    expect(await runner.runNudges()).toMatchObject({ sent: 0 });
    expect(await t.handle.db.deliveryLedger.count({ where: { kind: 'nudge', subject: w.alice.memberId } })).toBe(0);
    await t.crm.nudges.update(w.alice, { enabled: false });
    t.clock.set('2026-11-25T09:00:00Z'); // 10:00 in Berlin, 4:00 in New York
    expect(await runner.runNudges()).toMatchObject({ due: 0 });
    await t.crm.nudges.update(w.alice, { enabled: true });
    expect(await runner.runNudges()).toMatchObject({ due: 1, sent: 1 });
    expect(slack.posts).toHaveLength(1);
  });
});
