/**
 * The member_roles migration on a database that already holds members: platform admins become
 * admins; a workspace that still has no active admin gets its earliest active own member (by
 * createdAt, then id) as admin, so every workspace can be administered; everyone else is a
 * member. The app then goes on by the new rules. On SQLite (default) and on PostgreSQL
 * (TEST_DATABASE_URL).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { createCrm, DomainErrorCode, isDomainError } from '../../src/domain/index.js';
import { FixedClock } from '../../src/domain/ports.js';
import type { Actor } from '../../src/domain/context.js';
import { testDatabaseProvider } from '../helpers/db-config.js';
import { TEST_NOW } from '../helpers/db.js';
import { at, emptyDatabase, migrateToBefore } from '../helpers/migrate-to.js';

const MIGRATION = /_member_roles$/;
const provider = testDatabaseProvider();

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** Members as the app before roles wrote them (raw SQL: the old table has no `role`). */
async function seedOldRows(h: DbHandle): Promise<void> {
  const run = (sql: string) => h.db.$executeRawUnsafe(sql);
  const now = at('2026-11-20T09:00:00.000Z');
  const workspaces = [
    ['w-slack', 'slack', 'T1'],
    ['w-teams', 'teams', 'tenant-1'],
    ['w-console', 'console', 'local'],
    ['w-left', 'slack', 'T2'],
  ] as const;
  for (const [id, platform, ext] of workspaces) {
    await run(`INSERT INTO "Workspace" ("id", "platform", "externalId", "name", "updatedAt") VALUES ('${id}', '${platform}', '${ext}', '${id}', ${now})`);
  }
  const member = (
    id: string,
    ws: string,
    name: string,
    created: string,
    opts: { platformAdmin?: boolean; access?: string; deactivated?: boolean } = {},
  ) =>
    run(
      `INSERT INTO "Member" ("id", "workspaceId", "externalId", "handle", "displayName", "createdAt", "updatedAt", "access", "platformAdmin", "deactivated")
       VALUES ('${id}', '${ws}', 'ext-${id}', '${name.toLowerCase()}', '${name}', ${at(created)}, ${now}, '${opts.access ?? 'member'}', ${opts.platformAdmin ?? false}, ${opts.deactivated ? now : 'NULL'})`,
    );
  // Slack: Bob came first, but Ann is a Slack admin: Ann is the admin, Bob a member.
  await member('s-bob', 'w-slack', 'Bob', '2026-11-01T00:00:00.000Z');
  await member('s-ann', 'w-slack', 'Ann', '2026-11-02T00:00:00.000Z', { platformAdmin: true });
  await member('s-cy', 'w-slack', 'Cy', '2026-11-03T00:00:00.000Z');
  // Teams, nobody flagged: a deactivated member and a guest came first, then Cara and Finn at the
  // same instant (the smaller id, Cara, wins), then Dan.
  await member('t-gone', 'w-teams', 'Gone', '2026-10-01T00:00:00.000Z', { deactivated: true });
  await member('t-gina', 'w-teams', 'Gina', '2026-10-02T00:00:00.000Z', { access: 'guest' });
  await member('t-finn', 'w-teams', 'Finn', '2026-11-05T00:00:00.000Z');
  await member('t-cara', 'w-teams', 'Cara', '2026-11-05T00:00:00.000Z');
  await member('t-dan', 'w-teams', 'Dan', '2026-11-06T00:00:00.000Z');
  // The console: the local operator (the first person), then people met through `/as`.
  await member('c-you', 'w-console', 'You', '2026-11-01T00:00:00.000Z');
  await member('c-maria', 'w-console', 'Maria', '2026-11-01T00:00:01.000Z');
  // A workspace whose only platform admin has left: they keep the role, and the earliest active
  // member becomes an admin too, so someone can still administer it.
  await member('l-old', 'w-left', 'Old', '2026-10-01T00:00:00.000Z', { platformAdmin: true, deactivated: true });
  await member('l-eve', 'w-left', 'Eve', '2026-10-02T00:00:00.000Z');
  await member('l-sid', 'w-left', 'Sid', '2026-10-03T00:00:00.000Z');
}

describe(`the member_roles migration on ${provider}`, () => {
  it('makes platform admins admins, gives every workspace without one its earliest own member, and everyone else is a member', async () => {
    const { url, drop } = await emptyDatabase('roles_mig');
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

    // This migration first (later ones, if any, after it).
    expect((await migrateDatabase(url)).applied[0]).toBe(name);
    handle = await openDatabase(url);
    const db = handle.db;

    const members = await db.member.findMany({ orderBy: [{ workspaceId: 'asc' }, { id: 'asc' }] });
    expect(Object.fromEntries(members.map((m) => [m.id, m.role]))).toEqual({
      'c-maria': 'member',
      'c-you': 'admin',
      'l-eve': 'admin',
      'l-old': 'admin',
      'l-sid': 'member',
      's-ann': 'admin',
      's-bob': 'member',
      's-cy': 'member',
      't-cara': 'admin',
      't-dan': 'member',
      't-finn': 'member',
      't-gina': 'member',
      't-gone': 'member',
    });

    // The app goes on by the new rules: Bob (a member) is refused settings with Ann named; a
    // newcomer to the Slack workspace is a member; Cara administers Teams.
    const crm = createCrm(db, new FixedClock(TEST_NOW));
    const as = (id: string, ws: string): Actor => ({ workspaceId: ws, memberId: id, timeZone: 'UTC' });
    const refused = await crm.identity.changeSettings(as('s-bob', 'w-slack'), { allowGuests: true }).catch((err: unknown) => err);
    expect(isDomainError(refused) && [refused.code, refused.message]).toEqual([
      DomainErrorCode.AdminOnly,
      'Only admins can change workspace settings. Ask Ann.',
    ]);
    const newcomer = await crm.identity.ensureMember({ workspaceId: 'w-slack', externalId: 'U-NEW', handle: 'new', displayName: 'New' });
    expect(newcomer.role).toBe('member');
    expect((await crm.identity.setRole(as('t-cara', 'w-teams'), { handle: 'dan' }, { role: 'read_only' })).changed).toBe(true);
    expect((await crm.identity.changeSettings(as('c-you', 'w-console'), { allowGuests: true })).allowGuests).toBe(true);
  });
});
