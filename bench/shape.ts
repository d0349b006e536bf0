/**
 * Issue #15 at 100,000 deals: reports, digests, lists and the deal card on the seed as it always
 * was (one pipeline, no custom fields) and on #15's shape (3 pipelines with their own stages and
 * gates, deals spread across them, 10 deal custom fields of every type with values on most deals),
 * measured in the same process, call by call, alternating between the two databases at every
 * iteration so that a loaded machine weighs on both alike; the whole set twice (rounds).
 *
 *   npx tsx bench/shape.ts [--provider sqlite|postgresql|both] [--deals 100000] [--activities 1000000]
 *                          [--pipelines 3] [--fields 10] [--iterations 200] [--warmup 20] [--rounds 2]
 *                          [--reuse] [--only <text>] [--explain <text>]
 *
 * Both databases carry each deal's stage history in the timeline (so a digest has changes to
 * show); otherwise the baseline is exactly `npm run bench`'s seed, and the shaped one has the same
 * deals (owners, companies, titles, amounts, dates) placed in other pipelines and given values.
 * --explain prints, for the calls whose name contains the text, every statement Prisma sends on
 * each database, its time alone on the raw driver and its plan. BENCH_SHAPE_URL measures another
 * database as the #15 side (a scratch copy with other indexes; --reuse); each table says which
 * indexes differ from the migrations. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
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
import { DAY_MS } from '../src/domain/shared/dates.js';
import { NOW, openRaw, seed, type Raw } from './seed.js';
import { COMPETITORS, shapeTag, shapeUrl, type Shape } from './seed-shape.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const { values: args } = parseArgs({
  options: {
    provider: { type: 'string', default: 'sqlite' },
    deals: { type: 'string', default: '100000' },
    activities: { type: 'string', default: '1000000' },
    pipelines: { type: 'string', default: '3' },
    fields: { type: 'string', default: '10' },
    iterations: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    reuse: { type: 'boolean', default: false },
    only: { type: 'string' },
    explain: { type: 'string' },
  },
});
const DEALS = Number(args.deals);
const ACTIVITIES = Number(args.activities);
const ITERATIONS = Number(args.iterations);
const WARMUP = Number(args.warmup);
const ROUNDS = Number(args.rounds);
const BASE: Shape = { pipelines: 1, fields: 0, timeline: true };
const SHAPED: Shape = { pipelines: Number(args.pipelines), fields: Number(args.fields), timeline: true };
const providers = args.provider === 'both' ? ['sqlite', 'postgresql'] : [args.provider!];
if (
  !providers.every((p) => p === 'sqlite' || p === 'postgresql') || !(DEALS >= 1000) || !(ACTIVITIES >= 0) || !(ITERATIONS >= 1) ||
  !(WARMUP >= 0) || !(ROUNDS >= 1) || !(SHAPED.pipelines >= 3 && SHAPED.pipelines <= 20) || !(SHAPED.fields >= 10 && SHAPED.fields <= 30)
) {
  console.error('usage: npx tsx bench/shape.ts [--provider sqlite|postgresql|both] [--deals N] [--activities N] [--pipelines 3-20] [--fields 10-30] ' +
    '[--iterations N] [--warmup N] [--rounds N] [--reuse] [--only text] [--explain text]');
  process.exit(2);
}

function targetOf(provider: string, shape: Shape): DatabaseTarget {
  if (shape === SHAPED && process.env.BENCH_SHAPE_URL) return parseDatabaseUrl(process.env.BENCH_SHAPE_URL);
  return parseDatabaseUrl(shapeUrl(provider as 'sqlite' | 'postgresql', DEALS, shape, path.join(HERE, '.data')));
}

// ---------------------------------------------------------------------------------------------
// The calls

interface Side {
  label: 'base' | '#15';
  crm: ReturnType<typeof createCrm>;
  workspaceId: string;
  actors: Actor[];
  /** Stages `/deal list <stage>` names in the default pipeline, and in the others (their own names). */
  defaultStages: string[];
  otherStages: string[];
  fields: boolean;
}

interface Call {
  name: string;
  /** Only where the database has custom fields (or other pipelines). */
  shapedOnly?: boolean;
  /** What the first call answered, briefly (the same question must get a sensible answer on both sides). */
  run(side: Side, i: number): Promise<string>;
}

const listed = (v: { items: unknown[]; total: number; totalCapped: boolean }) =>
  `${v.items.length} of ${v.total.toLocaleString('en-US')}${v.totalCapped ? '+' : ''}`;

function calls(dealCount: number): Call[] {
  const actor = (s: Side, i: number) => s.actors[i % s.actors.length]!;
  const ref = (i: number) => `D-${1 + ((i * 7919) % dealCount)}`;
  const list = (name: string, scope: (s: Side, i: number) => Parameters<Side['crm']['deals']['list']>[1], shapedOnly = false, paged = false): Call => ({
    name,
    shapedOnly,
    run: async (s, i) => listed(await s.crm.deals.list(actor(s, i), scope(s, i), paged ? { page: 1 + (i % 5) } : {})),
  });
  const competitor = (i: number) => COMPETITORS[i % COMPETITORS.length]!.toLowerCase();
  return [
    {
      name: 'reports.pipelineSummary',
      run: async (s, i) => {
        const r = await s.crm.reports.pipelineSummary(actor(s, i));
        return `${r.stages.length} stages, ${r.open.count.toLocaleString('en-US')} open`;
      },
    },
    {
      name: 'pipelines.views (/deal pipelines)',
      run: async (s, i) => {
        const v = await s.crm.pipelines.views(actor(s, i));
        return `${v.length} pipelines, ${v.reduce((n, p) => n + p.stages.length, 0)} stages`;
      },
    },
    { name: 'reports.staleDeals', run: async (s, i) => listed(await s.crm.reports.staleDeals(actor(s, i))) },
    { name: 'reports.nextActionsDue', run: async (s, i) => listed(await s.crm.reports.nextActionsDue(actor(s, i))) },
    { name: 'reports.withoutNextAction', run: async (s, i) => listed(await s.crm.reports.withoutNextAction(actor(s, i))) },
    {
      name: 'digests.build (100k-deal workspace)',
      run: async (s) => {
        const d = await s.crm.digests.build({ workspaceId: s.workspaceId, timeZone: 'UTC' }, { date: '2026-11-24', since: new Date(NOW.getTime() - DAY_MS), now: NOW });
        return `${d.stale.total}${d.stale.totalCapped ? '+' : ''} stale, ${d.due.total}${d.due.totalCapped ? '+' : ''} due, ${d.changes.total} changes, ${d.pipeline.stages.length} stages`;
      },
    },
    list('deals.list all', () => ({ type: 'all' }), false, true),
    list('deals.list mine', () => ({ type: 'mine' })),
    list('deals.list stage (default pipeline)', (s, i) => ({ type: 'stage', stage: s.defaultStages[i % s.defaultStages.length]! })),
    list('deals.list stage (other pipelines)', (s, i) => ({ type: 'stage', stage: s.otherStages[i % s.otherStages.length]! }), true),
    list('deals.list all source=partner', () => ({ type: 'all', filters: [{ key: 'source', op: '=', value: 'partner' }] }), true, true),
    list('deals.list mine source=partner', () => ({ type: 'mine', filters: [{ key: 'source', op: '=', value: 'partner' }] }), true),
    list('deals.list stage source=partner', (s, i) => ({ type: 'stage', stage: s.defaultStages[i % s.defaultStages.length]!, filters: [{ key: 'source', op: '=', value: 'partner' }] }), true),
    list('deals.list all seats>500', () => ({ type: 'all', filters: [{ key: 'seats', op: '>', value: '500' }] }), true),
    list('deals.list all arr>250000', () => ({ type: 'all', filters: [{ key: 'arr', op: '>', value: '250000' }] }), true),
    list('deals.list all renewal_date<2027-01-31', () => ({ type: 'all', filters: [{ key: 'renewal_date', op: '<', value: '2027-01-31' }] }), true),
    list('deals.list all competitor=… (3 %)', (_s, i) => ({ type: 'all', filters: [{ key: 'competitor', op: '=', value: competitor(i) }] }), true),
    list('deals.list mine region=emea source=partner', () => ({ type: 'mine', filters: [{ key: 'region', op: '=', value: 'emea' }, { key: 'source', op: '=', value: 'partner' }] }), true),
    // Two selective filters (under 1 % of deals each).
    list('deals.list all seats>990 discount>39.5', () => ({ type: 'all', filters: [{ key: 'seats', op: '>', value: '990' }, { key: 'discount', op: '>', value: '39.5' }] }), true),
    {
      name: 'deals.get (card)',
      run: async (s, i) => {
        const d = await s.crm.deals.get(actor(s, i), ref(i));
        return `${d.fields.filter((f) => f.value !== null).length}/${d.fields.length} fields, ${d.timeline.length} timeline`;
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Stats {
  p50: number;
  p99: number;
  max: number;
}

function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const stats = (xs: number[]): Stats => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1]! };
};

interface Row {
  name: string;
  answer: { base: string | undefined; shaped: string };
  base: Stats | undefined;
  shaped: Stats;
}

async function measure(call: Call, base: Side, shaped: Side): Promise<Row> {
  const sides = call.shapedOnly ? [shaped] : [base, shaped];
  const answer = { base: call.shapedOnly ? undefined : await attempt(call, base), shaped: await attempt(call, shaped) };
  if (answer.base?.startsWith('FAILS') || answer.shaped.startsWith('FAILS')) {
    return { name: call.name, answer, base: undefined, shaped: { p50: NaN, p99: NaN, max: NaN } };
  }
  for (let i = 0; i < WARMUP; i++) for (const s of sides) await call.run(s, i);
  const times = new Map<Side, number[]>(sides.map((s) => [s, []]));
  for (let i = 0; i < ITERATIONS; i++) {
    // Alternate which database goes first, so that neither always runs just after the other.
    for (const s of i % 2 === 0 ? sides : [...sides].reverse()) {
      const t0 = performance.now();
      await call.run(s, i);
      times.get(s)!.push(performance.now() - t0);
    }
  }
  return { name: call.name, answer, base: call.shapedOnly ? undefined : stats(times.get(base)!), shaped: stats(times.get(shaped)!) };
}

/** The call's answer, or how it fails (the run goes on with the other calls). */
async function attempt(call: Call, side: Side): Promise<string> {
  try {
    return await call.run(side, 0);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return `FAILS: ${err.code ?? ''} ${(err.message ?? String(e)).trim().split('\n').filter(Boolean).pop()}`.replace(/\s+/g, ' ');
  }
}

function table(rows: Row[]): string {
  const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(2));
  const head = ['call', 'answer (#15)', 'base p50', 'base p99', 'base max', '#15 p50', '#15 p99', '#15 max', 'p50 #15/base'];
  const body = rows.map((r) => [
    r.name, r.answer.shaped, ms(r.base?.p50), ms(r.base?.p99), ms(r.base?.max), ms(r.shaped.p50), ms(r.shaped.p99), ms(r.shaped.max),
    r.base && !Number.isNaN(r.shaped.p50) ? `${(r.shaped.p50 / r.base.p50).toFixed(2)}x` : '—',
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, c) => (c < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...body.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// --explain: the statements Prisma sends for a call, their times alone and their plans

function loggingClient(target: DatabaseTarget): Db {
  const log = [{ emit: 'event' as const, level: 'query' as const }];
  if (target.provider === 'sqlite') return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: target.sqlitePath }), log });
  const adapter = new PrismaPg({ connectionString: target.url }, target.schema ? { schema: target.schema } : undefined);
  return new PostgresClient({ adapter, log }) as unknown as Db;
}

async function explain(target: DatabaseTarget, side: Side, filter: string): Promise<void> {
  const db = loggingClient(target);
  const raw = openRaw(target);
  const seen: { query: string; params: string }[] = [];
  let recording = false;
  (db as unknown as { $on(e: 'query', cb: (q: { query: string; params: string }) => void): void })
    .$on('query', (q) => { if (recording) seen.push({ query: q.query, params: q.params }); });
  try {
    const logged: Side = { ...side, crm: createCrm(db, new FixedClock(NOW)) };
    for (const call of calls(DEALS).filter((c) => c.name.includes(filter) && (side.fields || !c.shapedOnly))) {
      for (let i = 0; i < 3; i++) await call.run(logged, i);
      seen.length = 0;
      recording = true;
      const t0 = performance.now();
      const answer = await call.run(logged, 0);
      const total = performance.now() - t0;
      recording = false;
      console.log(`\n### ${side.label}: ${call.name}: ${answer}; ${seen.length} statements, ${total.toFixed(2)} ms in all (logging client)`);
      for (const q of seen) {
        const clip = (t: string, max: number) => (t.length > max ? `${t.slice(0, max)}… (${t.length} characters)` : t);
        console.log(`\n  ${clip(q.query.replace(/\s+/g, ' ').replace(/`main`\./g, ''), 900)}\n    params ${clip(q.params, 200)}`);
        if (/^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(q.query)) continue;
        const params = (JSON.parse(q.params) as unknown[])
          .map((p) => (typeof p === 'object' && p !== null && 'prisma__value' in p ? (p as { prisma__value: unknown }).prisma__value : p))
          .map((p) => (typeof p === 'boolean' && raw.provider === 'sqlite' ? Number(p) : p));
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
    await raw.close();
    await db.$disconnect();
  }
}

// ---------------------------------------------------------------------------------------------

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
      } else if (what!.startsWith('DROP INDEX')) tableOf.delete(name!);
      else for (const [index, t] of tableOf) if (t === name) tableOf.delete(index);
    }
  }
  return new Map([...tableOf.keys()].map((name) => [name, sqlOf.get(name)!]));
}

/** "as migrated", or the indexes added (or changed) and missing: what a scratch copy tries. */
async function indexNote(raw: Raw, target: DatabaseTarget): Promise<string> {
  const rows = raw.provider === 'sqlite'
    ? await raw.all<{ name: string; sql: string }>(`SELECT "name", "sql" FROM sqlite_master WHERE "type" = 'index' AND "sql" IS NOT NULL`)
    : await raw.all<{ name: string; sql: string }>('SELECT indexname AS "name", indexdef AS "sql" FROM pg_indexes WHERE schemaname = ?',
      [target.provider === 'postgresql' ? (target.schema ?? 'public') : '']);
  const expected = migratedIndexes(raw.provider);
  const have = new Set(rows.map((r) => r.name));
  const changed = (r: { name: string; sql: string }) => raw.provider === 'sqlite' && expected.get(r.name) !== r.sql.replace(/\s+/g, ' ');
  const added = rows.filter((r) => (!expected.has(r.name) || changed(r)) && !r.name.endsWith('_pkey')).map((r) => r.sql.replace(/\s+/g, ' '));
  const missing = [...expected.keys()].filter((name) => !have.has(name));
  if (!added.length && !missing.length) return 'indexes: as migrated';
  return `indexes: as migrated${missing.length ? `, without ${missing.join(', ')}` : ''}${added.length ? `, plus ${added.join('; ')}` : ''}`;
}

/** The commit, and the uncommitted changes to src/ if any (others work in the same tree): what was measured. */
function codeMeasured(): string {
  const git = (...a: string[]) => execFileSync('git', a, { cwd: path.join(HERE, '..'), encoding: 'utf8' });
  try {
    const head = git('rev-parse', '--short', 'HEAD').trim();
    const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).map((l) => l.slice(3));
    if (changed.length === 0) return `${head}, src/ as committed`;
    const digest = createHash('sha1').update(git('diff', 'HEAD', '--', 'src')).digest('hex').slice(0, 8);
    return `${head} + uncommitted changes to ${changed.join(', ')} (diff ${digest})`;
  } catch {
    return 'unknown (no git)';
  }
}

async function describe(raw: Raw, workspaceId: string): Promise<string> {
  const perPipeline = await raw.all<{ name: string; n: number | string; open: number | string }>(
    `SELECT p."name", COUNT(d."id") AS n, SUM(CASE WHEN d."status" = 'open' AND d."archived" = false THEN 1 ELSE 0 END) AS open
     FROM "Pipeline" p LEFT JOIN "Deal" d ON d."pipelineId" = p."id" WHERE p."workspaceId" = ?
     GROUP BY p."id", p."name", p."isDefault", p."position" ORDER BY p."isDefault" DESC, p."position"`, [workspaceId]);
  const [counts] = await raw.all<{ values: number | string; fields: number | string; moves: number | string }>(
    `SELECT (SELECT COUNT(*) FROM "FieldValue" WHERE "workspaceId" = ?) AS "values",
            (SELECT COUNT(*) FROM "FieldDefinition" WHERE "workspaceId" = ?) AS fields,
            (SELECT COUNT(*) FROM "DealEvent" WHERE "workspaceId" = ? AND "kind" IN ('stage', 'won', 'lost')) AS moves`,
    [workspaceId, workspaceId, workspaceId]);
  const n = (x: number | string | undefined) => Number(x).toLocaleString('en-US');
  return `${perPipeline.map((p) => `${p.name} ${n(p.n)} deals (${n(p.open)} open)`).join(', ')}; ` +
    `${n(counts!.fields)} deal fields, ${n(counts!.values)} values; ${n(counts!.moves)} stage/won/lost timeline entries`;
}

async function open(provider: string, shape: Shape, label: Side['label']) {
  const target = targetOf(provider, shape);
  console.log(`\n-- ${label}: ${shapeTag(shape)} (${target.provider === 'sqlite' ? target.sqlitePath : target.schema})`);
  const seeded = await seed({ target, deals: DEALS, activities: ACTIVITIES, reuse: args.reuse!, log: (l) => console.log(l), shape });
  const handle = await openDatabase(target);
  const raw = openRaw(target);
  const { workspaceId, actors } = seeded.main;
  const stages = await raw.all<{ key: string; name: string; isDefault: boolean | number; shared: number | string }>(
    `SELECT s."key", s."name", p."isDefault",
       (SELECT COUNT(*) FROM "Stage" o WHERE o."workspaceId" = s."workspaceId" AND o."key" = s."key") AS shared
     FROM "Stage" s JOIN "Pipeline" p ON p."id" = s."pipelineId"
     WHERE s."workspaceId" = ? ORDER BY p."isDefault" DESC, p."position", s."position"`, [workspaceId]);
  const side: Side = {
    label,
    crm: createCrm(handle.db, new FixedClock(NOW)),
    workspaceId,
    actors,
    defaultStages: stages.filter((s) => Boolean(s.isDefault)).map((s) => s.key),
    // Stages of other pipelines that `list <stage>` reaches without `in <pipeline>`: their own names.
    otherStages: stages.filter((s) => !s.isDefault && Number(s.shared) === 1).map((s) => s.name),
    fields: shape.fields > 0,
  };
  console.log(`   ${await describe(raw, workspaceId)}${seeded.seeded ? `; seeded in ${seeded.seconds.toFixed(1)} s` : ''}`);
  const indexes = await indexNote(raw, target);
  console.log(`   ${indexes}`);
  return { target, side, raw, indexes, close: async () => { await raw.close(); await handle.close(); } };
}

async function benchProvider(provider: string): Promise<string> {
  console.log(`\n== ${provider} ==`);
  const base = await open(provider, BASE, 'base');
  const shaped = await open(provider, SHAPED, '#15');
  try {
    if (args.explain !== undefined) {
      await explain(base.target, base.side, args.explain);
      await explain(shaped.target, shaped.side, args.explain);
      return '';
    }
    const list = calls(DEALS).filter((c) => args.only === undefined || c.name.includes(args.only));
    const out: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const load = os.loadavg();
      const started = new Date();
      const rows: Row[] = [];
      for (const c of list) {
        const r = await measure(c, base.side, shaped.side);
        console.log(`  round ${round} ${r.name}: base p50 ${r.base?.p50.toFixed(2) ?? '—'} ms, #15 p50 ${r.shaped.p50.toFixed(2)} ms (${r.answer.shaped})`);
        rows.push(r);
      }
      const after = os.loadavg();
      out.push([
        `${provider} — round ${round} of ${ROUNDS}: ${DEALS.toLocaleString('en-US')} deals, ${ACTIVITIES.toLocaleString('en-US')} activities; ` +
          `base = 1 pipeline, no fields; #15 = ${SHAPED.pipelines} pipelines, ${SHAPED.fields} deal fields; ${ITERATIONS} iterations after ${WARMUP} warm-up, each side (ms)`,
        table(rows),
        `${started.toISOString().slice(0, 16)}–${new Date().toISOString().slice(11, 16)} UTC; load average (1, 5, 15 min) ` +
          `${load.map((x) => x.toFixed(2)).join(' ')} before, ${after.map((x) => x.toFixed(2)).join(' ')} after`,
        `base ${base.indexes}; #15 ${shaped.indexes}${process.env.BENCH_SHAPE_URL ? ` (${process.env.BENCH_SHAPE_URL.replace(/^.*\//, '')})` : ''}; code ${codeMeasured()}`,
      ].join('\n'));
      console.log(`\n${out[out.length - 1]}\n`);
    }
    return out.join('\n\n');
  } finally {
    await base.close();
    await shaped.close();
  }
}

console.log(`bench/shape.ts: node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${os.platform()} ${os.release()}`);
console.log(`clock fixed at ${NOW.toISOString()}, actor time zone UTC`);
console.log(`code: ${codeMeasured()}`);
const outputs: string[] = [];
for (const provider of providers) outputs.push(await benchProvider(provider));
if (outputs.length > 1 && args.explain === undefined) console.log(`\n${outputs.join('\n\n')}`);
