/**
 * Contact search through SQLite's trigram index (src/domain/contacts/contact.trigram.ts, migration
 * `*_contact_search_fts`): the same answers as the ordered pass it replaces for rare text, kept
 * right through creates, edits, merges and restores by triggers, one workspace never seeing
 * another's, and text held by more contacts than the index answers for still found in name order.
 * On PostgreSQL (TEST_DATABASE_URL) the same answers come from the ordered pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRIGRAM_CANDIDATES } from '../../src/domain/contacts/contact.trigram.js';
import { searchKey } from '../../src/domain/shared/text.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;
let other: TestWorkspace;

const names = async (text: string, ws: TestWorkspace = w) => (await t.crm.contacts.search(ws.alice, text)).map((c) => c.name);

/** SQLite: FTS5's own check that the index matches Contact row for row (throws when it does not). */
async function indexIsWhole(): Promise<void> {
  if (t.provider !== 'sqlite') return;
  await t.handle.db.$executeRawUnsafe(`INSERT INTO "ContactSearch"("ContactSearch", rank) VALUES ('integrity-check', 1)`);
}

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
  other = await seedWorkspace(t.crm, 'T-OTHER', 'Other Co');
  await t.crm.contacts.create(w.alice, { name: 'Dwayne "The Rock" Johnson', email: 'dwayne@rock.example' });
  await t.crm.contacts.create(w.alice, { name: 'Zoë Quintana', email: 'zq@quintana-labs.example' });
  await t.crm.contacts.create(w.alice, { name: 'Marta Quintanilla', email: 'marta@acme.example' });
  await t.crm.contacts.create(w.alice, { name: 'Alexandrina Petrova', email: 'ap@petrova.example' });
  await t.crm.contacts.create(w.alice, { name: 'Alexandrina Petrovskaya', email: 'ap@petrovskaya.example' });
  await t.crm.contacts.create(other.alice, { name: 'Quentin Quintana', email: 'qq@elsewhere.example' });
  // Text more contacts hold than the index answers for: the ordered pass finds the first page.
  const rows = Array.from({ length: TRIGRAM_CANDIDATES + 5 }, (_, i) => {
    const name = `Common Sonata ${String(i).padStart(5, '0')}`;
    return { workspaceId: w.workspaceId, name, nameKey: searchKey(name), ownerId: w.alice.memberId };
  });
  await t.handle.db.contact.createMany({ data: rows });
}, 120_000);
afterAll(async () => t.cleanup());

describe(`contact search by part of a name or email (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite, trigram index'})`, () => {
  it('finds a name or an email by any run of three or more characters, case- and accent-blind', async () => {
    expect(await names('intan')).toEqual(['Marta Quintanilla', 'Zoë Quintana']);
    expect(await names('ZOE QUIN')).toEqual(['Zoë Quintana']);
    expect(await names('quintana-labs')).toEqual(['Zoë Quintana']);
    expect(await names('marta@acme.example')).toEqual(['Marta Quintanilla']);
    expect(await names('rock.exa')).toEqual(['Dwayne "The Rock" Johnson']);
  });

  it('checks the whole text on what the index names for its first characters', async () => {
    expect(await names('xandrina petrovsk')).toEqual(['Alexandrina Petrovskaya']);
    expect(await names('ap@petrovskaya.exam')).toEqual(['Alexandrina Petrovskaya']);
    expect(await names('xandrina petro')).toEqual(['Alexandrina Petrova', 'Alexandrina Petrovskaya']);
  });

  it('reads quotes and FTS words as characters', async () => {
    expect(await names('"the rock"')).toEqual(['Dwayne "The Rock" Johnson']);
    expect(await names('rock" john')).toEqual(['Dwayne "The Rock" Johnson']);
    expect(await names('quintana OR marta')).toEqual([]);
    expect(await names('NEAR(marta')).toEqual([]);
  });

  it('never answers with another workspace’s contacts', async () => {
    expect(await names('quintana')).toEqual(['Zoë Quintana']);
    expect(await names('quintana', other)).toEqual(['Quentin Quintana']);
    expect(await names('elsewhere')).toEqual([]);
  });

  it('follows a rename and an email change, and forgets a merged contact', async () => {
    const [marta] = await t.crm.contacts.search(w.alice, 'quintanilla');
    await t.crm.contacts.edit(w.alice, marta!.id, { name: 'Marta Rivera', email: 'marta@rivera.example' });
    expect(await names('quintanilla')).toEqual([]);
    expect(await names('rivera')).toEqual(['Marta Rivera']);
    expect(await names('acme.example')).toEqual([]);
    const [zoe] = await t.crm.contacts.search(w.alice, 'quintana-labs');
    await t.crm.contacts.merge(w.alice, marta!.id, zoe!.id);
    expect(await names('rivera')).toEqual([]);
    expect(await names('quintana')).toEqual(['Zoë Quintana']);
    await indexIsWhole();
  });

  it('finds text held by more contacts than the index answers for, first page in name order, and counts them', async () => {
    const found = await names('sonata');
    expect(found).toEqual(Array.from({ length: 10 }, (_, i) => `Common Sonata ${String(i).padStart(5, '0')}`));
    const list = await t.crm.contacts.list(w.alice, { type: 'search', query: 'sonata' });
    expect(list.items.map((c) => c.name)).toEqual(found);
    expect(list.total).toBe(1_000);
    expect(list.totalCapped).toBe(true);
  });

  it('pages and counts a list search the index answers', async () => {
    const list = await t.crm.contacts.list(w.alice, { type: 'search', query: 'nata 0000' }, { pageSize: 5 });
    expect(list.items.map((c) => c.name)).toEqual(['Common Sonata 00000', 'Common Sonata 00001', 'Common Sonata 00002', 'Common Sonata 00003', 'Common Sonata 00004']);
    expect(list.total).toBe(10);
    expect(list.totalCapped).toBe(false);
    expect(list.hasMore).toBe(true);
    await indexIsWhole();
  });
});
