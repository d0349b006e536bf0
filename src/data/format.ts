/**
 * The backup file (docs/backup.md): gzip'd JSON Lines.
 *
 *   line 1      the header (BackupHeader): what wrote it, from which database, at which migration,
 *               which workspaces, which tables with their columns and row counts, what was left out
 *   lines 2…    one row each: {"table":"Deal","row":{…}}, tables in foreign-key order (parents
 *               first), each table's rows together, in primary key order; values as in codec.ts
 *   last line   the end mark: {"end":true,"rows":{"Deal":100000,…}}; a file without it is cut short
 */
import type { ColumnType } from './catalog.js';

export const BACKUP_FORMAT = 'deal-desk-backup';
export const BACKUP_VERSION = 1;

export interface BackupTable {
  name: string;
  columns: { name: string; type: ColumnType }[];
  primaryKey: string[];
  /** Rows that follow for this table. */
  rows: number;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** When the backup's snapshot was taken (ISO 8601 UTC). */
  createdAt: string;
  source: { provider: 'sqlite' | 'postgresql' };
  /** The newest migration the source database had applied (null: none recorded). */
  migration: string | null;
  /** Every migration the source database had applied, oldest first. */
  migrations: string[];
  /** `all`: the whole database; `workspace`: the workspaces listed, and what belongs to them. */
  scope: 'all' | 'workspace';
  workspaces: { id: string; name: string; platform: string }[];
  /** True when secret tables (plan.ts, SECRET_TABLES) are in the file. */
  withSecrets: boolean;
  tables: BackupTable[];
  /** Tables whose rows are not in the file, and why. */
  leftOut: { table: string; reason: string }[];
}

export interface BackupRowLine {
  table: string;
  row: Record<string, unknown>;
}

export interface BackupEndLine {
  end: true;
  rows: Record<string, number>;
}
