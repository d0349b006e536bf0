/**
 * A digest at 9:00 in Berlin and a nudge at 9:00 in New York, run minute by minute across each
 * zone's autumn clock change: they go out at 9:00 local time before and after it.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { recordPosts, slackRunner } from '../helpers/digests.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb(new Date('2026-10-01T00:00:00Z'));
  w = await seedWorkspace(t.crm);
  await t.crm.digests.subscribe(w.alice, { platform: 'slack', conversationId: 'C0SALES', minuteOfDay: 9 * 60, timeZone: 'Europe/Berlin' });
  // Bob (America/New_York) owns a deal with no next action: he has a nudge every working day.
  await t.crm.deals.create(w.bob, { title: 'Initech expansion' });
  await t.crm.nudges.update(w.alice, { enabled: false });
});
afterAll(async () => {
  nock.cleanAll();
  await t.cleanup();
});

/** Runs the scheduler every minute from `from` to `to` (UTC); the instants at which something was posted, per channel. */
async function tickEveryMinute(from: string, to: string): Promise<Record<string, string[]>> {
  nock.cleanAll();
  const slack = recordPosts();
  const { runner } = slackRunner(t.crm, t.clock);
  const fired: Record<string, string[]> = {};
  for (let at = new Date(from).getTime(); at <= new Date(to).getTime(); at += 60_000) {
    t.clock.set(new Date(at));
    const before = slack.posts.length;
    await runner.runDue();
    for (const p of slack.posts.slice(before)) (fired[p.channel] ??= []).push(new Date(at).toISOString());
  }
  return fired;
}

describe('across daylight-saving changes', () => {
  it('Berlin (clocks back on Sun 25 Oct): the digest goes at 9:00 local, 07:00 UTC before and 08:00 UTC after', async () => {
    const friday = await tickEveryMinute('2026-10-23T06:55:00Z', '2026-10-23T08:05:00Z');
    expect(friday.C0SALES).toEqual(['2026-10-23T07:00:00.000Z']);
    const monday = await tickEveryMinute('2026-10-26T06:55:00Z', '2026-10-26T08:05:00Z');
    expect(monday.C0SALES).toEqual(['2026-10-26T08:00:00.000Z']);
  });

  it('New York (clocks back on Sun 1 Nov): the nudge goes at 9:00 local, 13:00 UTC before and 14:00 UTC after', async () => {
    const friday = await tickEveryMinute('2026-10-30T12:55:00Z', '2026-10-30T14:05:00Z');
    expect(friday['T-ACME-UBOB']).toEqual(['2026-10-30T13:00:00.000Z']);
    const monday = await tickEveryMinute('2026-11-02T12:55:00Z', '2026-11-02T14:05:00Z');
    expect(monday['T-ACME-UBOB']).toEqual(['2026-11-02T14:00:00.000Z']);
  });

  it('nothing goes out on the weekend of the change', async () => {
    const weekend = await tickEveryMinute('2026-10-25T06:00:00Z', '2026-10-25T15:00:00Z');
    expect(weekend).toEqual({});
  });
});
