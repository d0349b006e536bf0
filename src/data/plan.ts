/**
 * How each table is backed up and restored, worked out from the catalog alone:
 *
 * - Order: every table after the tables its foreign keys point to, so rows restore in that order
 *   with the database's foreign keys on (ties in the schema's model order, else by name).
 * - Scope: which of a table's rows belong to one workspace. The workspace table by its id; a
 *   table with a foreign key to it by that column; any other table through a required foreign key
 *   to a table that is itself scoped (DealContact through its deal); a table with no such path
 *   through a link declared in LINKS (below), else it belongs to no workspace and is in
 *   whole-database backups only.
 * - Secrets: tables in SECRET_TABLES are left out unless asked for.
 */
import { placeholder, quote, type Table } from './catalog.js';
import type { Provider } from '../db/provider.js';

/** The table every workspace-owned row leads to. */
export const WORKSPACE_TABLE = 'Workspace';

/**
 * Tables whose rows hold secrets sealed with CRM_ENCRYPTION_KEY (src/domain/shared/secret-box.ts):
 * left out of a backup unless `--with-secrets`. test/data/catalog.test.ts holds this to the models
 * the schema documents as sealed.
 */
export const SECRET_TABLES: Readonly<Record<string, string>> = {
  SlackInstallation: 'Slack app installations (bot tokens, sealed with CRM_ENCRYPTION_KEY)',
};

/**
 * Rows tied to a workspace by a value rather than a foreign key: a Slack installation belongs to
 * the Slack workspace whose team id it was installed for.
 */
export interface Link {
  column: string;
  table: string;
  references: string;
  /** Only rows of `table` with these values. */
  where: Readonly<Record<string, string>>;
}
export const LINKS: Readonly<Record<string, Link>> = {
  SlackInstallation: { column: 'teamId', table: WORKSPACE_TABLE, references: 'externalId', where: { platform: 'slack' } },
};

export type Scope =
  | { kind: 'workspace' }
  | { kind: 'column'; column: string }
  | { kind: 'parent'; columns: string[]; table: string; references: string[] }
  | { kind: 'link'; link: Link }
  | { kind: 'global' };

export interface TablePlan extends Table {
  scope: Scope;
  secret: boolean;
}

/** The plan cannot be made for this schema: a change to the schema needs a change here. */
export class PlanError extends Error {
  override name = 'PlanError';
}

/**
 * The tables in restore order with their scope. Throws a PlanError for what backup cannot do
 * yet (a table without a primary key, a column type without an encoding, a foreign key cycle),
 * so a schema change that needs one fails the catalog test, not a person's restore.
 */
export function planTables(tables: Table[], modelOrder: readonly string[] = []): TablePlan[] {
  for (const t of tables) {
    if (t.primaryKey.length === 0) throw new PlanError(`table ${t.name} has no primary key: backup reads every table in primary key order`);
    for (const c of t.columns) {
      if (c.type.startsWith('unsupported:')) {
        throw new PlanError(`column ${t.name}.${c.name} has type ${c.type.slice('unsupported:'.length)}, which backups have no encoding for (src/data/codec.ts)`);
      }
    }
  }
  const rank = (name: string) => {
    const i = modelOrder.indexOf(name);
    return i === -1 ? modelOrder.length : i;
  };
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: Table[] = [];
  const placed = new Set<string>();
  const pending = [...tables].sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  while (pending.length > 0) {
    const i = pending.findIndex((t) => t.foreignKeys.every((fk) => fk.table === t.name || placed.has(fk.table) || !byName.has(fk.table)));
    if (i === -1) throw new PlanError(`foreign keys form a cycle among ${pending.map((t) => t.name).join(', ')}: restore inserts parents first`);
    const [t] = pending.splice(i, 1) as [Table];
    for (const fk of t.foreignKeys) {
      if (fk.table === t.name) throw new PlanError(`table ${t.name} references itself (${fk.columns.join(', ')}): restore would need two passes`);
    }
    ordered.push(t);
    placed.add(t.name);
  }
  const scopes = new Map<string, Scope>();
  for (const t of ordered) scopes.set(t.name, scopeOf(t, scopes));
  return ordered.map((t) => ({ ...t, scope: scopes.get(t.name)!, secret: t.name in SECRET_TABLES }));
}

function scopeOf(t: Table, known: Map<string, Scope>): Scope {
  if (t.name === WORKSPACE_TABLE) return { kind: 'workspace' };
  const required = (cols: string[]) => cols.every((c) => t.columns.find((x) => x.name === c)?.nullable === false);
  const direct = t.foreignKeys.filter((fk) => fk.table === WORKSPACE_TABLE && fk.columns.length === 1);
  const column = direct.find((fk) => required(fk.columns)) ?? direct[0];
  if (column) return { kind: 'column', column: column.columns[0]! };
  const parent = t.foreignKeys.find((fk) => required(fk.columns) && (known.get(fk.table)?.kind ?? 'global') !== 'global');
  if (parent) return { kind: 'parent', columns: parent.columns, table: parent.table, references: parent.references };
  const link = LINKS[t.name];
  if (link) return { kind: 'link', link };
  return { kind: 'global' };
}

/** A WHERE condition with its bind values, numbered from `first`. */
export interface Condition {
  sql: string;
  params: unknown[];
}

/**
 * The condition that keeps one workspace's rows of `table` (`workspaceId` is bound as a
 * parameter), or `undefined` for a table that belongs to no workspace.
 */
export function scopeCondition(
  plans: ReadonlyMap<string, TablePlan>,
  table: string,
  workspaceId: string,
  provider: Provider,
  first = 1,
): Condition | undefined {
  const plan = plans.get(table);
  if (!plan) throw new PlanError(`no table ${table}`);
  const scope = plan.scope;
  const p = (n: number) => placeholder(provider, n);
  switch (scope.kind) {
    case 'workspace':
      return { sql: `${quote('id')} = ${p(first)}`, params: [workspaceId] };
    case 'column':
      return { sql: `${quote(scope.column)} = ${p(first)}`, params: [workspaceId] };
    case 'parent': {
      const inner = scopeCondition(plans, scope.table, workspaceId, provider, first);
      if (!inner) return undefined;
      const cols = scope.columns.map(quote).join(', ');
      const refs = scope.references.map(quote).join(', ');
      const lhs = scope.columns.length === 1 ? cols : `(${cols})`;
      return { sql: `${lhs} IN (SELECT ${refs} FROM ${quote(scope.table)} WHERE ${inner.sql})`, params: inner.params };
    }
    case 'link': {
      const { link } = scope;
      const inner = scopeCondition(plans, link.table, workspaceId, provider, first);
      if (!inner) return undefined;
      const extra = Object.entries(link.where);
      let n = first + inner.params.length;
      const filters = extra.map(([col]) => ` AND ${quote(col)} = ${p(n++)}`).join('');
      return {
        sql: `${quote(link.column)} IN (SELECT ${quote(link.references)} FROM ${quote(link.table)} WHERE ${inner.sql}${filters})`,
        params: [...inner.params, ...extra.map(([, v]) => v)],
      };
    }
    case 'global':
      return undefined;
  }
}
