/**
 * Read-path benchmark: the domain services (Prisma) against the same queries hand-written for the
 * raw driver, on a seeded SQLite file and/or PostgreSQL schema. See bench/README.md.
 *
 *   npm run bench -- [--provider sqlite|postgresql|both] [--deals 100000] [--activities 1000000]
 *                    [--iterations 200] [--reuse] [--explain] [--pipelines 3 --fields 10]
 *
 * --pipelines/--fields seed and measure issue #15's shape (bench/seed-shape.ts) in the database
 * bench/shape.ts uses for it (bench/.data/shape-100k-p3-f10-t.db, schema crm_shape_100k_p3_f10_t);
 * without them, the seed and the queries are the ones this bench always measured. bench/shape.ts
 * compares the two shapes side by side.
 */
import { COUNT_CAP } from '../src/domain/shared/count.js';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/client.js';
import { parseDatabaseUrl, type DatabaseTarget } from '../src/db/provider.js';
import { createCrm, FixedClock, type Actor } from '../src/domain/index.js';
import { DAY_MS, fromDateOnly, todayIn } from '../src/domain/shared/dates.js';
import { searchKey } from '../src/domain/shared/text.js';
import { HIT_WORDS, MISS_WORDS, NOW, openRaw, seed, type Raw } from './seed.js';
import { isShaped, shapeOf, shapeUrl } from './seed-shape.js';

const { values: args } = parseArgs({
  options: {
    provider: { type: 'string', default: 'sqlite' },
    deals: { type: 'string', default: '100000' },
    activities: { type: 'string', default: '1000000' },
    iterations: { type: 'string', default: '200' },
    reuse: { type: 'boolean', default: false },
    explain: { type: 'boolean', default: false },
    pipelines: { type: 'string', default: '1' },
    fields: { type: 'string', default: '0' },
  },
});
// With --pipelines/--fields: issue #15's shape, in the database bench/shape.ts seeds for it (with
// each deal's stage history, which these queries do not read). Without: the files and schemas
// this bench always used.
const SHAPE = shapeOf({ shape: { pipelines: Number(args.pipelines), fields: Number(args.fields) } });
const SHAPED = isShaped(SHAPE);
if (SHAPED) SHAPE.timeline = true;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SQLITE_URL = SHAPED
  ? shapeUrl('sqlite', Number(args.deals), SHAPE, path.join(HERE, '.data'))
  : (process.env.BENCH_SQLITE_URL ?? `file:${path.join(HERE, '.data', 'bench.db')}`);
const PG_URL = SHAPED
  ? shapeUrl('postgresql', Number(args.deals), SHAPE, path.join(HERE, '.data'))
  : (process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test?schema=crm_bench');
const DEALS = Number(args.deals);
const ACTIVITIES = Number(args.activities);
const ITERATIONS = Number(args.iterations);
const providers = args.provider === 'both' ? ['sqlite', 'postgresql'] : [args.provider!];
if (!providers.every((p) => p === 'sqlite' || p === 'postgresql') || !(DEALS >= 2) || !(ACTIVITIES >= 0) || !(ITERATIONS >= 1) ||
  !(SHAPE.pipelines >= 1 && SHAPE.pipelines <= 20) || !(SHAPE.fields >= 0 && SHAPE.fields <= 30)) {
  console.error('usage: npm run bench -- [--provider sqlite|postgresql|both] [--deals N] [--activities N] [--iterations N] [--reuse] [--explain] [--pipelines 1-20] [--fields 0-30]');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// The queries

/** What a query returned, reduced to something both sides can be compared on. */
interface Outcome {
  ids: string[];
  total: number;
}

interface BenchQuery {
  name: string;
  /** p99 must stay under this many ms (undefined: no latency target on this provider). */
  targetMs: number | undefined;
  prisma(i: number): Promise<Outcome>;
  sql(i: number): Promise<Outcome>;
}

/** Every column, as Prisma selects every scalar field of a model (and of an `include: { owner: true }`). */
const DEAL_COLUMNS = '*';
const MEMBER_COLUMNS = '*';

type DealRow = { id: string; ownerId: string | null; companyId: string | null } & Record<string, unknown>;

function queries(
  provider: string, crm: ReturnType<typeof createCrm>, raw: Raw, actors: Actor[], stages: { id: string; key: string; isDefault: boolean | number }[], dealCount: number,
): BenchQuery[] {
  // `list <stage>` names a stage by its key: the default pipeline's (a key other pipelines share is theirs only with `in <pipeline>`).
  const listStages = stages.filter((s) => Boolean(s.isDefault));
  const actor = (i: number) => actors[i % actors.length]!;
  const listTarget = provider === 'sqlite' ? 20 : undefined;
  const view = (v: { items: { id: string }[]; total: number }): Outcome => ({ ids: v.items.map((d) => d.id), total: v.total });

  /** Deals with owner and company, the way Prisma loads `include`: one query per relation. */
  const withRelations = async (rows: DealRow[]) => {
    const ownerIds = [...new Set(rows.map((r) => r.ownerId).filter((id): id is string => id !== null))];
    const companyIds = [...new Set(rows.map((r) => r.companyId).filter((id): id is string => id !== null))];
    const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
    const [owners, companies] = await Promise.all([
      ownerIds.length ? raw.all<{ id: string }>(`SELECT ${MEMBER_COLUMNS} FROM "Member" WHERE "id" IN (${marks(ownerIds.length)})`, ownerIds) : [],
      companyIds.length ? raw.all<{ id: string }>(`SELECT "id", "name" FROM "Company" WHERE "id" IN (${marks(companyIds.length)})`, companyIds) : [],
    ]);
    const byId = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x]));
    const o = byId(owners);
    const c = byId(companies);
    return rows.map((r) => ({ ...r, owner: r.ownerId ? o.get(r.ownerId) : null, company: r.companyId ? c.get(r.companyId) : null }));
  };

  /** The page, then a count capped at COUNT_CAP (none when the page is short), as DealService.page and ReportService.queue do. */
  const page = async (where: string, params: unknown[], orderBy: string, take: number, skip = 0): Promise<Outcome> => {
    const rows = await raw
      .all<DealRow>(`SELECT ${DEAL_COLUMNS} FROM "Deal" WHERE ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`, [...params, take, skip])
      .then(withRelations);
    if (rows.length < take && (rows.length > 0 || skip === 0)) return { ids: rows.map((r) => r.id), total: skip + rows.length };
    const cap = Math.max(COUNT_CAP, skip + take);
    const count = await raw.all<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM "Deal" WHERE ${where} LIMIT ?) AS capped`, [...params, cap + 1]);
    return { ids: rows.map((r) => r.id), total: Math.min(Number(count[0]!.n), cap) };
  };

  const workspace = async (workspaceId: string) =>
    (await raw.all<{ staleDays: number; defaultCurrency: string }>(
      'SELECT "id", "staleDays", "defaultCurrency" FROM "Workspace" WHERE "id" = ? LIMIT 1', [workspaceId]))[0]!;

  const OPEN = '"workspaceId" = ? AND "status" = ? AND "archived" = false';
  const stageKey = (i: number) => listStages[i % listStages.length]!;
  const ref = (i: number) => 1 + ((i * 7919) % dealCount);
  const today = fromDateOnly(todayIn('UTC', NOW));

  return [
    {
      name: 'deals.list mine',
      targetMs: listTarget,
      prisma: async (i) => view(await crm.deals.list(actor(i), { type: 'mine' })),
      sql: (i) => page('"workspaceId" = ? AND "archived" = false AND "ownerId" = ? AND "status" = ?',
        [actor(i).workspaceId, actor(i).memberId, 'open'], '"updatedAt" DESC', 10),
    },
    {
      name: 'deals.list all',
      targetMs: listTarget,
      prisma: async (i) => view(await crm.deals.list(actor(i), { type: 'all' }, { page: 1 + (i % 5) })),
      sql: (i) => page('"workspaceId" = ? AND "archived" = false AND "status" = ?',
        [actor(i).workspaceId, 'open'], '"updatedAt" DESC', 10, 10 * (i % 5)),
    },
    {
      name: 'deals.list stage',
      targetMs: listTarget,
      prisma: async (i) => view(await crm.deals.list(actor(i), { type: 'stage', stage: stageKey(i).key })),
      sql: (i) => page('"workspaceId" = ? AND "archived" = false AND "stageId" = ?',
        [actor(i).workspaceId, stageKey(i).id], '"updatedAt" DESC', 10),
    },
    {
      name: 'deals.find ref',
      targetMs: listTarget,
      prisma: async (i) => view(await crm.deals.find(actor(i), `D-${ref(i)}`)),
      sql: async (i) => {
        const rows = await raw.all<DealRow>(`SELECT ${DEAL_COLUMNS} FROM "Deal" WHERE "workspaceId" = ? AND "number" = ? LIMIT 1`,
          [actor(i).workspaceId, ref(i)]);
        const items = await withRelations(rows);
        return { ids: items.map((r) => r.id), total: items.length };
      },
    },
    ...(['hit', 'miss'] as const).map((kind): BenchQuery => {
      const word = (i: number) => (kind === 'hit' ? HIT_WORDS[i % HIT_WORDS.length]! : MISS_WORDS[i % MISS_WORDS.length]!);
      return {
        name: `deals.find text (${kind})`,
        targetMs: listTarget,
        prisma: async (i) => view(await crm.deals.find(actor(i), word(i))),
        sql: (i) => page(`"workspaceId" = ? AND "archived" = false AND "searchText" LIKE '%' || ? || '%'`,
          [actor(i).workspaceId, searchKey(word(i))], '"updatedAt" DESC', 10),
      };
    }),
    {
      name: 'reports.staleDeals',
      targetMs: listTarget,
      prisma: async (i) => view(await crm.reports.staleDeals(actor(i))),
      sql: async (i) => {
        const { staleDays } = await workspace(actor(i).workspaceId);
        const cutoff = new Date(NOW.getTime() - staleDays * DAY_MS);
        // Snoozed deals are left out until the snooze ends.
        return page(`${OPEN} AND "lastActivityAt" < ? AND ("snoozedUntil" IS NULL OR "snoozedUntil" <= ?)`,
          [actor(i).workspaceId, 'open', cutoff, NOW], '"lastActivityAt" ASC', 20);
      },
    },
    {
      name: 'reports.nextActionsDue',
      targetMs: listTarget,
      prisma: async (i) => view(await crm.reports.nextActionsDue(actor(i))),
      sql: (i) => page(`${OPEN} AND "nextActionDueAt" <= ?`, [actor(i).workspaceId, 'open', today], '"nextActionDueAt" ASC', 20),
    },
    {
      name: 'reports.withoutNextAction',
      targetMs: listTarget,
      prisma: async (i) => view(await crm.reports.withoutNextAction(actor(i))),
      sql: (i) => page(`${OPEN} AND "nextAction" IS NULL`, [actor(i).workspaceId, 'open'], '"updatedAt" DESC', 20),
    },
    {
      name: 'reports.pipelineSummary',
      targetMs: 100,
      prisma: async (i) => {
        const s = await crm.reports.pipelineSummary(actor(i));
        return { ids: s.stages.map((st) => `${st.key}:${st.count}`), total: s.open.count };
      },
      sql: async (i) => {
        const { workspaceId } = actor(i);
        await workspace(workspaceId);
        const since = new Date(NOW.getTime() - 90 * DAY_MS);
        type Group = { stageId: string; currency: string; n: number | string; amount: number | string | null };
        const [open, closed] = await Promise.all([
          raw.all<Group>(`SELECT "stageId", "currency", COUNT(*) AS n, SUM("amountCents") AS amount FROM "Deal"
            WHERE "workspaceId" = ? AND "status" = ? AND "archived" = false GROUP BY "stageId", "currency"`, [workspaceId, 'open']),
          raw.all<Group>(`SELECT "stageId", "currency", COUNT(*) AS n, SUM("amountCents") AS amount, SUM("salesCycleDays") AS days FROM "Deal"
            WHERE "workspaceId" = ? AND "status" IN (?, ?) AND "archived" = false AND "closedAt" >= ? GROUP BY "stageId", "currency"`,
            [workspaceId, 'won', 'lost', since]),
        ]);
        const count = new Map<string, number>();
        for (const g of [...open, ...closed]) count.set(g.stageId, (count.get(g.stageId) ?? 0) + Number(g.n));
        return {
          ids: stages.map((s) => `${s.key}:${count.get(s.id) ?? 0}`),
          total: open.reduce((sum, g) => sum + Number(g.n), 0),
        };
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Nearest-rank percentile of an ascending-sorted sample. */
function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

interface Result {
  name: string;
  prisma: { p50: number; p99: number };
  sql: { p50: number; p99: number };
  total: number;
  mismatch: string | undefined;
  verdict: string;
}

async function measure(q: BenchQuery): Promise<Result> {
  // Both sides must answer the same: compare a few parameter sets first.
  let mismatch: string | undefined;
  let total = 0;
  for (let i = 0; i < 5; i++) {
    const [a, b] = [await q.prisma(i), await q.sql(i)];
    if (i === 0) total = a.total;
    if (a.total !== b.total || a.ids.join() !== b.ids.join()) {
      mismatch ??= `i=${i}: prisma ${a.total} [${a.ids.slice(0, 3).join()}…] vs sql ${b.total} [${b.ids.slice(0, 3).join()}…]`;
    }
  }
  const warmup = Math.max(10, Math.round(ITERATIONS / 10));
  for (let i = 0; i < warmup; i++) {
    await q.prisma(i);
    await q.sql(i);
  }
  const prisma: number[] = [];
  const sql: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    // Alternate which side goes first so neither always runs on the other's warm cache.
    if (i % 2 === 0) {
      prisma.push(await time(() => q.prisma(i)));
      sql.push(await time(() => q.sql(i)));
    } else {
      sql.push(await time(() => q.sql(i)));
      prisma.push(await time(() => q.prisma(i)));
    }
  }
  prisma.sort((x, y) => x - y);
  sql.sort((x, y) => x - y);
  const r = {
    name: q.name,
    prisma: { p50: percentile(prisma, 50), p99: percentile(prisma, 99) },
    sql: { p50: percentile(sql, 50), p99: percentile(sql, 99) },
    total,
    mismatch,
  };
  const misses: string[] = [];
  if (q.targetMs !== undefined && r.prisma.p99 >= q.targetMs) {
    misses.push(`p99 ≥ ${q.targetMs} ms${r.sql.p99 >= q.targetMs ? ' (SQL too)' : ''}`);
  }
  const ratio = r.prisma.p50 / r.sql.p50;
  if (ratio > 2) misses.push(`${ratio.toFixed(1)}x SQL`);
  if (mismatch) misses.push('RESULTS DIFFER');
  return { ...r, verdict: misses.length ? `no: ${misses.join('; ')}` : q.targetMs === undefined ? 'yes (ratio only)' : 'yes' };
}

function table(provider: string, results: Result[]): string {
  const ms = (n: number) => n.toFixed(2);
  const head = ['query', 'rows', 'Prisma p50', 'Prisma p99', 'SQL p50', 'SQL p99', 'ratio', 'target met?'];
  const body = results.map((r) => [
    r.name, r.total.toLocaleString('en-US'), ms(r.prisma.p50), ms(r.prisma.p99), ms(r.sql.p50), ms(r.sql.p99),
    `${(r.prisma.p50 / r.sql.p50).toFixed(2)}x`, r.verdict,
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => (c === 0 || c === cells.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  return [
    `${provider} — ${DEALS.toLocaleString('en-US')} deals, ${ACTIVITIES.toLocaleString('en-US')} activities, ${ITERATIONS} iterations (ms)`,
    line(head),
    `|${widths.map((w, c) => (c === 0 || c === widths.length - 1 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

/** The query plans of the hand-written statements that touch "Deal". */
async function explain(raw: Raw, q: BenchQuery): Promise<void> {
  raw.record = [];
  await q.sql(0);
  const statements = raw.record.filter((s) => s.sql.includes('FROM "Deal"'));
  raw.record = undefined;
  console.log(`\n### ${q.name}`);
  for (const { sql, params } of statements) {
    console.log(`  ${sql.replace(/\s+/g, ' ')}`);
    const plan = raw.provider === 'sqlite'
      ? (await raw.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail)
      : (await raw.all<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).map((r) => r['QUERY PLAN']);
    for (const line of plan) console.log(`      ${line}`);
  }
}

// ---------------------------------------------------------------------------------------------

async function benchProvider(target: DatabaseTarget): Promise<string> {
  console.log(`\n== ${target.provider} ==`);
  const seeded = await seed({ target, deals: DEALS, activities: ACTIVITIES, reuse: args.reuse!, log: (l) => console.log(l), shape: SHAPE });
  const loadBefore = os.loadavg()[0]!;
  const handle = await openDatabase(target);
  const raw = openRaw(target);
  try {
    const crm = createCrm(handle.db, new FixedClock(NOW));
    const { workspaceId, actors } = seeded.main;
    // Every pipeline's stages in the order the summary lists them (the default pipeline first); with
    // one pipeline, the stages by position as before.
    const stages = await raw.all<{ id: string; key: string; isDefault: boolean | number }>(
      `SELECT s."id", s."key", p."isDefault" FROM "Stage" s JOIN "Pipeline" p ON p."id" = s."pipelineId"
       WHERE s."workspaceId" = ? ORDER BY p."isDefault" DESC, p."position", p."createdAt", s."position", s."id"`, [workspaceId]);
    const [counts] = await raw.all<Record<string, number | string>>(
      `SELECT COUNT(*) AS deals, SUM(CASE WHEN "status" = 'open' AND "archived" = false THEN 1 ELSE 0 END) AS open,
         SUM(CASE WHEN "searchText" LIKE '%' || ? || '%' THEN 1 ELSE 0 END) AS hit FROM "Deal" WHERE "workspaceId" = ?`,
      [HIT_WORDS[1], workspaceId]);
    console.log(`  main workspace: ${counts!.deals} deals, ${counts!.open} open and not archived; "${HIT_WORDS[1]}" matches ${counts!.hit} deals`);
    const list = queries(target.provider, crm, raw, actors, stages, DEALS);
    if (args.explain) {
      console.log(`\nQuery plans (${target.provider}, Deal indexes as in prisma/schema.prisma)`);
      for (const q of list) await explain(raw, q);
      return '';
    }
    const results: Result[] = [];
    for (const q of list) {
      const r = await measure(q);
      console.log(`  ${r.name}: prisma p50 ${r.prisma.p50.toFixed(2)} ms, sql p50 ${r.sql.p50.toFixed(2)} ms${r.mismatch ? `  MISMATCH ${r.mismatch}` : ''}`);
      results.push(r);
    }
    const out = [
      table(target.provider, results),
      `${SHAPED ? `shape: ${SHAPE.pipelines} pipelines, ${SHAPE.fields} deal custom fields (bench/seed-shape.ts); ` : ''}indexes: as in prisma/schema.prisma; ` +
        `seed: ${seeded.seeded ? `${seeded.seconds.toFixed(1)} s` : 'reused'}; ` +
        `1-min load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after`,
    ].join('\n');
    console.log(`\n${out}`);
    return out;
  } finally {
    await raw.close();
    await handle.close();
  }
}

console.log(`bench: node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${os.platform()} ${os.release()}`);
console.log(`clock fixed at ${NOW.toISOString()}, actor time zone UTC`);
const outputs: string[] = [];
for (const provider of providers) {
  outputs.push(await benchProvider(parseDatabaseUrl(provider === 'sqlite' ? SQLITE_URL : PG_URL)));
}
if (outputs.length > 1 && !args.explain) console.log(`\n${outputs.join('\n\n')}`);
