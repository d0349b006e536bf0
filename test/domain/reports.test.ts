import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';

const DAY = 24 * 3600 * 1000;
let t: TestDb;
let w: TestWorkspace;
const refs: Record<string, string> = {};

// A small pipeline built over 40 days so every number below can be checked by hand.
beforeAll(async () => {
  t = await createTestDb(new Date('2026-10-15T09:00:00Z'));
  w = await seedWorkspace(t.crm);
  const make = async (key: string, title: string, amount: number, stage: string, actor = w.alice) => {
    refs[key] = (await t.crm.deals.create(actor, { title, amount: usd(amount), stage })).deal.ref;
  };
  await make('quiet', 'Quiet deal', 10_000, 'new'); // no activity after day 0
  await make('won1', 'Won one', 20_000, 'proposal');
  await make('won2', 'Won two', 30_000, 'negotiation');
  await make('lost1', 'Lost one', 5_000, 'qualified');
  t.clock.advance(20 * DAY); // 2026-11-04
  await t.crm.deals.markWon(w.alice, refs.won1!); // 20-day cycle
  await make('busy', 'Busy deal', 40_000, 'proposal', w.bob);
  await make('nonext', 'No next', 1_000, 'qualified', w.bob);
  t.clock.advance(10 * DAY); // 2026-11-14
  await t.crm.deals.markWon(w.alice, refs.won2!); // 30-day cycle
  await t.crm.deals.markLost(w.alice, refs.lost1!, 'no budget');
  await t.crm.deals.setNextAction(w.alice, refs.quiet!, { action: 'Chase', due: '2026-11-20' });
  await t.crm.deals.setNextAction(w.bob, refs.busy!, { action: 'Demo', due: '2026-11-24' });
  t.clock.set('2026-11-24T09:00:00Z');
  await t.crm.activities.log(w.bob, { deal: refs.busy!, type: 'call', body: 'Good call' });
});
afterAll(async () => t.cleanup());

describe('reports', () => {
  it('lists stale deals: open, no activity for the workspace’s 14 days, quietest first', async () => {
    const stale = await t.crm.reports.staleDeals(w.alice);
    expect(stale.days).toBe(14);
    expect(stale.items.map((d) => d.ref)).toEqual([refs.quiet, refs.nonext]);
    expect(stale.items[0]!.daysSinceActivity).toBe(40); // created 40 days ago; setting a next action is not an activity
    expect((await t.crm.reports.staleDeals(w.alice, { days: 25 })).items.map((d) => d.ref)).toEqual([refs.quiet]);
    expect((await t.crm.reports.staleDeals(w.alice, { ownerId: w.bob.memberId })).items.map((d) => d.ref)).toEqual([refs.nonext]);
  });

  it('lists next actions due today or overdue, in the reader’s calendar', async () => {
    const due = await t.crm.reports.nextActionsDue(w.alice);
    expect(due.items.map((d) => [d.ref, d.nextAction?.overdue, d.nextAction?.dueToday])).toEqual([
      [refs.quiet, true, false],
      [refs.busy, false, true],
    ]);
  });

  it('lists open deals with no next action', async () => {
    const none = await t.crm.reports.withoutNextAction(w.alice);
    expect(none.items.map((d) => d.ref)).toEqual([refs.nonext]);
  });

  it('summarises the pipeline: value per stage, weighted forecast, win rate, deal size, cycle', async () => {
    const s = await t.crm.reports.pipelineSummary(w.alice);
    const byKey = Object.fromEntries(s.stages.map((x) => [x.key, [x.count, x.totals[0]?.minor ?? 0n]]));
    expect(byKey).toEqual({
      new: [1, 1_000_000n],
      qualified: [1, 100_000n],
      proposal: [1, 4_000_000n],
      negotiation: [0, 0n],
      won: [2, 5_000_000n],
      lost: [1, 500_000n],
    });
    expect(s.open.count).toBe(3);
    expect(s.open.totals).toEqual([usd(51_000)]);
    // 10% of 10k + 25% of 1k + 50% of 40k = 1,000 + 250 + 20,000
    expect(s.open.weighted).toEqual([usd(21_250)]);
    expect(s.winRate).toBeCloseTo(2 / 3);
    expect(s.averageDealSize).toEqual([usd(25_000)]);
    expect(s.averageCycleDays).toBe(25);
  });
});
