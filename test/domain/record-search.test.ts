/**
 * Issue 14, the search and card work behind bench/records.ts: contact and company search rank the
 * records whose name (or a contact's email) starts with the text first, then those that contain
 * it, each by name, whichever way the database finds them (a seek when a page starts with the
 * text, a scan when it does not); a list search's page and its capped count come from one
 * statement and say the same as the list always said; a card's recent activity names an activity
 * once even when it reaches the card by two ways. Runs on SQLite, and on PostgreSQL with
 * TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrm, DomainErrorCode } from '../../src/domain/index.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';

const DB = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t.cleanup());

let workspaces = 0;
const freshWorkspace = () => seedWorkspace(t.crm, `T-SEARCH-${++workspaces}`, `Search ${workspaces}`);

describe(`contact search (${DB})`, () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await freshWorkspace();
    for (const [name, email] of [
      ['Omar Sy', undefined], // "mar" inside the name
      ['Marco Polo', undefined], // the name starts with "mar"
      ['Zed Zulu', 'mark@zulu.test'], // the email starts with "mar"
      ['Ann Marsh', 'ann@marsh.test'], // inside a word of the name, and of the email
      ['Bob Smith', 'bob@mars.test'], // inside the email only
      ['Mara Lee', undefined], // the name starts with "mar"
      ['Carl Kent', 'carl@kent.test'], // no "mar" anywhere
    ] as const) {
      await t.crm.contacts.create(ws.alice, { name, ...(email && { email }) });
    }
  });
  const names = async (text: string, limit?: number) => (await t.crm.contacts.search(ws.alice, text, limit)).map((c) => c.name);

  it('puts names and emails that start with the text first, then those that contain it, each by name', async () => {
    expect(await names('mar')).toEqual(['Mara Lee', 'Marco Polo', 'Zed Zulu', 'Ann Marsh', 'Bob Smith', 'Omar Sy']);
    expect(await names('MAR')).toEqual(await names('mar'));
  });

  it('answers a page of the ones that start with the text alone, the same first ones as a longer page', async () => {
    expect(await names('mar', 2)).toEqual(['Mara Lee', 'Marco Polo']);
    expect(await names('mar', 3)).toEqual(['Mara Lee', 'Marco Polo', 'Zed Zulu']);
    expect(await names('mar', 4)).toEqual(['Mara Lee', 'Marco Polo', 'Zed Zulu', 'Ann Marsh']);
  });

  it('finds text inside a name or an email, a whole email, and nothing for text nobody has', async () => {
    expect(await names('smith')).toEqual(['Bob Smith']);
    expect(await names('@mars')).toEqual(['Ann Marsh', 'Bob Smith']);
    expect(await names('bob@mars.test')).toEqual(['Bob Smith']);
    expect(await names('lo')).toEqual(['Marco Polo']);
    expect(await names('qzvorp')).toEqual([]);
    // LIKE's wildcards are characters like any other.
    expect(await names('m%r')).toEqual([]);
    expect(await names('m_r')).toEqual([]);
  });

  it('resolves the one contact a search finds and names the candidates when several start with it', async () => {
    expect((await t.crm.contacts.resolve(ws.alice, 'polo')).name).toBe('Marco Polo');
    const err = await t.crm.contacts.resolve(ws.alice, 'mar').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: DomainErrorCode.Ambiguous });
    expect((err as { details: { choices: string[] } }).details.choices).toEqual([
      'Mara Lee',
      'Marco Polo',
      'Zed Zulu (mark@zulu.test)',
      'Ann Marsh (ann@marsh.test)',
      'Bob Smith (bob@mars.test)',
    ]);
  });

  it('lists the matches of a search by name, page after page, with the count the list always gave', async () => {
    const list = (query: string, page: number, pageSize: number) => t.crm.contacts.list(ws.alice, { type: 'search', query }, { page, pageSize });
    const first = await list('mar', 1, 4);
    expect(first.items.map((c) => c.name)).toEqual(['Ann Marsh', 'Bob Smith', 'Mara Lee', 'Marco Polo']);
    expect(first).toMatchObject({ total: 6, totalCapped: false, hasMore: true, page: 1 });
    const second = await list('mar', 2, 4);
    expect(second.items.map((c) => c.name)).toEqual(['Omar Sy', 'Zed Zulu']);
    expect(second).toMatchObject({ total: 6, totalCapped: false, hasMore: false, page: 2 });
    expect(await list('mar', 3, 4)).toMatchObject({ items: [], total: 6, hasMore: false });
    expect(await list('qzvorp', 1, 4)).toMatchObject({ items: [], total: 0, totalCapped: false, hasMore: false });
    expect(await list('qzvorp', 2, 4)).toMatchObject({ items: [], total: 0, totalCapped: false, hasMore: false });
  });

  it('says "more than" the cap when more match, and counts on when a page is past it', async () => {
    const capped = createCrm(t.handle.db, t.clock, { countCap: 3 });
    const first = await capped.contacts.list(ws.alice, { type: 'search', query: 'mar' }, { pageSize: 2 });
    expect(first.items.map((c) => c.name)).toEqual(['Ann Marsh', 'Bob Smith']);
    expect(first).toMatchObject({ total: 3, totalCapped: true, hasMore: true });
    const third = await capped.contacts.list(ws.alice, { type: 'search', query: 'mar' }, { page: 3, pageSize: 2 });
    expect(third.items.map((c) => c.name)).toEqual(['Omar Sy', 'Zed Zulu']);
    expect(third).toMatchObject({ total: 6, totalCapped: false, hasMore: false });
    const exactly = await capped.contacts.list(ws.alice, { type: 'search', query: 'ma' }, { pageSize: 3 });
    expect(exactly).toMatchObject({ total: 3, totalCapped: true, hasMore: true });
  });

  it('never finds another workspace’s contacts, by the seek or by the scan', async () => {
    const other = await freshWorkspace();
    expect(await t.crm.contacts.search(other.alice, 'mar')).toEqual([]);
    expect(await t.crm.contacts.search(other.alice, 'smith')).toEqual([]);
    expect((await t.crm.contacts.list(other.alice, { type: 'search', query: 'mar' })).total).toBe(0);
  });
});

describe(`company search (${DB})`, () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await freshWorkspace();
    for (const [name, domain] of [
      ['Initrode', 'initrode.test'],
      ['Northwind', 'northwind.test'],
      ['Nortel', undefined],
      ['Big North', 'bignorth.test'],
      ['Acme', 'acme-north.test'],
    ] as const) {
      await t.crm.companies.create(ws.alice, { name, ...(domain && { domain }) });
    }
  });

  it('puts names that start with the text first, then names that contain it', async () => {
    const names = async (text: string, limit?: number) => (await t.crm.companies.search(ws.alice, text, limit)).map((c) => c.name);
    expect(await names('nort')).toEqual(['Nortel', 'Northwind', 'Big North']);
    expect(await names('nort', 2)).toEqual(['Nortel', 'Northwind']);
    expect(await names('rode')).toEqual(['Initrode']);
    expect(await names('qzvorp')).toEqual([]);
  });

  it('lists names and domains that contain the search by name, with the capped count', async () => {
    const list = await t.crm.companies.list(ws.alice, { type: 'search', query: 'north' }, { pageSize: 3 });
    expect(list.items.map((c) => c.name)).toEqual(['Acme', 'Big North', 'Northwind']);
    expect(list).toMatchObject({ total: 3, totalCapped: false, hasMore: false });
    const capped = createCrm(t.handle.db, t.clock, { countCap: 2 });
    const first = await capped.companies.list(ws.alice, { type: 'search', query: 'north' }, { pageSize: 2 });
    expect(first.items.map((c) => c.name)).toEqual(['Acme', 'Big North']);
    expect(first).toMatchObject({ total: 2, totalCapped: true, hasMore: true });
    const second = await capped.companies.list(ws.alice, { type: 'search', query: 'north' }, { page: 2, pageSize: 2 });
    expect(second.items.map((c) => c.name)).toEqual(['Northwind']);
    expect(second).toMatchObject({ total: 3, totalCapped: false, hasMore: false });
  });
});

describe(`a card's recent activity (${DB})`, () => {
  it('names an activity on a deal and on a contact of the company once, newest first', async () => {
    const ws = await freshWorkspace();
    const { company } = await t.crm.companies.create(ws.alice, { name: 'Dupco' });
    const { contact } = await t.crm.contacts.create(ws.alice, { name: 'Dee Dupe', companyName: 'Dupco' });
    const { deal } = await t.crm.deals.create(ws.alice, { title: 'Dupco deal', amount: usd(100), companyName: 'Dupco', contactIds: [contact.id] });
    const at = (minutesAgo: number) => new Date(t.clock.now().getTime() - minutesAgo * 60_000);
    await t.crm.activities.log(ws.alice, { deal: deal.ref, contactId: contact.id, type: 'call', body: 'On both', occurredAt: at(10) });
    await t.crm.activities.log(ws.alice, { contactId: contact.id, type: 'note', body: 'On the contact', occurredAt: at(20) });
    await t.crm.activities.log(ws.alice, { deal: deal.ref, type: 'email', body: 'On the deal', occurredAt: at(5) });
    const companyCard = await t.crm.companies.card(ws.alice, company.id);
    expect(companyCard.recentActivity.map((a) => a.body)).toEqual(['On the deal', 'On both', 'On the contact']);
    expect(companyCard.recentActivity[1]).toMatchObject({ type: 'call', actor: 'Alice Adams', deal: { ref: deal.ref }, contact: { id: contact.id, name: 'Dee Dupe' } });
    const contactCard = await t.crm.contacts.card(ws.alice, contact.id);
    expect(contactCard.recentActivity.map((a) => a.body)).toEqual(['On the deal', 'On both', 'On the contact']);
  });
});
