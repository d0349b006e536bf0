/**
 * Issue 12, point 5: state that reads right. A closed deal shows no next action (closing clears
 * it, and the answer says so); marking a lost deal lost again changes nothing and says so;
 * timelines say "next action" and "lost reason", not column names, on every surface; the
 * lost-reason hint names the deal being changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type Reply } from '../../src/bot/commands/execute.js';
import { renderReply } from '../../src/bot/console/render.js';
import { dealCardBlocks } from '../../src/bot/slack/blocks/deal-card.js';
import { dealCard } from '../../src/bot/teams/cards/deal-card.js';
import { fieldLabel } from '../../src/domain/deals/deal.view.js';
import { DomainErrorCode } from '../../src/domain/index.js';
import { silentLogger } from '../../src/log.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
});
afterAll(async () => t.cleanup());

const run = (text: string): Promise<Reply> => executeCommand({ crm: t.crm, actor: w.alice, surface: 'console', log: silentLogger }, text);

async function dealWithNextAction(title: string) {
  const { deal } = await t.crm.deals.create(w.alice, { title });
  await t.crm.deals.setNextAction(w.alice, deal.ref, { action: 'send proposal', due: '2026-12-01' });
  return deal;
}

const eventsOf = (dealId: string) => t.handle.db.dealEvent.findMany({ where: { dealId }, orderBy: { at: 'asc' } });

describe('a closed deal shows no next action', () => {
  it('winning clears it, records it on the timeline, and the answer says which one was cleared', async () => {
    const deal = await dealWithNextAction('Close me won');
    const reply = await run(`won ${deal.ref}`);
    expect(reply).toMatchObject({
      kind: 'deal',
      headline: `${deal.ref} is won. Nice work! Its next action (“send proposal”) is cleared.`,
      deal: { status: 'won', nextAction: null },
    });
    const row = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(row).toMatchObject({ nextAction: null, nextActionDueAt: null });
    const cleared = (await eventsOf(deal.id)).filter((e) => e.kind === 'next_action').at(-1);
    expect(cleared).toMatchObject({ field: 'nextAction', fromValue: 'send proposal (by 2026-12-01)', toValue: null });
  });

  it('losing clears it too; reopening leaves it empty and asks for one', async () => {
    const deal = await dealWithNextAction('Close me lost');
    const lost = await run(`lost ${deal.ref} went with a competitor`);
    expect(lost).toMatchObject({ headline: `${deal.ref} is marked lost. Its next action (“send proposal”) is cleared.`, deal: { nextAction: null } });
    const reopened = await run(`stage ${deal.ref} proposal`);
    expect(reopened).toMatchObject({ kind: 'deal', deal: { status: 'open', nextAction: null }, hint: expect.stringContaining(`/deal next ${deal.ref}`) });
  });

  it('a deal closed before closing cleared it keeps its row, but no surface shows it', async () => {
    const deal = await dealWithNextAction('Closed long ago');
    await t.crm.deals.markWon(w.alice, deal.ref);
    await t.handle.db.deal.update({ where: { id: deal.id }, data: { nextAction: 'stale old action' } });
    const detail = await t.crm.deals.get(w.alice, deal.ref);
    expect(detail.nextAction).toBeNull();
    const console = renderReply({ kind: 'deal', deal: detail }, { now: t.clock.now(), timeZone: 'UTC', color: false });
    expect(console).not.toContain('stale old action');
    expect(JSON.stringify(dealCardBlocks(detail, { now: t.clock.now(), timeZone: 'UTC' }))).not.toContain('stale old action');
    expect(JSON.stringify(dealCard(detail, { now: t.clock.now(), timeZone: 'UTC' }))).not.toContain('stale old action');
  });

  it('a deal created won has no next action', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Born won', stage: 'won', nextAction: 'nothing left' });
    expect(deal.nextAction).toBeNull();
  });
});

describe('marking a lost deal lost again', () => {
  it('with the same reason (a retried delivery, a second click) changes nothing and says so', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Lose twice' });
    await run(`lost ${deal.ref} too expensive`);
    const before = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    const eventsBefore = await eventsOf(deal.id);
    t.clock.advance(3_600_000);
    const again = await run(`lost ${deal.ref} too expensive`);
    expect(again).toMatchObject({ kind: 'deal', headline: `${deal.ref} is already lost (“too expensive”). Nothing changed.` });
    const after = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(after.closedAt).toEqual(before.closedAt);
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(await eventsOf(deal.id)).toHaveLength(eventsBefore.length);
    const change = await t.crm.deals.markLostFrom(w.alice, deal.ref, undefined, 'lost');
    expect(change.changed).toBe(false);
    expect(await eventsOf(deal.id)).toHaveLength(eventsBefore.length);
  });

  it('with another reason replaces only the reason: no second loss on the timeline or in reports', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Lose then explain' });
    await t.crm.deals.markLost(w.alice, deal.ref, 'budget');
    const before = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    t.clock.advance(3_600_000);
    const reply = await run(`lost ${deal.ref} budget cut in Q1`);
    expect(reply).toMatchObject({ headline: `${deal.ref} was already lost; its lost reason is now “budget cut in Q1”.` });
    const after = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(after).toMatchObject({ lostReason: 'budget cut in Q1', closedAt: before.closedAt, salesCycleDays: before.salesCycleDays });
    const kinds = (await eventsOf(deal.id)).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'lost')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'stage')).toHaveLength(1);
    expect(kinds.at(-1)).toBe('lost_reason');
  });

  it('two concurrent losses with the same reason write one', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Lose at once' });
    const results = await Promise.all([1, 2, 3].map(() => t.crm.deals.markLostFrom(w.alice, deal.ref, 'no budget', 'new')));
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect((await eventsOf(deal.id)).filter((e) => e.kind === 'lost')).toHaveLength(1);
  });
});

describe('the lost-reason hint names the deal being changed', () => {
  it('/deal stage D-n lost without a reason names D-n, not an example deal', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Needs a reason' });
    const reply = await run(`stage ${deal.ref} lost`);
    expect(reply).toMatchObject({
      kind: 'error',
      message: `Say why ${deal.ref} was lost, e.g. “went with a competitor”.`,
      hint: `\`/deal lost ${deal.ref} <reason>\`, e.g. \`/deal lost ${deal.ref} went with a competitor\``,
    });
    expect(JSON.stringify(reply)).not.toContain('D-7 ');
  });

  it('an empty or too long reason from a form: the deal named, the limit stated', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Form reason' });
    await expect(t.crm.deals.markLost(w.alice, deal.id, ' \u0000 ')).rejects.toMatchObject({
      code: DomainErrorCode.LostReasonRequired,
      details: { existingRef: deal.ref },
    });
    await expect(t.crm.deals.markLost(w.alice, deal.id, 'r'.repeat(501))).rejects.toMatchObject({
      code: DomainErrorCode.InvalidInput,
      message: 'Lost reason: at most 500 characters',
    });
  });
});

describe('timelines show labels people know on every surface', () => {
  it('next action, lost reason, close date: in the console, on the Slack card and on the Teams card', async () => {
    const deal = await dealWithNextAction('Timeline words');
    await t.crm.deals.edit(w.alice, deal.ref, { closeDate: '2026-12-24' });
    await t.crm.deals.markLost(w.alice, deal.ref, 'chose a rival');
    const detail = await t.crm.deals.get(w.alice, deal.ref, 10);
    const clock = { now: t.clock.now(), timeZone: 'UTC' };
    const surfaces = {
      console: renderReply({ kind: 'deal', deal: detail }, { ...clock, color: false }),
      slack: JSON.stringify(dealCardBlocks(detail, clock)),
      teams: JSON.stringify(dealCard(detail, clock)),
    };
    for (const [surface, text] of Object.entries(surfaces)) {
      expect.soft(text, surface).toContain('next action: send proposal (by 2026-12-01)');
      expect.soft(text, surface).toContain('lost reason: — → chose a rival');
      expect.soft(text, surface).not.toMatch(/nextAction|lostReason|expectedCloseDate/);
    }
    // The console shows the five latest entries; the cards show the close date too.
    expect(surfaces.slack).toContain('close date: — → 2026-12-24');
    expect(surfaces.teams).toContain('close date: — → 2026-12-24');
  });

  it('every field the domain records has a label', () => {
    expect(['title', 'amount', 'company', 'expectedCloseDate', 'stage', 'owner', 'nextAction', 'lostReason', 'snoozedUntil'].map(fieldLabel)).toEqual([
      'title',
      'amount',
      'company',
      'close date',
      'stage',
      'owner',
      'next action',
      'lost reason',
      'snoozed until',
    ]);
  });
});
