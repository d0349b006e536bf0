/**
 * Issue 12, point 3: `%`, `_` and `\` in what a person searches for are characters, not LIKE
 * wildcards or escapes, on SQLite and on PostgreSQL (run with TEST_DATABASE_URL for the latter).
 * Prisma's `contains` escapes neither (prisma/prisma#19506), so `/deal %` listed every deal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type Reply } from '../../src/bot/commands/execute.js';
import { silentLogger } from '../../src/log.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

const TITLES = [
  '50% off renewal',
  '50 seats renewal',
  'north_star pilot',
  'northXstar pilot',
  'north star pilot',
  'C:\\share migration',
  'C: share migration',
  'Wow! launch',
  'Wow launch',
] as const;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
  for (const title of TITLES) await t.crm.deals.create(w.alice, { title });
  await t.crm.companies.create(w.alice, { name: '100% Juice' });
  await t.crm.companies.create(w.alice, { name: '1000 Juices' });
  await t.crm.companies.create(w.alice, { name: 'Big_Co' });
  await t.crm.companies.create(w.alice, { name: 'BigXCo' });
  await t.crm.contacts.create(w.alice, { name: 'Ana Percent', email: 'ana_p@acme.com' });
  await t.crm.contacts.create(w.alice, { name: 'Ana Plain', email: 'anaxp@acme.com' });
  await t.crm.contacts.create(w.alice, { name: 'Rob 100%', email: 'rob@acme.com' });
});
afterAll(async () => t.cleanup());

const titlesFound = async (query: string) =>
  (await t.crm.deals.find(w.alice, query, { pageSize: 100 })).items.map((d) => d.title).sort();

describe(`deal search reads % _ \\ literally (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'})`, () => {
  it.each([
    ['%', ['50% off renewal']],
    ['50%', ['50% off renewal']],
    ['% off', ['50% off renewal']],
    ['_', ['north_star pilot']],
    ['north_star', ['north_star pilot']],
    ['\\', ['C:\\share migration']],
    ['c:\\share', ['C:\\share migration']],
    ['!', ['Wow! launch']],
    ['%%', []],
    ['__', []],
    ['\\%', []],
    ['!%', []],
  ])('%j finds only the deals with those very characters', async (query, expected) => {
    expect(await titlesFound(query)).toEqual([...expected].sort());
  });

  it('still finds ordinary words, case- and accent-insensitively, and counts what it finds', async () => {
    expect(await titlesFound('RENEWAL')).toEqual(['50 seats renewal', '50% off renewal']);
    expect(await titlesFound('north')).toEqual(['north star pilot', 'northXstar pilot', 'north_star pilot']);
    const page = await t.crm.deals.find(w.alice, 'pilot', { pageSize: 2 });
    expect(page).toMatchObject({ total: 3, totalCapped: false, hasMore: true });
    const second = await t.crm.deals.find(w.alice, 'pilot', { page: 2, pageSize: 2 });
    expect(second.items).toHaveLength(1);
    expect(new Set([...page.items, ...second.items].map((d) => d.title)).size).toBe(3);
  });

  it('never finds another workspace’s deals', async () => {
    const other = await seedWorkspace(t.crm, 'T-OTHER', 'Other');
    await t.crm.deals.create(other.alice, { title: '99% theirs' });
    expect(await titlesFound('%')).toEqual(['50% off renewal']);
  });
});

describe('company and contact search read % _ \\ literally', () => {
  it('companies', async () => {
    expect((await t.crm.companies.search(w.alice, '%')).map((c) => c.name)).toEqual(['100% Juice']);
    expect((await t.crm.companies.search(w.alice, '100%')).map((c) => c.name)).toEqual(['100% Juice']);
    expect((await t.crm.companies.search(w.alice, 'big_')).map((c) => c.name)).toEqual(['Big_Co']);
    expect((await t.crm.companies.search(w.alice, '\\')).map((c) => c.name)).toEqual([]);
    expect((await t.crm.companies.search(w.alice, 'juice')).map((c) => c.name).sort()).toEqual(['100% Juice', '1000 Juices']);
  });

  it('contacts, by name or email', async () => {
    expect((await t.crm.contacts.search(w.alice, '_')).map((c) => c.name)).toEqual(['Ana Percent']);
    expect((await t.crm.contacts.search(w.alice, '%')).map((c) => c.name)).toEqual(['Rob 100%']);
    expect((await t.crm.contacts.search(w.alice, 'ana')).map((c) => c.name)).toEqual(['Ana Percent', 'Ana Plain']);
  });
});

describe('/deal % through the command', () => {
  const run = (text: string): Promise<Reply> =>
    executeCommand({ crm: t.crm, actor: w.alice, surface: 'console', log: silentLogger }, text);

  it('/deal % shows the one deal with a % in it, not every deal', async () => {
    const reply = await run('%');
    expect(reply).toMatchObject({ kind: 'deal', deal: { title: '50% off renewal' } });
  });

  it('/deal _ and /deal \\ show only their deal; /deal %% matches nothing and says so', async () => {
    expect(await run('_')).toMatchObject({ kind: 'deal', deal: { title: 'north_star pilot' } });
    expect(await run('show \\')).toMatchObject({ kind: 'deal', deal: { title: 'C:\\share migration' } });
    expect(await run('%%')).toMatchObject({ kind: 'error', message: 'No deal matches “%%”.' });
  });
});
