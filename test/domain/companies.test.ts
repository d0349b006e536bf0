/**
 * Issue 14: companies as records of their own. Creating one (duplicates by domain and by name, a
 * retried delivery), finding the one a person meant, the company card (contacts, open deals,
 * pipeline value and won revenue per currency, recent activity), editing, lists, and workspaces
 * kept apart. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrm, DomainErrorCode } from '../../src/domain/index.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';

const DB = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
});
afterAll(async () => t.cleanup());

let workspaces = 0;
const freshWorkspace = () => seedWorkspace(t.crm, `T-COMPANIES-${++workspaces}`, `Companies ${workspaces}`);
const eur = (major: number) => ({ minor: BigInt(major) * 100n, currency: 'EUR' });

describe(`creating a company (${DB})`, () => {
  it('creates it with its domain, owned by whoever created it', async () => {
    const { company, created } = await t.crm.companies.create(w.alice, { name: 'Acme', domain: 'https://www.ACME.com/about' });
    expect(created).toBe(true);
    expect(company).toMatchObject({ name: 'Acme', domain: 'acme.com', owner: { handle: 'alice' }, contactCount: 0, openDealCount: 0 });
    const bobs = await t.crm.companies.create(w.alice, { name: 'Bobco', ownerId: w.bob.memberId });
    expect(bobs.company.owner?.handle).toBe('bob');
  });

  it('refuses the same domain however it is written, even when told to create anyway', async () => {
    const { company } = await t.crm.companies.create(w.alice, { name: 'Hooli', domain: 'hooli.test' });
    for (const allowDuplicate of [false, true]) {
      await expect(t.crm.companies.create(w.bob, { name: 'Hooli XYZ', domain: 'HTTP://hooli.test/', allowDuplicate })).rejects.toMatchObject({
        code: DomainErrorCode.Duplicate,
        message: 'Hooli already has the domain hooli.test.',
        details: { existingId: company.id, record: 'company', field: 'domain' },
      });
    }
  });

  it('refuses the same name unless asked to create anyway', async () => {
    const { company } = await t.crm.companies.create(w.alice, { name: 'Pied Piper', domain: 'piedpiper.test' });
    await expect(t.crm.companies.create(w.alice, { name: 'PIED  piper' })).rejects.toMatchObject({
      code: DomainErrorCode.Duplicate,
      message: 'Pied Piper (piedpiper.test) already exists.',
      details: { existingId: company.id, record: 'company', field: 'name' },
    });
    const anyway = await t.crm.companies.create(w.alice, { name: 'Pied Piper', allowDuplicate: true });
    expect(anyway.created).toBe(true);
    expect(anyway.company.id).not.toBe(company.id);
  });

  it('creates nothing new for a retried delivery, even when the retries race', async () => {
    const input = { name: 'Retry Corp', domain: 'retry.test', idempotencyKey: 'teams:activity:42' };
    const results = await Promise.all([1, 2, 3].map(() => t.crm.companies.create(w.alice, input)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.company.id)).size).toBe(1);
    expect(await t.crm.companies.create(w.alice, input)).toMatchObject({ created: false, company: { name: 'Retry Corp' } });
    expect(await t.handle.db.company.count({ where: { workspaceId: w.workspaceId, nameKey: 'retry corp' } })).toBe(1);
  });
});

describe(`finding the company a person meant (${DB})`, () => {
  let ws: TestWorkspace;
  let globex: string;

  beforeAll(async () => {
    ws = await freshWorkspace();
    globex = (await t.crm.companies.create(ws.alice, { name: 'Globex', domain: 'globex.test' })).company.id;
    await t.crm.companies.create(ws.alice, { name: 'Globex Logistics', domain: 'globexlog.test' });
    await t.crm.companies.create(ws.alice, { name: 'Umbrella' });
    await t.crm.companies.create(ws.alice, { name: 'Umbrella', allowDuplicate: true });
  });

  it('by id, by domain (any way it is written) and by exact name', async () => {
    expect((await t.crm.companies.resolve(ws.alice, globex)).name).toBe('Globex');
    expect((await t.crm.companies.resolve(ws.alice, 'https://www.GLOBEX.test')).id).toBe(globex);
    expect((await t.crm.companies.resolve(ws.alice, 'globex')).id).toBe(globex);
  });

  it('by the one company a search finds; several: names them; none: says so', async () => {
    expect((await t.crm.companies.resolve(ws.alice, 'logistics')).name).toBe('Globex Logistics');
    const err = await t.crm.companies.resolve(ws.alice, 'umbrella').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: DomainErrorCode.Ambiguous, message: 'Several companies match “umbrella”: Umbrella, Umbrella. Say which one, by its domain or full name.' });
    await expect(t.crm.companies.resolve(ws.alice, 'Initech')).rejects.toMatchObject({
      code: DomainErrorCode.NotFound,
      message: 'No company matches “Initech”.',
    });
    await expect(t.crm.companies.resolve(w.alice, 'globex.test')).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(t.crm.companies.resolve(w.alice, globex)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
  });
});

describe(`the company card (${DB})`, () => {
  it('shows its contacts, open deals, pipeline value and won revenue per currency, and recent activity', async () => {
    const ws = await freshWorkspace();
    const { company } = await t.crm.companies.create(ws.alice, { name: 'Initech', domain: 'initech.test' });
    const contactIds: string[] = [];
    for (let i = 1; i <= 12; i++) {
      const { contact } = await t.crm.contacts.create(ws.alice, { name: `Person ${String(i).padStart(2, '0')}`, email: `p${i}@initech.test` });
      contactIds.push(contact.id);
    }
    await t.crm.contacts.create(ws.alice, { name: 'Elsewhere', email: 'x@elsewhere.test' });
    const refs: string[] = [];
    for (let i = 1; i <= 11; i++) {
      t.clock.advance(60_000);
      const amount = i % 2 ? usd(1000) : eur(500);
      refs.push((await t.crm.deals.create(ws.alice, { title: `Initech deal ${i}`, amount, companyName: 'Initech' })).deal.ref);
    }
    t.clock.advance(60_000);
    await t.crm.deals.create(ws.alice, { title: 'No amount', companyName: 'initech' });
    await t.crm.deals.create(ws.alice, { title: 'Another company', amount: usd(99_999), companyName: 'Other' });
    await t.crm.deals.markWon(ws.alice, refs[0]!); // USD 1,000 won
    await t.crm.deals.markWon(ws.alice, refs[1]!); // EUR 500 won
    await t.crm.deals.markWon(ws.alice, refs[2]!); // USD 1,000 won
    await t.crm.deals.markLost(ws.alice, refs[3]!, 'Budget'); // EUR 500 lost

    const at = (minutes: number) => new Date(t.clock.now().getTime() - minutes * 60_000);
    await t.crm.activities.log(ws.alice, { contactId: contactIds[0]!, type: 'call', body: 'Called person 1', occurredAt: at(10) });
    await t.crm.activities.log(ws.alice, { deal: refs[10]!, type: 'email', body: 'Quote for deal 11', occurredAt: at(20) });
    await t.crm.activities.log(ws.alice, { deal: refs[0]!, type: 'meeting', body: 'Signed', occurredAt: at(30) });
    await t.handle.db.activity.create({
      data: { workspaceId: ws.workspaceId, companyId: company.id, type: 'note', body: 'About Initech itself', occurredAt: at(5), source: 'api' },
    });
    await t.crm.activities.log(ws.alice, { contactId: contactIds[5]!, type: 'note', body: 'Old note', occurredAt: at(300) });
    await t.crm.activities.log(ws.alice, { contactId: contactIds[6]!, type: 'note', body: 'Older note', occurredAt: at(400) });

    const card = await t.crm.companies.card(ws.alice, company.id);
    expect(card).toMatchObject({ name: 'Initech', domain: 'initech.test', owner: { handle: 'alice' }, contactCount: 12, openDealCount: 8 });
    expect(card.contacts.map((c) => c.name)).toEqual(Array.from({ length: 10 }, (_, i) => `Person ${String(i + 1).padStart(2, '0')}`));
    expect(card.openDeals.map((d) => d.title)).toEqual([
      'No amount',
      'Initech deal 11',
      'Initech deal 10',
      'Initech deal 9',
      'Initech deal 8',
      'Initech deal 7',
      'Initech deal 6',
      'Initech deal 5',
    ]);
    // Open: deals 5, 7, 9, 11 in USD (4 × $1,000), 6, 8, 10 in EUR (3 × €500); the workspace's currency first.
    expect(card.pipelineValue).toEqual([
      { money: { minor: 400_000n, currency: 'USD' }, text: '$4,000' },
      { money: { minor: 150_000n, currency: 'EUR' }, text: '€1,500' },
    ]);
    expect(card.wonRevenue).toEqual([
      { money: { minor: 200_000n, currency: 'USD' }, text: '$2,000' },
      { money: { minor: 50_000n, currency: 'EUR' }, text: '€500' },
    ]);
    expect(card.recentActivity.map((a) => a.body)).toEqual(['About Initech itself', 'Called person 1', 'Quote for deal 11', 'Signed', 'Old note']);
    expect(card.actions).toEqual([
      { id: 'company.edit', label: 'Edit', subject: company.id },
      { id: 'company.new_contact', label: 'Add contact', subject: company.id },
    ]);
    const other = await freshWorkspace();
    await expect(t.crm.companies.card(other.alice, company.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
  });

  it('shows a company with ten or fewer open deals, all of them', async () => {
    const ws = await freshWorkspace();
    const { company } = await t.crm.companies.create(ws.alice, { name: 'Small Co' });
    await t.crm.deals.create(ws.alice, { title: 'Only deal', amount: usd(10), companyName: 'Small Co' });
    const card = await t.crm.companies.card(ws.alice, company.id);
    expect(card).toMatchObject({ openDealCount: 1, contactCount: 0, contacts: [], recentActivity: [], wonRevenue: [] });
    expect(card.openDeals.map((d) => d.title)).toEqual(['Only deal']);
    expect(card.pipelineValue.map((m) => m.text)).toEqual(['$10']);
  });
});

describe(`editing a company (${DB})`, () => {
  it('renames it (its deals are found by the new name), changes and clears its domain, refuses a taken one', async () => {
    const ws = await freshWorkspace();
    const { company } = await t.crm.companies.create(ws.alice, { name: 'Vandelay', domain: 'vandelay.test' });
    const { company: other } = await t.crm.companies.create(ws.alice, { name: 'Kramerica', domain: 'kramerica.test' });
    const { deal } = await t.crm.deals.create(ws.alice, { title: 'Latex order', companyName: 'Vandelay' });
    const updatedAt = (await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).updatedAt;
    t.clock.advance(60_000);

    const renamed = await t.crm.companies.edit(ws.alice, company.id, { name: 'Vandelay Industries', ownerId: ws.bob.memberId });
    expect(renamed).toMatchObject({ name: 'Vandelay Industries', domain: 'vandelay.test', owner: { handle: 'bob' }, openDealCount: 1 });
    expect((await t.crm.deals.find(ws.alice, 'industries')).items.map((d) => d.ref)).toEqual([deal.ref]);
    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).updatedAt).toEqual(updatedAt);

    await expect(t.crm.companies.edit(ws.alice, company.id, { domain: 'www.kramerica.test' })).rejects.toMatchObject({
      code: DomainErrorCode.Duplicate,
      details: { existingId: other.id, record: 'company' },
    });
    expect((await t.crm.companies.edit(ws.alice, company.id, { domain: 'vandelay.example' })).domain).toBe('vandelay.example');
    expect((await t.crm.companies.edit(ws.alice, company.id, { domain: null })).domain).toBeNull();
    await expect(t.crm.companies.edit(ws.alice, company.id, { ownerId: w.alice.memberId })).rejects.toMatchObject({
      code: DomainErrorCode.UnknownMember,
    });
    await expect(t.crm.companies.edit(w.alice, company.id, { name: 'Hijacked' })).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    expect((await t.crm.companies.get(ws.alice, company.id)).name).toBe('Vandelay Industries');
  });
});

describe(`lists of companies (${DB})`, () => {
  it('all of them or a search, by name, each with its contact and open-deal counts, paged', async () => {
    const ws = await freshWorkspace();
    for (const [name, domain] of [
      ['Alpha', 'alpha.test'],
      ['Beta', 'beta.test'],
      ['Gamma', 'gamma.test'],
      ['Delta', 'delta.test'],
      ['Epsilon', 'alphabet.test'],
    ] as const) {
      await t.crm.companies.create(ws.alice, { name, domain });
    }
    await t.crm.contacts.create(ws.alice, { name: 'A1', email: 'a1@alpha.test' });
    await t.crm.contacts.create(ws.alice, { name: 'A2', email: 'a2@alpha.test' });
    await t.crm.contacts.create(ws.alice, { name: 'B1', email: 'b1@beta.test' });
    await t.crm.deals.create(ws.alice, { title: 'Alpha 1', companyName: 'Alpha' });
    const { deal } = await t.crm.deals.create(ws.alice, { title: 'Alpha 2', companyName: 'Alpha' });
    await t.crm.deals.markWon(ws.alice, deal.ref);
    await t.crm.deals.create(ws.alice, { title: 'Gamma 1', companyName: 'Gamma' });

    const all = await t.crm.companies.list(ws.alice, { type: 'all' });
    expect(all).toMatchObject({ heading: 'All companies', total: 5, totalCapped: false, hasMore: false });
    expect(all.items.map((c) => [c.name, c.contactCount, c.openDealCount])).toEqual([
      ['Alpha', 2, 1],
      ['Beta', 1, 0],
      ['Delta', 0, 0],
      ['Epsilon', 0, 0],
      ['Gamma', 0, 1],
    ]);
    const search = await t.crm.companies.list(ws.alice, { type: 'search', query: 'alpha' });
    expect(search.heading).toBe('Companies matching “alpha”');
    expect(search.items.map((c) => c.name)).toEqual(['Alpha', 'Epsilon']);

    const capped = createCrm(t.handle.db, t.clock, { countCap: 3 });
    const first = await capped.companies.list(ws.alice, { type: 'all' }, { pageSize: 2 });
    expect(first).toMatchObject({ total: 3, totalCapped: true, hasMore: true });
    expect(first.items.map((c) => c.name)).toEqual(['Alpha', 'Beta']);
    const last = await capped.companies.list(ws.alice, { type: 'all' }, { page: 3, pageSize: 2 });
    expect(last).toMatchObject({ total: 5, totalCapped: false, hasMore: false });
    expect(last.items.map((c) => c.name)).toEqual(['Gamma']);

    const other = await freshWorkspace();
    expect((await t.crm.companies.list(other.alice, { type: 'all' })).items).toEqual([]);
    expect((await t.crm.companies.list(other.alice, { type: 'search', query: 'alpha' })).items).toEqual([]);
  });
});
