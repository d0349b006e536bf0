/**
 * Issue 15, pipelines and stages: several pipelines per workspace, admin-only changes enforced by
 * the service, reorder/rename/remove with deals moved (each with a timeline entry) and history kept,
 * refusals that name what was wrong and what to do. On SQLite, and on PostgreSQL with
 * TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Crm } from '../../src/domain/index.js';
import { DomainError, DomainErrorCode } from '../../src/domain/errors.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let crm: Crm;
let n = 0;

beforeAll(async () => {
  t = await createTestDb();
  crm = t.crm;
});
afterAll(async () => t.cleanup());

/** A fresh workspace: Alice (the first person: admin) and Bob (member). */
const team = (): Promise<TestWorkspace> => seedWorkspace(crm, `T-PIPE-${++n}`, `Pipes ${n}`);

async function refusal(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal, but it went through');
}

const stageNames = async (w: TestWorkspace, pipeline?: string) => (await crm.pipelines.view(w.alice, pipeline)).stages.map((s) => s.name);

describe('pipelines: reads', () => {
  it('a new workspace has one default pipeline, Sales, with the six default stages', async () => {
    const w = await team();
    const all = await crm.pipelines.pipelines(w.workspaceId);
    expect(all.map((p) => [p.key, p.name, p.isDefault])).toEqual([['sales', 'Sales', true]]);
    expect(await stageNames(w)).toEqual(['New', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost']);
    expect(all[0]!.stages.every((s) => s.pipelineId === all[0]!.id && s.required.length === 0)).toBe(true);
  });

  it('stageById reloads once when another process added the stage', async () => {
    const w = await team();
    await crm.pipelines.pipelines(w.workspaceId); // cached
    const p = await crm.pipelines.defaultPipeline(w.workspaceId);
    // Written behind the cache's back, as another process would.
    const row = await t.handle.db.stage.create({
      data: { workspaceId: w.workspaceId, pipelineId: p.id, key: 'late', name: 'Late', position: 9, probability: 5, kind: 'open' },
    });
    expect((await crm.pipelines.stageById(w.workspaceId, row.id)).name).toBe('Late');
  });
});

describe('pipelines: admin writes', () => {
  it('members are refused every change, with the admins named; nothing changes', async () => {
    const w = await team();
    const before = await crm.pipelines.views(w.alice);
    const attempts = [
      () => crm.pipelines.createPipeline(w.bob, 'Renewals'),
      () => crm.pipelines.renamePipeline(w.bob, 'sales', 'Direct'),
      () => crm.pipelines.setDefault(w.bob, 'sales'),
      () => crm.pipelines.addStage(w.bob, { name: 'Discovery', place: { after: 'New' } }),
      () => crm.pipelines.renameStage(w.bob, 'proposal', 'Offer'),
      () => crm.pipelines.moveStage(w.bob, 'proposal', { before: 'qualified' }),
      () => crm.pipelines.removeStage(w.bob, 'qualified', 'new'),
      () => crm.pipelines.setProbability(w.bob, 'proposal', 40),
      () => crm.pipelines.requireFields(w.bob, 'proposal', ['amount']),
    ];
    for (const attempt of attempts) {
      const err = await refusal(attempt());
      expect(err.code).toBe(DomainErrorCode.AdminOnly);
      expect(err.message).toBe('Only admins can change pipelines and stages. Ask Alice Adams.');
    }
    expect(await crm.pipelines.views(w.alice)).toEqual(before);
  });

  it('creates a pipeline with New, Won and Lost; renames it; makes it the default', async () => {
    const w = await team();
    const created = await crm.pipelines.createPipeline(w.alice, 'Renewals');
    expect(created.pipeline).toMatchObject({ key: 'renewals', name: 'Renewals', isDefault: false });
    expect(created.pipeline.stages.map((s) => [s.name, s.kind, s.probability])).toEqual([
      ['New', 'open', 10],
      ['Won', 'won', 100],
      ['Lost', 'lost', 0],
    ]);
    const dup = await refusal(crm.pipelines.createPipeline(w.alice, 'renewals'));
    expect(dup.message).toBe('There is already a pipeline called Renewals.');

    const renamed = await crm.pipelines.renamePipeline(w.alice, 'renewals', 'Account renewals');
    expect(renamed.pipeline).toMatchObject({ key: 'account-renewals', name: 'Account renewals' });
    const again = await crm.pipelines.renamePipeline(w.alice, 'account renewals', 'Account renewals');
    expect(again.changed).toBe(false);

    await crm.pipelines.setDefault(w.alice, 'account-renewals');
    const all = await crm.pipelines.pipelines(w.workspaceId);
    expect(all.map((p) => [p.name, p.isDefault])).toEqual([
      ['Account renewals', true],
      ['Sales', false],
    ]);
    // New deals go to the default pipeline now.
    const { deal } = await crm.deals.create(w.bob, { title: 'Renew Acme' });
    const row = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(row.pipelineId).toBe(all[0]!.id);
    expect(deal.stage.name).toBe('New');
  });

  it('an unknown pipeline or stage is refused with the choices', async () => {
    const w = await team();
    const p = await refusal(crm.pipelines.renamePipeline(w.alice, 'partners', 'X'));
    expect(p.code).toBe(DomainErrorCode.UnknownPipeline);
    expect(p.message).toBe('There is no pipeline called “partners”. Pipelines: Sales.');
    const s = await refusal(crm.pipelines.setProbability(w.alice, 'offer', 40));
    expect(s.code).toBe(DomainErrorCode.UnknownStage);
    expect(s.details.choices).toEqual(['new', 'qualified', 'proposal', 'negotiation', 'won', 'lost']);
  });

  it('adds stages after and before others, in another pipeline too; probability between its neighbours', async () => {
    const w = await team();
    const added = await crm.pipelines.addStage(w.alice, { name: 'Discovery', place: { after: 'New' } });
    expect(added.pipeline.stages.map((s) => s.name)).toEqual(['New', 'Discovery', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost']);
    expect(added.pipeline.stages[1]).toMatchObject({ key: 'discovery', probability: 18, kind: 'open' });
    await crm.pipelines.addStage(w.alice, { name: 'Legal review', place: { before: 'won' }, probability: 90 });
    expect(await stageNames(w)).toEqual(['New', 'Discovery', 'Qualified', 'Proposal', 'Negotiation', 'Legal review', 'Won', 'Lost']);
    const dup = await refusal(crm.pipelines.addStage(w.alice, { name: 'discovery' }));
    expect(dup.message).toBe('Sales already has a stage called Discovery.');

    await crm.pipelines.createPipeline(w.alice, 'Renewals');
    await crm.pipelines.addStage(w.alice, { name: 'Check-in', pipeline: 'renewals' });
    expect(await stageNames(w, 'renewals')).toEqual(['New', 'Check-in', 'Won', 'Lost']);
    const bad = await refusal(crm.pipelines.setProbability(w.alice, 'proposal', 101));
    expect(bad.message).toBe('A probability is a whole percent from 0 to 100, e.g. 40.');
  });

  it('renames and reorders stages; deals stay in their stage and their history keeps the old name', async () => {
    const w = await team();
    const { deal } = await crm.deals.create(w.bob, { title: 'Globex', stage: 'proposal' });
    await crm.deals.moveStage(w.bob, deal.ref, 'negotiation');
    await crm.pipelines.renameStage(w.alice, 'negotiation', 'Contracting');
    await crm.pipelines.moveStage(w.alice, 'proposal', { before: 'qualified' });
    expect(await stageNames(w)).toEqual(['New', 'Proposal', 'Qualified', 'Contracting', 'Won', 'Lost']);
    const same = await crm.pipelines.moveStage(w.alice, 'proposal', { after: 'new' });
    expect(same.changed).toBe(false);
    const got = await crm.deals.get(w.bob, deal.ref);
    expect(got.stage.name).toBe('Contracting');
    expect(got.timeline.find((e) => e.type === 'stage')).toMatchObject({ from: 'Proposal', to: 'Negotiation' });
    // The renamed stage answers to its new name; deals move through the new order.
    await crm.deals.moveStage(w.bob, deal.ref, 'qualified');
    expect((await crm.deals.advance(w.bob, deal.ref)).stage.name).toBe('Contracting');
  });

  it('removing a stage with deals asks where they go, then moves them with a timeline entry each', async () => {
    const w = await team();
    const a = (await crm.deals.create(w.bob, { title: 'A', stage: 'qualified', amount: usd(1000) })).deal;
    const b = (await crm.deals.create(w.bob, { title: 'B', stage: 'qualified' })).deal;
    await crm.deals.archive(w.bob, b.ref);
    const asked = await refusal(crm.pipelines.removeStage(w.alice, 'qualified'));
    expect(asked.code).toBe(DomainErrorCode.Conflict);
    expect(asked.message).toBe('Qualified holds 2 deals: where should they go? Say `move deals to <stage>`, one of New, Proposal, Negotiation.');
    expect(asked.details).toMatchObject({ count: 2, choices: ['New', 'Proposal', 'Negotiation'] });
    expect(await stageNames(w)).toContain('Qualified');

    const toWon = await refusal(crm.pipelines.removeStage(w.alice, 'qualified', 'won'));
    expect(toWon.message).toBe('Deals from Qualified can move to another open stage of Sales: New, Proposal, Negotiation.');

    const removed = await crm.pipelines.removeStage(w.alice, 'qualified', 'proposal');
    expect(removed.moved).toBe(2);
    expect(removed.pipeline.stages.map((s) => [s.name, s.deals])).toEqual([
      ['New', 0],
      ['Proposal', 1],
      ['Negotiation', 0],
      ['Won', 0],
      ['Lost', 0],
    ]);
    for (const ref of [a.ref, b.ref]) {
      const got = await crm.deals.get(w.bob, ref);
      expect(got.stage.name).toBe('Proposal');
      expect(got.timeline.filter((e) => e.type === 'stage')).toEqual([expect.objectContaining({ actor: 'Alice Adams', from: 'Qualified', to: 'Proposal' })]);
    }
    // Won and lost stages stay; the last open stage stays.
    expect((await refusal(crm.pipelines.removeStage(w.alice, 'won'))).message).toBe(
      'Won is Sales’s only won stage: a pipeline keeps at least one won and one lost stage. Rename it instead.',
    );
    await crm.pipelines.createPipeline(w.alice, 'Partners');
    expect((await refusal(crm.pipelines.removeStage(w.alice, 'new', undefined, 'partners'))).message).toBe(
      'New is Partners’s only open stage: add another before removing it.',
    );
    // An empty stage goes without asking.
    expect((await crm.pipelines.removeStage(w.alice, 'negotiation')).moved).toBe(0);
  });

  it('sets a stage gate from words (and clears it), refusing requirements it does not know', async () => {
    const w = await team();
    const set = await crm.pipelines.requireFields(w.alice, 'proposal', ['amount', 'close date', 'contact']);
    expect(set.pipeline.stages.find((s) => s.key === 'proposal')?.required).toEqual(['Amount', 'Close date', 'Contact']);
    expect((await crm.pipelines.resolveStage(w.workspaceId, 'proposal')).required).toEqual(['amount', 'close', 'contact']);
    const bad = await refusal(crm.pipelines.requireFields(w.alice, 'proposal', ['budget']));
    expect(bad.message).toBe('A stage can’t require “budget”. It can require: amount, close, contact, company, owner, next.');
    await crm.pipelines.requireFields(w.alice, 'proposal', []);
    expect((await crm.pipelines.resolveStage(w.workspaceId, 'proposal')).required).toEqual([]);
  });
});

describe('deals in several pipelines', () => {
  it('a deal lives in its own pipeline: created there, moved, advanced, won and lost among its stages', async () => {
    const w = await team();
    await crm.pipelines.createPipeline(w.alice, 'Renewals');
    await crm.pipelines.addStage(w.alice, { name: 'Check-in', pipeline: 'renewals' });
    const { deal } = await crm.deals.create(w.bob, { title: 'Renew Acme', pipeline: 'renewals', amount: usd(5000) });
    expect(deal.stage.name).toBe('New');
    const pipelines = await crm.pipelines.pipelines(w.workspaceId);
    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).pipelineId).toBe(pipelines[1]!.id);
    // "qualified" is a Sales stage, not a Renewals one: refused with the deal's own stages.
    const err = await refusal(crm.deals.moveStage(w.bob, deal.ref, 'qualified'));
    expect(err.code).toBe(DomainErrorCode.UnknownStage);
    expect(err.message).toBe('There is no stage called “qualified” in Renewals.');
    expect(err.details.choices).toEqual(['new', 'check-in', 'won', 'lost']);
    expect((await crm.deals.advance(w.bob, deal.ref)).stage.name).toBe('Check-in');
    const won = await crm.deals.markWon(w.bob, deal.ref);
    expect(won).toMatchObject({ status: 'won', stage: { name: 'Won' } });
    const wonStage = await crm.pipelines.stageById(w.workspaceId, (await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).stageId);
    expect(wonStage.pipelineId).toBe(pipelines[1]!.id);
    const lost = await crm.deals.markLost(w.bob, deal.ref, 'budget cut');
    expect(lost).toMatchObject({ status: 'lost', lostReason: 'budget cut' });
    // A Sales deal sits beside it in the lists, each with its own stage.
    await crm.deals.create(w.bob, { title: 'New logo', stage: 'proposal' });
    const all = await crm.deals.list(w.bob, { type: 'all' });
    expect(all.items.map((d) => [d.title, d.stage.name])).toEqual([['New logo', 'Proposal']]);
    const inCheckIn = await crm.deals.list(w.bob, { type: 'stage', stage: 'check-in' });
    expect(inCheckIn.heading).toBe('Deals in Check-in');
    const unknown = await refusal(crm.deals.create(w.bob, { title: 'X', pipeline: 'partners' }));
    expect(unknown.message).toBe('There is no pipeline called “partners”. Pipelines: Sales, Renewals.');
  });
});

describe('stage gates', () => {
  async function gated() {
    const w = await team();
    await crm.pipelines.requireFields(w.alice, 'proposal', ['amount', 'close', 'contact']);
    const { deal } = await crm.deals.create(w.bob, { title: 'Initech', stage: 'qualified' });
    const ana = (await crm.contacts.create(w.bob, { name: 'Ana Lima', email: 'ana@initech.test' })).contact;
    return { w, deal, ana };
  }
  const snapshot = async (id: string) => ({
    deal: await t.handle.db.deal.findUniqueOrThrow({ where: { id } }),
    events: await t.handle.db.dealEvent.count({ where: { dealId: id } }),
    contacts: await t.handle.db.dealContact.count({ where: { dealId: id } }),
  });

  it('refuses a move into a gated stage, naming what is missing; nothing changes', async () => {
    const { w, deal } = await gated();
    const before = await snapshot(deal.id);
    for (const move of [() => crm.deals.moveStage(w.bob, deal.ref, 'proposal'), () => crm.deals.advance(w.bob, deal.ref)]) {
      const err = await refusal(move());
      expect(err.code).toBe(DomainErrorCode.StageGate);
      expect(err.message).toBe(`${deal.ref} can’t enter Proposal yet: it needs an amount, a close date and a contact.`);
      expect(err.details.missing).toEqual([
        { key: 'amount', label: 'Amount', input: 'money' },
        { key: 'close', label: 'Close date', input: 'date' },
        { key: 'contact', label: 'Contact', input: 'contact' },
      ]);
      expect(err.details).toMatchObject({ deal: deal.ref, stage: { name: 'Proposal' } });
    }
    expect(await snapshot(deal.id)).toEqual(before);
    // Only what is still missing is named.
    await crm.deals.edit(w.bob, deal.ref, { amount: usd(9000), closeDate: '2026-12-31' });
    const err = await refusal(crm.deals.moveStage(w.bob, deal.ref, 'proposal'));
    expect(err.message).toBe(`${deal.ref} can’t enter Proposal yet: it needs a contact.`);
  });

  it('moves with the missing values filled in, in one transaction, with the timeline', async () => {
    const { w, deal } = await gated();
    const moved = await crm.deals.moveStageChange(w.bob, deal.ref, 'proposal', {
      fill: { amount: '25,000.50', close: '2026-12-31', contact: 'ana@initech.test' },
    });
    expect(moved.changed).toBe(true);
    expect(moved.deal).toMatchObject({ stage: { name: 'Proposal' }, amountText: '$25,000.50', expectedCloseDate: '2026-12-31' });
    const got = await crm.deals.get(w.bob, deal.ref);
    expect(got.contacts.map((c) => c.name)).toEqual(['Ana Lima']);
    expect(got.timeline.filter((e) => e.kind === 'event').map((e) => [e.type, e.to])).toEqual(
      expect.arrayContaining([
        ['amount', '$25,000.50'],
        ['close_date', '2026-12-31'],
        ['contact', 'Ana Lima'],
        ['stage', 'Proposal'],
      ]),
    );
  });

  it('refuses a fill it can’t read, or one that still leaves something missing; nothing changes', async () => {
    const { w, deal } = await gated();
    const before = await snapshot(deal.id);
    const bad = await refusal(crm.deals.moveStage(w.bob, deal.ref, 'proposal', { fill: { amount: 'abc', close: '2026-12-31', contact: 'Ana Lima' } }));
    expect(bad.code).toBe(DomainErrorCode.InvalidInput);
    expect(bad.message).toBe('Amount: I can’t read “abc” as an amount, e.g. 25000 or 25,000.50 EUR.');
    const badDate = await refusal(crm.deals.moveStage(w.bob, deal.ref, 'proposal', { fill: { amount: '100', close: 'someday', contact: 'Ana Lima' } }));
    expect(badDate.message).toBe('Close date: I can’t read “someday” as a date, e.g. 2026-12-31.');
    const partial = await refusal(crm.deals.moveStage(w.bob, deal.ref, 'proposal', { fill: { amount: '100' } }));
    expect(partial.message).toBe(`${deal.ref} can’t enter Proposal yet: it needs a close date and a contact.`);
    expect(await snapshot(deal.id)).toEqual(before);
  });

  it('gates won and new deals too; other stages are free', async () => {
    const w = await team();
    await crm.pipelines.requireFields(w.alice, 'won', ['amount', 'company']);
    const { deal } = await crm.deals.create(w.bob, { title: 'Hooli', stage: 'negotiation' });
    const err = await refusal(crm.deals.markWon(w.bob, deal.ref));
    expect(err.message).toBe(`${deal.ref} can’t enter Won yet: it needs an amount and a company.`);
    const fresh = await refusal(crm.deals.create(w.bob, { title: 'Straight win', stage: 'won' }));
    expect(fresh.message).toBe('A new deal can’t start in Won: it needs an amount and a company.');
    expect((await crm.deals.moveStage(w.bob, deal.ref, 'qualified')).stage.name).toBe('Qualified');
    const won = await crm.deals.moveStage(w.bob, deal.ref, 'won', { fill: { amount: 'EUR 1200', company: 'Hooli Inc' } });
    expect(won).toMatchObject({ status: 'won', amountText: '€1,200', company: { name: 'Hooli Inc' } });
  });
});

describe('reports with several pipelines', () => {
  it('one pipeline: stage summaries name no pipeline; several: stages come pipeline by pipeline, each named', async () => {
    const w = await team();
    await crm.deals.create(w.bob, { title: 'Sales deal', stage: 'proposal', amount: usd(1000) });
    const one = await crm.reports.openPipeline(w.alice);
    expect(one.stages.every((s) => s.pipeline === undefined)).toBe(true);
    await crm.pipelines.createPipeline(w.alice, 'Renewals');
    await crm.deals.create(w.bob, { title: 'Renewal', pipeline: 'renewals', amount: usd(500) });
    const open = await crm.reports.openPipeline(w.alice);
    expect(open.stages.map((s) => [s.pipeline?.name, s.name, s.count])).toEqual([
      ['Sales', 'New', 0],
      ['Sales', 'Qualified', 0],
      ['Sales', 'Proposal', 1],
      ['Sales', 'Negotiation', 0],
      ['Renewals', 'New', 1],
    ]);
    expect(open.open.count).toBe(2);
    const summary = await crm.reports.pipelineSummary(w.alice);
    expect(summary.stages.filter((s) => s.pipeline?.key === 'renewals').map((s) => s.name)).toEqual(['New', 'Won', 'Lost']);
  });
});
