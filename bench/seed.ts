/**
 * Bench data: raw drivers (better-sqlite3 / pg) and a deterministic bulk seed. The workspaces,
 * members and deal D-1 of each workspace go through the domain; everything else is bulk-inserted
 * with the column values and date representation the domain (Prisma) would have written.
 */
import { rmSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openDatabase } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import type { DatabaseTarget } from '../src/db/provider.js';
import { createCrm, FixedClock, type Actor } from '../src/domain/index.js';
import { DAY_MS, fromDateOnly, toDateOnly } from '../src/domain/shared/dates.js';
import { searchKey } from '../src/domain/shared/text.js';
import {
  checkFieldRepresentation,
  fieldValueRows,
  isShaped,
  pipelinePlans,
  placeInPipelines,
  shapeOf,
  shapeWorkspaces,
  stageHistory,
  shapeMatches,
  shapeTag,
  VALUE_COLS,
  type Shape,
} from './seed-shape.js';

/** The seed's "now": fixed so that `--reuse` and every run see the same data relative to the clock. */
export const NOW = new Date('2026-11-24T10:00:00.000Z');
export const MAIN_WS = 'T-BENCH';
export const SMALL_WS = 'T-BENCH-SMALL';
const MEMBERS = 50;
const SMALL_MEMBERS = 5;
const SMALL_DEALS = 1_000;
const SMALL_COMPANIES = 100;
const COMPANIES = 5_000;
const BATCH = 10_000;

// ---------------------------------------------------------------------------------------------
// Raw drivers

export type Value = string | number | bigint | null | Date;

export interface Raw {
  provider: 'sqlite' | 'postgresql';
  /** Runs a query written with `?` placeholders; rows come back as plain objects. */
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A Date as this provider's column representation (what Prisma's adapter binds and stores). */
  date(d: Date): string;
  /** Inserts rows into a table (one batch). */
  insert(table: string, cols: readonly Col[], rows: Value[][]): Promise<void>;
  /** Statements run since `record` was set (for EXPLAIN). */
  record?: { sql: string; params: unknown[] }[];
  close(): Promise<void>;
}

export type Col = readonly [name: string, pgType: 'text' | 'int' | 'bigint' | 'float8' | 'timestamp' | 'bool'];

/** better-sqlite3 stores DateTime as ISO-8601 text with a `+00:00` offset (see README). */
const sqliteDate = (d: Date) => d.toISOString().replace('Z', '+00:00');
/** PostgreSQL columns are `timestamp(3) without time zone` holding UTC. */
const pgDate = (d: Date) => d.toISOString().slice(0, -1);

export function sqliteRaw(file: string): Raw {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
  const bind = (v: unknown) => (v instanceof Date ? sqliteDate(v) : v);
  const raw: Raw = {
    provider: 'sqlite',
    async all<T>(sql: string, params: unknown[] = []) {
      raw.record?.push({ sql, params });
      const s = prepare(sql);
      return (s.reader ? s.all(...params.map(bind)) : (s.run(...params.map(bind)), [])) as T[];
    },
    date: sqliteDate,
    async insert(table, cols, rows) {
      const s = prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c[0]}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
      db.transaction(() => {
        for (const row of rows) s.run(...row.map(bind));
      })();
    },
    async close() {
      db.close();
    },
  };
  return Object.assign(raw, { db });
}

/** `?` placeholders become `$1…$n`; the queries here never contain a literal `?`. */
const toPg = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export function pgRaw(target: Extract<DatabaseTarget, { provider: 'postgresql' }>): Raw {
  const pool = new pg.Pool({ connectionString: target.url, max: 10 });
  const bind = (v: unknown) => (v instanceof Date ? pgDate(v) : v);
  const raw: Raw = {
    provider: 'postgresql',
    async all<T>(sql: string, params: unknown[] = []) {
      raw.record?.push({ sql, params });
      const res = await pool.query(toPg(sql), params.map(bind));
      return res.rows as T[];
    },
    date: pgDate,
    async insert(table, cols, rows) {
      const columns = cols.map((_, i) => rows.map((r) => bind(r[i])));
      const sql = `INSERT INTO "${table}" (${cols.map((c) => `"${c[0]}"`).join(', ')})
        SELECT * FROM unnest(${cols.map((c, i) => `$${i + 1}::${c[1]}[]`).join(', ')})`;
      await pool.query(sql, columns);
    },
    async close() {
      await pool.end();
    },
  };
  return raw;
}

export function openRaw(target: DatabaseTarget): Raw {
  return target.provider === 'sqlite' ? sqliteRaw(target.sqlitePath) : pgRaw(target);
}

// ---------------------------------------------------------------------------------------------
// Vocabulary: each code name is in ~1% of deal titles; nothing else contains it.

export const HIT_WORDS = `aardvark albatross amethyst anchovy antelope apricot armadillo avalanche badger baobab
barracuda basilisk beluga bluebell bobcat buffalo bumblebee cactus caribou cassowary chameleon cheetah
chinchilla cobalt condor cormorant coyote cuttlefish dandelion dolphin dragonfly dromedary eucalyptus falcon
flamingo foxglove gardenia gazelle gecko geranium gibbon giraffe glacier gorilla granite grizzly hedgehog heron
hibiscus hyacinth ibex iguana jackal jaguar jasmine kangaroo kestrel kingfisher koala labrador lavender lemming
leopard lobster lynx magnolia mahogany manatee marmot meerkat mongoose narwhal nightingale ocelot octopus orchid
osprey otter pangolin panther pelican penguin peregrine platypus porcupine puffin quasar raccoon reindeer
sandpiper sequoia starling stingray sunflower tamarind toucan tortoise vulture walrus wolverine`.split(/\s+/);

export const MISS_WORDS = 'qzvorp xylqua jjwopz zzkrat vqmmel pflunx wrrzog kkjyb yxqtor blorptz'.split(' ');

const KINDS = ['renewal', 'expansion', 'pilot', 'upgrade', 'license', 'onboarding', 'migration', 'support plan', 'rollout', 'integration', 'consulting', 'training'];
const CO_HEAD = ['Nor', 'Vel', 'Tran', 'Quan', 'Zen', 'Omni', 'Pro', 'Syn', 'Astra', 'Merid'];
const CO_TAIL = ['tek', 'via', 'ify', 'lex', 'nova', 'core', 'wise', 'gen', 'dyne', 'sys'];
const CO_KIND = `Labs Systems Group Holdings Industries Partners Logistics Health Foods Bank Capital Energy Media Retail Motors
Pharma Robotics Analytics Networks Software Solutions Consulting Ventures Airlines Insurance Realty Telecom Textiles
Shipping Mining Foundry Studios Brewing Apparel Biotech Chemicals Dynamics Electric Farms Games Hotels Instruments
Jewelers Kitchens Lighting Machines Nutrition Optics Plastics Security`.split(/\s+/);
const NEXT_ACTIONS = ['Send proposal', 'Follow-up call', 'Book demo', 'Send contract', 'Check in with champion', 'Security review', 'Pricing call', 'Intro to legal'];
const LOST_REASONS = ['went with a competitor', 'no budget', 'no decision', 'timing', 'price'];
const ACTIVITY_TYPES = ['call', 'email', 'meeting', 'note'];
const ACTIVITY_BODIES = ['Talked through pricing', 'Sent the deck', 'Demo went well', 'Waiting on procurement', 'Champion out this week', 'Asked for references'];

/** Fails the run if the vocabulary would make a "hit" word match more than its own titles, or a "miss" word match anything. */
function checkVocabulary(): void {
  const tokens = [...KINDS.flatMap((k) => k.split(' ')), ...CO_KIND, 'seats',
    ...CO_HEAD.flatMap((h) => CO_TAIL.map((t) => h + t))].map((t) => t.toLowerCase());
  for (const w of HIT_WORDS) {
    const clash = [...tokens, ...HIT_WORDS.filter((x) => x !== w)].find((t) => t.includes(w));
    if (clash) throw new Error(`search word "${w}" is inside "${clash}"`);
  }
  for (const w of MISS_WORDS) {
    const clash = [...tokens, ...HIT_WORDS].find((t) => t.includes(w));
    if (clash) throw new Error(`miss word "${w}" is inside "${clash}"`);
  }
}

// ---------------------------------------------------------------------------------------------
// Generation

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] as T };
}

/** cuid-shaped ids (25 chars, time-ordered prefix like Prisma's cuid()). */
export function idMaker(rand: ReturnType<typeof prng>) {
  let counter = 0;
  const base = NOW.getTime() - 400 * DAY_MS;
  return () => {
    const c = counter++;
    const rnd = Array.from({ length: 12 }, () => rand.int(36).toString(36)).join('');
    return `c${(base + Math.floor(c / 50)).toString(36).padStart(8, '0')}${(c % 1_679_616).toString(36).padStart(4, '0')}${rnd}`;
  };
}

const STAGE_MIX: [key: string, share: number][] = [
  ['new', 0.25], ['qualified', 0.2], ['proposal', 0.15], ['negotiation', 0.1], ['won', 0.15], ['lost', 0.15],
];

const DEAL_COLS: Col[] = [
  ['id', 'text'], ['workspaceId', 'text'], ['number', 'int'], ['title', 'text'], ['searchText', 'text'],
  ['amountCents', 'bigint'], ['currency', 'text'], ['pipelineId', 'text'], ['stageId', 'text'], ['status', 'text'],
  ['ownerId', 'text'], ['companyId', 'text'], ['expectedCloseDate', 'timestamp'], ['nextAction', 'text'],
  ['nextActionDueAt', 'timestamp'], ['lastActivityAt', 'timestamp'], ['stageChangedAt', 'timestamp'],
  ['closedAt', 'timestamp'], ['salesCycleDays', 'int'], ['lostReason', 'text'], ['archivedAt', 'timestamp'], ['archived', 'bool'],
  ['idempotencyKey', 'text'], ['createdById', 'text'], ['createdAt', 'timestamp'], ['updatedAt', 'timestamp'],
];
const COMPANY_COLS: Col[] = [['id', 'text'], ['workspaceId', 'text'], ['name', 'text'], ['nameKey', 'text'], ['domain', 'text'], ['createdAt', 'timestamp'], ['updatedAt', 'timestamp']];
export const EVENT_COLS: Col[] = [['id', 'text'], ['workspaceId', 'text'], ['dealId', 'text'], ['actorId', 'text'], ['kind', 'text'], ['field', 'text'], ['fromValue', 'text'], ['toValue', 'text'], ['at', 'timestamp']];
const ACTIVITY_COLS: Col[] = [
  ['id', 'text'], ['workspaceId', 'text'], ['dealId', 'text'], ['contactId', 'text'], ['authorId', 'text'], ['type', 'text'],
  ['body', 'text'], ['occurredAt', 'timestamp'], ['source', 'text'], ['sourceUrl', 'text'], ['idempotencyKey', 'text'], ['createdAt', 'timestamp'],
];

export interface DealSeed {
  id: string;
  workspaceId: string;
  ownerId: string;
  createdAt: Date;
  lastActivityAt: Date;
  updatedAt?: Date;
}

export interface StageRow {
  id: string;
  key: string;
  name: string;
  kind: string;
  pipelineId: string;
  position: number;
}

export interface MadeDeal {
  row: Value[];
  seed: DealSeed;
  stage: StageRow;
  stageChangedAt: Date;
  lostReason: string | null;
}

export interface BenchWorkspace {
  workspaceId: string;
  actors: Actor[];
}

export interface SeedOptions {
  target: DatabaseTarget;
  deals: number;
  activities: number;
  reuse: boolean;
  log: (line: string) => void;
  /**
   * Issue #15's shape (bench/shape.ts): pipelines per workspace (1, the default Sales pipeline
   * alone, is the seed as it always was), deal custom fields with values on most deals (0: none),
   * and each deal's stage history in the timeline. All three off by default.
   */
  shape?: Partial<Shape>;
}

/** The two workspaces' actors, seeding first unless `reuse` finds the data already there. */
export async function seed(opts: SeedOptions): Promise<{ main: BenchWorkspace; small: BenchWorkspace; seeded: boolean; seconds: number }> {
  checkVocabulary();
  const { target, log } = opts;
  const shape = shapeOf(opts);
  const started = performance.now();
  if (opts.reuse && (await hasData(opts))) {
    await migrateDatabase(target); // migrations added since the seed (a no-op otherwise)
    log(`  --reuse: ${target.provider} already holds ${opts.deals} + ${SMALL_DEALS} deals and ${opts.activities} activities${isShaped(shape) || shape.timeline ? ` (${shapeTag(shape)})` : ''}`);
    const { main, small } = await workspaces(target);
    return { main, small, seeded: false, seconds: 0 };
  }
  await reset(target);
  await migrateDatabase(target);
  const { main, small, d1 } = await workspaces(target, true);
  const shaped = isShaped(shape) ? await shapeWorkspaces(target, { main, small }, { main: d1.main.id, small: d1.small.id }, shape, log) : undefined;

  const raw = openRaw(target);
  if (raw.provider === 'sqlite') {
    // Bulk-load settings for this connection only; the bench opens fresh connections afterwards.
    const db = (raw as Raw & { db: Database.Database }).db;
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
  }
  try {
    await checkRepresentation(raw, d1.main);
    if (shaped && shape.fields > 0) await checkFieldRepresentation(raw, d1.main.id);
    const rand = prng(20261124);
    const newId = idMaker(rand);
    // The shape draws from its own generators, so every deal's owner, company, title, amount and
    // dates are the same with and without it: only its pipeline, stage and fields differ.
    const shapeRand = prng(15);
    const valueRand = prng(1515);
    const valueId = idMaker(prng(151515));
    const total = { deals: 0, activities: 0 };
    const progress = (what: string, n: number, of: number, every = 100_000) => {
      if (n % every === 0 || n === of) log(`  ${what}: ${n.toLocaleString('en-US')} / ${of.toLocaleString('en-US')} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    };
    const allDeals: DealSeed[] = [];
    for (const [ws, dealCount, companyCount, first] of [
      [main, opts.deals, COMPANIES, d1.main],
      [small, SMALL_DEALS, SMALL_COMPANIES, d1.small],
    ] as const) {
      const stages = await raw.all<StageRow>(
        'SELECT "id", "key", "name", "kind", "pipelineId", "position" FROM "Stage" WHERE "workspaceId" = ?', [ws.workspaceId]);
      const plans = shaped ? pipelinePlans(stages, shaped.pipelines[ws === main ? 'main' : 'small']) : undefined;
      const fields = shaped?.fields[ws === main ? 'main' : 'small'];
      const companies: { id: string; name: string }[] = [];
      for (let i = 0; i < companyCount; i += BATCH) {
        const rows: Value[][] = [];
        for (let j = i; j < Math.min(companyCount, i + BATCH); j++) {
          const name = `${CO_HEAD[j % 10]}${CO_TAIL[Math.floor(j / 10) % 10]} ${CO_KIND[Math.floor(j / 100) % 50]}`;
          const id = newId();
          companies.push({ id, name });
          const at = new Date(NOW.getTime() - 400 * DAY_MS + j * 1000);
          rows.push([id, ws.workspaceId, name, searchKey(name), j % 3 === 0 ? null : `${searchKey(name).replace(/ /g, '-')}.example`, at, at]);
        }
        await raw.insert('Company', COMPANY_COLS, rows);
      }
      allDeals.push(first);
      for (let i = 2; i <= dealCount; i += BATCH) {
        const dealRows: Value[][] = [];
        const eventRows: Value[][] = [];
        const valueRows: Value[][] = [];
        for (let number = i; number < Math.min(dealCount + 1, i + BATCH); number++) {
          const d = plans
            ? makeDeal(rand, ws, number, plans[0]!.stages, companies, newId, (s) => placeInPipelines(shapeRand, plans, s))
            : makeDeal(rand, ws, number, stages, companies, newId);
          dealRows.push(d.row);
          eventRows.push([newId(), ws.workspaceId, d.seed.id, d.seed.ownerId, 'created', null, null, 'New', d.seed.createdAt]);
          if (shape.timeline) eventRows.push(...stageHistory(d, stages, newId));
          if (fields) valueRows.push(...fieldValueRows(valueRand, valueId, ws, d.seed, fields));
          allDeals.push(d.seed);
        }
        await raw.insert('Deal', DEAL_COLS, dealRows);
        await raw.insert('DealEvent', EVENT_COLS, eventRows);
        for (let v = 0; v < valueRows.length; v += BATCH) await raw.insert('FieldValue', VALUE_COLS, valueRows.slice(v, v + BATCH));
        total.deals += dealRows.length;
        progress(`deals (+ 'created' events) in ${ws === main ? 'main' : 'small'} workspace`, i - 2 + dealRows.length, dealCount - 1, 20_000);
      }
      await raw.all('UPDATE "Workspace" SET "nextDealNumber" = ? WHERE "id" = ?', [dealCount + 1, ws.workspaceId]);
    }

    // Activities: spread evenly over every deal, the latest one exactly at the deal's lastActivityAt.
    const perDeal = Math.floor(opts.activities / allDeals.length);
    const extra = opts.activities % allDeals.length;
    let rows: Value[][] = [];
    for (let k = 0; k < allDeals.length; k++) {
      const d = allDeals[k]!;
      const n = perDeal + (k < extra ? 1 : 0);
      const span = d.lastActivityAt.getTime() - d.createdAt.getTime();
      for (let a = 0; a < n; a++) {
        const at = a === n - 1 ? d.lastActivityAt : new Date(d.createdAt.getTime() + Math.floor(rand.next() * span));
        const slack = rand.next() < 0.3;
        const url = slack ? `https://bench.slack.com/archives/C0BENCH/p${at.getTime()}-${k}-${a}` : null;
        rows.push([newId(), d.workspaceId, d.id, null, d.ownerId, rand.pick(ACTIVITY_TYPES), rand.pick(ACTIVITY_BODIES), at,
          slack ? 'slack' : 'console', url, url, at]);
        if (rows.length === BATCH) {
          await raw.insert('Activity', ACTIVITY_COLS, rows);
          total.activities += rows.length;
          rows = [];
          progress('activities', total.activities, opts.activities);
        }
      }
    }
    if (rows.length) {
      await raw.insert('Activity', ACTIVITY_COLS, rows);
      total.activities += rows.length;
      progress('activities', total.activities, opts.activities);
    }
    if (raw.provider === 'sqlite') {
      log('  ANALYZE …');
      await raw.all('ANALYZE');
      await raw.all('PRAGMA wal_checkpoint(TRUNCATE)');
    } else {
      // VACUUM as autovacuum eventually would: it sets the visibility map that index-only scans need.
      log('  VACUUM (ANALYZE) …');
      await raw.all('VACUUM (ANALYZE)');
    }
  } finally {
    await raw.close();
  }
  const seconds = (performance.now() - started) / 1000;
  log(`  seeded ${target.provider} in ${seconds.toFixed(1)} s`);
  return { main, small, seeded: true, seconds };
}

function makeDeal(
  rand: ReturnType<typeof prng>,
  ws: BenchWorkspace,
  number: number,
  stages: StageRow[],
  companies: { id: string; name: string }[],
  newId: () => string,
  /** With several pipelines: where a deal the one-pipeline seed puts in `stage` goes instead. */
  place?: (stage: StageRow) => StageRow,
): MadeDeal {
  let r = rand.next();
  const key = STAGE_MIX.find(([, share]) => (r -= share) < 0)?.[0] ?? 'new';
  const first = stages.find((s) => s.key === key)!;
  const stage = place ? place(first) : first;
  const owner = rand.pick(ws.actors).memberId;
  const company = rand.next() < 0.85 ? rand.pick(companies) : null;
  const title = `${cap(rand.pick(HIT_WORDS))} ${rand.pick(KINDS)}${rand.next() < 0.6 ? ` ${10 * (1 + rand.int(50))} seats` : ''}`;
  const amount = rand.next() < 0.85 ? (1_000 + rand.int(200_000)) * 100 : null;
  const currency = amount !== null && rand.next() < 0.05 ? 'EUR' : 'USD';
  const lastActivityAt = new Date(NOW.getTime() - Math.floor(rand.next() * 120 * DAY_MS));
  const createdAt = new Date(lastActivityAt.getTime() - Math.floor(rand.next() * 180 * DAY_MS));
  const stageChangedAt = new Date(createdAt.getTime() + Math.floor(rand.next() * (lastActivityAt.getTime() - createdAt.getTime())));
  const closed = stage.kind !== 'open';
  const closedAt = closed ? stageChangedAt : null;
  const hasNext = !closed && rand.next() < 0.7;
  const dateOnly = (days: number) => fromDateOnly(toDateOnly(new Date(NOW.getTime() + days * DAY_MS)));
  // Later than what touched the deal, never later than now, and (almost) never tied with another deal.
  const after = (t: number, within: number) => t + rand.int(Math.max(1, Math.min(within, NOW.getTime() - t)));
  const archivedAt = rand.next() < 0.03 ? new Date(after(lastActivityAt.getTime(), 10 * DAY_MS)) : null;
  const updatedAt = new Date(after(Math.max(lastActivityAt.getTime(), archivedAt?.getTime() ?? 0), DAY_MS));
  const id = newId();
  const row: Value[] = [
    id, ws.workspaceId, number, title, searchKey(title, company?.name), amount, currency, stage.pipelineId, stage.id, stage.kind,
    owner, company?.id ?? null, rand.next() < 0.5 ? dateOnly(-30 + rand.int(120)) : null,
    hasNext ? rand.pick(NEXT_ACTIONS) : null, hasNext ? dateOnly(-20 + rand.int(41)) : null,
    lastActivityAt, stageChangedAt, closedAt, closedAt ? Math.max(0, Math.round((closedAt.getTime() - createdAt.getTime()) / DAY_MS)) : null,
    stage.kind === 'lost' ? rand.pick(LOST_REASONS) : null, archivedAt, archivedAt ? 1 : 0, null, owner, createdAt, updatedAt,
  ];
  return {
    row,
    seed: { id, workspaceId: ws.workspaceId, ownerId: owner, createdAt, lastActivityAt, updatedAt },
    stage,
    stageChangedAt,
    lostReason: row[19] as string | null,
  };
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/**
 * Both workspaces through the domain (ensureWorkspace/ensureMember are idempotent, so this also
 * finds them again under --reuse). With `createFirstDeal`, D-1 of each goes through crm.deals.create.
 */
async function workspaces(target: DatabaseTarget, createFirstDeal = false) {
  const handle = await openDatabase(target);
  try {
    const crm = createCrm(handle.db, new FixedClock(NOW));
    const make = async (externalId: string, name: string, members: number): Promise<BenchWorkspace> => {
      const ws = await crm.identity.ensureWorkspace({ platform: 'slack', externalId, name, defaultCurrency: 'USD', timezone: 'UTC' });
      const actors: Actor[] = [];
      for (let i = 1; i <= members; i++) {
        const m = await crm.identity.ensureMember({
          workspaceId: ws.id,
          externalId: `${externalId}-U${String(i).padStart(3, '0')}`,
          handle: `rep${i}`,
          displayName: `Rep ${i}`,
          timezone: 'UTC',
        });
        actors.push(await crm.identity.actorFor(m));
      }
      return { workspaceId: ws.id, actors };
    };
    const main = await make(MAIN_WS, 'Bench Sales', MEMBERS);
    const small = await make(SMALL_WS, 'Bench Small', SMALL_MEMBERS);
    const first = async (ws: BenchWorkspace): Promise<DealSeed> => {
      const { deal } = await crm.deals.create(ws.actors[0]!, {
        title: 'Aardvark renewal 100 seats',
        amount: { minor: 1_250_000n, currency: 'USD' },
        nextAction: 'Send proposal',
        nextActionDue: toDateOnly(NOW),
      });
      return { id: deal.id, workspaceId: ws.workspaceId, ownerId: ws.actors[0]!.memberId, createdAt: NOW, lastActivityAt: NOW, updatedAt: NOW };
    };
    const d1 = createFirstDeal ? { main: await first(main), small: await first(small) } : { main: undefined!, small: undefined! };
    return { main, small, d1 };
  } finally {
    await handle.close();
  }
}

/** The bulk rows must look exactly like the domain's: compare against D-1, which the domain wrote. */
async function checkRepresentation(raw: Raw, d1: DealSeed): Promise<void> {
  if (raw.provider === 'sqlite') {
    const [row] = await raw.all<{ lastActivityAt: unknown; nextActionDueAt: unknown; t: string }>(
      'SELECT "lastActivityAt", "nextActionDueAt", typeof("amountCents") AS t FROM "Deal" WHERE "id" = ?', [d1.id]);
    const expected = [raw.date(NOW), raw.date(fromDateOnly(toDateOnly(NOW)))];
    if (row?.lastActivityAt !== expected[0] || row?.nextActionDueAt !== expected[1] || row?.t !== 'integer') {
      throw new Error(`SQLite representation differs from the domain's: ${JSON.stringify(row)} vs ${JSON.stringify(expected)}`);
    }
  } else {
    const [row] = await raw.all<{ same: boolean }>(
      'SELECT ("lastActivityAt" = ?::timestamp AND "nextActionDueAt" = ?::timestamp) AS same FROM "Deal" WHERE "id" = ?',
      [NOW, fromDateOnly(toDateOnly(NOW)), d1.id]);
    if (!row?.same) throw new Error('PostgreSQL timestamps differ from the domain\'s');
  }
}

async function hasData(opts: SeedOptions): Promise<boolean> {
  const { target } = opts;
  if (target.provider === 'sqlite' && !existsSync(target.sqlitePath)) return false;
  const raw = openRaw(target);
  try {
    const [row] = await raw.all<{ deals: number | string; activities: number | string }>(
      `SELECT (SELECT COUNT(*) FROM "Deal") AS deals, (SELECT COUNT(*) FROM "Activity") AS activities`);
    return Number(row?.deals) === opts.deals + SMALL_DEALS && Number(row?.activities) === opts.activities && (await shapeMatches(raw, shapeOf(opts)));
  } catch {
    return false; // no tables yet
  } finally {
    await raw.close();
  }
}

async function reset(target: DatabaseTarget): Promise<void> {
  if (target.provider === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(target.sqlitePath + suffix, { force: true });
    return;
  }
  const url = new URL(target.url);
  url.searchParams.delete('options');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${target.schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
