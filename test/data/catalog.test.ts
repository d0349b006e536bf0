/**
 * Backups cover every table without a list to keep: the tables the database catalog shows are
 * exactly the schema's models (so a model added to prisma/schema.prisma is backed up and restored
 * with no edit in src/data), every column has an encoding, every table has an order and a scope,
 * and the secret tables are exactly the models the schema documents as sealed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelOrder } from '../../src/data/backup.js';
import { COLUMN_TYPES, readCatalog, type ColumnType, type Table } from '../../src/data/catalog.js';
import { decode, encode, normalize } from '../../src/data/codec.js';
import { planTables, PlanError, SECRET_TABLES, scopeCondition, type TablePlan } from '../../src/data/plan.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCHEMA = readFileSync(path.join(ROOT, 'prisma/schema.prisma'), 'utf8');

/** `model Name {` blocks of the datamodel, with their `///` doc lines and scalar field names. */
function schemaModels(): { name: string; docs: string; fields: string[] }[] {
  const models: { name: string; docs: string; fields: string[] }[] = [];
  const re = /((?:^\/\/\/.*\n)*)^model (\w+) \{\n([\s\S]*?)^\}/gm;
  const modelNames = new Set([...SCHEMA.matchAll(/^model (\w+) \{/gm)].map((m) => m[1]!));
  for (const m of SCHEMA.matchAll(re)) {
    const fields = m[3]!
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^\w/.test(l))
      .map((l) => l.split(/\s+/) as [string, string])
      .filter(([, type]) => !modelNames.has(type.replace(/[?[\]]/g, '')))
      .map(([name]) => name);
    models.push({ name: m[2]!, docs: m[1]!, fields });
  }
  return models;
}

let t: TestDb;
let catalog: Table[];
let plans: TablePlan[];
beforeAll(async () => {
  t = await createTestDb();
  catalog = await readCatalog(t.handle.db, t.provider);
  plans = planTables(catalog, modelOrder(t.handle.db));
});
afterAll(async () => {
  await t?.cleanup();
});

describe(`the database catalog on ${process.env.TEST_DATABASE_URL ? 'postgresql' : 'sqlite'}`, () => {
  it("lists exactly the schema's models as tables, with their scalar fields as columns", () => {
    const models = schemaModels();
    expect(models.length).toBeGreaterThan(10);
    expect(catalog.map((x) => x.name).sort()).toEqual(models.map((m) => m.name).sort());
    // The generated client agrees (its model order is the backup's tie-break).
    expect([...modelOrder(t.handle.db)].sort()).toEqual(models.map((m) => m.name).sort());
    for (const m of models) {
      const table = catalog.find((x) => x.name === m.name)!;
      expect(table.columns.map((c) => c.name).sort(), m.name).toEqual([...m.fields].sort());
    }
  });

  it('gives every table a primary key, every column a type backups encode, and an order with parents first', () => {
    for (const table of catalog) {
      expect(table.primaryKey.length, table.name).toBeGreaterThan(0);
      for (const c of table.columns) expect(COLUMN_TYPES, `${table.name}.${c.name}`).toContain(c.type);
    }
    expect(plans.map((p) => p.name).sort()).toEqual(catalog.map((x) => x.name).sort());
    const position = new Map(plans.map((p, i) => [p.name, i]));
    for (const p of plans) for (const fk of p.foreignKeys) expect(position.get(fk.table)!, `${p.name} after ${fk.table}`).toBeLessThan(position.get(p.name)!);
    expect(plans[0]!.name).toBe('Workspace');
  });

  it('ties every table to a workspace except the ones that belong to none, which are named here', () => {
    const scopes = Object.fromEntries(plans.map((p) => [p.name, p.scope.kind]));
    expect(Object.entries(scopes).filter(([, k]) => k === 'global').map(([n]) => n)).toEqual(['InboxItem']);
    expect(scopes.SlackInstallation).toBe('link');
    expect(scopes.DealContact).toBe('parent');
    expect(scopes.Workspace).toBe('workspace');
    expect(scopes.Deal).toBe('column');
    const byName = new Map(plans.map((p) => [p.name, p]));
    expect(scopeCondition(byName, 'DealContact', 'w1', 'sqlite')).toEqual({
      sql: '"contactId" IN (SELECT "id" FROM "Contact" WHERE "workspaceId" = ?)',
      params: ['w1'],
    });
    expect(scopeCondition(byName, 'SlackInstallation', 'w1', 'postgresql')).toEqual({
      sql: '"teamId" IN (SELECT "externalId" FROM "Workspace" WHERE "id" = $1 AND "platform" = $2)',
      params: ['w1', 'slack'],
    });
  });

  it('keeps secret exactly the models the schema documents as sealed with CRM_ENCRYPTION_KEY', () => {
    const sealed = schemaModels().filter((m) => /CRM_ENCRYPTION_KEY|sealed/i.test(m.docs)).map((m) => m.name);
    expect(sealed.length).toBeGreaterThan(0);
    expect(Object.keys(SECRET_TABLES).sort()).toEqual(sealed.sort());
  });
});

describe('the plan refuses what a backup could not restore', () => {
  const col = (name: string, type: Table['columns'][number]['type'] = 'String') => ({ name, type, nullable: false });
  it('a table without a primary key, a column type with no encoding, a foreign key cycle', () => {
    expect(() => planTables([{ name: 'A', columns: [col('x')], primaryKey: [], foreignKeys: [] }])).toThrow(PlanError);
    expect(() => planTables([{ name: 'A', columns: [col('id'), col('v', 'unsupported:BLOB')], primaryKey: ['id'], foreignKeys: [] }])).toThrow(
      /A\.v has type BLOB, which backups have no encoding for/,
    );
    const a = { name: 'A', columns: [col('id'), col('b')], primaryKey: ['id'], foreignKeys: [{ columns: ['b'], table: 'B', references: ['id'] }] };
    const b = { name: 'B', columns: [col('id'), col('a')], primaryKey: ['id'], foreignKeys: [{ columns: ['a'], table: 'A', references: ['id'] }] };
    expect(() => planTables([a, b])).toThrow(/cycle among A, B/);
  });
});

describe('values in a backup file', () => {
  const sample: Record<ColumnType, fc.Arbitrary<unknown>> = {
    String: fc.string({ unit: 'grapheme' }),
    Int: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    BigInt: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    Float: fc.double(),
    Boolean: fc.boolean(),
    DateTime: fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
  };
  it('come back exactly through JSON, whatever the type (BigInt past 2^53, NaN and infinities, milliseconds)', () => {
    for (const type of COLUMN_TYPES) {
      fc.assert(
        fc.property(fc.option(sample[type], { nil: null }), (v) => {
          const back = decode(type, JSON.parse(JSON.stringify(encode(type, normalize(type, v)))));
          expect(back).toEqual(v);
        }),
      );
    }
  });
  it('read what either driver hands back (SQLite 0/1 and bigint, PostgreSQL booleans)', () => {
    expect(normalize('Boolean', 1)).toBe(true);
    expect(normalize('Boolean', 0n)).toBe(false);
    expect(normalize('Int', 5n)).toBe(5);
    expect(normalize('BigInt', 5)).toBe(5n);
    expect(normalize('DateTime', '2026-11-24T10:00:00.000Z')).toEqual(new Date('2026-11-24T10:00:00.000Z'));
  });
});
