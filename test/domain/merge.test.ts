/**
 * Issue 14: merging two contacts, or two companies. Everything the merged record had moves to the
 * survivor, the survivor says so on its timeline, and afterwards no row anywhere points at the
 * merged record (every table with a contactId / companyId column is asked, whatever tables there
 * are); custom field values move too, the survivor keeping its own where both have one. One transaction: a failure half-way leaves everything as it was. Runs on SQLite, and on
 * PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { createCrm, DomainErrorCode } from '../../src/domain/index.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd } from '../helpers/fixtures.js';

const DB = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t.cleanup());

let workspaces = 0;
const freshWorkspace = () => seedWorkspace(t.crm, `T-MERGE-${++workspaces}`, `Merge ${workspaces}`);

/** Every table with this column, read from the database itself. */
async function tablesWithColumn(column: string): Promise<string[]> {
  const db = t.handle.db;
  if (t.provider === 'sqlite') {
    const tables = await db.$queryRawUnsafe<{ name: string }[]>(
      `SELECT "name" FROM "sqlite_master" WHERE "type" = 'table' AND "name" NOT LIKE 'sqlite_%'`,
    );
    const found: string[] = [];
    for (const { name } of tables) {
      const columns = await db.$queryRawUnsafe<{ name: string }[]>(`SELECT "name" FROM pragma_table_info('${name}')`);
      if (columns.some((c) => c.name === column)) found.push(name);
    }
    return found.sort();
  }
  const rows = await db.$queryRawUnsafe<{ table_name: string }[]>(
    `SELECT "table_name" FROM information_schema.columns WHERE "table_schema" = current_schema() AND "column_name" = $1`,
    column,
  );
  return rows.map((r) => r.table_name).sort();
}

/** The rows of every table whose `column` holds `id`, by table (tables with none left out). */
async function rowsPointingAt(column: string, id: string): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const table of await tablesWithColumn(column)) {
    const [row] = await t.handle.db.$queryRawUnsafe<{ n: bigint | number }[]>(
      `SELECT COUNT(*) AS "n" FROM "${table}" WHERE "${column}" = ${t.provider === 'sqlite' ? '?' : '$1'}`,
      id,
    );
    const n = Number(row?.n ?? 0);
    if (n > 0) found[table] = n;
  }
  return found;
}

/** What a merge could change, as plain rows (to compare before and after a failed one). */
async function snapshot(workspaceId: string) {
  const db = t.handle.db;
  return {
    contacts: await db.contact.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
    companies: await db.company.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
    links: await db.dealContact.findMany({ where: { deal: { workspaceId } }, orderBy: [{ dealId: 'asc' }, { contactId: 'asc' }] }),
    activities: await db.activity.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
    tasks: await db.task.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
    deals: await db.deal.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
    events: await db.dealEvent.count({ where: { workspaceId } }),
    fieldValues: await db.fieldValue.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
  };
}

/** A client whose `model.operation` fails, as a database failing half-way through would. */
function failingOn(model: string, operation: string): Db {
  const fail = () => Promise.reject(new Error(`simulated failure in ${model}.${operation}`));
  const extend = t.handle.db.$extends.bind(t.handle.db) as (extension: unknown) => unknown;
  return extend({ query: { [model]: { [operation]: fail } } }) as Db;
}

it('the columns that point at contacts and companies are where a merge looks', async () => {
  expect(await tablesWithColumn('contactId')).toEqual(['Activity', 'DealContact', 'FieldValue', 'Task']);
  expect(await tablesWithColumn('companyId')).toEqual(['Activity', 'Contact', 'Deal', 'FieldValue']);
});

describe(`merging contacts (${DB})`, () => {
  /** Jane D. (on D1, D2, D3; five activities, one task) and Jane Doe (on D1 and D4; one of each). */
  async function twoJanes() {
    const ws = await freshWorkspace();
    const { contact: into } = await t.crm.contacts.create(ws.alice, { name: 'Jane Doe', email: 'jane@acme.com', companyName: 'Acme' });
    const { contact: from } = await t.crm.contacts.create(ws.bob, {
      name: 'Jane D.',
      email: 'jane.d@acme.com',
      phone: '+1 415 555 0100',
      title: 'CFO',
    });
    const deal = async (title: string, contactIds: string[]) =>
      (await t.crm.deals.create(ws.alice, { title, amount: usd(1000), contactIds })).deal;
    const d1 = await deal('Both Janes', [into.id, from.id]);
    const d2 = await deal('Jane D. only', [from.id]);
    const d3 = await deal('Jane D. again', [from.id]);
    const d4 = await deal('Jane Doe only', [into.id]);
    for (const [i, ref] of [d1.ref, d2.ref, undefined, undefined, d3.ref].entries()) {
      await t.crm.activities.log(ws.bob, { contactId: from.id, ...(ref && { deal: ref }), type: 'note', body: `About Jane D. ${i + 1}` });
    }
    await t.crm.activities.log(ws.alice, { contactId: into.id, type: 'call', body: 'Called Jane Doe' });
    await t.crm.tasks.create(ws.bob, { title: 'Send Jane D. the deck', contactId: from.id, due: '2026-12-01' });
    await t.crm.tasks.create(ws.alice, { title: 'Lunch with Jane Doe', contactId: into.id, due: '2026-12-10' });
    return { ws, into, from, d1, d2, d3, d4 };
  }

  it('moves deals, activities and tasks, fills empty fields, deletes the merged one and says so', async () => {
    const { ws, into, from, d1, d2, d3, d4 } = await twoJanes();
    t.clock.advance(60_000);
    const { contact, moved } = await t.crm.contacts.merge(ws.alice, from.id, into.id);
    expect(moved).toEqual({ deals: 2, activities: 5, tasks: 1 });

    expect(contact).toMatchObject({
      id: into.id,
      name: 'Jane Doe',
      email: 'jane@acme.com',
      phone: '+1 415 555 0100',
      title: 'CFO',
      company: { name: 'Acme' },
      owner: { handle: 'alice' },
      openDealCount: 4,
      openTaskCount: 2,
      nextTask: { title: 'Send Jane D. the deck' },
    });
    expect(contact.openDeals.map((d) => d.ref).sort()).toEqual([d1.ref, d2.ref, d3.ref, d4.ref].sort());
    expect(contact.recentActivity[0]).toMatchObject({
      type: 'merged',
      actor: 'Alice Adams',
      contact: { id: into.id, name: 'Jane Doe' },
      body: 'Merged Jane D. (jane.d@acme.com) into this contact: 2 deals, 5 activities, 1 task moved.',
    });
    expect(await t.crm.activities.list(ws.alice, { contactId: into.id }, 100)).toHaveLength(7);

    // Nothing anywhere points at Jane D. any more, and she is gone.
    expect(await rowsPointingAt('contactId', from.id)).toEqual({});
    expect(await t.handle.db.contact.findUnique({ where: { id: from.id } })).toBeNull();
    await expect(t.crm.contacts.card(ws.alice, from.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    // The deal both were on keeps one link.
    expect((await t.crm.deals.get(ws.alice, d1.ref)).contacts.map((c) => c.name)).toEqual(['Jane Doe']);
    // Each deal Jane D. was on says so on its timeline.
    expect((await t.crm.deals.get(ws.alice, d2.ref)).timeline[0]).toMatchObject({ type: 'contact', from: 'Jane D.', to: 'Jane Doe' });
    // Her email is free again.
    expect((await t.crm.contacts.create(ws.alice, { name: 'New Jane D.', email: 'jane.d@acme.com' })).created).toBe(true);
  });

  it('moves custom field values: the survivor keeps its own where both have one, and takes the rest', async () => {
    const { ws, into, from } = await twoJanes();
    await t.crm.fields.define(ws.alice, { entity: 'contact', name: 'Tier', type: 'choice', choices: ['Gold', 'Silver'] });
    await t.crm.fields.define(ws.alice, { entity: 'contact', name: 'Birthday', type: 'date' });
    await t.crm.fields.define(ws.alice, { entity: 'contact', name: 'Nickname', type: 'text' });
    const set = (id: string, key: string, value: string) => t.crm.fields.set(ws.alice, { entity: 'contact', ref: id }, key, value);
    await set(into.id, 'tier', 'gold');
    await set(from.id, 'tier', 'silver');
    await set(from.id, 'birthday', '1990-04-02');
    const { contact } = await t.crm.contacts.merge(ws.alice, from.id, into.id);
    expect(contact.fields.map((f) => [f.key, f.display])).toEqual([
      ['tier', 'Gold'],
      ['birthday', 'Mon 2 Apr 1990'],
      ['nickname', '—'],
    ]);
    // Jane D.'s own tier went with her; nothing points at her.
    expect(await t.handle.db.fieldValue.count({ where: { workspaceId: ws.workspaceId } })).toBe(2);
    expect(await rowsPointingAt('contactId', from.id)).toEqual({});
  });

  it('refuses a contact into itself, another workspace’s contact, or one that is gone, changing nothing', async () => {
    const { ws, into, from } = await twoJanes();
    const before = await snapshot(ws.workspaceId);
    await expect(t.crm.contacts.merge(ws.alice, into.id, into.id)).rejects.toMatchObject({
      code: DomainErrorCode.InvalidInput,
      message: 'A contact can’t be merged into itself: pick two different contacts.',
    });
    const other = await freshWorkspace();
    const { contact: stranger } = await t.crm.contacts.create(other.alice, { name: 'Stranger', email: 'stranger@else.test' });
    await expect(t.crm.contacts.merge(ws.alice, stranger.id, into.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(t.crm.contacts.merge(ws.alice, from.id, stranger.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(t.crm.contacts.merge(other.alice, from.id, stranger.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    expect(await snapshot(ws.workspaceId)).toEqual(before);
    expect(await t.handle.db.contact.count({ where: { id: stranger.id } })).toBe(1);

    // The survivor deleted meanwhile (by another merge, say): nothing of Jane D.'s moves anywhere.
    await t.handle.db.contact.delete({ where: { id: into.id } });
    const withoutInto = await snapshot(ws.workspaceId);
    await expect(t.crm.contacts.merge(ws.alice, from.id, into.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    expect(await snapshot(ws.workspaceId)).toEqual(withoutInto);
  });

  it('is one transaction: a failure after the links and activities moved leaves everything as it was', async () => {
    const { ws, into, from } = await twoJanes();
    const before = await snapshot(ws.workspaceId);
    const failing = createCrm(failingOn('task', 'updateMany'), t.clock);
    await expect(failing.contacts.merge(ws.alice, from.id, into.id)).rejects.toThrow('simulated failure in task.updateMany');
    expect(await snapshot(ws.workspaceId)).toEqual(before);
    const failingLate = createCrm(failingOn('activity', 'create'), t.clock);
    await expect(failingLate.contacts.merge(ws.alice, from.id, into.id)).rejects.toThrow('simulated failure in activity.create');
    expect(await snapshot(ws.workspaceId)).toEqual(before);
    // And the same merge, without the failure, goes through.
    expect((await t.crm.contacts.merge(ws.alice, from.id, into.id)).moved).toEqual({ deals: 2, activities: 5, tasks: 1 });
  });
});

describe(`merging companies (${DB})`, () => {
  /** Initrode (initrode.test: three contacts, two deals, one activity) and Initech (one contact, one deal, no domain). */
  async function twoCompanies() {
    const ws = await freshWorkspace();
    const { company: into } = await t.crm.companies.create(ws.alice, { name: 'Initech' });
    const { company: from } = await t.crm.companies.create(ws.bob, { name: 'Initrode', domain: 'initrode.test' });
    for (const name of ['Ann', 'Ben', 'Cat']) await t.crm.contacts.create(ws.alice, { name, email: `${name.toLowerCase()}@initrode.test` });
    await t.crm.contacts.create(ws.alice, { name: 'Dan', companyName: 'Initech' });
    const d1 = (await t.crm.deals.create(ws.alice, { title: 'Printers', amount: usd(2000), companyName: 'Initrode' })).deal;
    const d2 = (await t.crm.deals.create(ws.alice, { title: 'Staplers', amount: usd(300), companyName: 'Initrode' })).deal;
    await t.crm.deals.create(ws.alice, { title: 'TPS reports', amount: usd(500), companyName: 'Initech' });
    await t.crm.deals.markWon(ws.alice, d2.ref);
    await t.handle.db.activity.create({
      data: { workspaceId: ws.workspaceId, companyId: from.id, type: 'note', body: 'About Initrode', occurredAt: t.clock.now(), source: 'api' },
    });
    return { ws, into, from, d1, d2 };
  }

  it('moves contacts, deals and activities, fills the domain, deletes the merged one and says so', async () => {
    const { ws, into, from, d1 } = await twoCompanies();
    t.clock.advance(60_000);
    const { company, moved } = await t.crm.companies.merge(ws.alice, from.id, into.id);
    expect(moved).toEqual({ contacts: 3, deals: 2, activities: 1 });
    expect(company).toMatchObject({ id: into.id, name: 'Initech', domain: 'initrode.test', contactCount: 4, openDealCount: 2 });
    expect(company.contacts.map((c) => c.name)).toEqual(['Ann', 'Ben', 'Cat', 'Dan']);
    expect(company.pipelineValue.map((m) => m.text)).toEqual(['$2,500']);
    expect(company.wonRevenue.map((m) => m.text)).toEqual(['$300']);
    expect(company.recentActivity[0]).toMatchObject({
      type: 'merged',
      actor: 'Alice Adams',
      body: 'Merged Initrode (initrode.test) into this company: 3 contacts, 2 deals, 1 activity moved.',
    });
    const merged = await t.handle.db.activity.findFirstOrThrow({ where: { workspaceId: ws.workspaceId, type: 'merged' } });
    expect(merged.companyId).toBe(into.id);
    expect(company.recentActivity.map((a) => a.body)).toContain('About Initrode');

    expect(await rowsPointingAt('companyId', from.id)).toEqual({});
    expect(await t.handle.db.company.findUnique({ where: { id: from.id } })).toBeNull();
    // Its deals are found by the survivor's name now, and their timelines say the company changed.
    expect((await t.crm.deals.find(ws.alice, 'printers initech')).items.map((d) => d.ref)).toEqual([d1.ref]);
    expect((await t.crm.deals.find(ws.alice, 'initrode')).items).toEqual([]);
    expect((await t.crm.deals.get(ws.alice, d1.ref)).timeline[0]).toMatchObject({ type: 'company', from: 'Initrode', to: 'Initech' });
    expect((await t.crm.companies.resolve(ws.alice, 'initrode.test')).id).toBe(into.id);
  });

  it('moves custom field values: the survivor keeps its own where both have one, and takes the rest', async () => {
    const { ws, into, from } = await twoCompanies();
    await t.crm.fields.define(ws.alice, { entity: 'company', name: 'Employees', type: 'number' });
    await t.crm.fields.define(ws.alice, { entity: 'company', name: 'Account manager', type: 'person' });
    const set = (id: string, key: string, value: string) => t.crm.fields.set(ws.alice, { entity: 'company', ref: id }, key, value);
    await set(into.id, 'employees', '40');
    await set(from.id, 'employees', '1,200');
    await set(from.id, 'account_manager', '@bob');
    const before = await snapshot(ws.workspaceId);
    // A failure half-way moves no value either.
    const failing = createCrm(failingOn('activity', 'create'), t.clock);
    await expect(failing.companies.merge(ws.alice, from.id, into.id)).rejects.toThrow('simulated failure in activity.create');
    expect(await snapshot(ws.workspaceId)).toEqual(before);

    const { company } = await t.crm.companies.merge(ws.alice, from.id, into.id);
    expect(company.fields.map((f) => [f.key, f.display])).toEqual([
      ['employees', '40'],
      ['account_manager', 'Bob Brown'],
    ]);
    expect(await t.handle.db.fieldValue.count({ where: { workspaceId: ws.workspaceId } })).toBe(2);
    expect(await rowsPointingAt('companyId', from.id)).toEqual({});
  });

  it('refuses a company into itself or another workspace’s, changing nothing', async () => {
    const { ws, into, from } = await twoCompanies();
    const before = await snapshot(ws.workspaceId);
    await expect(t.crm.companies.merge(ws.alice, into.id, into.id)).rejects.toMatchObject({
      code: DomainErrorCode.InvalidInput,
      message: 'A company can’t be merged into itself: pick two different companies.',
    });
    const other = await freshWorkspace();
    const { company: stranger } = await t.crm.companies.create(other.alice, { name: 'Stranger Co' });
    await expect(t.crm.companies.merge(ws.alice, from.id, stranger.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(t.crm.companies.merge(ws.alice, stranger.id, into.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    expect(await snapshot(ws.workspaceId)).toEqual(before);
  });

  it('is one transaction: a failure after the contacts and deals moved leaves everything as it was', async () => {
    const { ws, into, from } = await twoCompanies();
    const before = await snapshot(ws.workspaceId);
    const failing = createCrm(failingOn('activity', 'updateMany'), t.clock);
    await expect(failing.companies.merge(ws.alice, from.id, into.id)).rejects.toThrow('simulated failure in activity.updateMany');
    expect(await snapshot(ws.workspaceId)).toEqual(before);
    expect((await t.crm.companies.merge(ws.alice, from.id, into.id)).moved).toEqual({ contacts: 3, deals: 2, activities: 1 });
  });
});
