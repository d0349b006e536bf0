/**
 * All or nothing per file: a failure in the middle of an import (the database refusing a write)
 * leaves no row of it behind, counters included; a confirmed import whose file or plan changed
 * since the dry run is refused and writes nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { driverConnector } from '../../../src/data/import-connection.js';
import { createCrm, DomainErrorCode } from '../../../src/domain/index.js';
import type { SqlConnector } from '../../../src/domain/import/import.sql.js';
import { importTuning } from '../../../src/domain/import/import.plan.js';
import { dumpAll } from '../../data/helpers.js';
import { fixture, importWorld, type ImportWorld } from './helpers.js';

let w: ImportWorld;
beforeAll(async () => {
  w = await importWorld();
  for (const f of ['hubspot-companies.csv', 'hubspot-contacts.csv']) await w.crm.imports.run({ actor: w.alice, fileName: f, input: fixture(f) });
});
afterAll(async () => w?.t.cleanup());

it('a write that fails half-way leaves nothing of the file: no deal, event, task, link, reference or number', async () => {
  const driver = driverConnector(w.t.handle.target);
  // The links of deals to contacts are written after the deals, their events and tasks.
  const failing: SqlConnector = async (mode) => {
    const session = await driver(mode);
    const execute = session.conn.execute;
    session.conn.execute = async (sql, params) => {
      if (sql.startsWith('INSERT INTO "DealContact"')) throw new Error('disk I/O error');
      return execute(sql, params);
    };
    return session;
  };
  const crm = createCrm(w.t.handle.db, w.t.clock, { importConnector: failing });
  const before = await dumpAll(w.t.handle.db);
  const input = fixture('hubspot-deals.csv');
  await expect(crm.imports.run({ actor: w.alice, fileName: 'hubspot-deals.csv', input, stageMap: { Demo: 'new' } })).rejects.toThrow('disk I/O error');
  expect(await dumpAll(w.t.handle.db)).toEqual(before);
  // The same file through a working connection then imports.
  const done = await w.crm.imports.run({ actor: w.alice, fileName: 'hubspot-deals.csv', input, stageMap: { Demo: 'new' } });
  expect(done.create).toBe(5);
  expect(await w.crm.db.dealContact.count()).toBe(2);
});

it('a confirmed import refuses, writing nothing, when the file is not the dry run’s or a row would now be decided otherwise', async () => {
  const original = fixture('hubspot-companies.csv').toString('utf8').replace('Stark Logistics', 'Stark Logistics Ltd');
  const plan = await w.crm.imports.plan({ actor: w.alice, fileName: 'companies.csv', input: original });
  expect(plan.update).toBe(1);
  const before = await dumpAll(w.t.handle.db);

  const edited = original.replace('Globex,globex.com', 'Globex Corp,globex.com');
  await expect(w.crm.imports.run({ actor: w.alice, fileName: 'companies.csv', input: edited, confirm: plan })).rejects.toMatchObject({
    code: DomainErrorCode.Conflict,
    message: 'Nothing was imported from companies.csv: the file is not the one the dry run read. Run the dry run again and confirm what it says now.',
  });
  // Someone renames the company in the CRM between the dry run and the confirmation: the row is now an update of another kind.
  await w.crm.db.company.updateMany({ where: { workspaceId: w.workspaceId, domain: 'stark.example' }, data: { name: 'Stark Logistics Ltd', nameKey: 'stark logistics ltd' } });
  const renamed = await dumpAll(w.t.handle.db);
  await expect(w.crm.imports.run({ actor: w.alice, fileName: 'companies.csv', input: original, confirm: plan })).rejects.toMatchObject({
    code: DomainErrorCode.Conflict,
    message: 'Nothing was imported from companies.csv: records it matches were added or changed since the dry run. Run the dry run again and confirm what it says now.',
  });
  expect(await dumpAll(w.t.handle.db)).toEqual(renamed);
  expect(renamed).not.toEqual(before);
});

it('a large import rebuilds SQLite’s secondary indexes at its end, the same ones; a failure leaves them as they were', async () => {
  const indexes = () =>
    w.t.provider === 'sqlite' ? w.crm.db.$queryRawUnsafe<{ name: string; sql: string }[]>(`SELECT "name", "sql" FROM "sqlite_master" WHERE "type" = 'index' ORDER BY "name"`) : Promise.resolve([]);
  const before = await indexes();
  const saved = importTuning.rebuildIndexesFromRows;
  importTuning.rebuildIndexesFromRows = 1;
  try {
    const input = fixture('pipedrive-deals.csv');
    const plan = await w.crm.imports.plan({ actor: w.alice, fileName: 'pipedrive-deals.csv', input });
    const driver = driverConnector(w.t.handle.target);
    const failing: SqlConnector = async (mode) => {
      const session = await driver(mode);
      const execute = session.conn.execute;
      session.conn.execute = async (sql, params) => {
        if (sql.startsWith('INSERT INTO "DealContact"')) throw new Error('disk I/O error');
        return execute(sql, params);
      };
      return session;
    };
    const rows = await dumpAll(w.t.handle.db);
    await expect(createCrm(w.t.handle.db, w.t.clock, { importConnector: failing }).imports.run({ actor: w.alice, fileName: 'pipedrive-deals.csv', input, confirm: plan })).rejects.toThrow('disk I/O error');
    expect(await indexes()).toEqual(before);
    expect(await dumpAll(w.t.handle.db)).toEqual(rows);
    const done = await w.crm.imports.run({ actor: w.alice, fileName: 'pipedrive-deals.csv', input, confirm: plan });
    expect(done.create).toBe(3);
    expect(await indexes()).toEqual(before);
    if (w.t.provider === 'sqlite') expect(await w.crm.db.$queryRawUnsafe('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    const list = await w.crm.deals.list(w.alice, { type: 'all' });
    expect(list.items.map((d) => d.title)).toContain('Wayne security audit');
  } finally {
    importTuning.rebuildIndexesFromRows = saved;
  }
});
