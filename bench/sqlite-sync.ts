/**
 * What `PRAGMA synchronous = FULL` costs against NORMAL per write, SQLite in WAL mode, on the disk
 * that holds bench/.data (the project's disk, like data/crm.db). Two kinds of write, each its
 * own commit:
 *
 * - a deal created through the domain (`crm.deals.create`: Prisma, one transaction), on a
 *   connection opened by the app's own `openDatabase`;
 * - a bare INSERT of one row on a raw better-sqlite3 connection (what SQLite and the disk cost).
 *
 * The modes alternate in rounds (and each round swaps which goes first), so a change of load on
 * the machine falls on both. Prints nearest-rank p50/p99 per mode and the decision rule's answer.
 *
 *   npx tsx bench/sqlite-sync.ts [--writes 2000] [--rounds 20]
 */
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openDatabase, SQLITE_SYNCHRONOUS, type DbHandle } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { createCrm, type Actor, type Crm } from '../src/domain/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DATA_DIR = path.join(HERE, '.data', 'sqlite-sync');
const MODES = ['FULL', 'NORMAL'] as const;
type Mode = (typeof MODES)[number];
/** `PRAGMA synchronous` reads back as a number. */
const MODE_NUMBER: Record<Mode, number> = { FULL: 2, NORMAL: 1 };
/** The decision rule (issue 13, point 7): FULL unless it costs more than this per write at p50. */
const FULL_BUDGET_MS = 1;
/** Writes per mode and kind before measuring (page cache, prepared statements, JIT). */
const WARMUP_WRITES = 50;

const { values: args } = parseArgs({
  options: { writes: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '20' } },
});
const WRITES = Number(args.writes);
const ROUNDS = Number(args.rounds);
if (!(WRITES >= 1) || !(ROUNDS >= 1) || WRITES % ROUNDS !== 0) {
  console.error('usage: npx tsx bench/sqlite-sync.ts [--writes N] [--rounds R]   (N a multiple of R)');
  process.exit(2);
}

interface Subject {
  mode: Mode;
  handle: DbHandle;
  crm: Crm;
  actor: Actor;
  raw: Database.Database;
  insert: Database.Statement;
  samples: { create: number[]; insert: number[] };
  n: number;
}

async function open(mode: Mode): Promise<Subject> {
  const file = path.join(DATA_DIR, `${mode.toLowerCase()}.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  await migrateDatabase(`file:${file}`);
  const handle = await openDatabase(`file:${file}`);
  await handle.db.$queryRawUnsafe(`PRAGMA synchronous = ${mode}`);
  const [sync] = await handle.db.$queryRawUnsafe<{ synchronous: bigint | number }[]>('PRAGMA synchronous');
  const [journal] = await handle.db.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
  if (Number(sync?.synchronous) !== MODE_NUMBER[mode] || journal?.journal_mode !== 'wal') throw new Error(`${mode}: pragmas not applied`);
  const crm = createCrm(handle.db);
  const ws = await crm.identity.ensureWorkspace({ platform: 'slack', externalId: 'T-BENCH', name: 'Bench', defaultCurrency: 'USD' });
  const member = await crm.identity.ensureMember({ workspaceId: ws.id, externalId: 'U-BENCH', handle: 'bench', displayName: 'Bench', timezone: 'UTC' });
  const actor = await crm.identity.actorFor(member);

  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${mode}`);
  raw.exec('CREATE TABLE IF NOT EXISTS bench_write (id INTEGER PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL)');
  const insert = raw.prepare('INSERT INTO bench_write (body, at) VALUES (?, ?)');
  return { mode, handle, crm, actor, raw, insert, samples: { create: [], insert: [] }, n: 0 };
}

async function createDeal(s: Subject): Promise<number> {
  const i = s.n++;
  const t0 = performance.now();
  await s.crm.deals.create(s.actor, { title: `Bench deal ${i}`, amount: { minor: BigInt(1000 + i), currency: 'USD' } });
  return performance.now() - t0;
}

function bareInsert(s: Subject): number {
  const t0 = performance.now();
  s.insert.run(`row ${s.n++}`, Date.now());
  return performance.now() - t0;
}

async function writeBatch(s: Subject, count: number, record: boolean): Promise<void> {
  for (let i = 0; i < count; i++) {
    const ms = await createDeal(s);
    if (record) s.samples.create.push(ms);
  }
  for (let i = 0; i < count; i++) {
    const ms = bareInsert(s);
    if (record) s.samples.insert.push(ms);
  }
}

/** Nearest-rank percentile of an ascending-sorted sample. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: xs.reduce((a, b) => a + b, 0) / xs.length };
};

mkdirSync(DATA_DIR, { recursive: true });
const loadBefore = os.loadavg()[0]!;
const subjects = [];
for (const mode of MODES) subjects.push(await open(mode));
for (const s of subjects) await writeBatch(s, WARMUP_WRITES, false);
const perRound = WRITES / ROUNDS;
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? subjects : [...subjects].reverse();
  for (const s of order) await writeBatch(s, perRound, true);
}
const loadAfter = os.loadavg()[0]!;

const f = (ms: number) => ms.toFixed(3);
const rows: string[] = [];
const byKind = { create: {} as Record<Mode, ReturnType<typeof stats>>, insert: {} as Record<Mode, ReturnType<typeof stats>> };
for (const kind of ['create', 'insert'] as const) {
  for (const s of subjects) {
    const st = stats(s.samples[kind]);
    byKind[kind][s.mode] = st;
    const label = kind === 'create' ? 'deal create (domain)' : 'bare insert (driver)';
    rows.push(`| ${label.padEnd(20)} | ${s.mode.padEnd(6)} | ${String(s.samples[kind].length).padStart(5)} | ${f(st.p50).padStart(7)} | ${f(st.p99).padStart(7)} | ${f(st.mean).padStart(7)} |`);
  }
}
console.log(`SQLite WAL, synchronous FULL vs NORMAL: ${WRITES} writes per mode and kind in ${ROUNDS} alternating rounds (ms per write)`);
console.log('| write                | mode   |     n |     p50 |     p99 |    mean |');
console.log('|:---------------------|:-------|------:|--------:|--------:|--------:|');
for (const r of rows) console.log(r);
for (const kind of ['create', 'insert'] as const) {
  const cost = byKind[kind].FULL.p50 - byKind[kind].NORMAL.p50;
  console.log(`FULL costs ${f(cost)} ms per ${kind === 'create' ? 'deal create' : 'bare insert'} at p50 (p99: ${f(byKind[kind].FULL.p99 - byKind[kind].NORMAL.p99)} ms)`);
}
const domainCost = byKind.create.FULL.p50 - byKind.create.NORMAL.p50;
const choice = domainCost > FULL_BUDGET_MS ? 'NORMAL' : 'FULL';
console.log(`rule: FULL unless it costs more than ${FULL_BUDGET_MS} ms per write at p50 → ${choice} (src/db/client.ts has ${SQLITE_SYNCHRONOUS})`);
console.log(`disk: ${DATA_DIR}; Node ${process.version}; 1-min load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);

for (const s of subjects) {
  s.raw.close();
  await s.handle.close();
}
