/**
 * Contacts, companies and their cards at scale: the domain services (createCrm, Prisma) over
 * 100,000 contacts, 20,000 companies, 100,000 deals, 200,000 activities and 20,000 tasks
 * (bench/records-seed.ts). Prints p50/p99/max per call against the target p99 < 20 ms on SQLite,
 * and the process's CPU time per call (p50/p99): on a machine shared with other work the wall
 * clock also counts the waits for a core, the CPU time mostly does not (on PostgreSQL it leaves
 * out the server's own work).
 * See bench/README.md, "Contacts, companies and tasks".
 *
 *   npx tsx bench/records.ts [--provider sqlite|postgresql|both] [--iterations 300] [--warmup 30] [--reuse]
 *                            [--contacts 100000] [--companies 20000] [--deals 100000] [--activities 200000] [--tasks 20000]
 *                            [--only <text>] [--explain <text>] [--pragma "cache_size = -32768"]
 *
 * --only runs the calls whose name contains the text; --explain prints, for those calls, every SQL
 * statement Prisma sent with its time and the database's plan (EXPLAIN QUERY PLAN on SQLite,
 * EXPLAIN ANALYZE on PostgreSQL).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { openDatabase, type Db } from '../src/db/client.js';
import { parseDatabaseUrl, type DatabaseTarget } from '../src/db/provider.js';
import { PrismaClient as SqliteClient } from '../src/generated/sqlite/client.js';
import { PrismaClient as PostgresClient } from '../src/generated/postgresql/client.js';
import { createCrm, FixedClock, type Actor } from '../src/domain/index.js';
import { isDomainError } from '../src/domain/errors.js';
import { MISS_WORDS, NOW, openRaw, type Raw } from './seed.js';
import { HUB_CONTACTS, seedRecords, type RecordSizes } from './records-seed.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SQLITE_URL = process.env.BENCH_RECORDS_SQLITE_URL ?? `file:${path.join(HERE, '.data', 'records.db')}`;
const PG_URL = process.env.BENCH_RECORDS_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test?schema=crm_records_bench';
const TARGET_MS = 20;

const { values: args } = parseArgs({
  options: {
    provider: { type: 'string', default: 'sqlite' },
    iterations: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '30' },
    reuse: { type: 'boolean', default: false },
    contacts: { type: 'string', default: '100000' },
    companies: { type: 'string', default: '20000' },
    deals: { type: 'string', default: '100000' },
    activities: { type: 'string', default: '200000' },
    tasks: { type: 'string', default: '20000' },
    only: { type: 'string' },
    explain: { type: 'string' },
    /** SQLite only: a PRAGMA run on the app's connection before measuring (trying a src/db/client.ts setting). */
    pragma: { type: 'string' },
  },
});
const ITERATIONS = Number(args.iterations);
const WARMUP = Number(args.warmup);
const SIZES: RecordSizes = {
  contacts: Number(args.contacts),
  companies: Number(args.companies),
  deals: Number(args.deals),
  activities: Number(args.activities),
  tasks: Number(args.tasks),
};
const providers = args.provider === 'both' ? ['sqlite', 'postgresql'] : [args.provider!];
if (!providers.every((p) => p === 'sqlite' || p === 'postgresql') || !(ITERATIONS >= 1) || !(WARMUP >= 0) ||
  !Object.values(SIZES).every((n) => Number.isInteger(n) && n >= 10)) {
  console.error('usage: npx tsx bench/records.ts [--provider sqlite|postgresql|both] [--iterations N] [--warmup N] [--reuse] [--only text] [--explain text]');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// What is asked: parameters drawn from the seeded rows

interface Samples {
  actors: Actor[];
  typicalContacts: { id: string; name: string; email: string }[];
  hubContacts: { id: string; deals: number }[];
  uniqueNames: string[];
  typicalCompanies: { id: string; name: string; domain: string | null }[];
  bigCompanies: { id: string; name: string; contacts: number; deals: number }[];
}

/** Every n-th of the rows, `count` of them, so that samples spread over the whole table. */
const spread = <T>(rows: T[], count: number): T[] => {
  const step = Math.max(1, Math.floor(rows.length / count));
  return rows.filter((_, i) => i % step === 0).slice(0, count);
};

async function samples(raw: Raw, workspaceId: string, actors: Actor[]): Promise<Samples> {
  const contacts = await raw.all<{ id: string; name: string; email: string }>(
    'SELECT "id", "name", "email" FROM "Contact" WHERE "workspaceId" = ? AND "email" IS NOT NULL ORDER BY "id"', [workspaceId]);
  const hubContacts = (await raw.all<{ id: string; deals: number | string }>(
    `SELECT "contactId" AS "id", COUNT(*) AS "deals" FROM "DealContact" dc JOIN "Contact" c ON c."id" = dc."contactId"
     WHERE c."workspaceId" = ? GROUP BY "contactId" ORDER BY COUNT(*) DESC, "contactId" LIMIT ?`, [workspaceId, HUB_CONTACTS]))
    .map((r) => ({ id: r.id, deals: Number(r.deals) }));
  const unique = await raw.all<{ name: string }>(
    `SELECT MIN("name") AS "name" FROM "Contact" WHERE "workspaceId" = ? GROUP BY "nameKey" HAVING COUNT(*) = 1 ORDER BY "nameKey"`, [workspaceId]);
  const companies = await raw.all<{ id: string; name: string; domain: string | null }>(
    'SELECT "id", "name", "domain" FROM "Company" WHERE "workspaceId" = ? ORDER BY "id"', [workspaceId]);
  const big = await raw.all<{ id: string; name: string; contacts: number | string; deals: number | string }>(
    `SELECT co."id", co."name",
       (SELECT COUNT(*) FROM "Contact" c WHERE c."companyId" = co."id") AS "contacts",
       (SELECT COUNT(*) FROM "Deal" d WHERE d."workspaceId" = co."workspaceId" AND d."companyId" = co."id") AS "deals"
     FROM "Company" co WHERE co."id" IN (
       SELECT "companyId" FROM "Contact" WHERE "workspaceId" = ? AND "companyId" IS NOT NULL
       GROUP BY "companyId" ORDER BY COUNT(*) DESC, "companyId" LIMIT 10)
     ORDER BY "contacts" DESC`, [workspaceId]);
  return {
    actors,
    typicalContacts: spread(contacts, 300),
    hubContacts,
    uniqueNames: spread(unique, 300).map((r) => r.name),
    typicalCompanies: spread(companies, 300),
    bigCompanies: big.map((r) => ({ ...r, contacts: Number(r.contacts), deals: Number(r.deals) })),
  };
}

// ---------------------------------------------------------------------------------------------
// The calls

interface Call {
  name: string;
  run(i: number): Promise<unknown>;
  /** What the first call answered, in a few words. */
  describe(answer: unknown): string;
}

type Crm = ReturnType<typeof createCrm>;
const at = <T>(xs: T[], i: number): T => xs[i % xs.length]!;
const n = (x: number) => x.toLocaleString('en-US');
const listed = (v: unknown) => {
  const l = v as { items: unknown[]; total: number; totalCapped: boolean };
  return `${l.items.length} of ${n(l.total)}${l.totalCapped ? '+' : ''}`;
};
const found = (v: unknown) => `${(v as unknown[]).length} found`;
const one = (v: unknown) => ((v as { name?: string }).name ? '1 found' : String(v));
/** Resolve may answer "several" or "none": both are answers a person gets, timed like a hit. */
const settle = async (p: Promise<unknown>) => {
  try {
    return await p;
  } catch (err) {
    if (isDomainError(err)) return `${err.code}`;
    throw err;
  }
};

function calls(crm: Crm, s: Samples): Call[] {
  const actor = (i: number) => at(s.actors, i);
  const c = (i: number) => at(s.typicalContacts, i * 7);
  const lastName = (name: string) => name.slice(name.indexOf(' ') + 1).toLowerCase();
  const contactCard = (v: unknown) => {
    const k = v as { openDeals: unknown[]; openDealCount: number; recentActivity: unknown[]; nextTask: unknown; openTaskCount: number };
    return `${k.openDeals.length}/${n(k.openDealCount)} open deals, ${k.recentActivity.length} activities, ${k.openTaskCount} open tasks`;
  };
  const companyCard = (v: unknown) => {
    const k = v as { contacts: unknown[]; contactCount: number; openDeals: unknown[]; openDealCount: number; recentActivity: unknown[] };
    return `${n(k.contactCount)} contacts, ${n(k.openDealCount)} open deals, ${k.recentActivity.length} activities`;
  };
  const co = (i: number) => at(s.typicalCompanies, i * 7);
  const domained = s.typicalCompanies.filter((x) => x.domain);
  return [
    // Contact search: what a typeahead sends.
    { name: 'contacts.search prefix (3 letters)', run: (i) => crm.contacts.search(actor(i), c(i).name.slice(0, 3)), describe: found },
    { name: 'contacts.search first + last start', run: (i) => crm.contacts.search(actor(i), c(i).name.slice(0, c(i).name.indexOf(' ') + 4)), describe: found },
    { name: 'contacts.search infix (in surname)', run: (i) => crm.contacts.search(actor(i), lastName(c(i).name).slice(1, 5)), describe: found },
    { name: 'contacts.search email', run: (i) => crm.contacts.search(actor(i), c(i).email), describe: found },
    { name: 'contacts.search no match', run: (i) => crm.contacts.search(actor(i), at(MISS_WORDS, i)), describe: found },
    // Resolve: what `/deal contact <x>` does first.
    { name: 'contacts.resolve email', run: (i) => crm.contacts.resolve(actor(i), c(i).email), describe: one },
    { name: 'contacts.resolve exact name', run: (i) => crm.contacts.resolve(actor(i), at(s.uniqueNames, i * 7)), describe: one },
    { name: 'contacts.resolve no match', run: (i) => settle(crm.contacts.resolve(actor(i), `${at(MISS_WORDS, i)} person`)), describe: one },
    // Cards.
    { name: 'contacts.card typical', run: (i) => crm.contacts.card(actor(i), c(i).id), describe: contactCard },
    { name: `contacts.card hubs (${s.hubContacts.length ? `${n(s.hubContacts.at(-1)!.deals)}-${n(s.hubContacts[0]!.deals)}` : 0} deals)`, run: (i) => crm.contacts.card(actor(i), at(s.hubContacts, i).id), describe: contactCard },
    { name: 'contacts.card the top hub', run: (i) => crm.contacts.card(actor(i), s.hubContacts[0]!.id), describe: contactCard },
    // Lists.
    { name: 'contacts.list mine', run: (i) => crm.contacts.list(actor(i), { type: 'mine' }), describe: listed },
    { name: 'contacts.list company typical', run: (i) => crm.contacts.list(actor(i), { type: 'company', company: co(i).name }), describe: listed },
    { name: 'contacts.list company 10 biggest', run: (i) => crm.contacts.list(actor(i), { type: 'company', company: at(s.bigCompanies, i).name }), describe: listed },
    { name: 'contacts.list all', run: (i) => crm.contacts.list(actor(i), { type: 'all' }), describe: listed },
    { name: 'contacts.list all page 2', run: (i) => crm.contacts.list(actor(i), { type: 'all' }, { page: 2 }), describe: listed },
    { name: 'contacts.list search', run: (i) => crm.contacts.list(actor(i), { type: 'search', query: lastName(c(i).name).slice(1, 5) }), describe: listed },
    // Company search.
    { name: 'companies.search prefix (3 letters)', run: (i) => crm.companies.search(actor(i), co(i).name.slice(0, 3)), describe: found },
    { name: 'companies.search infix', run: (i) => crm.companies.search(actor(i), co(i).name.slice(3, 9)), describe: found },
    { name: 'companies.search full name', run: (i) => crm.companies.search(actor(i), co(i).name), describe: found },
    { name: 'companies.search no match', run: (i) => crm.companies.search(actor(i), at(MISS_WORDS, i)), describe: found },
    { name: 'companies.resolve domain', run: (i) => crm.companies.resolve(actor(i), at(domained, i * 7).domain!), describe: one },
    { name: 'companies.resolve exact name', run: (i) => crm.companies.resolve(actor(i), co(i).name), describe: one },
    { name: 'companies.card typical', run: (i) => crm.companies.card(actor(i), co(i).id), describe: companyCard },
    { name: 'companies.card 10 biggest', run: (i) => crm.companies.card(actor(i), at(s.bigCompanies, i).id), describe: companyCard },
    { name: 'companies.card the biggest', run: (i) => crm.companies.card(actor(i), s.bigCompanies[0]!.id), describe: companyCard },
    { name: 'companies.list all', run: (i) => crm.companies.list(actor(i), { type: 'all' }), describe: listed },
    { name: 'companies.list all page 2', run: (i) => crm.companies.list(actor(i), { type: 'all' }, { page: 2 }), describe: listed },
    { name: 'companies.list search', run: (i) => crm.companies.list(actor(i), { type: 'search', query: co(i).name.slice(0, 3) }), describe: listed },
    // Tasks.
    { name: 'tasks.list mine', run: (i) => crm.tasks.list(actor(i), { type: 'mine' }), describe: listed },
    { name: 'tasks.list overdue', run: (i) => crm.tasks.list(actor(i), { type: 'overdue' }), describe: listed },
  ];
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Nearest-rank percentile of an ascending-sorted sample. */
function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

interface Result {
  name: string;
  answer: string;
  p50: number;
  p99: number;
  max: number;
  mean: number;
  /** The process's CPU time (user + system) per call: what the call costs, less the waits for a turn on a busy machine. */
  cpu50: number;
  cpu99: number;
}

async function measure(call: Call): Promise<Result> {
  const answer = call.describe(await call.run(0));
  for (let i = 0; i < WARMUP; i++) await call.run(i);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await call.run(i);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    name: call.name, answer, p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1)!, mean,
    cpu50: percentile(cpu, 50), cpu99: percentile(cpu, 99),
  };
}

function table(provider: string, results: Result[], target: boolean): string {
  const ms = (x: number) => x.toFixed(2);
  const head = ['call', 'first answer', 'p50', 'p99', 'max', 'mean', 'cpu p50', 'cpu p99', target ? `p99 < ${TARGET_MS} ms?` : 'target'];
  const body = results.map((r) => [r.name, r.answer, ms(r.p50), ms(r.p99), ms(r.max), ms(r.mean), ms(r.cpu50), ms(r.cpu99),
    target ? (r.p99 < TARGET_MS ? 'yes' : '**no**') : '—']);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const left = (c: number) => c <= 1 || c === head.length - 1;
  const line = (cells: string[]) => `| ${cells.map((cell, c) => (left(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  return [
    `${provider} — ${n(SIZES.contacts)} contacts, ${n(SIZES.companies)} companies, ${n(SIZES.deals)} deals, ${n(SIZES.activities)} activities, ` +
      `${n(SIZES.tasks)} tasks; ${ITERATIONS} iterations after ${WARMUP} warm-up (ms)`,
    line(head),
    `|${widths.map((w, c) => (left(c) ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Which indexes the measured database has, against what the migrations create

/** The indexes the provider's migrations leave (created, not dropped later): name → CREATE statement. */
function migratedIndexes(provider: 'sqlite' | 'postgresql'): Map<string, string> {
  const dir = path.join(HERE, '..', 'prisma', provider, 'migrations');
  const tableOf = new Map<string, string>();
  const sqlOf = new Map<string, string>();
  const statement = /(CREATE(?: UNIQUE)? INDEX|DROP INDEX(?: IF EXISTS)?|DROP TABLE(?: IF EXISTS)?) "(?:[^"]+"\.")?([^"]+)"(?: ON "(?:[^"]+"\.")?([^"]+)"[^;]*)?/g;
  for (const m of readdirSync(dir).filter((d) => /^\d/.test(d)).sort()) {
    const file = path.join(dir, m, 'migration.sql');
    if (!existsSync(file)) continue;
    for (const [text, what, name, table] of readFileSync(file, 'utf8').matchAll(statement)) {
      if (what!.startsWith('CREATE')) {
        tableOf.set(name!, table!);
        sqlOf.set(name!, text.replace(/\s+/g, ' ').trim());
      }
      else if (what!.startsWith('DROP INDEX')) tableOf.delete(name!);
      // A dropped table takes its indexes with it (SQLite's table redefinitions create them again).
      else for (const [index, t] of tableOf) if (t === name) tableOf.delete(index);
    }
  }
  return new Map([...tableOf.keys()].map((name) => [name, sqlOf.get(name)!]));
}

/** "as migrated", or the indexes added and missing (the scratch copies tried for a proposal). */
async function indexNote(raw: Raw, target: DatabaseTarget): Promise<string> {
  const rows = raw.provider === 'sqlite'
    ? await raw.all<{ name: string; sql: string }>(`SELECT "name", "sql" FROM sqlite_master WHERE "type" = 'index' AND "sql" IS NOT NULL`)
    : await raw.all<{ name: string; sql: string }>('SELECT indexname AS "name", indexdef AS "sql" FROM pg_indexes WHERE schemaname = ?',
      [target.provider === 'postgresql' ? (target.schema ?? 'public') : '']);
  const expected = migratedIndexes(raw.provider);
  const have = new Set(rows.map((r) => r.name));
  // SQLite keeps each index's CREATE statement as the migration wrote it: a changed one counts as added.
  const changed = (r: { name: string; sql: string }) => raw.provider === 'sqlite' && expected.get(r.name) !== r.sql.replace(/\s+/g, ' ');
  const added = rows.filter((r) => (!expected.has(r.name) || changed(r)) && !r.name.endsWith('_pkey')).map((r) => r.sql.replace(/\s+/g, ' '));
  const missing = [...expected.keys()].filter((name) => !have.has(name));
  if (!added.length && !missing.length) return 'indexes: as migrated (prisma/schema.prisma)';
  return `indexes: as migrated${missing.length ? `, without ${missing.join(', ')}` : ''}${added.length ? `, plus ${added.join('; ')}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// --explain: the statements Prisma sends for a call, their times and plans

function loggingClient(target: DatabaseTarget): Db {
  const log = [{ emit: 'event' as const, level: 'query' as const }];
  if (target.provider === 'sqlite') return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: target.sqlitePath }), log });
  const adapter = new PrismaPg({ connectionString: target.url }, target.schema ? { schema: target.schema } : undefined);
  return new PostgresClient({ adapter, log }) as unknown as Db;
}

async function explain(target: DatabaseTarget, raw: Raw, s: Samples, filter: string): Promise<void> {
  const db = loggingClient(target);
  const seen: { query: string; params: string; duration: number }[] = [];
  let recording = false;
  (db as unknown as { $on(e: 'query', cb: (q: { query: string; params: string; duration: number }) => void): void })
    .$on('query', (q) => { if (recording) seen.push({ query: q.query, params: q.params, duration: q.duration }); });
  try {
    const crm = createCrm(db, new FixedClock(NOW));
    for (const call of calls(crm, s).filter((c) => c.name.includes(filter))) {
      for (let i = 0; i < 3; i++) await call.run(i); // warm
      seen.length = 0;
      recording = true;
      const t0 = performance.now();
      await call.run(0);
      const total = performance.now() - t0;
      recording = false;
      console.log(`\n### ${call.name}: ${seen.length} statements, ${total.toFixed(2)} ms in all (logging client)`);
      for (const q of seen) {
        const clip = (t: string, max: number) => (t.length > max ? `${t.slice(0, max)}… (${t.length} characters)` : t);
        console.log(`\n  ${clip(q.query.replace(/\s+/g, ' ').replace(/`main`\./g, ''), 700)}\n    params ${clip(q.params, 160)}`);
        if (/^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(q.query)) continue;
        const params = (JSON.parse(q.params) as unknown[])
          .map((p) => (typeof p === 'object' && p !== null && 'prisma__value' in p ? (p as { prisma__value: unknown }).prisma__value : p))
          .map((p) => (typeof p === 'boolean' && raw.provider === 'sqlite' ? Number(p) : p));
        // Prisma's own durations overlap when a call sends statements together: time each alone.
        const alone: number[] = [];
        for (let k = 0; k < 5; k++) {
          const t = performance.now();
          await raw.all(q.query, params);
          alone.push(performance.now() - t);
        }
        console.log(`    alone on the raw driver: median ${alone.sort((a, b) => a - b)[2]!.toFixed(2)} ms of 5`);
        const plan = raw.provider === 'sqlite'
          ? (await raw.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${q.query}`, params)).map((r) => r.detail)
          : (await raw.all<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.query}`, params)).map((r) => r['QUERY PLAN']);
        for (const l of plan) console.log(`      ${l}`);
      }
    }
  } finally {
    await db.$disconnect();
  }
}

// ---------------------------------------------------------------------------------------------

async function benchProvider(target: DatabaseTarget): Promise<string> {
  console.log(`\n== ${target.provider} ==`);
  const seeded = await seedRecords({ target, sizes: SIZES, reuse: args.reuse!, log: (l) => console.log(l) });
  const raw = openRaw(target);
  const handle = await openDatabase(target);
  try {
    const s = await samples(raw, seeded.main.workspaceId, seeded.main.actors);
    console.log(`  hub contacts: ${s.hubContacts.map((h) => h.deals).join(', ')} deals each`);
    console.log(`  biggest companies: ${s.bigCompanies.map((b) => `${b.contacts} contacts / ${b.deals} deals`).join('; ')}`);
    if (args.explain !== undefined) {
      await explain(target, raw, s, args.explain);
      return '';
    }
    if (args.pragma && target.provider === 'sqlite') await handle.db.$queryRawUnsafe(`PRAGMA ${args.pragma}`);
    const crm = createCrm(handle.db, new FixedClock(NOW));
    const loadBefore = os.loadavg();
    const results: Result[] = [];
    for (const call of calls(crm, s).filter((c) => !args.only || c.name.includes(args.only))) {
      const r = await measure(call);
      console.log(`  ${r.name}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(2)} ms (${r.answer})`);
      results.push(r);
    }
    const loadAfter = os.loadavg();
    const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    const out = [
      table(target.provider, results, target.provider === 'sqlite'),
      `${await indexNote(raw, target)}${args.pragma && target.provider === 'sqlite' ? `; PRAGMA ${args.pragma}` : ''}; seed: ${seeded.seeded ? `${seeded.seconds.toFixed(1)} s` : 'reused'}; ` +
        `load average (1, 5, 15 min) ${la(loadBefore)} before, ${la(loadAfter)} after; ${new Date().toISOString()}`,
    ].join('\n');
    console.log(`\n${out}`);
    return out;
  } finally {
    await raw.close();
    await handle.close();
  }
}

console.log(`bench/records: node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${os.platform()} ${os.release()}`);
console.log(`command: npx tsx bench/records.ts ${process.argv.slice(2).join(' ')}`);
console.log(`clock fixed at ${NOW.toISOString()}, actor time zone UTC`);
try {
  const git = (...a: string[]) => execFileSync('git', a, { cwd: HERE, encoding: 'utf8' }).trim();
  const dirty = git('status', '--porcelain', '--', 'src', 'prisma').split('\n').filter(Boolean).map((l) => l.slice(3));
  console.log(`code: ${git('rev-parse', '--short', 'HEAD')}${dirty.length ? ` + uncommitted ${dirty.join(', ')}` : ''}`);
} catch {
  // not a git checkout
}
const outputs: string[] = [];
for (const provider of providers) {
  outputs.push(await benchProvider(parseDatabaseUrl(provider === 'sqlite' ? SQLITE_URL : PG_URL)));
}
if (outputs.filter(Boolean).length > 1) console.log(`\n${outputs.join('\n\n')}`);
