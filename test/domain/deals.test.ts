import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrm, DomainErrorCode } from '../../src/domain/index.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
});
afterAll(async () => t.cleanup());

describe('creating deals', () => {
  it('gives each deal the next per-workspace reference and shows what was typed', async () => {
    const { deal, created } = await t.crm.deals.create(w.alice, {
      title: 'Acme renewal',
      amount: usd(25_000),
      closeDate: '2026-11-27',
      companyName: 'Acme Corp',
    });
    expect(created).toBe(true);
    expect(deal.ref).toMatch(/^D-\d+$/);
    expect(deal).toMatchObject({
      title: 'Acme renewal',
      amountText: '$25,000',
      stage: { key: 'new', name: 'New', kind: 'open' },
      owner: { displayName: 'Alice Adams' },
      company: { name: 'Acme Corp' },
      expectedCloseDate: '2026-11-27',
      status: 'open',
      nextAction: null,
    });
    const second = await t.crm.deals.create(w.alice, { title: 'Second' });
    expect(Number(second.deal.ref.slice(2))).toBe(Number(deal.ref.slice(2)) + 1);
  });

  it('keeps exact money for large and fractional amounts', async () => {
    const { deal } = await t.crm.deals.create(w.alice, {
      title: 'Big one',
      amount: { minor: 123_456_789_012_345n, currency: 'USD' },
    });
    expect(deal.amount?.minor).toBe(123_456_789_012_345n);
    expect(deal.amountText).toBe('$1,234,567,890,123.45');
  });

  it('accepts a stage by name and an owner by handle', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Beta', stage: 'Proposal', owner: { handle: 'bob' } });
    expect(deal.stage.key).toBe('proposal');
    expect(deal.owner?.handle).toBe('bob');
  });

  it('refuses an unknown stage, naming the valid ones', async () => {
    await expect(t.crm.deals.create(w.alice, { title: 'X', stage: 'pending' })).rejects.toMatchObject({
      code: DomainErrorCode.UnknownStage,
      details: { choices: ['new', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] },
    });
  });

  it('refuses an empty title and an unknown owner with a friendly message', async () => {
    await expect(t.crm.deals.create(w.alice, { title: '   ' })).rejects.toMatchObject({
      code: DomainErrorCode.InvalidInput,
      message: expect.stringContaining('title'),
    });
    await expect(t.crm.deals.create(w.alice, { title: 'Y', owner: { handle: 'nobody' } })).rejects.toMatchObject({
      code: DomainErrorCode.UnknownMember,
      message: expect.stringContaining('@nobody'),
    });
  });

  it('returns the first deal when a delivery is retried with the same key', async () => {
    const first = await t.crm.deals.create(w.alice, { title: 'Retry me', idempotencyKey: 'slack:trigger:1' });
    const again = await t.crm.deals.create(w.alice, { title: 'Retry me', idempotencyKey: 'slack:trigger:1' });
    expect(again.created).toBe(false);
    expect(again.deal.id).toBe(first.deal.id);
    const found = await t.crm.deals.find(w.alice, 'retry me');
    expect(found.total).toBe(1);
  });

  it('hands out distinct references to concurrent creates', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => t.crm.deals.create(w.bob, { title: `Concurrent ${i}` })),
    );
    const refs = new Set(results.map((r) => r.deal.ref));
    expect(refs.size).toBe(12);
  });
});

describe('finding and listing', () => {
  it('finds by reference in any spelling and by case-insensitive text over title and company', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Globex expansion', companyName: 'Initech Ltd' });
    const n = deal.ref.slice(2);
    for (const q of [deal.ref, `d${n}`, `d-${n}`]) {
      const r = await t.crm.deals.find(w.alice, q);
      expect(r.items.map((d) => d.id)).toEqual([deal.id]);
    }
    expect((await t.crm.deals.find(w.alice, 'GLOBEX')).items.map((d) => d.id)).toContain(deal.id);
    expect((await t.crm.deals.find(w.alice, 'initech')).items.map((d) => d.id)).toContain(deal.id);
    expect((await t.crm.deals.find(w.alice, 'no such words')).total).toBe(0);
  });

  it('lists my open deals, all open deals and one stage, with paging', async () => {
    const mine = await t.crm.deals.list(w.alice, { type: 'mine' });
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((d) => d.owner?.handle === 'alice' && d.status === 'open')).toBe(true);
    const all = await t.crm.deals.list(w.alice, { type: 'all' }, { pageSize: 5 });
    expect(all.items).toHaveLength(5);
    expect(all.hasMore).toBe(true);
    const page2 = await t.crm.deals.list(w.alice, { type: 'all' }, { pageSize: 5, page: 2 });
    expect(page2.items.map((d) => d.id)).not.toEqual(expect.arrayContaining([all.items[0]!.id]));
    const proposal = await t.crm.deals.list(w.alice, { type: 'stage', stage: 'proposal' });
    expect(proposal.items.every((d) => d.stage.key === 'proposal')).toBe(true);
    expect(proposal.heading).toBe('Deals in Proposal');
  });
});

describe('counting large lists', () => {
  it('counts up to the cap and says "at least" past it, while paging still knows when there is more', async () => {
    // The same database through a CRM whose counts stop at 5 (production: 1,000).
    const crm = createCrm(t.handle.db, t.clock, { countCap: 5 });
    const v = await seedWorkspace(crm, 'T-COUNTS', 'Counts');
    for (let i = 1; i <= 8; i++) await crm.deals.create(v.alice, { title: `Counted ${i}` });

    const first = await crm.deals.list(v.alice, { type: 'all' }, { pageSize: 3 });
    expect([first.items.length, first.total, first.totalCapped, first.hasMore]).toEqual([3, 5, true, true]);
    const last = await crm.deals.list(v.alice, { type: 'all' }, { pageSize: 3, page: 3 });
    expect([last.items.length, last.total, last.totalCapped, last.hasMore]).toEqual([2, 8, false, false]);
    const found = await crm.deals.find(v.alice, 'counted', { pageSize: 10 });
    expect([found.items.length, found.total, found.totalCapped]).toEqual([8, 8, false]);

    const noNext = await crm.reports.withoutNextAction(v.alice, { limit: 2 });
    expect([noNext.items.length, noNext.total, noNext.totalCapped]).toEqual([2, 5, true]);
    const few = await crm.reports.withoutNextAction(v.alice, { limit: 20 });
    expect([few.items.length, few.total, few.totalCapped]).toEqual([8, 8, false]);
  });
});

describe('moving through the pipeline', () => {
  it('advances, wins (closing the deal) and records who changed what', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Pipeline walk' });
    const advanced = await t.crm.deals.advance(w.bob, deal.ref);
    expect(advanced.stage.key).toBe('qualified');
    t.clock.advance(10 * 24 * 3600 * 1000);
    const won = await t.crm.deals.markWon(w.bob, deal.ref);
    expect(won.status).toBe('won');
    expect(won.closedAt).not.toBeNull();
    const detail = await t.crm.deals.get(w.alice, deal.ref);
    const stageEvents = detail.timeline.filter((e) => e.type === 'stage');
    expect(stageEvents.map((e) => [e.from, e.to, e.actor])).toEqual([
      ['Qualified', 'Won', 'Bob Brown'],
      ['New', 'Qualified', 'Bob Brown'],
    ]);
    await expect(t.crm.deals.setNextAction(w.alice, deal.ref, { action: 'Call' })).rejects.toMatchObject({
      code: DomainErrorCode.DealClosed,
    });
  });

  it('needs a reason to lose a deal, keeps it, and reopens on a move back', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Will lose' });
    await expect(t.crm.deals.markLost(w.alice, deal.ref, '  ')).rejects.toMatchObject({
      code: DomainErrorCode.LostReasonRequired,
    });
    const lost = await t.crm.deals.markLost(w.alice, deal.ref, 'went with a competitor');
    expect(lost).toMatchObject({ status: 'lost', lostReason: 'went with a competitor' });
    const reopened = await t.crm.deals.moveStage(w.alice, deal.ref, 'negotiation');
    expect(reopened).toMatchObject({ status: 'open', lostReason: null, closedAt: null });
  });

  it('sets the next action with a due date and reports overdue in the reader’s calendar', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Next steps' });
    const today = '2026-12-04'; // the clock moved 10 days above
    const updated = await t.crm.deals.setNextAction(w.alice, deal.ref, { action: 'Send proposal', due: '2026-12-01' });
    expect(updated.nextAction).toEqual({ text: 'Send proposal', due: '2026-12-01', overdue: true, dueToday: false });
    const dueToday = await t.crm.deals.setNextAction(w.alice, deal.ref, { action: 'Send proposal', due: today });
    expect(dueToday.nextAction?.dueToday).toBe(true);
    const detail = await t.crm.deals.get(w.alice, deal.ref);
    expect(detail.timeline.find((e) => e.type === 'next_action')).toMatchObject({
      from: 'Send proposal (by 2026-12-01)',
      to: `Send proposal (by ${today})`,
    });
  });

  it('assigns an owner, edits fields with a timeline, and archives out of lists', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Edit me', amount: usd(1000) });
    const assigned = await t.crm.deals.assign(w.alice, deal.ref, { handle: 'bob' });
    expect(assigned.owner?.displayName).toBe('Bob Brown');
    const edited = await t.crm.deals.edit(w.alice, deal.ref, { title: 'Edited', amount: usd(2500.5) });
    expect(edited).toMatchObject({ title: 'Edited', amountText: '$2,500.50' });
    const detail = await t.crm.deals.get(w.alice, deal.ref);
    expect(detail.timeline.find((e) => e.type === 'amount')).toMatchObject({ from: '$1,000', to: '$2,500.50' });
    expect(detail.timeline.find((e) => e.type === 'owner')).toMatchObject({ from: 'Alice Adams', to: 'Bob Brown' });
    await t.crm.deals.archive(w.alice, deal.ref);
    expect((await t.crm.deals.find(w.alice, 'edited')).items.map((d) => d.id)).not.toContain(deal.id);
  });

  it('says which deal it cannot find', async () => {
    await expect(t.crm.deals.get(w.alice, 'D-99999')).rejects.toMatchObject({
      code: DomainErrorCode.NotFound,
      message: 'I can’t find D-99999.',
    });
  });
});

describe('a change asked twice happens once', () => {
  const stageEvents = (dealId: string) => t.handle.db.dealEvent.count({ where: { dealId, kind: 'stage' } });

  it('advances from the stage the person saw, and does nothing once the deal has moved on', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Advance once' });
    const first = await t.crm.deals.advanceFrom(w.alice, deal.id, 'new');
    expect([first.changed, first.deal.stage.key]).toEqual([true, 'qualified']);
    for (let i = 0; i < 2; i++) {
      const again = await t.crm.deals.advanceFrom(w.alice, deal.id, 'new');
      expect([again.changed, again.deal.stage.key]).toEqual([false, 'qualified']);
    }
    expect(await stageEvents(deal.id)).toBe(1);
    // Without the stage it was shown from (older buttons) it still advances from wherever it is.
    expect((await t.crm.deals.advanceFrom(w.alice, deal.id, undefined)).deal.stage.key).toBe('proposal');
  });

  it('moves once when the same advance arrives three times at once', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Advance racing' });
    const results = await Promise.all([1, 2, 3].map(() => t.crm.deals.advanceFrom(w.alice, deal.id, 'new')));
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect((await t.crm.deals.get(w.alice, deal.id)).stage.key).toBe('qualified');
    expect(await stageEvents(deal.id)).toBe(1);
  });

  it('wins once: a second Won changes nothing and writes no second timeline entry', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Win once' });
    expect((await t.crm.deals.markWonFrom(w.alice, deal.id, 'new')).changed).toBe(true);
    const again = await t.crm.deals.markWonFrom(w.alice, deal.id, 'new');
    expect([again.changed, again.deal.status]).toEqual([false, 'won']);
    expect((await t.crm.deals.markWonFrom(w.alice, deal.id, undefined)).changed).toBe(false);
    expect(await t.handle.db.dealEvent.count({ where: { dealId: deal.id, kind: 'won' } })).toBe(1);
  });

  it('does not win a deal that has moved to another stage since the card was shown', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Moved before won' });
    await t.crm.deals.moveStage(w.bob, deal.id, 'proposal');
    const stale = await t.crm.deals.markWonFrom(w.alice, deal.id, 'new');
    expect([stale.changed, stale.deal.stage.key]).toEqual([false, 'proposal']);
  });

  it('snoozes once for the same day', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Snooze once' });
    const first = await t.crm.deals.snooze(w.alice, deal.id, 7);
    const again = await t.crm.deals.snooze(w.alice, deal.id, 7);
    expect([first.changed, again.changed]).toEqual([true, false]);
    expect(again.until.toISOString()).toBe(first.until.toISOString());
    expect(await t.handle.db.dealEvent.count({ where: { dealId: deal.id, kind: 'snoozed' } })).toBe(1);
  });
});
