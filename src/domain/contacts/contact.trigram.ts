/**
 * Contacts whose name or email merely contains a text, found through SQLite's trigram index
 * (`ContactSearch`, FTS5, migration `*_contact_search_fts`) instead of a pass over every contact's
 * name: at 100,000 contacts that pass is 13–19 ms whatever it finds, the index answers a rare text
 * in well under a millisecond (bench/README.md, "Contacts, companies and tasks").
 *
 * The index serves when it can name every contact that holds the text: SQLite, text of at least
 * three characters (an index of trigrams), and at most `TRIGRAM_CANDIDATES` (a page:
 * `TRIGRAM_PAGE_CANDIDATES`) contacts holding it in the whole database. Text that common is found sooner by the ordered pass, which stops at the
 * first page of matches; the callers keep that pass for it, and for PostgreSQL (docs/database.md,
 * "Searching contacts and companies").
 */
import { isSqliteClient, type Db } from '../../db/client.js';

/**
 * Beyond this many contacts holding the text (any workspace), the ordered pass is used instead: a
 * list (`/deal contacts <search>`), which counts its matches up to 1,000, asks up to 2,000; a
 * search for a page of 10 up to 500, since text that many hold fills a page within the first
 * few thousand names of the pass, sooner than the index's candidates are read and sorted.
 */
export const TRIGRAM_CANDIDATES = 2_000;
export const TRIGRAM_PAGE_CANDIDATES = 500;

/**
 * The index is asked for the text's first characters only (the rows it names are checked
 * against the whole text): every trigram of a phrase is a list to intersect, and the long tail of
 * an email (`@mail.example`) is in most of them, 6 ms for a whole address where its first twelve
 * characters take under 1 ms and still name a handful.
 */
export const TRIGRAM_PROBE_CHARS = 12;

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
  const probe = [...key].slice(0, TRIGRAM_PROBE_CHARS).join('');
  const phrase = `"${probe.replaceAll('"', '""')}"`;
  const cols = [columns.names ? '"nameKey"' : null, columns.emails ? '"email"' : null].filter(Boolean).join(' ');
  return `{${cols}} : ${phrase}`;
}

/**
 * The FTS5 query to use for `key`, or null when the trigram index cannot answer completely: not
 * SQLite, text shorter than a trigram, or more than `TRIGRAM_CANDIDATES` contacts hold it.
 */
export async function trigramMatch(db: Db, key: string, columns: SearchColumns, maxCandidates = TRIGRAM_CANDIDATES): Promise<string | null> {
  if (!isSqlite(db) || [...key].length < 3 || (!columns.names && !columns.emails)) return null;
  const match = trigramQuery(key, columns);
  const [row] = await db.$queryRaw<{ n: bigint | number }[]>`
    SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "ContactSearch" WHERE "ContactSearch" MATCH ${match} LIMIT ${maxCandidates + 1}) AS "held"`;
  return Number(row?.n ?? 0) <= maxCandidates ? match : null;
}
