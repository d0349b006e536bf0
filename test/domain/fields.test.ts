/**
 * Issue 15, custom fields: admins define text, number, money, date, choice and person fields on
 * deals, contacts and companies; writers set values as they would type them; cards read them back;
 * lists filter by them. Refusals name the field, its type and an example, and write nothing. Roles
 * are enforced by the service; one workspace never sees another's fields. On SQLite, and on
 * PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, DomainErrorCode, type Actor } from '../../src/domain/index.js';
import { FILTER_IDS_MAX } from '../../src/domain/fields/field.lines.js';
import { COUNT_CAP } from '../../src/domain/shared/count.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';

const DB = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t.cleanup());

let workspaces = 0;
/** A workspace: Alice (its first person: admin, Europe/Berlin), Bob (member). */
const freshWorkspace = () => seedWorkspace(t.crm, `T-FIELDS-${++workspaces}`, `Fields ${workspaces}`);

/** The DomainError a call throws (fails the test when it does not throw one). */
async function refusal(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal, but it went through');
}

async function dealFields(actor: Actor, ref: string) {
  return (await t.crm.deals.get(actor, ref)).fields;
}

/** Every deal field type, on one deal. */
async function allTypes(w: TestWorkspace) {
  const { crm } = t;
  await crm.fields.define(w.alice, { entity: 'deal', name: 'Source', type: 'choice', choices: ['Inbound', 'Outbound', 'Partner'] });
  await crm.fields.define(w.alice, { entity: 'deal', name: 'Campaign', type: 'text' });
  await crm.fields.define(w.alice, { entity: 'deal', name: 'Seats', type: 'number' });
  await crm.fields.define(w.alice, { entity: 'deal', name: 'Setup fee', type: 'money' });
  await crm.fields.define(w.alice, { entity: 'deal', name: 'Renewal date', type: 'date' });
  await crm.fields.define(w.alice, { entity: 'deal', name: 'Partner manager', type: 'person' });
  const { deal } = await crm.deals.create(w.bob, { title: 'Acme renewal', amount: usd(25_000) });
  return deal;
}

describe(`defining fields (${DB})`, () => {
  it('an admin adds fields of each type; their keys come from their names; anyone lists them', async () => {
    const w = await freshWorkspace();
    await allTypes(w);
    const { field, created } = await t.crm.fields.define(w.alice, { entity: 'contact', name: 'Birthday', type: 'date' });
    expect(created).toBe(true);
    expect(field).toMatchObject({ entity: 'contact', key: 'birthday', name: 'Birthday', type: 'date', choices: [] });

    const deals = await t.crm.fields.list(w.bob, 'deal');
    expect(deals.map((f) => [f.key, f.type])).toEqual([
      ['source', 'choice'],
      ['campaign', 'text'],
      ['seats', 'number'],
      ['setup_fee', 'money'],
      ['renewal_date', 'date'],
      ['partner_manager', 'person'],
    ]);
    expect(deals[0]?.choices).toEqual(['Inbound', 'Outbound', 'Partner']);
    expect((await t.crm.fields.list(w.bob)).map((f) => f.key)).toContain('birthday');
  });

  it('the same definition again (a retried command) creates nothing; a different one with the same key is a duplicate', async () => {
    const w = await freshWorkspace();
    const input = { entity: 'deal' as const, name: 'Source', type: 'choice' as const, choices: ['Inbound', 'Partner'] };
    const first = await t.crm.fields.define(w.alice, input);
    const again = await t.crm.fields.define(w.alice, input);
    expect(again).toEqual({ field: first.field, created: false });
    const dup = await refusal(t.crm.fields.define(w.alice, { entity: 'deal', name: 'source', type: 'text' }));
    expect(dup.code).toBe(DomainErrorCode.Duplicate);
    expect(dup.message).toContain('Deals already have a field Source');
    // The same name on contacts is another field.
    expect((await t.crm.fields.define(w.alice, { entity: 'contact', name: 'Source', type: 'text' })).created).toBe(true);
    expect(await t.handle.db.fieldDefinition.count({ where: { workspaceId: w.workspaceId } })).toBe(2);
  });

  it('refuses a choice field without choices, choices on another type, and a built-in name', async () => {
    const w = await freshWorkspace();
    expect((await refusal(t.crm.fields.define(w.alice, { entity: 'deal', name: 'Tier', type: 'choice' }))).message).toContain('a choice field needs its choices');
    expect((await refusal(t.crm.fields.define(w.alice, { entity: 'deal', name: 'Tier', type: 'text', choices: ['Gold'] }))).message).toContain('only a choice field has choices');
    expect((await refusal(t.crm.fields.define(w.alice, { entity: 'deal', name: 'Tier', type: 'choice', choices: ['Gold', 'gold'] }))).message).toContain('twice');
    expect((await refusal(t.crm.fields.define(w.alice, { entity: 'deal', name: 'Amount', type: 'money' }))).message).toContain('built-in');
    expect((await refusal(t.crm.fields.define(w.alice, { entity: 'contact', name: 'Email', type: 'text' }))).message).toContain('built-in');
    expect(await t.handle.db.fieldDefinition.count({ where: { workspaceId: w.workspaceId } })).toBe(0);
  });

  it('only admins define and remove fields (the refusal names them); members set values; read-only people set nothing', async () => {
    const w = await freshWorkspace();
    const add = await refusal(t.crm.fields.define(w.bob, { entity: 'deal', name: 'Source', type: 'text' }));
    expect(add.code).toBe(DomainErrorCode.AdminOnly);
    expect(add.message).toBe('Only admins can add custom fields. Ask Alice Adams.');
    await t.crm.fields.define(w.alice, { entity: 'deal', name: 'Source', type: 'text' });
    const remove = await refusal(t.crm.fields.remove(w.bob, 'deal', 'source'));
    expect(remove.code).toBe(DomainErrorCode.AdminOnly);
    expect(remove.message).toContain('Ask Alice Adams');

    const { deal } = await t.crm.deals.create(w.bob, { title: 'Acme' });
    expect((await t.crm.fields.set(w.bob, { entity: 'deal', ref: deal.ref }, 'source', 'Webinar')).changed).toBe(true);
    await t.crm.identity.setRole(w.alice, { handle: 'bob' }, { role: 'read_only' });
    const readOnly = await refusal(t.crm.fields.set(w.bob, { entity: 'deal', ref: deal.ref }, 'source', 'Trade show'));
    expect(readOnly.code).toBe(DomainErrorCode.ReadOnly);
    expect((await dealFields(w.alice, deal.ref))[0]).toMatchObject({ display: 'Webinar' });
    // Reading is for everyone.
    expect((await t.crm.fields.list(w.bob, 'deal')).map((f) => f.key)).toEqual(['source']);
  });
});

describe(`setting values (${DB})`, () => {
  it('each type round-trips: typed as a person would, read back, shown', async () => {
    const w = await freshWorkspace();
    const deal = await allTypes(w);
    const set = (key: string, value: string) => t.crm.fields.set(w.bob, { entity: 'deal', ref: deal.ref }, key, value);
    await set('source', 'partner');
    await set('campaign', '  Trade   show 2026 ');
    await set('seats', '1,500');
    await set('setup_fee', '€2,000');
    await set('renewal_date', 'next friday');
    await set('partner_manager', '@alice');

    const lines = await dealFields(w.bob, deal.ref);
    expect(lines.map((l) => [l.key, l.display, l.value])).toEqual([
      ['source', 'Partner', 'Partner'],
      ['campaign', 'Trade show 2026', 'Trade show 2026'],
      ['seats', '1,500', 1500],
      ['setup_fee', '€2,000', '2000 EUR'],
      // Tuesday 24 November 2026: next friday is the 27th.
      ['renewal_date', 'Fri 27 Nov 2026', '2026-11-27'],
      ['partner_manager', 'Alice Adams', '@alice'],
    ]);
    // What was stored: typed columns, the choice as defined, its key lower case, money in minor units.
    const rows = await t.handle.db.fieldValue.findMany({ where: { dealId: deal.id }, include: { field: true } });
    const byKey = Object.fromEntries(rows.map((r) => [r.field.key, r]));
    expect(byKey.source).toMatchObject({ text: 'Partner', textKey: 'partner', number: null });
    expect(byKey.seats).toMatchObject({ number: 1500, text: null });
    expect(byKey.setup_fee).toMatchObject({ cents: 200_000n, currency: 'EUR' });
    expect(byKey.renewal_date?.date?.toISOString()).toBe('2026-11-27T00:00:00.000Z');
    expect(byKey.partner_manager?.memberId).toBe(w.alice.memberId);

    // The value a line gives back reads as the same value.
    for (const line of lines) expect((await set(line.key, String(line.value))).changed, line.key).toBe(false);
    // Other forms: a plain date, a decimal number, a bare amount in the workspace's currency, `me`.
    await set('renewal_date', '2027-01-15');
    await set('seats', '12.5');
    await set('setup_fee', '25k');
    await set('partner_manager', 'me');
    expect((await dealFields(w.bob, deal.ref)).filter((l) => l.type !== 'choice' && l.type !== 'text').map((l) => l.display)).toEqual([
      '12.5',
      '$25,000',
      'Fri 15 Jan 2027',
      'Bob Brown',
    ]);
  });

  it('a deal’s timeline says what changed; the same value twice writes nothing; "-" clears it', async () => {
    const w = await freshWorkspace();
    const deal = await allTypes(w);
    const target = { entity: 'deal' as const, ref: deal.ref };
    t.clock.advance(60_000);
    const first = await t.crm.fields.set(w.bob, target, 'Source', 'PARTNER');
    expect(first).toMatchObject({ changed: true, label: deal.ref, before: { value: null }, line: { display: 'Partner' } });
    const again = await t.crm.fields.set(w.bob, target, 'source', 'partner');
    expect(again.changed).toBe(false);
    const events = () => t.handle.db.dealEvent.findMany({ where: { dealId: deal.id, kind: 'field' }, orderBy: { at: 'asc' } });
    expect(await events()).toHaveLength(1);

    const detail = await t.crm.deals.get(w.bob, deal.ref);
    expect(detail.timeline[0]).toMatchObject({ kind: 'event', type: 'field', field: 'Source', from: null, to: 'Partner', actor: 'Bob Brown' });
    // The deal was changed: it is updated now.
    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).updatedAt.getTime()).toBe(t.clock.now().getTime());

    t.clock.advance(60_000);
    const cleared = await t.crm.fields.set(w.bob, target, 'source', '-');
    expect(cleared).toMatchObject({ changed: true, line: { value: null, display: '—' }, before: { display: 'Partner' } });
    expect(await t.handle.db.fieldValue.count({ where: { dealId: deal.id } })).toBe(0);
    expect((await t.crm.deals.get(w.bob, deal.ref)).timeline[0]).toMatchObject({ type: 'field', field: 'Source', from: 'Partner', to: null });
    // Clearing what is not there changes nothing.
    expect((await t.crm.fields.set(w.bob, target, 'source', '')).changed).toBe(false);
    expect(await events()).toHaveLength(2);
  });

  it('bad values are refused naming the field, its type and an example, and nothing is written', async () => {
    const w = await freshWorkspace();
    const deal = await allTypes(w);
    const set = (key: string, value: string) => refusal(t.crm.fields.set(w.bob, { entity: 'deal', ref: deal.ref }, key, value));

    const choice = await set('source', 'partnr');
    expect(choice.code).toBe(DomainErrorCode.InvalidInput);
    expect(choice.message).toBe('Source is a choice field: “partnr” isn’t one of its choices. Did you mean Partner? Choose one of Inbound, Outbound, Partner.');
    expect(choice.details).toMatchObject({ field: 'source', choices: ['Inbound', 'Outbound', 'Partner'] });

    expect((await set('seats', 'a dozen')).message).toBe('Seats is a number field: I can’t read “a dozen” as a number. It takes a number, e.g. 12 or 1,500.5.');
    expect((await set('setup_fee', 'lots')).message).toBe('Setup fee is a money field: I can’t read “lots” as an amount. It takes an amount, e.g. 1,500, €2,000 or 25k EUR.');
    expect((await set('setup_fee', '500 BTC')).message).toContain('BTC isn\'t a currency I know');
    expect((await set('renewal_date', 'someday')).message).toMatch(/^Renewal date is a date field: I can’t read “someday” as a date\. It takes a date, e\.g\. .*next friday/);
    const person = await set('partner_manager', '@nobody');
    expect(person.code).toBe(DomainErrorCode.UnknownMember);
    expect(person.message).toContain('I don\'t know @nobody');
    expect((await set('campaign', 'x'.repeat(501))).message).toContain('it holds 500');

    const unknown = await set('sorce', 'partner');
    expect(unknown.code).toBe(DomainErrorCode.UnknownField);
    expect(unknown.message).toBe(
      'Deals have no field called “sorce”. Did you mean source? Their fields: source, campaign, seats, setup_fee, renewal_date, partner_manager.',
    );
    expect(await t.handle.db.fieldValue.count({ where: { dealId: deal.id } })).toBe(0);
    expect(await t.handle.db.dealEvent.count({ where: { dealId: deal.id, kind: 'field' } })).toBe(0);
  });

  it('contacts and companies: set by email, name or domain; shown on their cards', async () => {
    const w = await freshWorkspace();
    await t.crm.fields.define(w.alice, { entity: 'contact', name: 'Tier', type: 'choice', choices: ['Gold', 'Silver'] });
    await t.crm.fields.define(w.alice, { entity: 'contact', name: 'Birthday', type: 'date' });
    await t.crm.fields.define(w.alice, { entity: 'company', name: 'Employees', type: 'number' });
    await t.crm.companies.create(w.bob, { name: 'Acme', domain: 'acme.com' });
    const { contact } = await t.crm.contacts.create(w.bob, { name: 'Jane Doe', email: 'jane@acme.com', companyName: 'Acme' });

    expect((await t.crm.fields.set(w.bob, { entity: 'contact', ref: 'jane@acme.com' }, 'tier', 'gold')).label).toBe('Jane Doe');
    await t.crm.fields.set(w.bob, { entity: 'contact', ref: 'Jane Doe' }, 'birthday', '1990-04-02');
    expect((await t.crm.fields.set(w.bob, { entity: 'company', ref: 'acme.com' }, 'employees', '1 200')).label).toBe('Acme');

    const card = await t.crm.contacts.card(w.bob, contact.id);
    expect(card.fields.map((f) => [f.name, f.display])).toEqual([
      ['Tier', 'Gold'],
      ['Birthday', 'Mon 2 Apr 1990'],
    ]);
    const company = await t.crm.companies.resolve(w.bob, 'acme.com');
    expect((await t.crm.companies.card(w.bob, company.id)).fields).toEqual([{ key: 'employees', name: 'Employees', type: 'number', display: '1,200', value: 1200 }]);
    // No field of a kind: an empty list; a field with no value: `—`.
    const { deal } = await t.crm.deals.create(w.bob, { title: 'No fields' });
    expect((await t.crm.deals.get(w.bob, deal.ref)).fields).toEqual([]);
    const { contact: other } = await t.crm.contacts.create(w.bob, { name: 'Omar', email: 'omar@acme.com' });
    expect((await t.crm.contacts.card(w.bob, other.id)).fields.map((f) => f.display)).toEqual(['—', '—']);
  });
});

describe(`filtering lists (${DB})`, () => {
  async function pipeline() {
    const w = await freshWorkspace();
    await allTypes(w);
    const made: Record<string, string> = {};
    const rows: [string, Record<string, string>][] = [
      ['Alpha', { source: 'Partner', seats: '10', setup_fee: '$1,000', renewal_date: '2027-01-10' }],
      ['Beta', { source: 'partner', seats: '50', setup_fee: '$5,000', renewal_date: '2027-03-01', partner_manager: '@bob' }],
      ['Gamma', { source: 'Inbound', seats: '50', setup_fee: '€5,000', renewal_date: '2027-02-01' }],
      ['Delta', {}],
    ];
    for (const [title, values] of rows) {
      const { deal } = await t.crm.deals.create(w.bob, { title });
      made[title] = deal.ref;
      for (const [key, value] of Object.entries(values)) await t.crm.fields.set(w.bob, { entity: 'deal', ref: deal.ref }, key, value);
    }
    return { w, made };
  }

  const titles = async (actor: Actor, filters: { key: string; op?: '=' | '>' | '<' | '>=' | '<='; value: string }[], type: 'all' | 'mine' = 'all') => {
    const list = await t.crm.deals.list(actor, { type, filters: filters.map((f) => ({ op: '=' as const, ...f })) });
    return list.items.map((d) => d.title).sort();
  };

  it('source=partner finds the deals with that choice, whatever its case; several filters AND together', async () => {
    const { w } = await pipeline();
    expect(await titles(w.bob, [{ key: 'source', value: 'partner' }])).toEqual(['Alpha', 'Beta']);
    expect(await titles(w.bob, [{ key: 'source', value: 'PARTNER' }, { key: 'seats', value: '50' }])).toEqual(['Beta']);
    expect(await titles(w.bob, [{ key: 'partner_manager', value: '@bob' }])).toEqual(['Beta']);
    expect(await titles(w.bob, [{ key: 'source', value: '-' }])).toEqual(['Acme renewal', 'Delta']);
    const list = await t.crm.deals.list(w.bob, { type: 'all', filters: [{ key: 'source', op: '=', value: 'partner' }] });
    expect(list.heading).toBe('All open deals with source=partner');
    expect(list.total).toBe(2);
    // With the scope too: Bob's own open deals.
    expect(await titles(w.bob, [{ key: 'source', value: 'inbound' }], 'mine')).toEqual(['Gamma']);
    expect(await titles(w.alice, [{ key: 'source', value: 'inbound' }], 'mine')).toEqual([]);
  });

  it('numbers, money (in its currency) and dates compare', async () => {
    const { w } = await pipeline();
    expect(await titles(w.bob, [{ key: 'seats', op: '>', value: '10' }])).toEqual(['Beta', 'Gamma']);
    expect(await titles(w.bob, [{ key: 'seats', op: '<=', value: '10' }])).toEqual(['Alpha']);
    expect(await titles(w.bob, [{ key: 'setup_fee', op: '>=', value: '5k' }])).toEqual(['Beta']);
    expect(await titles(w.bob, [{ key: 'setup_fee', op: '>', value: '€1,000' }])).toEqual(['Gamma']);
    expect(await titles(w.bob, [{ key: 'renewal_date', op: '<', value: '2027-02-01' }])).toEqual(['Alpha']);
    expect(await titles(w.bob, [{ key: 'renewal_date', op: '>=', value: '2027-02-01' }])).toEqual(['Beta', 'Gamma']);
  });

  it('refuses an unknown key naming the fields, a typo of a choice with the nearest, and > on a choice', async () => {
    const { w } = await pipeline();
    const unknown = await refusal(titles(w.bob, [{ key: 'sorce', value: 'partner' }]));
    expect(unknown.code).toBe(DomainErrorCode.UnknownField);
    expect(unknown.details.choices).toEqual(['source', 'campaign', 'seats', 'setup_fee', 'renewal_date', 'partner_manager']);
    expect((await refusal(titles(w.bob, [{ key: 'source', value: 'partnr' }]))).message).toContain('Did you mean Partner?');
    expect((await refusal(titles(w.bob, [{ key: 'source', op: '>', value: 'partner' }]))).message).toContain('filter it with =, e.g. source=inbound');
    expect((await refusal(titles(w.bob, [{ key: 'seats', value: 'many' }]))).message).toContain('Seats is a number field');
  });

  it('a value more than FILTER_IDS_MAX records have is filtered too (by the relation, not by ids)', async () => {
    const w = await freshWorkspace();
    await t.crm.fields.define(w.alice, { entity: 'deal', name: 'Source', type: 'choice', choices: ['Inbound', 'Partner'] });
    const { deal } = await t.crm.deals.create(w.bob, { title: 'Template' });
    await t.crm.fields.set(w.bob, { entity: 'deal', ref: deal.ref }, 'source', 'partner');
    // Many deals at once, straight into the tables (creating them one by one would take minutes).
    const row = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    const field = await t.handle.db.fieldDefinition.findFirstOrThrow({ where: { workspaceId: w.workspaceId, key: 'source' } });
    const many = FILTER_IDS_MAX + 5;
    await t.handle.db.deal.createMany({
      data: Array.from({ length: many }, (_, i) => ({ ...row, id: `${deal.id}-${i}`, number: 10_000 + i, title: `Bulk ${i}`, idempotencyKey: null })),
    });
    await t.handle.db.fieldValue.createMany({
      data: Array.from({ length: many }, (_, i) => ({ workspaceId: w.workspaceId, fieldId: field.id, dealId: `${deal.id}-${i}`, text: 'Inbound', textKey: 'inbound', updatedAt: t.clock.now() })),
    });
    // Some of them archived or closed, and the same value in another workspace: not counted.
    await t.handle.db.deal.updateMany({ where: { id: { in: [0, 1, 2].map((i) => `${deal.id}-${i}`) } }, data: { archived: true } });
    await t.handle.db.deal.updateMany({ where: { id: { in: [3, 4].map((i) => `${deal.id}-${i}`) } }, data: { status: 'won' } });
    const elsewhere = await freshWorkspace();
    await t.crm.fields.define(elsewhere.alice, { entity: 'deal', name: 'Source', type: 'choice', choices: ['Inbound'] });
    const { deal: theirs } = await t.crm.deals.create(elsewhere.bob, { title: 'Theirs' });
    await t.crm.fields.set(elsewhere.bob, { entity: 'deal', ref: theirs.ref }, 'source', 'inbound');
    const open = many - 5;
    const inbound = await t.crm.deals.list(w.bob, { type: 'all', filters: [{ key: 'source', op: '=', value: 'inbound' }] });
    expect(inbound.items).toHaveLength(10);
    expect(inbound.items.every((d) => d.title.startsWith('Bulk'))).toBe(true);
    expect(inbound.total).toBe(Math.min(open, COUNT_CAP));
    expect(inbound.totalCapped).toBe(open > COUNT_CAP);
    // A person's list of the same value walks the list as before, and counts the same way.
    const mine = await t.crm.deals.list(w.bob, { type: 'mine', filters: [{ key: 'source', op: '=', value: 'inbound' }] });
    expect(mine.total).toBe(Math.min(open, COUNT_CAP));
    const partner = await t.crm.deals.list(w.bob, { type: 'all', filters: [{ key: 'source', op: '=', value: 'partner' }] });
    expect(partner.items.map((d) => d.title)).toEqual(['Template']);
    // Both together: nothing.
    expect((await t.crm.deals.list(w.bob, { type: 'all', filters: [{ key: 'source', op: '=', value: 'inbound' }, { key: 'source', op: '=', value: 'partner' }] })).total).toBe(0);
  });

  it('the filter seeks an index on (fieldId, …), never reading every value', async () => {
    const { w } = await pipeline();
    const field = await t.handle.db.fieldDefinition.findFirstOrThrow({ where: { workspaceId: w.workspaceId, key: 'source' } });
    const sql = `SELECT "dealId" FROM "FieldValue" WHERE "fieldId" = '${field.id}' AND "textKey" = 'partner'`;
    if (t.provider === 'sqlite') {
      const plan = await t.handle.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`);
      expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING (COVERING )?INDEX FieldValue_fieldId_textKey_dealId_contactId_companyId_idx/);
    } else {
      await t.handle.db.$executeRawUnsafe('SET enable_seqscan = off');
      const plan = await t.handle.db.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`);
      await t.handle.db.$executeRawUnsafe('SET enable_seqscan = on');
      // A table this small has no statistics to tell its indexes apart: any seek on fieldId will do, never a scan.
      const text = plan.map((p) => p['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index (Only )?Scan using "FieldValue_fieldId_\w+"|Bitmap Index Scan on "FieldValue_fieldId_\w+"/);
      expect(text).toMatch(/Index Cond: .*"fieldId" =/);
    }
  });
});

describe(`filtering contacts and companies (${DB})`, () => {
  it('contacts by tier, with their scope; companies by head count; a search takes none', async () => {
    const w = await freshWorkspace();
    await t.crm.fields.define(w.alice, { entity: 'contact', name: 'Tier', type: 'choice', choices: ['Gold', 'Silver'] });
    await t.crm.fields.define(w.alice, { entity: 'company', name: 'Employees', type: 'number' });
    const add = async (actor: Actor, name: string, email: string, company: string, tier?: string) => {
      const { contact } = await t.crm.contacts.create(actor, { name, email, companyName: company });
      if (tier) await t.crm.fields.set(actor, { entity: 'contact', ref: email }, 'tier', tier);
      return contact;
    };
    await add(w.bob, 'Ana', 'ana@acme.test', 'Acme', 'gold');
    await add(w.bob, 'Ben', 'ben@acme.test', 'Acme', 'silver');
    await add(w.alice, 'Cat', 'cat@globex.test', 'Globex', 'gold');
    await add(w.alice, 'Dan', 'dan@globex.test', 'Globex');
    const names = async (scope: Parameters<typeof t.crm.contacts.list>[1]) => (await t.crm.contacts.list(w.bob, scope)).items.map((c) => c.name);
    const gold = [{ key: 'tier', op: '=' as const, value: 'GOLD' }];
    expect(await names({ type: 'all', filters: gold })).toEqual(['Ana', 'Cat']);
    expect(await names({ type: 'mine', filters: gold })).toEqual(['Ana']);
    expect(await names({ type: 'company', company: 'Globex', filters: gold })).toEqual(['Cat']);
    expect(await names({ type: 'all', filters: [{ key: 'tier', op: '=', value: '-' }] })).toEqual(['Dan']);
    expect((await t.crm.contacts.list(w.bob, { type: 'all', filters: gold })).heading).toBe('All contacts with tier=GOLD');

    await t.crm.fields.set(w.bob, { entity: 'company', ref: 'Acme' }, 'employees', '1,200');
    await t.crm.fields.set(w.bob, { entity: 'company', ref: 'Globex' }, 'employees', '40');
    const big = await t.crm.companies.list(w.bob, { type: 'all', filters: [{ key: 'employees', op: '>', value: '100' }] });
    expect(big.items.map((c) => c.name)).toEqual(['Acme']);
    expect(big.heading).toBe('All companies with employees>100');
    expect((await refusal(t.crm.companies.list(w.bob, { type: 'all', filters: [{ key: 'tier', op: '=', value: 'gold' }] }))).message).toContain(
      'Companies have no field called “tier”',
    );
  });
});

describe(`stage gates on a custom field (${DB})`, () => {
  it('a stage that requires a field refuses a deal without it; the value given with the move is set in the same transaction', async () => {
    const w = await freshWorkspace();
    const deal = await allTypes(w);
    await t.crm.pipelines.requireFields(w.alice, 'proposal', ['source']);
    const refused = await refusal(t.crm.deals.moveStage(w.bob, deal.ref, 'proposal'));
    expect(refused.code).toBe(DomainErrorCode.StageGate);
    expect(refused.details.missing).toEqual([expect.objectContaining({ key: 'field:source', input: 'choice', choices: ['Inbound', 'Outbound', 'Partner'] })]);

    // A bad value moves nothing and sets nothing.
    expect((await refusal(t.crm.deals.moveStage(w.bob, deal.ref, 'proposal', { fill: { 'field:source': 'partnr' } }))).message).toContain('Did you mean Partner?');
    expect(await t.handle.db.fieldValue.count({ where: { dealId: deal.id } })).toBe(0);

    const moved = await t.crm.deals.moveStage(w.bob, deal.ref, 'proposal', { fill: { 'field:source': 'partner' } });
    expect(moved.stage.key).toBe('proposal');
    const detail = await t.crm.deals.get(w.bob, deal.ref);
    expect(detail.fields[0]).toMatchObject({ key: 'source', display: 'Partner' });
    expect(detail.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['field', 'stage']));
  });
});

describe(`removing fields and workspaces (${DB})`, () => {
  it('removing a field removes its values (and a stage that required it no longer does)', async () => {
    const w = await freshWorkspace();
    const deal = await allTypes(w);
    await t.crm.fields.set(w.bob, { entity: 'deal', ref: deal.ref }, 'source', 'partner');
    await t.crm.fields.set(w.bob, { entity: 'deal', ref: deal.ref }, 'seats', '3');
    const stage = await t.handle.db.stage.findFirstOrThrow({ where: { workspaceId: w.workspaceId, key: 'proposal' } });
    await t.handle.db.stage.update({ where: { id: stage.id }, data: { requiredFields: JSON.stringify(['amount', 'field:source']) } });

    const removed = await t.crm.fields.remove(w.alice, 'deal', 'Source');
    expect(removed).toMatchObject({ field: { key: 'source' }, values: 1 });
    expect((await dealFields(w.bob, deal.ref)).map((l) => l.key)).not.toContain('source');
    expect(await t.handle.db.fieldValue.count({ where: { dealId: deal.id } })).toBe(1);
    expect(JSON.parse((await t.handle.db.stage.findUniqueOrThrow({ where: { id: stage.id } })).requiredFields)).toEqual(['amount']);
    expect((await refusal(t.crm.fields.remove(w.alice, 'deal', 'source'))).code).toBe(DomainErrorCode.UnknownField);
  });

  it('another workspace’s fields are invisible: not listed, not settable, not filterable, its records not reachable', async () => {
    const mine = await freshWorkspace();
    const theirs = await freshWorkspace();
    await t.crm.fields.define(theirs.alice, { entity: 'deal', name: 'Region', type: 'text' });
    await t.crm.fields.define(mine.alice, { entity: 'deal', name: 'Source', type: 'text' });
    const { deal: ours } = await t.crm.deals.create(mine.bob, { title: 'Ours' });
    const { deal: other } = await t.crm.deals.create(theirs.bob, { title: 'Theirs' });
    await t.crm.fields.set(theirs.bob, { entity: 'deal', ref: other.ref }, 'region', 'EMEA');

    expect((await t.crm.fields.list(mine.bob)).map((f) => f.key)).toEqual(['source']);
    const set = await refusal(t.crm.fields.set(mine.bob, { entity: 'deal', ref: ours.ref }, 'region', 'EMEA'));
    expect(set.code).toBe(DomainErrorCode.UnknownField);
    expect(set.details.choices).toEqual(['source']);
    expect((await refusal(t.crm.deals.list(mine.bob, { type: 'all', filters: [{ key: 'region', op: '=', value: 'EMEA' }] }))).code).toBe(DomainErrorCode.UnknownField);
    // Their deal, by its id, is not ours to set.
    expect((await refusal(t.crm.fields.set(mine.bob, { entity: 'deal', ref: other.id }, 'source', 'x'))).code).toBe(DomainErrorCode.NotFound);
    expect((await t.crm.fields.valuesFor(mine.workspaceId, 'deal', [other.id])).get(other.id)).toEqual([{ key: 'source', name: 'Source', type: 'text', display: '—', value: null }]);
    // A member of theirs by handle is not a person of ours.
    await t.crm.fields.define(mine.alice, { entity: 'deal', name: 'Buddy', type: 'person' });
    await t.crm.identity.ensureMember({ workspaceId: theirs.workspaceId, externalId: 'U-ZED', handle: 'zed', displayName: 'Zed', timezone: 'UTC' });
    expect((await refusal(t.crm.fields.set(mine.bob, { entity: 'deal', ref: ours.ref }, 'buddy', '@zed'))).code).toBe(DomainErrorCode.UnknownMember);
  });
});
