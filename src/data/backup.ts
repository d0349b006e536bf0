/**
 * `npm run backup`: the whole database, or one workspace and what belongs to it, into one file
 * (format.ts, docs/backup.md). One read transaction on a connection of its own is the snapshot
 * (bulk.ts: SQLite in WAL mode, PostgreSQL at REPEATABLE READ: writers go on meanwhile and none
 * of their changes shows up half); rows are read through the driver a page at a time in primary key order and streamed through gzip, so
 * memory stays flat whatever the database's size. The file is written beside its final name and
 * renamed into place only once complete.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { DbHandle } from '../db/client.js';
import type { Provider } from '../db/provider.js';
import { MIGRATIONS_TABLE, placeholder, quote, readCatalog, type ColumnType, type RawQuerier } from './catalog.js';
import { encode, normalize } from './codec.js';
import { DataError } from './errors.js';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupEndLine, type BackupHeader, type BackupTable } from './format.js';
import { openSnapshot, type SnapshotReader } from './bulk.js';
import { planTables, scopeCondition, WORKSPACE_TABLE, type Condition, type TablePlan } from './plan.js';
import { silentProgress, type Progress } from './progress.js';
import { findWorkspace, type WorkspaceRef } from './workspace.js';

/**
 * Rows read per query. Small pages keep the garbage each one leaves small: at 2,000 rows a backup
 * of 575,000 rows peaked at 340 MB RSS, at 500 at 245 MB, no slower (bench/README.md).
 */
export const BACKUP_PAGE_ROWS = 500;

export interface BackupOptions {
  /** A workspace's id or name: only it and what belongs to it. Unset: the whole database. */
  workspace?: string;
  /** Include SECRET_TABLES (sealed tokens). */
  withSecrets?: boolean;
  progress?: Progress;
  /** Rows per page (tests). */
  pageRows?: number;
}

export interface BackupSummary {
  file: string;
  header: BackupHeader;
  totalRows: number;
}

/** The application's tables as the generated client lists its models (the schema's order). */
export function modelOrder(db: object): string[] {
  const models = (db as { _runtimeDataModel?: { models?: Record<string, { dbName?: string | null }> } })._runtimeDataModel?.models ?? {};
  return Object.entries(models).map(([name, m]) => m.dbName ?? name);
}

export async function backupDatabase(handle: DbHandle, file: string, options: BackupOptions = {}): Promise<BackupSummary> {
  const { db, target } = handle;
  const provider = target.provider;
  const progress = options.progress ?? silentProgress;
  const pageRows = options.pageRows ?? BACKUP_PAGE_ROWS;
  const workspace = options.workspace === undefined ? undefined : await findWorkspace(db, options.workspace);
  const partial = `${file}.partial-${process.pid}`;
  const reader = await openSnapshot(target);
  const q = querier(reader);
  try {
    const catalog = await readCatalog(q, provider);
    if (catalog.length === 0) throw new DataError('The database has no CRM tables yet: nothing to back up (start the CRM or run `npm run migrate` first).');
    const plans = planTables(catalog, modelOrder(db));
    const header = await buildHeader(q, provider, plans, workspace, options.withSecrets === true);
    progress.begin(header.tables.reduce((n, t) => n + t.rows, 0));
    const byName = new Map(plans.map((p) => [p.name, p]));
    const lines = async function* (): AsyncGenerator<string> {
      yield `${JSON.stringify(header)}\n`;
      const written: Record<string, number> = {};
      for (const table of header.tables) {
        progress.table(table.name, table.rows);
        const condition = workspace ? scopeCondition(byName, table.name, workspace.id, provider) : undefined;
        let n = 0;
        for await (const page of readPages(reader, byName.get(table.name)!, table, condition, pageRows)) {
          n += page.length;
          progress.advance(page.length);
          yield page.join('');
        }
        written[table.name] = n;
      }
      const end: BackupEndLine = { end: true, rows: written };
      yield `${JSON.stringify(end)}\n`;
    };
    // One page in flight at a time: memory stays a page, whatever the table.
    await pipeline(Readable.from(lines(), { highWaterMark: 1 }), createGzip(), createWriteStream(partial));
    await reader.close();
    await rename(partial, file);
    progress.end();
    return { file, header, totalRows: header.tables.reduce((n, t) => n + t.rows, 0) };
  } catch (err) {
    await reader.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  }
}

/** The catalog's and migrations' reads through the snapshot. */
function querier(reader: SnapshotReader): RawQuerier {
  return {
    $queryRawUnsafe: (<T>(sql: string, ...values: unknown[]) => reader.query(sql, values) as Promise<T>) as RawQuerier['$queryRawUnsafe'],
    $executeRawUnsafe: () => Promise.reject(new Error('a backup only reads')),
  };
}

async function buildHeader(
  tx: RawQuerier,
  provider: Provider,
  plans: TablePlan[],
  workspace: WorkspaceRef | undefined,
  withSecrets: boolean,
): Promise<BackupHeader> {
  const migrations = await appliedMigrations(tx, provider);
  const byName = new Map(plans.map((p) => [p.name, p]));
  const tables: BackupTable[] = [];
  const leftOut: BackupHeader['leftOut'] = [];
  for (const plan of plans) {
    if (plan.secret && !withSecrets) {
      leftOut.push({ table: plan.name, reason: 'sealed tokens; add --with-secrets to include them' });
      continue;
    }
    const condition = workspace ? scopeCondition(byName, plan.name, workspace.id, provider) : undefined;
    if (workspace && !condition) {
      leftOut.push({ table: plan.name, reason: 'belongs to no workspace: only in a backup of the whole database' });
      continue;
    }
    const [{ n }] = await tx.$queryRawUnsafe<[{ n: unknown }]>(
      `SELECT COUNT(*) AS n FROM ${quote(plan.name)}${condition ? ` WHERE ${condition.sql}` : ''}`,
      ...(condition?.params ?? []),
    );
    tables.push({
      name: plan.name,
      columns: plan.columns.map((c) => ({ name: c.name, type: c.type as ColumnType })),
      primaryKey: plan.primaryKey,
      rows: Number(n),
    });
  }
  const workspaces = workspace
    ? [workspace]
    : await tx.$queryRawUnsafe<{ id: string; name: string; platform: string }[]>(
        `SELECT ${['id', 'name', 'platform'].map(quote).join(', ')} FROM ${quote(WORKSPACE_TABLE)} ORDER BY ${quote('createdAt')}, ${quote('id')}`,
      );
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: new Date().toISOString(),
    source: { provider },
    migration: migrations.at(-1) ?? null,
    migrations,
    scope: workspace ? 'workspace' : 'all',
    workspaces: workspaces.map((w) => ({ id: w.id, name: w.name, platform: w.platform })),
    withSecrets,
    tables,
    leftOut,
  };
}

/** The migrations a database has applied (finished, not rolled back), oldest first. */
export async function appliedMigrations(db: RawQuerier, provider: Provider): Promise<string[]> {
  if (!(await hasMigrationsTable(db, provider))) return [];
  const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(
    `SELECT migration_name FROM ${quote(MIGRATIONS_TABLE)} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return rows.map((r) => r.migration_name).sort();
}

async function hasMigrationsTable(db: RawQuerier, provider: Provider): Promise<boolean> {
  const rows =
    provider === 'sqlite'
      ? await db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, MIGRATIONS_TABLE)
      : await db.$queryRawUnsafe<unknown[]>(
          `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`,
          MIGRATIONS_TABLE,
        );
  return rows.length > 0;
}

/**
 * A table's rows (one workspace's when `condition` is given), a page at a time in primary key
 * order (keyset: the next page starts after the last key read), each as a finished JSON line.
 */
async function* readPages(
  reader: SnapshotReader,
  plan: TablePlan,
  table: BackupTable,
  condition: Condition | undefined,
  pageRows: number,
): AsyncGenerator<string[]> {
  const columns = table.columns;
  const pk = plan.primaryKey;
  const select = `SELECT ${columns.map((c) => quote(c.name)).join(', ')} FROM ${quote(plan.name)}`;
  const order = ` ORDER BY ${pk.map(quote).join(', ')} LIMIT ${pageRows}`;
  const keyType = pk.map((k) => columns.find((c) => c.name === k)!.type);
  let after: unknown[] | undefined;
  for (;;) {
    const params = [...(condition?.params ?? [])];
    const where: string[] = condition ? [condition.sql] : [];
    if (after) {
      const marks = after.map((_, i) => placeholder(reader.provider, params.length + i + 1));
      where.push(pk.length === 1 ? `${quote(pk[0]!)} > ${marks[0]}` : `(${pk.map(quote).join(', ')}) > (${marks.join(', ')})`);
      params.push(...after);
    }
    const rows = await reader.query(`${select}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${order}`, params);
    if (rows.length === 0) return;
    const lines: string[] = [];
    for (const raw of rows) {
      const row: Record<string, unknown> = {};
      for (const c of columns) row[c.name] = encode(c.type, normalize(c.type, raw[c.name]));
      lines.push(`${JSON.stringify({ table: plan.name, row })}\n`);
    }
    const lastRow = rows[rows.length - 1]!;
    after = pk.map((k, i) => normalize(keyType[i]!, lastRow[k]));
    yield lines;
    if (rows.length < pageRows) return;
  }
}
