/**
 * Custom-field list filters at their size limits, on SQLite and PostgreSQL: a filter that matches
 * exactly FILTER_IDS_MAX records (looked up by id) and two such filters together still list and
 * count (Prisma binds at most 999 values per SQLite statement; two id lists of 900 used to fail
 * with P2029), and a value on more records goes through the relation. Found by bench/shape.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILTER_IDS_MAX } from '../../src/domain/fields/field.lines.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace } from '../helpers/fixtures.js';

const DB = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t.cleanup());

describe(`list filters at their limits (${DB})`, () => {
  it('one or two filters of FILTER_IDS_MAX matches each list the right deals and count them', async () => {
    const w = await seedWorkspace(t.crm, 'T-FILTER-LIMITS', 'Filter limits');
    await t.crm.fields.define(w.alice, { entity: 'deal', name: 'Seats', type: 'number' });
    await t.crm.fields.define(w.alice, { entity: 'deal', name: 'Source', type: 'choice', choices: ['Inbound', 'Partner'] });
    const { deal } = await t.crm.deals.create(w.bob, { title: 'Template' });
    await t.crm.fields.set(w.bob, { entity: 'deal', ref: deal.ref }, 'seats', '5');
    // Many deals at once, straight into the tables (one by one would take minutes).
    const row = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    const fields = await t.handle.db.fieldDefinition.findMany({ where: { workspaceId: w.workspaceId } });
    const seats = fields.find((f) => f.key === 'seats')!;
    const source = fields.find((f) => f.key === 'source')!;
    // Bulk 0 … FILTER_IDS_MAX-2 have 5 seats (with the template: FILTER_IDS_MAX deals), and all of them are from partners.
    const bulk = FILTER_IDS_MAX + 50;
    await t.handle.db.deal.createMany({
      data: Array.from({ length: bulk }, (_, i) => ({ ...row, id: `${deal.id}-${i}`, number: 10_000 + i, title: `Bulk ${i}`, idempotencyKey: null })),
    });
    const now = t.clock.now();
    await t.handle.db.fieldValue.createMany({
      data: [
        ...Array.from({ length: FILTER_IDS_MAX - 1 }, (_, i) => ({ workspaceId: w.workspaceId, fieldId: seats.id, dealId: `${deal.id}-${i}`, number: 5, updatedAt: now })),
        ...Array.from({ length: FILTER_IDS_MAX }, (_, i) => ({ workspaceId: w.workspaceId, fieldId: source.id, dealId: `${deal.id}-${i + 40}`, text: 'Partner', textKey: 'partner', updatedAt: now })),
      ],
    });
    const list = (filters: { key: string; op: '=' | '>' | '<'; value: string }[], type: 'all' | 'mine' = 'all', page = 1) =>
      t.crm.deals.list(w.bob, { type, filters }, { page });

    const five = await list([{ key: 'seats', op: '=', value: '5' }]);
    expect(five.items).toHaveLength(10);
    expect(five.total).toBe(FILTER_IDS_MAX);
    expect(five.totalCapped).toBe(false);
    expect((await list([{ key: 'seats', op: '=', value: '5' }], 'mine')).total).toBe(FILTER_IDS_MAX);

    // Both: the deals with 5 seats from partners (Bulk 40 … FILTER_IDS_MAX-2).
    const both = await list([{ key: 'seats', op: '=', value: '5' }, { key: 'source', op: '=', value: 'partner' }]);
    expect(both.total).toBe(FILTER_IDS_MAX - 1 - 40);
    expect(both.items.every((d) => Number(d.title.split(' ')[1]) >= 40)).toBe(true);
    const last = await list([{ key: 'seats', op: '=', value: '5' }, { key: 'source', op: '=', value: 'partner' }], 'all', Math.ceil(both.total / 10));
    expect(last.items.length).toBe(both.total % 10 || 10);

    // More matches than FILTER_IDS_MAX: through the relation, beside the id list of partners (Bulk 40 … 898 and 900 … 939).
    await t.handle.db.fieldValue.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({ workspaceId: w.workspaceId, fieldId: seats.id, dealId: `${deal.id}-${FILTER_IDS_MAX + i}`, number: 7, updatedAt: now })),
    });
    const over = await list([{ key: 'seats', op: '>', value: '1' }]);
    expect(over.total).toBe(FILTER_IDS_MAX + 50);
    expect((await list([{ key: 'seats', op: '>', value: '1' }, { key: 'source', op: '=', value: 'partner' }])).total).toBe(FILTER_IDS_MAX - 1);
  });
});
