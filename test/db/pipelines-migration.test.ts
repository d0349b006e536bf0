/**
 * The pipelines_fields migration on a database that already holds workspaces with deals in every
 * stage: each workspace's pipeline becomes its default pipeline keyed `sales`, every stage keeps its
 * deals (and has no gate), and the app goes on: a second pipeline can be added, a deal moved, a
 * stage removed with its deals moved. On SQLite (default) and on PostgreSQL (TEST_DATABASE_URL).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { createCrm } from '../../src/domain/index.js';
import { FixedClock } from '../../src/domain/ports.js';
import type { Actor } from '../../src/domain/context.js';
import { testDatabaseProvider } from '../helpers/db-config.js';
import { TEST_NOW } from '../helpers/db.js';
import { at, emptyDatabase, migrateToBefore } from '../helpers/migrate-to.js';

const MIGRATION = /_pipelines_fields$/;
const provider = testDatabaseProvider();

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const STAGES = [
  ['new', 'New', 10, 'open'],
  ['qualified', 'Qualified', 25, 'open'],
  ['proposal', 'Proposal', 50, 'open'],
  ['negotiation', 'Negotiation', 75, 'open'],
  ['won', 'Won', 100, 'won'],
  ['lost', 'Lost', 0, 'lost'],
] as const;

/** Two workspaces as the app before this migration made them (raw SQL: no key, position or gate yet), a deal in each stage. */
async function seedOldRows(h: DbHandle): Promise<void> {
  const run = (sql: string) => h.db.$executeRawUnsafe(sql);
  const now = at('2026-11-20T09:00:00.000Z');
  for (const ws of ['w1', 'w2']) {
    await run(`INSERT INTO "Workspace" ("id", "platform", "externalId", "name", "updatedAt", "nextDealNumber") VALUES ('${ws}', 'slack', 'T-${ws}', '${ws}', ${now}, 7)`);
    await run(
      `INSERT INTO "Member" ("id", "workspaceId", "externalId", "handle", "displayName", "updatedAt", "role") VALUES ('${ws}-maria', '${ws}', 'U1', 'maria', 'Maria', ${now}, 'admin')`,
    );
    await run(`INSERT INTO "Member" ("id", "workspaceId", "externalId", "handle", "displayName", "updatedAt", "role") VALUES ('${ws}-bob', '${ws}', 'U2', 'bob', 'Bob', ${now}, 'member')`);
    await run(`INSERT INTO "Pipeline" ("id", "workspaceId", "name", "isDefault") VALUES ('${ws}-p', '${ws}', 'Sales', true)`);
    for (const [i, [key, name, probability, kind]] of STAGES.entries()) {
      await run(
        `INSERT INTO "Stage" ("id", "workspaceId", "pipelineId", "key", "name", "position", "probability", "kind") VALUES ('${ws}-${key}', '${ws}', '${ws}-p', '${key}', '${name}', ${i}, ${probability}, '${kind}')`,
      );
      const closed = kind === 'open' ? 'NULL' : now;
      await run(
        `INSERT INTO "Deal" ("id", "workspaceId", "number", "title", "searchText", "currency", "pipelineId", "stageId", "status", "ownerId", "lastActivityAt", "stageChangedAt", "closedAt", "lostReason", "updatedAt")
         VALUES ('${ws}-d${i + 1}', '${ws}', ${i + 1}, '${name} deal', '${key} deal', 'USD', '${ws}-p', '${ws}-${key}', '${kind}', '${ws}-bob', ${now}, ${now}, ${closed}, ${kind === 'lost' ? "'no budget'" : 'NULL'}, ${now})`,
      );
    }
  }
}

describe(`the pipelines_fields migration on ${provider}`, () => {
  it('makes each workspace’s stages its default pipeline (key sales), keeps every deal in its stage, and the app goes on', async () => {
    const { url, drop } = await emptyDatabase('pipes_mig');
    let handle: DbHandle | undefined;
    cleanup = async () => {
      await handle?.close();
      await drop();
    };
    const name = await migrateToBefore(url, MIGRATION);
    handle = await openDatabase(url);
    await seedOldRows(handle);
    // The migration takes the database for itself (SQLite: exclusive mode), as at a start.
    await handle.close();
    handle = undefined;

    // This migration first; any later ones after it.
    expect((await migrateDatabase(url)).applied[0]).toBe(name);
    handle = await openDatabase(url);
    const db = handle.db;
    const crm = createCrm(db, new FixedClock(TEST_NOW));
    const as = (ws: string, who: 'maria' | 'bob'): Actor => ({ workspaceId: ws, memberId: `${ws}-${who}`, timeZone: 'UTC' });

    for (const ws of ['w1', 'w2']) {
      const pipelines = await crm.pipelines.pipelines(ws);
      expect(pipelines.map((p) => [p.id, p.key, p.name, p.isDefault])).toEqual([[`${ws}-p`, 'sales', 'Sales', true]]);
      expect(pipelines[0]!.stages.map((s) => [s.key, s.name, s.probability, s.kind, s.required])).toEqual(STAGES.map(([k, n, p, kind]) => [k, n, p, kind, []]));
      const view = await crm.pipelines.view(as(ws, 'bob'));
      // Every deal still in its stage (the stage counts count live deals in each).
      expect(view.stages.map((s) => [s.name, s.deals])).toEqual(STAGES.map(([, n]) => [n, 1]));
      const deals = await db.deal.findMany({ where: { workspaceId: ws }, orderBy: { number: 'asc' } });
      expect(deals.map((d) => [d.number, d.stageId, d.status, d.pipelineId])).toEqual(STAGES.map(([k, , , kind], i) => [i + 1, `${ws}-${k}`, kind, `${ws}-p`]));
    }

    // The app goes on: an admin adds a pipeline and a deal there; a member moves an old deal; a
    // stage is removed with its deal moved and the move on the deal's timeline.
    const maria = as('w1', 'maria');
    const bob = as('w1', 'bob');
    await crm.pipelines.createPipeline(maria, 'Renewals');
    const renewal = await crm.deals.create(bob, { title: 'Renew Acme', pipeline: 'renewals' });
    expect(renewal.deal).toMatchObject({ ref: 'D-7', stage: { name: 'New' } });
    expect((await crm.deals.moveStage(bob, 'D-1', 'proposal')).stage.name).toBe('Proposal');
    expect((await crm.deals.advance(bob, 'D-2')).stage.name).toBe('Proposal');
    const removed = await crm.pipelines.removeStage(maria, 'negotiation', 'proposal');
    expect(removed.moved).toBe(1);
    expect((await crm.deals.get(bob, 'D-4')).timeline[0]).toMatchObject({ type: 'stage', from: 'Negotiation', to: 'Proposal' });
    expect((await crm.deals.markWon(bob, 'D-3')).status).toBe('won');
    // The other workspace is untouched.
    expect((await crm.pipelines.pipelines('w2')).map((p) => p.key)).toEqual(['sales']);
  });
});
