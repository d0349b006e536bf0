/**
 * `npm run restore -- <file>`: rebuilds a backup (format.ts) in an empty database, SQLite or
 * PostgreSQL, whichever made it.
 *
 * 1. Reads the header; refuses a file that is not a backup, or was made by a newer CRM.
 * 2. Refuses a database that holds any row (nothing is changed, not even a migration).
 * 3. Migrates the empty database to the backup's migration (the same tables and columns the
 *    rows were read from).
 * 4. Inserts every row in one transaction through the driver (bulk.ts), in the file's order
 *    (parents first), many rows per statement; a file cut short (no end mark, or fewer rows than
 *    its header says), a bad value or (SQLite, checked once at the end) a row pointing at a row
 *    that is not there rolls everything back.
 * 5. Puts sequences past the restored values (PostgreSQL serial and identity columns; counters
 *    such as Workspace.nextDealNumber are ordinary data and come back with their rows).
 * 6. Applies the migrations this CRM has that the backup predates, as a start would, so that
 *    they transform the restored data as they transformed everyone else's.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { openDatabase, type DbHandle } from '../db/client.js';
import { providerSchemaPath, readMigrations } from '../db/datamodel.js';
import { migrateDatabase } from '../db/migrate.js';
import { parseDatabaseUrl, redactUrl, type DatabaseTarget } from '../db/provider.js';
import { openSchemaEngine } from '../db/schema-engine.js';
import { appliedMigrations } from './backup.js';
import { BULK_PARAMS_PER_STATEMENT, openBulkWriter, type BulkWriter } from './bulk.js';
import { COLUMN_TYPES, quote, readCatalog, type Table } from './catalog.js';
import { CodecError, decode } from './codec.js';
import { DataError } from './errors.js';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupHeader, type BackupTable } from './format.js';
import { silentProgress, type Progress } from './progress.js';
import { MIGRATION_FILTERS } from '../db/search-index.js';


export interface RestoreOptions {
  progress?: Progress;
  /** Engine log lines while migrating. */
  log?: (line: string) => void;
}

export interface RestoreSummary {
  header: BackupHeader;
  totalRows: number;
  /** Migrations applied after the rows, for a backup older than this CRM. */
  upgradedWith: string[];
}

export async function restoreDatabase(url: string | DatabaseTarget, file: string, options: RestoreOptions = {}): Promise<RestoreSummary> {
  const target = typeof url === 'string' ? parseDatabaseUrl(url) : url;
  const progress = options.progress ?? silentProgress;
  const header = await readHeader(file);
  const known = readMigrations(target.provider).migrationDirectories.map((d) => d.path);
  checkMigrations(header, known);
  await refuseNonEmpty(target, header);

  if (header.migrations.length === known.length) await migrateDatabase(target, { log: options.log });
  else await migrateTo(target, header.migrations.length, options.log);

  const handle = await openDatabase(target);
  let tables: Map<string, Table>;
  try {
    tables = await checkTables(handle, header);
  } finally {
    await handle.close();
  }
  const totalRows = header.tables.reduce((n, t) => n + t.rows, 0);
  progress.begin(totalRows);
  const writer = await openBulkWriter(target);
  try {
    await insertRows(writer, file, header, tables, progress);
    await writer.commit(file);
  } catch (err) {
    await writer.rollback();
    throw err;
  }
  progress.end();
  const upgradedWith = header.migrations.length < known.length ? (await migrateDatabase(target, { log: options.log })).applied : [];
  return { header, totalRows, upgradedWith };
}

/**
 * The file's lines, gunzipped when the file is gzip (a plain .jsonl file is read too). Read as the
 * consumer asks for them (the stream's own async iterator, which pauses the file while a batch is
 * written): readline's iterator would read ahead and hold the whole file in memory.
 */
async function lines(file: string): Promise<{ lines: AsyncIterable<string>; close(): void }> {
  const fh = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new DataError(err.code === 'ENOENT' ? `No file ${file}.` : `Cannot read ${file}: ${err.message}`);
  });
  const magic = Buffer.alloc(2);
  await fh.read(magic, 0, 2, 0);
  await fh.close();
  const raw = createReadStream(file);
  const gzip = magic[0] === 0x1f && magic[1] === 0x8b;
  const stream: Readable = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (err) => stream.destroy(err));
  stream.setEncoding('utf8');
  async function* split(): AsyncGenerator<string> {
    let carry = '';
    for await (const chunk of stream as AsyncIterable<string>) {
      const parts = (carry + chunk).split('\n');
      carry = parts.pop()!;
      for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
    }
    if (carry !== '') yield carry;
  }
  return {
    lines: split(),
    close: () => {
      stream.destroy();
      raw.destroy();
    },
  };
}

function notABackup(file: string, why: string): DataError {
  return new DataError(`${file} is not a Deal Desk backup (${why}): make one with \`npm run backup -- --out <file>\`.`);
}

export async function readHeader(file: string): Promise<BackupHeader> {
  const { lines: it, close } = await lines(file);
  try {
    let first: string | undefined;
    try {
      for await (const line of it) {
        first = line;
        break;
      }
    } catch (err) {
      throw notABackup(file, `it cannot be read: ${(err as Error).message}`);
    }
    if (first === undefined) throw notABackup(file, 'it is empty');
    let header: Partial<BackupHeader>;
    try {
      header = JSON.parse(first) as Partial<BackupHeader>;
    } catch {
      throw notABackup(file, 'its first line is not JSON');
    }
    if (header.format !== BACKUP_FORMAT) throw notABackup(file, `its first line does not say format "${BACKUP_FORMAT}"`);
    if (typeof header.version !== 'number' || header.version > BACKUP_VERSION) {
      throw new DataError(`${file} is a version ${String(header.version)} backup; this CRM reads version ${BACKUP_VERSION}: update the CRM first.`);
    }
    if (!Array.isArray(header.tables) || !Array.isArray(header.migrations)) throw notABackup(file, 'its header lists no tables or migrations');
    for (const t of header.tables) {
      for (const c of t.columns) {
        if (!COLUMN_TYPES.includes(c.type)) throw notABackup(file, `column ${t.name}.${c.name} has an unknown type ${String(c.type)}`);
      }
    }
    return header as BackupHeader;
  } finally {
    close();
  }
}

/** The backup's migrations must be this CRM's first ones (the same, or fewer: it is older). */
function checkMigrations(header: BackupHeader, known: string[]): void {
  if (header.migrations.length === 0) {
    throw new DataError('The backup records no migrations, so the tables it needs are unknown: it cannot be restored.');
  }
  const unknown = header.migrations.filter((m) => !known.includes(m));
  if (unknown.length > 0) {
    throw new DataError(
      `The backup was made by a newer version of the CRM (its database had migration ${unknown[0]}, which this version does not know): update the CRM, then restore.`,
    );
  }
  header.migrations.forEach((m, i) => {
    if (known[i] !== m) {
      throw new DataError(`The backup's migrations differ from this CRM's (${m} where this version has ${known[i] ?? 'none'}): restore it with the version that made it.`);
    }
  });
}

function describeTarget(target: DatabaseTarget): string {
  return target.provider === 'sqlite' ? `The SQLite file ${target.sqlitePath}` : `The PostgreSQL database ${redactUrl(target.url)}`;
}

/** Refuses a database with any row in any table, or one already migrated past the backup. */
async function refuseNonEmpty(target: DatabaseTarget, header: BackupHeader): Promise<void> {
  if (target.provider === 'sqlite' && (target.sqlitePath === ':memory:' || !existsSync(target.sqlitePath))) return;
  const handle = await openDatabase(target);
  try {
    const filled: string[] = [];
    for (const table of await readCatalog(handle.db, target.provider)) {
      const [{ n }] = await handle.db.$queryRawUnsafe<[{ n: unknown }]>(`SELECT COUNT(*) AS n FROM ${quote(table.name)}`);
      if (Number(n) > 0) filled.push(`${table.name}: ${Number(n).toLocaleString('en-US')} row${Number(n) === 1 ? '' : 's'}`);
    }
    if (filled.length > 0) {
      const shown = filled.length > 4 ? `${filled.slice(0, 4).join(', ')}, and ${filled.length - 4} more tables` : filled.join(', ');
      throw new DataError(
        `${describeTarget(target)} is not empty (${shown}). Restore only fills an empty database, so nothing was changed: point DATABASE_URL at a new SQLite file or an empty PostgreSQL database (or schema).`,
      );
    }
    const applied = await appliedMigrations(handle.db, target.provider);
    const ahead = applied.filter((m) => !header.migrations.includes(m));
    if (ahead.length > 0) {
      throw new DataError(
        `${describeTarget(target)} is empty but already migrated past the backup (${ahead.at(-1)}), so the backup's rows would not fit its tables: restore into a new database.`,
      );
    }
  } finally {
    await handle.close();
  }
}

/** Applies this CRM's first `count` migrations (the backup's), not the later ones. */
async function migrateTo(target: DatabaseTarget, count: number, log?: (line: string) => void): Promise<void> {
  if (target.provider === 'postgresql' && target.schema) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(target.schema)}`);
    } finally {
      await client.end();
    }
  }
  const all = readMigrations(target.provider);
  const schemaPath = providerSchemaPath(target.provider);
  const { engine, close } = await openSchemaEngine(target, { path: schemaPath, content: readFileSync(schemaPath, 'utf8') }, { log });
  try {
    await engine.applyMigrations({
      migrationsList: { ...all, migrationDirectories: all.migrationDirectories.slice(0, count) },
      filters: MIGRATION_FILTERS,
    } as never);
  } finally {
    await close();
  }
}

/** Every table and column of the backup exists in the migrated database, with the same type. */
async function checkTables(handle: DbHandle, header: BackupHeader): Promise<Map<string, Table>> {
  const tables = new Map((await readCatalog(handle.db, handle.target.provider)).map((t) => [t.name, t]));
  for (const t of header.tables) {
    const there = tables.get(t.name);
    if (!there) throw new DataError(`The backup has table ${t.name}, which the migrated database does not: the backup does not match its migrations.`);
    for (const c of t.columns) {
      const col = there.columns.find((x) => x.name === c.name);
      if (!col || col.type !== c.type) {
        throw new DataError(
          `The backup's column ${t.name}.${c.name} (${c.type}) is ${col ? `a ${col.type} column` : 'missing'} in the migrated database: the backup does not match its migrations.`,
        );
      }
    }
  }
  return tables;
}

interface Batch {
  table: BackupTable;
  rows: unknown[][];
  perStatement: number;
}

async function insertRows(
  writer: BulkWriter,
  file: string,
  header: BackupHeader,
  tables: Map<string, Table>,
  progress: Progress,
): Promise<void> {
  const declared = new Map(header.tables.map((t) => [t.name, t]));
  const counts = new Map<string, number>();
  const finished = new Set<string>();
  let batch: Batch | undefined;
  let ended = false;
  let lineNo = 0;
  const flush = async () => {
    if (!batch || batch.rows.length === 0) return;
    await writer.insert(batch.table.name, batch.table.columns, batch.rows);
    progress.advance(batch.rows.length);
    batch.rows = [];
  };
  const { lines: it, close } = await lines(file);
  try {
    for await (const line of it) {
      lineNo++;
      if (lineNo === 1 || line === '') continue;
      if (ended) throw new DataError(`${file}, line ${lineNo}: data after the end mark: the file is damaged, so nothing was restored.`);
      let parsed: { table?: unknown; row?: unknown; end?: unknown; rows?: unknown };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        throw new DataError(`${file}, line ${lineNo}: not JSON: the file is damaged, so nothing was restored.`);
      }
      if (parsed.end === true) {
        await flush();
        ended = true;
        continue;
      }
      const name = typeof parsed.table === 'string' ? parsed.table : '';
      const table = declared.get(name);
      if (!table || typeof parsed.row !== 'object' || parsed.row === null) {
        throw new DataError(`${file}, line ${lineNo}: not a row of a table the header lists: the file is damaged, so nothing was restored.`);
      }
      if (batch?.table.name !== name) {
        await flush();
        if (batch) finished.add(batch.table.name);
        if (finished.has(name)) throw new DataError(`${file}, line ${lineNo}: ${name}'s rows are not together: the file is damaged, so nothing was restored.`);
        progress.table(name, table.rows);
        batch = { table, rows: [], perStatement: Math.max(1, Math.floor(BULK_PARAMS_PER_STATEMENT / table.columns.length)) };
        if (!tables.has(name)) throw new DataError(`No table ${name} in the database.`);
      }
      const row = parsed.row as Record<string, unknown>;
      const values = table.columns.map((c) => {
        try {
          return decode(c.type, row[c.name]);
        } catch (err) {
          if (err instanceof CodecError) {
            throw new DataError(`${file}, line ${lineNo}: ${name}.${c.name}: ${err.message}, so nothing was restored.`);
          }
          throw err;
        }
      });
      batch.rows.push(values);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (batch.rows.length >= batch.perStatement) await flush();
    }
  } finally {
    close();
  }
  if (!ended) throw new DataError(`${file} ends before its end mark (cut short while copying?), so nothing was restored.`);
  for (const t of header.tables) {
    const n = counts.get(t.name) ?? 0;
    if (n !== t.rows) {
      throw new DataError(`${file} has ${n} ${t.name} rows where its header says ${t.rows}: the file is damaged, so nothing was restored.`);
    }
  }
}
