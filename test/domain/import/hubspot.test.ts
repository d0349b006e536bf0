/**
 * Importing HubSpot's exports (test/fixtures/import/hubspot-*.csv: its columns, its "2026-01-10
 * 09:15" dates and "12,500.00" amounts, a cell with a line break, and deliberate bad rows): the dry
 * run names each bad row by its line and says why; confirming writes exactly the good rows; a
 * stage the pipeline does not have is asked about and mapped; importing again changes nothing;
 * only admins import. On SQLite, and on PostgreSQL with TEST_DATABASE_URL; through the database
 * driver (the CLI's connector) and through Prisma's transaction (the fallback).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainErrorCode } from '../../../src/domain/index.js';
import { toDateOnly } from '../../../src/domain/shared/dates.js';
import { dumpAll } from '../../data/helpers.js';
import { fixture, importWorld, type ImportWorld } from './helpers.js';

async function dealsOf(w: ImportWorld) {
  const rows = await w.crm.db.deal.findMany({
    where: { workspaceId: w.workspaceId },
    orderBy: { number: 'asc' },
    include: { stage: true, owner: true, company: true, contacts: { include: { contact: true } }, tasks: true },
  });
  return rows.map((d) => ({
    number: d.number,
    title: d.title,
    amount: d.amountCents === null ? null : `${d.amountCents} ${d.currency}`,
    stage: d.stage.name,
    status: d.status,
    owner: d.owner?.email ?? null,
    company: d.company?.name ?? null,
    contacts: d.contacts.map((c) => c.contact.email),
    close: d.expectedCloseDate ? toDateOnly(d.expectedCloseDate) : null,
    next: d.nextAction,
    due: d.nextActionDueAt ? toDateOnly(d.nextActionDueAt) : null,
    tasks: d.tasks.map((t) => `T-${t.number} ${t.title}${t.doneAt ? ' (done)' : ''}`),
    created: d.createdAt.toISOString(),
    closed: d.closedAt?.toISOString() ?? null,
  }));
}

async function importAll(w: ImportWorld) {
  for (const f of ['hubspot-companies.csv', 'hubspot-contacts.csv']) {
    const plan = await w.crm.imports.plan({ actor: w.alice, fileName: f, input: fixture(f) });
    await w.crm.imports.run({ actor: w.alice, fileName: f, input: fixture(f), confirm: plan });
  }
  const stageMap = { Demo: 'qualified' };
  const plan = await w.crm.imports.plan({ actor: w.alice, fileName: 'hubspot-deals.csv', input: fixture('hubspot-deals.csv'), stageMap });
  return w.crm.imports.run({ actor: w.alice, fileName: 'hubspot-deals.csv', input: fixture('hubspot-deals.csv'), stageMap, confirm: plan });
}

describe('HubSpot files', () => {
  let w: ImportWorld;
  beforeAll(async () => {
    w = await importWorld();
  });
  afterAll(async () => w?.t.cleanup());

  it('companies: the dry run names each bad row and its line, writes nothing; the import writes exactly the good rows', async () => {
    const input = fixture('hubspot-companies.csv');
    const plan = await w.crm.imports.plan({ actor: w.alice, fileName: 'hubspot-companies.csv', input });
    expect(plan).toMatchObject({ kind: 'company', preset: 'hubspot', rows: 7, create: 4, update: 0, skip: 0, bad: 3 });
    expect(plan.badRows).toEqual([
      { line: 4, reason: 'missing name' },
      { line: 5, reason: 'bad created date: ‘2026-02-30 08:00’ is not a real time' },
      { line: 6, reason: 'duplicate source id ‘101’ (line 2 has the same)' },
    ]);
    expect(plan.warnings).toEqual([{ message: 'unknown owner ‘carol@nowhere.example’: owned by Alice Adams instead', rows: 1, lines: [9] }]);
    expect(await w.crm.db.company.count({ where: { workspaceId: w.workspaceId } })).toBe(0);

    const done = await w.crm.imports.run({ actor: w.alice, fileName: 'hubspot-companies.csv', input, confirm: plan });
    expect(done.planDigest).toBe(plan.planDigest);
    const companies = await w.crm.db.company.findMany({ where: { workspaceId: w.workspaceId }, orderBy: { name: 'asc' }, include: { owner: true } });
    expect(companies.map((c) => [c.name, c.nameKey, c.domain, c.owner?.email, c.createdAt.toISOString()])).toEqual([
      ['Acme Corp', 'acme corp', 'acme.com', 'alice@example.com', '2026-01-10T09:15:00.000Z'],
      ['Globex', 'globex', 'globex.com', 'bob@example.com', '2026-01-11T10:00:00.000Z'],
      ['Stark Logistics', 'stark logistics', 'stark.example', 'alice@example.com', '2026-01-15T00:00:00.000Z'],
      ['Umbrella Health', 'umbrella health', 'umbrella.example', 'alice@example.com', '2026-01-14T08:00:00.000Z'],
    ]);
    const refs = await w.crm.db.externalRef.findMany({ where: { workspaceId: w.workspaceId, entity: 'company' }, orderBy: { externalId: 'asc' } });
    expect(refs.map((r) => [r.source, r.externalId, companies.find((c) => c.id === r.recordId)?.name])).toEqual([
      ['hubspot', '101', 'Acme Corp'],
      ['hubspot', '102', 'Globex'],
      ['hubspot', '105', 'Umbrella Health'],
      ['hubspot', '106', 'Stark Logistics'],
    ]);
  });

  it('contacts: names from first and last name, a line break inside a cell, a company named on a row made once', async () => {
    const input = fixture('hubspot-contacts.csv');
    const plan = await w.crm.imports.plan({ actor: w.alice, fileName: 'hubspot-contacts.csv', input });
    expect(plan).toMatchObject({ kind: 'contact', rows: 7, create: 3, bad: 4, alsoCreates: { companies: 1 } });
    expect(plan.badRows).toEqual([
      { line: 5, reason: 'missing name' },
      { line: 6, reason: 'bad email: ‘not-an-email’ is not an email address' },
      { line: 7, reason: 'duplicate source id ‘201’ (line 2 has the same)' },
      { line: 8, reason: 'bad created date: ‘2026-13-01’ is not a real date' },
    ]);
    await w.crm.imports.run({ actor: w.alice, fileName: 'hubspot-contacts.csv', input, confirm: plan });
    const contacts = await w.crm.db.contact.findMany({ where: { workspaceId: w.workspaceId }, orderBy: { name: 'asc' }, include: { company: true, owner: true } });
    expect(contacts.map((c) => [c.name, c.email, c.phone, c.title, c.company?.name, c.owner?.email])).toEqual([
      ['Ana Lopez', 'ana@acme.com', '+1 415 555 0100', 'CTO', 'Acme Corp', 'alice@example.com'],
      ['Ben Stone', 'ben@globex.com', null, 'Head of Procurement', 'Globex', 'alice@example.com'],
      ['Eve Park', 'eve@newco.example', null, null, 'NewCo', 'bob@example.com'],
    ]);
    expect(await w.crm.db.company.count({ where: { workspaceId: w.workspaceId, name: 'NewCo' } })).toBe(1);
  });

  it('deals: unknown stages are listed together and bad; with a stage map they import; the next step is the deal’s first task', async () => {
    const input = fixture('hubspot-deals.csv');
    const plan = await w.crm.imports.plan({ actor: w.alice, fileName: 'hubspot-deals.csv', input });
    expect(plan).toMatchObject({ kind: 'deal', preset: 'hubspot', rows: 9, create: 3, update: 0, skip: 0, bad: 6 });
    expect(plan.badRows).toEqual([
      { line: 4, reason: 'bad amount: ‘12x’ is not an amount' },
      { line: 5, reason: 'unknown stage ‘Demo’ (stages of Sales: New, Qualified, Proposal, Negotiation, Won, Lost)' },
      { line: 6, reason: 'missing name' },
      { line: 7, reason: 'bad close date: ‘2026-02-31’ is not a real date' },
      { line: 8, reason: 'duplicate source id ‘301’ (line 2 has the same)' },
      { line: 11, reason: 'unknown stage ‘demo’ (stages of Sales: New, Qualified, Proposal, Negotiation, Won, Lost)' },
    ]);
    expect(plan.unknownStages).toEqual([
      { name: 'Demo', pipeline: 'Sales', rows: 2, lines: [5, 11], choices: ['New', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost'] },
    ]);

    const mapped = await w.crm.imports.plan({ actor: w.alice, fileName: 'hubspot-deals.csv', input, stageMap: { Demo: 'qualified' } });
    expect(mapped).toMatchObject({ create: 5, bad: 4, unknownStages: [] });
    expect(mapped.warnings).toEqual([{ message: 'unknown owner ‘nobody@nowhere.example’: owned by Alice Adams instead', rows: 1, lines: [11] }]);
    await w.crm.imports.run({ actor: w.alice, fileName: 'hubspot-deals.csv', input, stageMap: { Demo: 'qualified' }, confirm: mapped });

    expect(await dealsOf(w)).toEqual([
      {
        number: 1,
        title: 'Acme platform deal',
        amount: '1250000 USD',
        stage: 'Qualified',
        status: 'open',
        owner: 'alice@example.com',
        company: 'Acme Corp',
        contacts: ['ana@acme.com'],
        close: '2026-03-14',
        next: 'Send the proposal',
        due: '2026-03-01',
        tasks: ['T-1 Send the proposal'],
        created: '2026-01-05T10:22:00.000Z',
        closed: null,
      },
      {
        number: 2,
        title: 'Globex pilot',
        amount: '480000 USD',
        stage: 'Won',
        status: 'won',
        owner: 'bob@example.com',
        company: 'Globex',
        contacts: ['ben@globex.com'],
        close: '2026-02-28',
        next: null,
        due: null,
        tasks: [],
        created: '2026-01-06T09:00:00.000Z',
        closed: w.t.clock.now().toISOString(),
      },
      {
        number: 3,
        title: 'Umbrella rollout',
        amount: '900000 USD',
        stage: 'Qualified',
        status: 'open',
        owner: 'alice@example.com',
        company: 'Umbrella Health',
        contacts: [],
        close: '2026-05-01',
        next: null,
        due: null,
        tasks: [],
        created: '2026-01-08T00:00:00.000Z',
        closed: null,
      },
      {
        number: 4,
        title: 'Lost deal with a note',
        amount: '70000 USD',
        stage: 'Lost',
        status: 'lost',
        owner: 'alice@example.com',
        company: 'Globex',
        contacts: [],
        close: '2026-01-31',
        next: null,
        due: null,
        tasks: [],
        created: '2026-01-12T00:00:00.000Z',
        closed: w.t.clock.now().toISOString(),
      },
      {
        number: 5,
        title: 'Globex expansion',
        amount: '5000 USD',
        stage: 'Qualified',
        status: 'open',
        owner: 'alice@example.com',
        company: 'Globex',
        contacts: [],
        close: null,
        next: 'Call Ben',
        due: null,
        tasks: ['T-2 Call Ben'],
        created: '2026-01-13T00:00:00.000Z',
        closed: null,
      },
    ]);
    const ws = await w.crm.db.workspace.findUniqueOrThrow({ where: { id: w.workspaceId } });
    expect([ws.nextDealNumber, ws.nextTaskNumber]).toEqual([6, 3]);
    const events = await w.crm.db.dealEvent.findMany({ where: { workspaceId: w.workspaceId }, include: { deal: true } });
    expect(events.map((e) => [e.deal.number, e.kind, e.toValue, e.actorId]).sort()).toEqual([
      [1, 'created', 'Qualified', w.alice.memberId],
      [2, 'created', 'Won', w.alice.memberId],
      [3, 'created', 'Qualified', w.alice.memberId],
      [4, 'created', 'Lost', w.alice.memberId],
      [5, 'created', 'Qualified', w.alice.memberId],
    ]);
    // The deal reads as any deal does.
    const card = await w.crm.deals.get(w.alice, 'D-1');
    expect(card.contacts.map((c) => c.email)).toEqual(['ana@acme.com']);
  });

  it('importing the same files again creates nothing and changes nothing: every good row is a skip', async () => {
    const before = await dumpAll(w.crm.db);
    for (const [f, rows] of [
      ['hubspot-companies.csv', 4],
      ['hubspot-contacts.csv', 3],
      ['hubspot-deals.csv', 5],
    ] as const) {
      const again = await w.crm.imports.run({ actor: w.alice, fileName: f, input: fixture(f), stageMap: { Demo: 'qualified' } });
      expect([again.create, again.update, again.skip]).toEqual([0, 0, rows]);
    }
    expect(await dumpAll(w.crm.db)).toEqual(before);
  });

  it('a changed row is an update, written with its timeline entry', async () => {
    const edited = fixture('hubspot-deals.csv').toString('utf8').replace('Globex pilot,Sales Pipeline,Closed Won,4800', 'Globex pilot,Sales Pipeline,Closed Won,5200');
    const plan = await w.crm.imports.plan({ actor: w.alice, fileName: 'edited.csv', input: edited, stageMap: { Demo: 'qualified' } });
    expect([plan.create, plan.update, plan.skip, plan.bad]).toEqual([0, 1, 4, 4]);
    await w.crm.imports.run({ actor: w.alice, fileName: 'edited.csv', input: edited, stageMap: { Demo: 'qualified' }, confirm: plan });
    const d2 = await w.crm.db.deal.findFirstOrThrow({ where: { workspaceId: w.workspaceId, number: 2 }, include: { events: true } });
    expect(d2.amountCents).toBe(520000n);
    expect(d2.events.filter((e) => e.kind === 'amount').map((e) => [e.fromValue, e.toValue])).toEqual([['480000 USD', '520000 USD']]);
  });

  it('only admins import: a member is refused before anything is read', async () => {
    const attempt = w.crm.imports.plan({ actor: w.bob, fileName: 'hubspot-deals.csv', input: fixture('hubspot-deals.csv') });
    await expect(attempt).rejects.toMatchObject({ code: DomainErrorCode.AdminOnly, message: 'Only admins can import records. Ask Alice Adams.' });
    await expect(w.crm.imports.run({ actor: w.bob, fileName: 'x.csv', input: fixture('hubspot-deals.csv') })).rejects.toMatchObject({ code: DomainErrorCode.AdminOnly });
  });
});

describe('through Prisma’s transaction (no driver connector)', () => {
  let a: ImportWorld;
  let b: ImportWorld;
  beforeAll(async () => {
    a = await importWorld('driver');
    b = await importWorld('prisma');
  });
  afterAll(async () => {
    await a?.t.cleanup();
    await b?.t.cleanup();
  });

  it('imports the same records as the driver does', async () => {
    const viaDriver = await importAll(a);
    const viaPrisma = await importAll(b);
    expect(viaPrisma).toMatchObject({ create: viaDriver.create, bad: viaDriver.bad });
    expect(await dealsOf(b)).toEqual(await dealsOf(a));
    const again = await b.crm.imports.plan({ actor: b.alice, fileName: 'hubspot-deals.csv', input: fixture('hubspot-deals.csv'), stageMap: { Demo: 'qualified' } });
    expect([again.create, again.skip]).toEqual([0, 5]);
  });
});
