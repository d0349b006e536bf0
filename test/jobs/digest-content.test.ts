/**
 * What a channel digest says, for a pipeline built over 40 days so that every line can be checked
 * by hand: the domain view section by section, then the Slack message the job posts (Slack
 * answered by nock).
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, DELIVERY_METADATA_EVENT, isDeliveredBlock } from '../../src/bot/slack/ids.js';
import type { DigestView } from '../../src/domain/digests/digest.view.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { recordPosts, slackRunner, type PostedMessage } from '../helpers/digests.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';
import { textOf } from '../helpers/slack.js';

const DAY = 24 * 3600 * 1000;
let t: TestDb;
let w: TestWorkspace;
const refs: Record<string, string> = {};
let digest: DigestView;
let posted: PostedMessage;
let mondayPost: PostedMessage;

beforeAll(async () => {
  t = await createTestDb(new Date('2026-10-15T08:00:00Z'));
  w = await seedWorkspace(t.crm);
  const make = async (key: string, title: string, amount: number | null, stage: string, actor = w.alice) => {
    refs[key] = (await t.crm.deals.create(actor, { title, ...(amount !== null && { amount: usd(amount) }), stage })).deal.ref;
  };
  await make('bigQuiet', 'Quiet big renewal', 80_000, 'new');
  await make('smallQuiet', 'Quiet small pilot', 10_000, 'qualified', w.bob);
  await make('snoozed', 'Snoozed expansion', 90_000, 'new');
  await make('busy', 'Busy platform deal', 40_000, 'proposal', w.bob);
  await make('win', 'Will win', 20_000, 'proposal');
  await make('lose', 'Will lose', 5_000, 'qualified');
  await make('move', 'Will move', 30_000, 'qualified');
  t.clock.advance(DAY);
  await make('noAmount', 'Quiet, no amount', null, 'new');
  await t.crm.digests.setStaleThreshold(w.alice, usd(50_000));
  // The channel subscribes weeks before (Berlin, 9:00, weekdays).
  await t.crm.digests.subscribe(w.alice, { platform: 'slack', conversationId: 'C0SALES', minuteOfDay: 9 * 60, days: 'weekdays' });

  // Sunday 22 Nov: a move that the previous digest already covered.
  t.clock.set('2026-11-22T12:00:00Z');
  await t.crm.deals.moveStage(w.bob, refs.smallQuiet!, 'proposal');
  await t.crm.activities.log(w.bob, { deal: refs.busy!, type: 'call', body: 'Weekly sync' });
  await t.crm.activities.log(w.alice, { deal: refs.win!, type: 'call', body: 'Verbal yes' });
  await t.crm.activities.log(w.alice, { deal: refs.lose!, type: 'call', body: 'Budget gone' });
  await t.crm.activities.log(w.alice, { deal: refs.move!, type: 'call', body: 'Pricing talk' });

  // Monday 23 Nov, 9:00 in Berlin: the previous digest goes out.
  nock.cleanAll();
  const monday = recordPosts();
  t.clock.set('2026-11-23T08:00:00Z');
  const { runner } = slackRunner(t.crm, t.clock);
  expect((await runner.runDigests()).sent).toBe(1);
  mondayPost = monday.posts[0]!;

  // Monday, after the digest: what Tuesday's digest reports.
  t.clock.set('2026-11-23T10:00:00Z');
  await t.crm.deals.markWon(w.alice, refs.win!);
  await t.crm.deals.markLost(w.alice, refs.lose!, 'no budget');
  await t.crm.deals.moveStage(w.alice, refs.move!, 'negotiation');
  await t.crm.deals.snooze(w.alice, refs.snoozed!, 7);
  await t.crm.deals.setNextAction(w.alice, refs.bigQuiet!, { action: 'Chase the signature', due: '2026-11-20' });
  await t.crm.deals.setNextAction(w.bob, refs.busy!, { action: 'Send the contract', due: '2026-11-24' });

  // Tuesday 24 Nov, 9:00 in Berlin.
  nock.cleanAll();
  const tuesday = recordPosts();
  t.clock.set('2026-11-24T08:00:00Z');
  digest = await t.crm.digests.preview(w.alice, 'C0SALES');
  expect((await runner.runDigests()).sent).toBe(1);
  posted = tuesday.posts[0]!;
});
afterAll(async () => {
  nock.cleanAll();
  await t.cleanup();
});

const refsOf = (items: { ref: string }[]) => items.map((d) => d.ref);

describe('the digest view', () => {
  it('is for the local date, with changes since the previous digest', () => {
    expect(digest.date).toBe('2026-11-24');
    expect(digest.timeZone).toBe('Europe/Berlin');
    expect(digest.since).toEqual(new Date('2026-11-23T08:00:00Z'));
    expect(digest.allClear).toBe(false);
  });

  it('lists stale deals: 14+ days quiet, at or above $50,000 first, snoozed deals left out', () => {
    expect(digest.stale.days).toBe(14);
    expect(digest.stale.threshold).toEqual(usd(50_000));
    expect(refsOf(digest.stale.items)).toEqual([refs.bigQuiet, refs.smallQuiet, refs.noAmount]);
    expect(digest.stale.total).toBe(3);
    expect(digest.stale.aboveThreshold).toBe(1);
    expect(digest.stale.items[0]!.daysSinceActivity).toBe(40);
  });

  it('lists next actions due today or overdue, in the channel’s time zone', () => {
    expect(digest.due.items.map((d) => [d.ref, d.nextAction?.overdue, d.nextAction?.dueToday])).toEqual([
      [refs.bigQuiet, true, false],
      [refs.busy, false, true],
    ]);
  });

  it('lists what was won, lost and moved since the previous digest, not before', () => {
    expect(digest.changes.won.map((c) => c.deal.ref)).toEqual([refs.win]);
    expect(digest.changes.lost.map((c) => [c.deal.ref, c.deal.lostReason])).toEqual([[refs.lose, 'no budget']]);
    expect(digest.changes.moved.map((c) => [c.deal.ref, c.from, c.to])).toEqual([[refs.move, 'Qualified', 'Negotiation']]);
    expect(digest.changes.total).toBe(3);
  });

  it('totals the open pipeline per stage with the weighted forecast', () => {
    const byStage = Object.fromEntries(digest.pipeline.stages.map((s) => [s.key, [s.count, s.totals[0]?.minor ?? 0n]]));
    expect(byStage).toEqual({
      new: [3, 17_000_000n], // 80k + 90k + no amount
      qualified: [0, 0n],
      proposal: [2, 5_000_000n], // 10k + 40k
      negotiation: [1, 3_000_000n],
    });
    expect(digest.pipeline.open.count).toBe(6);
    expect(digest.pipeline.open.totals).toEqual([usd(250_000)]);
    // 10% of 170k + 50% of 50k + 75% of 30k
    expect(digest.pipeline.open.weighted).toEqual([usd(64_500)]);
  });
});

describe('the posted Slack message', () => {
  it('goes to the subscribed channel, tagged with its delivery key', () => {
    expect(posted.channel).toBe('C0SALES');
    expect(posted.metadata).toEqual({ event_type: DELIVERY_METADATA_EVENT, event_payload: { key: expect.stringMatching(/^digest:.+:C0SALES:2026-11-24$/) } });
    expect(posted.text).toBe('Pipeline digest for Tue, Nov 24: 3 stale deals, 2 next actions due, 1 won, 1 lost, 1 moved');
  });

  it('shows each stale deal with Snooze 7 days, Log activity, Set next action and Mark lost', async () => {
    const text = textOf(posted.blocks);
    expect(text).toContain('Stale deals* (3): no activity for 14+ days; $50,000 or more first');
    const rows = posted.blocks.filter((b) => (b as { type: string }).type === 'actions') as { block_id: string; elements: { action_id: string; value: string }[] }[];
    const staleRows = rows.filter((r) => r.block_id.startsWith('delivered:stale:'));
    expect(staleRows).toHaveLength(3);
    for (const row of staleRows) {
      expect(isDeliveredBlock(row.block_id)).toBe(true);
      expect(row.elements.map((e) => e.action_id)).toEqual([ACTIONS.snoozeDeal, ACTIONS.logActivity, ACTIONS.setNextAction, ACTIONS.markLost]);
    }
    const first = await t.handle.db.deal.findUniqueOrThrow({ where: { id: staleRows[0]!.elements[0]!.value } });
    expect(`D-${first.number}`).toBe(refs.bigQuiet);
  });

  it('says what is due, what changed, and the pipeline', () => {
    const text = textOf(posted.blocks);
    expect(text).toMatch(/Next actions due today or overdue\* \(2\)/);
    expect(text).toMatch(/Chase the signature \(:red_circle: overdue since Fri, Nov 20\)/);
    expect(text).toMatch(/Send the contract \(:alarm_clock: due today\)/);
    expect(text).toMatch(/Since Mon, Nov 23\* \(3 changes\)/);
    expect(text).toMatch(/Won: \*D-\d+\* {2}Will win · \$20,000/);
    expect(text).toMatch(/Lost: \*D-\d+\* {2}Will lose · \$5,000 \(no budget\)/);
    expect(text).toMatch(/Moved: \*D-\d+\* {2}Will move · \$30,000: Qualified → Negotiation/);
    expect(text).toContain('• New (10%): 3 · $170,000');
    expect(text).toContain('• Negotiation (75%): 1 · $30,000');
    expect(text).toMatch(/Open:\* 6 deals · \$250,000 {2}· {2}\*Weighted forecast:\* \$64,500/);
    expect(posted.blocks.length).toBeLessThanOrEqual(50);
  });

  it('Monday’s digest had its own changes (the Sunday move), not Tuesday’s', () => {
    const text = textOf(mondayPost.blocks);
    expect(text).toMatch(/Moved: \*D-\d+\* {2}Quiet small pilot · \$10,000: Qualified → Proposal/);
    expect(text).not.toContain('Will win');
  });
});
