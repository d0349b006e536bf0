/** `/deal digest` and `/deal nudges` through the shared executor, and as the console shows them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type CommandContext, type Reply } from '../../src/bot/commands/execute.js';
import { renderReply } from '../../src/bot/console/render.js';
import { silentLogger } from '../../src/log.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;
const DAY = 24 * 3600_000;

beforeAll(async () => {
  t = await createTestDb(new Date('2026-11-01T10:00:00Z'));
  w = await seedWorkspace(t.crm);
  await t.crm.deals.create(w.alice, { title: 'Old quiet deal', amount: usd(12_000) });
  t.clock.set('2026-11-24T10:00:00Z'); // Tuesday, 11:00 in Berlin
});
afterAll(async () => t.cleanup());

const run = (text: string, over: Partial<CommandContext> = {}) =>
  executeCommand({ crm: t.crm, actor: w.alice, surface: 'console', log: silentLogger, ...over }, text);
const render = (reply: Reply) => renderReply(reply, { now: t.clock.now(), timeZone: 'Europe/Berlin', color: false });
function expectKind<K extends Reply['kind']>(reply: Reply, kind: K): Extract<Reply, { kind: K }> {
  if (reply.kind !== kind) throw new Error(`expected a ${kind} reply, got ${reply.kind}: ${'message' in reply ? reply.message : ''}`);
  return reply as Extract<Reply, { kind: K }>;
}

describe('in the console', () => {
  it('`digest here` says digests need a chat channel', async () => {
    const reply = expectKind(await run('digest here at 9:00'), 'error');
    expect(reply.message).toContain('Digests post to a Slack or Teams channel');
    expect(reply.hint).toContain('/deal digest preview');
    expect(await t.handle.db.digestSubscription.count()).toBe(0);
  });

  it('`digest preview` shows the digest as text', async () => {
    const text = render(expectKind(await run('digest preview'), 'digest_preview'));
    expect(text).toContain('Pipeline digest · Tue, Nov 24');
    expect(text).toMatch(/Stale deals \(1\): no activity for 14\+ days/);
    expect(text).toMatch(/D-1 {2}Old quiet deal · \$12,000 · Alice Adams · last activity 23 days ago/);
    expect(text).toMatch(/Weighted forecast\s+\$1,200/);
  });

  it('`digest` shows the workspace settings and the channels with a digest', async () => {
    await t.crm.digests.subscribe(w.alice, { platform: 'slack', conversationId: 'C0SALES' });
    const text = render(expectKind(await run('digest'), 'digest'));
    expect(text).toContain('Stale after 14 days.');
    expect(text).toContain('slack C0SALES: weekdays at 9:00 (Europe/Berlin), an all-clear line on quiet days; next Wed, Nov 25');
    expect(text).toContain('type `/deal digest here` in a Slack or Teams channel');
  });

  it('`nudges` shows and changes the person’s nudge', async () => {
    expect(render(expectKind(await run('nudges'), 'nudges'))).toContain(
      'Your morning nudge: on, weekdays at 9:00 (Europe/Berlin), quiet hours 19:00–8:00.',
    );
    const changed = expectKind(await run('nudges at 8:15 quiet off'), 'nudges');
    expect(changed.headline).toBe('Morning nudges on, weekdays at 8:15 (Europe/Berlin).');
    expect(changed.settings).toMatchObject({ enabled: true, time: '8:15', quiet: null });
  });
});

describe('in a chat channel', () => {
  it('subscribes, changes and stops the channel’s digest', async () => {
    const created = expectKind(await run('digest here at 7:30 Asia/Tokyo', { surface: 'slack', channelId: 'C0EXEC' }), 'digest');
    expect(created.headline).toBe('This channel gets the pipeline digest on weekdays at 7:30 (Asia/Tokyo).');
    expect(created.settings.here).toMatchObject({ conversationId: 'C0EXEC', time: '7:30', timeZone: 'Asia/Tokyo', days: 'weekdays' });
    expect(created.settings.others.map((o) => o.conversationId)).toEqual(['C0SALES']);
    const off = expectKind(await run('digest off', { surface: 'slack', channelId: 'C0EXEC' }), 'digest');
    expect(off.headline).toBe('This channel no longer gets the digest.');
    expect(off.settings.here).toBeNull();
    const again = expectKind(await run('digest off', { surface: 'slack', channelId: 'C0EXEC' }), 'digest');
    expect(again.headline).toBe('This channel had no digest.');
  });

  it('refuses a threshold in another currency than the workspace’s', async () => {
    const reply = expectKind(await run('digest threshold EUR 50000', { surface: 'slack', channelId: 'C0SALES' }), 'error');
    expect(reply.message).toContain('in the workspace currency, USD');
  });

  it('a snoozed deal leaves the stale list until its snooze ends', async () => {
    const deal = (await t.crm.deals.find(w.alice, 'Old quiet deal')).items[0]!;
    await t.crm.deals.snooze(w.alice, deal.ref, 7);
    expect((await t.crm.reports.staleDeals(w.alice)).total).toBe(0);
    t.clock.advance(7 * DAY);
    expect((await t.crm.reports.staleDeals(w.alice)).items.map((d) => d.ref)).toEqual([deal.ref]);
    t.clock.set('2026-11-24T10:00:00Z');
  });
});
