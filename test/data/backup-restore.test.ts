/**
 * Backup and restore rebuild a database exactly: every table's rows (compared row by row through
 * the generated client, not counted), on SQLite and on PostgreSQL (TEST_DATABASE_URL), and from
 * SQLite into PostgreSQL (how a team moves up). A one-workspace backup holds that workspace and
 * what belongs to it, and nothing else; secrets stay out unless asked for; a non-empty database is
 * refused and left as it was; a damaged file restores nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase, type BackupSummary } from '../../src/data/backup.js';
import { providerSchemaPath, readMigrations } from '../../src/db/datamodel.js';
import { parseDatabaseUrl, type Provider } from '../../src/db/provider.js';
import { openSchemaEngine } from '../../src/db/schema-engine.js';
import { readCatalog } from '../../src/data/catalog.js';
import { silentProgress } from '../../src/data/progress.js';
import { restoreDatabase } from '../../src/data/restore.js';
import { createCrm } from '../../src/domain/index.js';
import { FixedClock } from '../../src/domain/ports.js';
import { testDatabaseProvider } from '../helpers/db-config.js';
import { TEST_NOW } from '../helpers/db.js';
import { dumpAll, emptyPlace, migratedPlace, PG_URL, seedEveryKind, withHandle, type Place, type Seeded } from './helpers.js';
import { MIGRATION_FILTERS } from '../../src/db/search-index.js';

const provider = testDatabaseProvider();
const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-backup-'));
const places: Place[] = [];
afterEach(async () => {
  for (const p of places.splice(0)) await p.drop();
});

async function place(kind: 'empty' | 'migrated', p = provider): Promise<Place> {
  const made = kind === 'empty' ? await emptyPlace(p) : await migratedPlace(p);
  places.push(made);
  return made;
}

/** Every table's rows as SQLite stores them (no driver adapter decoding), in a stable order. */
function rawSqlite(url: string): Record<string, unknown[]> {
  const db = new Database(url.slice('file:'.length), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'").all() as { name: string }[];
    const key = (r: unknown) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT * FROM "${name}"`).all() as unknown[]).map(key).sort()]));
  } finally {
    db.close();
  }
}

let fileNo = 0;
const newFile = () => path.join(dir, `backup-${++fileNo}.jsonl.gz`);

/** A seeded database and its whole backup, secrets included; made once per provider, read by many tests. */
const sources = new Map<Provider, Promise<{ source: Place; seeded: Seeded; file: string; summary: BackupSummary }>>();
function seededBackup(p: Provider = provider) {
  let made = sources.get(p);
  if (!made) {
    made = (async () => {
      const source = await migratedPlace(p);
      const seeded = await withHandle(source.url, (h) => seedEveryKind(h.db));
      const file = newFile();
      // Small pages, so that paging (composite keys included) is exercised.
      const summary = await withHandle(source.url, (h) => backupDatabase(h, file, { withSecrets: true, pageRows: 3 }));
      return { source, seeded, file, summary };
    })();
    sources.set(p, made);
  }
  return made;
}

beforeAll(() => async () => {
  for (const made of sources.values()) await (await made).source.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`backup and restore on ${provider}`, { timeout: 120_000 }, () => {
  it('rebuilds every table exactly in an empty database, which it migrates itself', async () => {
    const { source, file, summary } = await seededBackup();
    const before = await withHandle(source.url, async (h) => {
      // Every table has rows, so none is compared vacuously (a new table needs a row in seedEveryKind).
      for (const t of await readCatalog(h.db, provider)) {
        const [{ n }] = await h.db.$queryRawUnsafe<[{ n: unknown }]>(`SELECT COUNT(*) AS n FROM "${t.name}"`);
        expect(Number(n), `${t.name} has rows in the seeded database`).toBeGreaterThan(0);
      }
      return dumpAll(h.db);
    });
    expect(summary.header.leftOut).toEqual([]);

    const target = await place('empty');
    const restored = await restoreDatabase(target.url, file);
    expect(restored.totalRows).toBe(Object.values(before).reduce((n, rows) => n + rows.length, 0));
    const after = await withHandle(target.url, (h) => dumpAll(h.db));
    expect(after).toEqual(before);
    // SQLite stores dates as text: the restored text is what the CRM wrote, byte for byte (its
    // queries compare and order that text).
    if (provider === 'sqlite') expect(rawSqlite(target.url)).toEqual(rawSqlite(source.url));
  });

  it('restores a CRM that goes on where it stopped: the next deal and task numbers follow on', async () => {
    const { file, seeded } = await seededBackup();
    const target = await place('empty');
    await restoreDatabase(target.url, file);
    await withHandle(target.url, async (h) => {
      const crm = createCrm(h.db, new FixedClock(TEST_NOW));
      const you = await h.db.member.findFirstOrThrow({ where: { workspaceId: seeded.consoleWorkspaceId, handle: 'you' } });
      const actor = await crm.identity.actorFor(you);
      const { deal } = await crm.deals.create(actor, { title: 'After the restore' });
      expect(deal.ref).toBe('D-9'); // the demo's seven deals and the renewal came back
      const task = await crm.tasks.create(actor, { title: 'Call back', deal: deal.ref });
      expect(task.task.ref).toBe('T-7'); // and the demo's six tasks
    });
  });

  it('is a snapshot: what the CRM writes while a backup runs is not in it, and the backup is whole', async () => {
    const { source, seeded } = await seededBackup();
    const before = await withHandle(source.url, (h) => dumpAll(h.db));
    const file = newFile();
    await withHandle(source.url, async (h) => {
      const crm = createCrm(h.db, new FixedClock(TEST_NOW));
      const you = await h.db.member.findFirstOrThrow({ where: { workspaceId: seeded.consoleWorkspaceId, handle: 'you' } });
      const actor = await crm.identity.actorFor(you);
      let written: Promise<unknown> | undefined;
      // While the backup reads its first tables, a person adds a deal and renames a company.
      const progress = {
        ...silentProgress,
        table: (name: string) => {
          if (name === 'Member') {
            written = (async () => {
              await crm.deals.create(actor, { title: 'Written during the backup' });
              await h.db.company.updateMany({ where: { workspaceId: seeded.consoleWorkspaceId, domain: 'acme.com' }, data: { name: 'Acme Renamed' } });
            })();
          }
        },
      };
      await withHandle(source.url, (reader) => backupDatabase(reader, file, { withSecrets: true, pageRows: 2, progress }));
      await written;
      expect(await h.db.deal.count({ where: { title: 'Written during the backup' } })).toBe(1);
    });
    const target = await place('empty');
    await restoreDatabase(target.url, file);
    expect(await withHandle(target.url, (h) => dumpAll(h.db))).toEqual(before);
    // Put the shared source back as it was for the other tests.
    await withHandle(source.url, async (h) => {
      const deal = await h.db.deal.findFirstOrThrow({ where: { title: 'Written during the backup' } });
      await h.db.$transaction([
        h.db.dealEvent.deleteMany({ where: { dealId: deal.id } }),
        h.db.deal.delete({ where: { id: deal.id } }),
        h.db.workspace.update({ where: { id: seeded.consoleWorkspaceId }, data: { nextDealNumber: deal.number, updatedAt: (before.Workspace as { id: string; updatedAt: Date }[]).find((w) => w.id === seeded.consoleWorkspaceId)!.updatedAt } }),
        h.db.company.updateMany({
          where: { workspaceId: seeded.consoleWorkspaceId, domain: 'acme.com' },
          data: { name: 'Acme Corp', updatedAt: (before.Company as { domain: string; updatedAt: Date }[]).find((c) => c.domain === 'acme.com')!.updatedAt },
        }),
      ]);
    });
    expect(await withHandle(source.url, (h) => dumpAll(h.db))).toEqual(before);
  });

  it('refuses a database that has any row, and leaves it exactly as it was', async () => {
    const { file } = await seededBackup();
    const busy = await place('migrated');
    await withHandle(busy.url, async (h) => {
      const crm = createCrm(h.db, new FixedClock(TEST_NOW));
      const ws = await crm.identity.ensureWorkspace({ platform: 'console', externalId: 'local', name: 'Somebody else' });
      await crm.identity.ensureMember({ workspaceId: ws.id, externalId: 'console:x', handle: 'x', displayName: 'X' });
    });
    const before = await withHandle(busy.url, (h) => dumpAll(h.db));
    await expect(restoreDatabase(busy.url, file)).rejects.toThrow(/is not empty \(Member: 1 row, Pipeline: 1 row, Stage: 6 rows, Workspace: 1 row\)\. Restore only fills an empty database, so nothing was changed/);
    expect(await withHandle(busy.url, (h) => dumpAll(h.db))).toEqual(before);
  });

  it('keeps secrets out unless asked, and a one-workspace backup holds that workspace and nothing of the others', async () => {
    const { source, seeded } = await seededBackup();
    const file = newFile();
    const summary = await withHandle(source.url, (h) => backupDatabase(h, file, { workspace: 'acme sales' }));
    expect(summary.header.scope).toBe('workspace');
    expect(summary.header.workspaces.map((w) => w.name)).toEqual(['Acme Sales']);
    expect(summary.header.leftOut).toEqual([
      { table: 'SlackInstallation', reason: 'sealed tokens; add --with-secrets to include them' },
      { table: 'InboxItem', reason: 'belongs to no workspace: only in a backup of the whole database' },
    ]);
    const target = await place('empty');
    await restoreDatabase(target.url, file);
    const all = await withHandle(source.url, (h) => dumpAll(h.db));
    const after = await withHandle(target.url, (h) => dumpAll(h.db));
    // Exactly the Slack workspace's rows of every table that has them.
    const mine = (rows: unknown[]) => rows.filter((r) => (r as { workspaceId?: string; id?: string }).workspaceId === seeded.slackWorkspaceId || (r as { id?: string }).id === seeded.slackWorkspaceId);
    expect(after.Workspace).toEqual(mine(all.Workspace!));
    expect(after.Member).toEqual(mine(all.Member!));
    expect(after.Deal).toEqual(mine(all.Deal!));
    expect(after.Company).toEqual(mine(all.Company!));
    expect(after.DealEvent).toEqual(mine(all.DealEvent!));
    expect(after.Stage).toEqual(mine(all.Stage!));
    expect((after.Deal as { title: string }[]).map((d) => d.title)).toEqual(['Slack-side deal']);
    expect(after.DealContact).toEqual([]);
    expect(after.SlackInstallation).toEqual([]);
    expect(after.InboxItem).toEqual([]);

    // With --with-secrets the workspace's installation comes along (matched by its team id).
    const withSecrets = newFile();
    await withHandle(source.url, (h) => backupDatabase(h, withSecrets, { workspace: seeded.slackWorkspaceId, withSecrets: true }));
    const target2 = await place('empty');
    await restoreDatabase(target2.url, withSecrets);
    expect(await withHandle(target2.url, (h) => h.db.slackInstallation.findMany())).toEqual(all.SlackInstallation);
  });

  it('restores nothing from a file cut short or damaged, and says which line', async () => {
    const { file } = await seededBackup();
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
    const cut = path.join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, gzipSync(lines.slice(0, -5).join('\n') + '\n'));
    const target = await place('empty');
    await expect(restoreDatabase(target.url, cut)).rejects.toThrow(/ends before its end mark \(cut short while copying\?\), so nothing was restored/);
    expect(Object.values(await withHandle(target.url, (h) => dumpAll(h.db))).flat()).toEqual([]);

    const bad = path.join(dir, 'bad.jsonl');
    const dealLine = lines.findIndex((l) => l.startsWith('{"table":"Deal"'));
    const broken = [...lines];
    broken[dealLine] = broken[dealLine]!.replace(/"amountCents":"\d+"/, '"amountCents":12.5');
    writeFileSync(bad, broken.join('\n') + '\n'); // plain JSON Lines are read too
    const target2 = await place('empty');
    await expect(restoreDatabase(target2.url, bad)).rejects.toThrow(`line ${dealLine + 1}: Deal.amountCents: 12.5 is not a big integer in a string, so nothing was restored`);
    expect(Object.values(await withHandle(target2.url, (h) => dumpAll(h.db))).flat()).toEqual([]);

    const dangling = path.join(dir, 'dangling.jsonl');
    const pointing = [...lines];
    pointing[dealLine] = pointing[dealLine]!.replace(/"companyId":"[^"]+"/, '"companyId":"no-such-company"');
    expect(pointing[dealLine]).toContain('no-such-company');
    writeFileSync(dangling, pointing.join('\n') + '\n');
    const target3 = await place('empty');
    await expect(restoreDatabase(target3.url, dangling)).rejects.toThrow(
      provider === 'sqlite' ? /has 1 row pointing at rows it does not have \(first: a Deal row's Company\): the file is damaged, so nothing was restored/ : /foreign key/,
    );
    expect(Object.values(await withHandle(target3.url, (h) => dumpAll(h.db))).flat()).toEqual([]);

    const notOne = path.join(dir, 'not-a-backup.csv');
    writeFileSync(notOne, 'Number,Title\n1,x\n');
    await expect(restoreDatabase(target2.url, notOne)).rejects.toThrow(/is not a Deal Desk backup \(its first line is not JSON\)/);
  });
});

describe(`a backup older than the CRM on ${provider}`, { timeout: 120_000 }, () => {
  it('is restored at its own migration, then the newer migrations transform its rows as they did everyone else\'s', async () => {
    // A database as the CRM left it before pipelines had keys (the pipelines_fields migration).
    const source = await place('empty');
    const target = parseDatabaseUrl(source.url);
    const all = readMigrations(target.provider);
    const index = all.migrationDirectories.findIndex((d) => d.path.endsWith('_pipelines_fields'));
    expect(index).toBeGreaterThan(0);
    const schemaPath = providerSchemaPath(target.provider);
    const { engine, close } = await openSchemaEngine(target, { path: schemaPath, content: readFileSync(schemaPath, 'utf8') });
    try {
      await engine.applyMigrations({
        migrationsList: { ...all, migrationDirectories: all.migrationDirectories.slice(0, index) },
        filters: MIGRATION_FILTERS,
      } as never);
    } finally {
      await close();
    }
    await withHandle(source.url, async (h) => {
      const at = "'2026-11-20T09:00:00.000+00:00'";
      await h.db.$executeRawUnsafe(`INSERT INTO "Workspace" ("id", "platform", "externalId", "name", "updatedAt") VALUES ('w1', 'slack', 'T1', 'Old Co', ${at})`);
      await h.db.$executeRawUnsafe(`INSERT INTO "Pipeline" ("id", "workspaceId", "name", "isDefault", "createdAt") VALUES ('p1', 'w1', ' Sales ', true, ${at})`);
      await h.db.$executeRawUnsafe(
        `INSERT INTO "Stage" ("id", "workspaceId", "pipelineId", "key", "name", "position", "probability", "kind") VALUES ('s1', 'w1', 'p1', 'new', 'New', 0, 10, 'open')`,
      );
    });
    const file = newFile();
    const { header } = await withHandle(source.url, (h) => backupDatabase(h, file));
    expect(header.migration).toBe(all.migrationDirectories[index - 1]!.path);
    expect(header.tables.find((t) => t.name === 'Pipeline')!.columns.map((c) => c.name)).not.toContain('key');

    const restoredInto = await place('empty');
    const { upgradedWith } = await restoreDatabase(restoredInto.url, file);
    expect(upgradedWith[0]).toBe(all.migrationDirectories[index]!.path);
    await withHandle(restoredInto.url, async (h) => {
      expect(await h.db.pipeline.findMany()).toEqual([
        { id: 'p1', workspaceId: 'w1', key: 'sales', name: ' Sales ', isDefault: true, position: 0, createdAt: new Date('2026-11-20T09:00:00.000Z') },
      ]);
      expect((await h.db.stage.findUniqueOrThrow({ where: { id: 's1' } })).requiredFields).toBe('[]');
    });
  });
});

describe.skipIf(!PG_URL)('moving between SQLite and PostgreSQL', { timeout: 120_000 }, () => {
  it('a SQLite backup restored into PostgreSQL is identical, table by table', async () => {
    const { source, file } = await seededBackup('sqlite');
    const before = await withHandle(source.url, (h) => dumpAll(h.db));
    const target = await place('empty', 'postgresql');
    await restoreDatabase(target.url, file);
    expect(await withHandle(target.url, (h) => dumpAll(h.db))).toEqual(before);
  });

  it('and a PostgreSQL backup restored into SQLite too', async () => {
    const { source, file } = await seededBackup('postgresql');
    const before = await withHandle(source.url, (h) => dumpAll(h.db));
    const target = await place('empty', 'sqlite');
    await restoreDatabase(target.url, file);
    expect(await withHandle(target.url, (h) => dumpAll(h.db))).toEqual(before);
  });
});
