import path from 'node:path';

export type Provider = 'sqlite' | 'postgresql';

export type DatabaseTarget =
  | { provider: 'sqlite'; url: string; sqlitePath: string }
  | { provider: 'postgresql'; url: string; schema: string | undefined };

/** What DATABASE_URL may look like, in the words every refusal uses. */
export const DATABASE_URL_FORMS = 'file:<path> (SQLite, e.g. file:./data/crm.db) or postgresql://user@host:5432/db (PostgreSQL)';

/** A DATABASE_URL that names no database this app can open; the message names the variable. */
export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** An in-memory SQLite database (tests and tools only; no data survives). */
const SQLITE_MEMORY = ':memory:';

/**
 * Why this DATABASE_URL cannot be used, in a few words (without the variable's name), or
 * undefined when it can: only `file:<path>` and `postgres://` / `postgresql://` are databases; any
 * other text (`garbage`, `mysql://…`, `sqlite:crm.db`) is refused rather than taken for a file name.
 */
export function databaseUrlProblem(url: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  if (POSTGRES_URL.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return `is not a valid PostgreSQL URL: use ${DATABASE_URL_FORMS}`;
    }
    if (!parsed.hostname) return `has no host: use ${DATABASE_URL_FORMS}`;
    const schema = parsed.searchParams.get('schema');
    if (schema !== null && !SCHEMA_NAME.test(schema)) {
      return 'has a ?schema= that is not a plain name (letters, digits and _, not starting with a digit)';
    }
    return undefined;
  }
  if (url.startsWith('file:')) {
    const raw = url.slice('file:'.length);
    if (raw.trim() === '') return `has no file path after file: (e.g. file:./data/crm.db)`;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return `must be ${DATABASE_URL_FORMS}`;
    return undefined;
  }
  // The value itself is never repeated: it may hold a password.
  if (scheme && scheme.length > 1) return `must be ${DATABASE_URL_FORMS}, not a ${scheme}: URL`;
  return `must be ${DATABASE_URL_FORMS}; a bare name or path is not read as a SQLite file: write file:<path>`;
}

/**
 * Reads a DATABASE_URL: `file:<path>` is SQLite, `postgres://` or `postgresql://` is PostgreSQL
 * (an optional `?schema=` picks the schema, default `public`). Anything else throws a
 * DatabaseUrlError naming DATABASE_URL (`:memory:` alone, an in-memory SQLite database, is for
 * tools and tests).
 */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseTarget {
  if (url === SQLITE_MEMORY) return { provider: 'sqlite', url: `file:${SQLITE_MEMORY}`, sqlitePath: SQLITE_MEMORY };
  const problem = databaseUrlProblem(url);
  if (problem) throw new DatabaseUrlError(`DATABASE_URL ${problem}`);
  if (POSTGRES_URL.test(url)) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    // The schema engine and the client both resolve unqualified names through search_path.
    if (schema) parsed.searchParams.set('options', `-c search_path=${schema}`);
    return { provider: 'postgresql', url: parsed.toString(), schema };
  }
  const raw = url.slice('file:'.length);
  const sqlitePath = raw === SQLITE_MEMORY ? raw : path.resolve(cwd, raw);
  return { provider: 'sqlite', url: `file:${sqlitePath}`, sqlitePath };
}

/** The URL with any password replaced, for logs and messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
