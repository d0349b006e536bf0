/**
 * The contacts_companies_tasks migration on a database that already holds deals and tasks: old
 * tasks get per-workspace numbers, an open deal's next action becomes a task (so a deal's next
 * action IS its first open task from then on), and numbering continues after them. On SQLite
 * (default) and on PostgreSQL (TEST_DATABASE_URL).
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

const MIGRATION = /_contacts_companies_tasks$/;
const provider = testDatabaseProvider();

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** Rows as the app before this migration wrote them (raw SQL: the old tables have no `number`). */
async function seedOldRows(h: DbHandle): Promise<void> {
  const run = (sql: string) => h.db.$executeRawUnsafe(sql);
  const now = at('2026-11-20T09:00:00.000Z');
  for (const [ws, ext] of [['w1', 'T1'], ['w2', 'T2']] as const) {
    await run(`INSERT INTO "Workspace" ("id", "platform", "externalId", "name", "updatedAt") VALUES ('${ws}', 'slack', '${ext}', '${ws}', ${now})`);
    await run(`INSERT INTO "Member" ("id", "workspaceId", "externalId", "handle", "displayName", "updatedAt") VALUES ('${ws}-maria', '${ws}', 'U1', 'maria', 'Maria', ${now})`);
    await run(`INSERT INTO "Pipeline" ("id", "workspaceId", "name", "isDefault") VALUES ('${ws}-p', '${ws}', 'Sales', true)`);
    for (const [key, kind, pos] of [['new', 'open', 0], ['won', 'won', 1]] as const) {
      await run(
        `INSERT INTO "Stage" ("id", "workspaceId", "pipelineId", "key", "name", "position", "probability", "kind") VALUES ('${ws}-${key}', '${ws}', '${ws}-p', '${key}', '${key}', ${pos}, 10, '${kind}')`,
      );
    }
  }
  const deal = async (id: string, ws: string, n: number, status: string, nextAction: string | null, due: string | null, archived = false) =>
    run(
      `INSERT INTO "Deal" ("id", "workspaceId", "number", "title", "searchText", "currency", "pipelineId", "stageId", "status", "ownerId", "nextAction", "nextActionDueAt", "lastActivityAt", "stageChangedAt", "archived", "archivedAt", "updatedAt")
       VALUES ('${id}', '${ws}', ${n}, 'Deal ${n}', 'deal ${n}', 'USD', '${ws}-p', '${ws}-${status === 'open' ? 'new' : 'won'}', '${status}', '${ws}-maria',
               ${nextAction ? `'${nextAction}'` : 'NULL'}, ${due ? at(due) : 'NULL'}, ${now}, ${now}, ${archived}, ${archived ? now : 'NULL'}, ${now})`,
    );
  const task = async (id: string, ws: string, title: string, created: string, dealId: string | null, due: string | null, done = false) =>
    run(
      `INSERT INTO "Task" ("id", "workspaceId", "dealId", "title", "dueAt", "assigneeId", "doneAt", "createdAt", "updatedAt")
       VALUES ('${id}', '${ws}', ${dealId ? `'${dealId}'` : 'NULL'}, '${title}', ${due ? at(due) : 'NULL'}, '${ws}-maria', ${done ? now : 'NULL'}, ${at(created)}, ${now})`,
    );
  // w1: D-1 has a next action and only a done task; D-2 has a next action and an earlier open task;
  // D-3 is won and D-4 archived (their next actions stay as they are); D-5 has no next action.
  await deal('d1', 'w1', 1, 'open', 'Send the quote', '2026-11-26T00:00:00.000Z');
  await deal('d2', 'w1', 2, 'open', 'Follow up', '2026-12-05T00:00:00.000Z');
  await deal('d3', 'w1', 3, 'won', 'Old plan', null);
  await deal('d4', 'w1', 4, 'open', 'Parked', null, true);
  await deal('d5', 'w1', 5, 'open', null, null);
  await task('t-old-b', 'w1', 'Book the demo', '2026-11-02T00:00:00.000Z', 'd2', '2026-11-30T00:00:00.000Z');
  await task('t-old-a', 'w1', 'Call Jane back', '2026-11-01T00:00:00.000Z', null, '2026-11-25T00:00:00.000Z');
  await task('t-old-c', 'w1', 'Intro call', '2026-11-03T00:00:00.000Z', 'd1', null, true);
  // w2: one old task, no deal with a next action.
  await task('t-w2', 'w2', 'Renew the contract', '2026-11-05T00:00:00.000Z', null, null);
}

describe(`the contacts_companies_tasks migration on ${provider}`, () => {
  it('numbers old tasks per workspace, turns open deals’ next actions into tasks, and numbering goes on after them', async () => {
    const { url, drop } = await emptyDatabase('mig');
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
    const tasks = await db.task.findMany({ orderBy: [{ workspaceId: 'asc' }, { number: 'asc' }] });
    expect(tasks.map((t) => [t.workspaceId, t.number, t.title, t.dealId, t.assigneeId, t.doneAt === null])).toEqual([
      // Old tasks in creation order, then one per open live deal whose next action no open task carries.
      ['w1', 1, 'Call Jane back', null, 'w1-maria', true],
      ['w1', 2, 'Book the demo', 'd2', 'w1-maria', true],
      ['w1', 3, 'Intro call', 'd1', 'w1-maria', false],
      ['w1', 4, 'Send the quote', 'd1', 'w1-maria', true],
      ['w1', 5, 'Follow up', 'd2', 'w1-maria', true],
      ['w2', 1, 'Renew the contract', null, 'w2-maria', true],
    ]);
    expect(tasks.find((t) => t.number === 4 && t.workspaceId === 'w1')?.dueAt?.toISOString()).toBe('2026-11-26T00:00:00.000Z');
    expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);

    const workspaces = await db.workspace.findMany({ orderBy: { id: 'asc' } });
    expect(workspaces.map((w) => [w.id, w.nextTaskNumber])).toEqual([['w1', 6], ['w2', 2]]);

    // Each open deal's next action is its first open task (D-2: the earlier-due demo); closed and
    // archived deals keep theirs.
    const deals = await db.deal.findMany({ orderBy: { number: 'asc' } });
    expect(deals.map((d) => [d.number, d.nextAction, d.nextActionDueAt?.toISOString().slice(0, 10) ?? null])).toEqual([
      [1, 'Send the quote', '2026-11-26'],
      [2, 'Book the demo', '2026-11-30'],
      [3, 'Old plan', null],
      [4, 'Parked', null],
      [5, null, null],
    ]);

    // The app goes on from there: the next task in w1 is T-6, in w2 T-2.
    const crm = createCrm(db, new FixedClock(TEST_NOW));
    const maria = (ws: string): Actor => ({ workspaceId: ws, memberId: `${ws}-maria`, timeZone: 'UTC' });
    const next = await crm.tasks.create(maria('w1'), { title: 'Send the contract', deal: 'D-5' });
    expect(next.task.ref).toBe('T-6');
    expect((await crm.tasks.create(maria('w2'), { title: 'Check in' })).task.ref).toBe('T-2');
    expect((await crm.tasks.get(maria('w1'), 'T-4')).deal?.ref).toBe('D-1');
  });
});
