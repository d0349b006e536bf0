/**
 * For the import tests: a fresh database (SQLite file, or a PostgreSQL schema with
 * TEST_DATABASE_URL) with a CRM whose imports go through the database driver, as the CLI's do, or
 * through Prisma's transaction (the fallback a chat surface gets without a connector).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { driverConnector } from '../../../src/data/import-connection.js';
import { createCrm, type Actor, type Crm } from '../../../src/domain/index.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/import');
export const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

export interface ImportWorld {
  t: TestDb;
  crm: Crm;
  workspaceId: string;
  /** An admin, alice@example.com. */
  alice: Actor;
  /** A member (not an admin), bob@example.com. */
  bob: Actor;
}

export async function importWorld(connector: 'driver' | 'prisma' = 'driver', externalId = 'T-IMPORT'): Promise<ImportWorld> {
  const t = await createTestDb();
  const crm = createCrm(t.handle.db, t.clock, connector === 'driver' ? { importConnector: driverConnector(t.handle.target) } : {});
  const ws = await crm.identity.ensureWorkspace({ platform: 'slack', externalId, name: 'Import Co', defaultCurrency: 'USD' });
  const alice = await crm.identity.ensureMember({
    workspaceId: ws.id,
    externalId: `${externalId}-UALICE`,
    handle: 'alice',
    displayName: 'Alice Adams',
    email: 'alice@example.com',
    platformAdmin: true,
    timezone: 'Europe/Berlin',
  });
  const bob = await crm.identity.ensureMember({
    workspaceId: ws.id,
    externalId: `${externalId}-UBOB`,
    handle: 'bob',
    displayName: 'Bob Brown',
    email: 'bob@example.com',
    timezone: 'America/New_York',
  });
  return { t, crm, workspaceId: ws.id, alice: await crm.identity.actorFor(alice), bob: await crm.identity.actorFor(bob) };
}
