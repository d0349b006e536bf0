/**
 * What the database itself says it holds: its tables, their columns (with a logical type read
 * from the declared SQL type), primary keys and foreign keys, on SQLite and on PostgreSQL alike.
 * Backup, restore and their tests work from this, never from a hand-kept list of tables, so a
 * table a migration adds is backed up and restored without an edit here
 * (test/data/catalog.test.ts holds it to the schema's models).
 */
import type { Provider } from '../db/provider.js';

/** A column's kind of value, as backup files record it (Prisma's scalar type names). */
export type ColumnType = 'String' | 'Int' | 'BigInt' | 'Float' | 'Boolean' | 'DateTime';
export const COLUMN_TYPES: readonly ColumnType[] = ['String', 'Int', 'BigInt', 'Float', 'Boolean', 'DateTime'];

export interface Column {
  name: string;
  /** The logical type, or `unsupported:<declared SQL type>` for one backup has no encoding for. */
  type: ColumnType | `unsupported:${string}`;
  nullable: boolean;
}

export interface ForeignKey {
  columns: string[];
  table: string;
  references: string[];
}

export interface Table {
  name: string;
  columns: Column[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
}

/** Prisma's own bookkeeping: applied migrations. Recorded in a backup's header, never as rows. */
export const MIGRATIONS_TABLE = '_prisma_migrations';

/** The one method of a Prisma client (or transaction client) the catalog reads through. */
export interface RawQuerier {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** An SQL identifier in double quotes (both databases). */
export const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The n-th (1-based) bind parameter: `?` on SQLite, `$n` on PostgreSQL. */
export const placeholder = (provider: Provider, n: number): string => (provider === 'sqlite' ? '?' : `$${n}`);

/** The application's tables (every table but Prisma's migration log), in name order; foreign keys by column. */
export async function readCatalog(db: RawQuerier, provider: Provider): Promise<Table[]> {
  const tables = provider === 'sqlite' ? await readSqlite(db) : await readPostgres(db);
  for (const t of tables) t.foreignKeys.sort((a, b) => compare(a.columns.join(','), b.columns.join(',')));
  return tables.filter((t) => t.name !== MIGRATIONS_TABLE).sort((a, b) => compare(a.name, b.name));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Declared SQL types as Prisma's migrations write them, per provider. */
function sqliteType(declared: string): Column['type'] {
  const t = declared.trim().toUpperCase();
  if (t === 'TEXT') return 'String';
  if (t === 'INTEGER') return 'Int';
  if (t === 'BIGINT') return 'BigInt';
  if (t === 'REAL') return 'Float';
  if (t === 'BOOLEAN') return 'Boolean';
  if (t === 'DATETIME') return 'DateTime';
  return `unsupported:${declared}`;
}

function postgresType(dataType: string): Column['type'] {
  switch (dataType) {
    case 'text':
    case 'character varying':
    case 'character':
      return 'String';
    case 'integer':
    case 'smallint':
      return 'Int';
    case 'bigint':
      return 'BigInt';
    case 'double precision':
    case 'real':
      return 'Float';
    case 'boolean':
      return 'Boolean';
    case 'timestamp without time zone':
    case 'timestamp with time zone':
      return 'DateTime';
    default:
      return `unsupported:${dataType}`;
  }
}

async function readSqlite(db: RawQuerier): Promise<Table[]> {
  const names = await db.$queryRawUnsafe<{ name: string }[]>(
    // Ordinary tables only: not FTS5's virtual tables and their shadow tables (contact search, which
    // the triggers rebuild from Contact on restore; src/db/search-index.ts).
    "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  );
  const tables: Table[] = [];
  for (const { name } of names) {
    const info = await db.$queryRawUnsafe<{ name: string; type: string; notnull: unknown; pk: unknown }[]>(
      `PRAGMA table_info(${quote(name)})`,
    );
    const fks = await db.$queryRawUnsafe<{ id: unknown; seq: unknown; table: string; from: string; to: string | null }[]>(
      `PRAGMA foreign_key_list(${quote(name)})`,
    );
    const byId = new Map<number, ForeignKey>();
    for (const fk of [...fks].sort((a, b) => Number(a.id) - Number(b.id) || Number(a.seq) - Number(b.seq))) {
      const id = Number(fk.id);
      let key = byId.get(id);
      if (!key) byId.set(id, (key = { columns: [], table: fk.table, references: [] }));
      key.columns.push(fk.from);
      key.references.push(fk.to ?? 'rowid');
    }
    tables.push({
      name,
      columns: info.map((c) => ({ name: c.name, type: sqliteType(c.type), nullable: Number(c.notnull) === 0 && Number(c.pk) === 0 })),
      primaryKey: info
        .filter((c) => Number(c.pk) > 0)
        .sort((a, b) => Number(a.pk) - Number(b.pk))
        .map((c) => c.name),
      foreignKeys: [...byId.values()],
    });
  }
  return tables;
}

async function readPostgres(db: RawQuerier): Promise<Table[]> {
  // current_schema(): the URL's ?schema= (its search_path), else public.
  const columns = await db.$queryRawUnsafe<{ table: string; column: string; data_type: string; nullable: string }[]>(
    `SELECT c.table_name AS "table", c.column_name AS "column", c.data_type, c.is_nullable AS nullable
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const keys = await db.$queryRawUnsafe<{ table: string; kind: string; name: string; columns: string[]; ref_table: string | null; ref_columns: string[] | null }[]>(
    `SELECT cl.relname AS "table", c.contype::text AS kind, c.conname AS name,
            ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
            fcl.relname::text AS ref_table,
            CASE WHEN c.contype = 'f' THEN
              ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
            END AS ref_columns
       FROM pg_constraint c
       JOIN pg_class cl ON cl.oid = c.conrelid
       JOIN pg_namespace ns ON ns.oid = cl.relnamespace
       LEFT JOIN pg_class fcl ON fcl.oid = c.confrelid
      WHERE ns.nspname = current_schema() AND c.contype IN ('p', 'f')
      ORDER BY cl.relname, c.conname`,
  );
  const tables = new Map<string, Table>();
  for (const c of columns) {
    let t = tables.get(c.table);
    if (!t) tables.set(c.table, (t = { name: c.table, columns: [], primaryKey: [], foreignKeys: [] }));
    t.columns.push({ name: c.column, type: postgresType(c.data_type), nullable: c.nullable === 'YES' });
  }
  for (const k of keys) {
    const t = tables.get(k.table);
    if (!t) continue;
    if (k.kind === 'p') t.primaryKey = k.columns;
    else if (k.ref_table && k.ref_columns) t.foreignKeys.push({ columns: k.columns, table: k.ref_table, references: k.ref_columns });
  }
  return [...tables.values()];
}
