/**
 * Contacts whose name or email merely contains a text, found through SQLite's trigram index
 * (`ContactSearch`, FTS5, migration `*_contact_search_fts`) instead of a pass over every contact's
 * name: at 100,000 contacts that pass is 13–19 ms whatever it finds, the index answers a rare text
 * in well under a millisecond (bench/README.md, "Contacts, companies and tasks").
 *
 * The index serves when it can name every contact that holds the text: SQLite, text of at least
 * three characters (an index of trigrams), and at most `TRIGRAM_CANDIDATES` contacts holding it in
 * the whole database. Text that common is found sooner by the ordered pass, which stops at the
 * first page of matches; the callers keep that pass for it, and for PostgreSQL (docs/database.md,
 * "Searching contacts and companies").
 */
import { isSqliteClient, type Db } from '../../db/client.js';

/** Beyond this many contacts holding the text (any workspace), the ordered pass is used instead. */
export const TRIGRAM_CANDIDATES = 2_000;

/** Which columns a search looks in (`names` is 0 for text with an `@`, `emails` 0 for text no email holds). */
export interface SearchColumns {
  names: 0 | 1;
  emails: 0 | 1;
}

function isSqlite(db: Db): boolean {
  return isSqliteClient(db) || (db as { _activeProvider?: unknown })._activeProvider === 'sqlite';
}

/** The FTS5 query for "this text, as one run of characters, in these columns". */
export function trigramQuery(key: string, columns: SearchColumns): string {
  const phrase = `"${key.replaceAll('"', '""')}"`;
  const cols = [columns.names ? '"nameKey"' : null, columns.emails ? '"email"' : null].filter(Boolean).join(' ');
  return `{${cols}} : ${phrase}`;
}

/**
 * The FTS5 query to use for `key`, or null when the trigram index cannot answer completely: not
 * SQLite, text shorter than a trigram, or more than `TRIGRAM_CANDIDATES` contacts hold it.
 */
export async function trigramMatch(db: Db, key: string, columns: SearchColumns): Promise<string | null> {
  if (!isSqlite(db) || [...key].length < 3 || (!columns.names && !columns.emails)) return null;
  const match = trigramQuery(key, columns);
  const [row] = await db.$queryRaw<{ n: bigint | number }[]>`
    SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "ContactSearch" WHERE "ContactSearch" MATCH ${match} LIMIT ${TRIGRAM_CANDIDATES + 1}) AS "held"`;
  return Number(row?.n ?? 0) <= TRIGRAM_CANDIDATES ? match : null;
}
