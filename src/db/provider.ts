import path from 'node:path';

export type Provider = 'sqlite' | 'postgresql';

export type DatabaseTarget =
  | { provider: 'sqlite'; url: string; sqlitePath: string }
  | { provider: 'postgresql'; url: string; schema: string | undefined };

/**
 * Reads a DATABASE_URL: `file:<path>` (or a bare path) is SQLite, `postgres://` or
 * `postgresql://` is PostgreSQL (an optional `?schema=` picks the schema, default `public`).
 */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    if (schema) {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw new Error('DATABASE_URL: schema must be a plain identifier');
      // The schema engine and the client both resolve unqualified names through search_path.
      parsed.searchParams.set('options', `-c search_path=${schema}`);
    }
    return { provider: 'postgresql', url: parsed.toString(), schema };
  }
  const raw = url.startsWith('file:') ? url.slice('file:'.length) : url;
  if (raw === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw new Error(`DATABASE_URL must be file:<path> (SQLite) or postgresql://… (got a ${url.split(':')[0]} URL)`);
  }
  const sqlitePath = raw === ':memory:' ? raw : path.resolve(cwd, raw);
  return { provider: 'sqlite', url: `file:${sqlitePath}`, sqlitePath };
}

/** The URL with any password replaced, for logs and messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
