/**
 * Backup and restore at the records bench's size (bench/records-seed.ts: 20,000 companies,
 * 100,000 contacts, 100,000 deals with their contact links, 200,000 activities, 20,000 tasks, and
 * a small second workspace), and the CSV export of the main workspace: wall time and peak RSS
 * of each, each in a process of its own (the way `npm run backup` / `restore` / `export` run).
 *
 *   npx tsx bench/backup.ts [--provider sqlite|postgresql|both] [--reuse] [--deals N …]
 *
 * The source is a SQLite file of its own (bench/.data/backup-source.db, kept for --reuse); the
 * backup is restored into a new SQLite file and, with --provider postgresql or both, into a new
 * PostgreSQL schema (the move up), and every table's row count is compared. Figures:
 * bench/README.md, "Backup, restore and export".
 */
import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../src/db/client.js';
import { parseDatabaseUrl } from '../src/db/provider.js';
import { backupDatabase } from '../src/data/backup.js';
import { readCatalog } from '../src/data/catalog.js';
import { exportWorkspace } from '../src/data/export.js';
import { restoreDatabase } from '../src/data/restore.js';
import { chooseWorkspace } from '../src/data/workspace.js';
import { RECORDS_WS, seedRecords, type RecordSizes } from './records-seed.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.join(HERE, '.data');
const SOURCE_URL = `file:${path.join(DATA, 'backup-source.db')}`;
const FILE = path.join(DATA, 'backup-bench.jsonl.gz');
const PG_BASE = process.env.BENCH_BACKUP_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const PG_SCHEMA = 'crm_backup_bench';

const { values: args } = parseArgs({
  options: {
    provider: { type: 'string', default: 'sqlite' },
    reuse: { type: 'boolean', default: false },
    contacts: { type: 'string', default: '100000' },
    companies: { type: 'string', default: '20000' },
    deals: { type: 'string', default: '100000' },
    activities: { type: 'string', default: '200000' },
    tasks: { type: 'string', default: '20000' },
    /** Internal: run one step in this process and print its figures as JSON. */
    step: { type: 'string' },
    url: { type: 'string' },
  },
});

interface StepResult {
  ms: number;
  maxRssMb: number;
  rows?: number;
}

/** One step, in this (child) process: its time and this process's peak RSS. */
async function runStep(step: string, url: string): Promise<StepResult> {
  const t0 = performance.now();
  let rows: number | undefined;
  if (step === 'backup') {
    const handle = await openDatabase(url);
    try {
      rows = (await backupDatabase(handle, FILE)).totalRows;
    } finally {
      await handle.close();
    }
  } else if (step === 'restore') {
    rows = (await restoreDatabase(url, FILE)).totalRows;
  } else if (step === 'export') {
    const handle = await openDatabase(url);
    try {
      const ws = await chooseWorkspace(handle.db, RECORDS_WS);
      const summary = await exportWorkspace(handle.db, ws, path.join(DATA, 'export-bench'));
      rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
    } finally {
      await handle.close();
    }
  } else throw new Error(`unknown step ${step}`);
  return { ms: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024, rows };
}

function inChild(step: string, url: string): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--step', step, '--url', url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += String(c)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as StepResult) : reject(new Error(`${step} exited ${code}`))));
  });
}

async function counts(url: string): Promise<Record<string, number>> {
  const handle = await openDatabase(url);
  try {
    const out: Record<string, number> = {};
    for (const t of await readCatalog(handle.db, handle.target.provider)) {
      const [{ n }] = await handle.db.$queryRawUnsafe<[{ n: unknown }]>(`SELECT COUNT(*) AS n FROM "${t.name}"`);
      out[t.name] = Number(n);
    }
    return out;
  } finally {
    await handle.close();
  }
}

async function pgAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_BASE });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const fmt = (r: StepResult) => `${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.maxRssMb.toFixed(0)} MB`;

if (args.step) {
  console.log(JSON.stringify(await runStep(args.step, args.url!)));
} else {
  const sizes: RecordSizes = {
    contacts: Number(args.contacts),
    companies: Number(args.companies),
    deals: Number(args.deals),
    activities: Number(args.activities),
    tasks: Number(args.tasks),
  };
  console.log(`source: ${SOURCE_URL}`);
  await seedRecords({ target: parseDatabaseUrl(SOURCE_URL), sizes, reuse: args.reuse!, log: (l) => console.log(l) });
  const source = await counts(SOURCE_URL);
  const total = Object.values(source).reduce((a, b) => a + b, 0);
  console.log(`rows: ${total.toLocaleString('en-US')} (${Object.entries(source).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`).join(', ')})`);

  const backup = await inChild('backup', SOURCE_URL);
  console.log(`backup  (SQLite → file):       ${fmt(backup)}, ${(statSync(FILE).size / 1024 / 1024).toFixed(1)} MB gzip'd`);

  const targets: string[] = [];
  if (args.provider === 'sqlite' || args.provider === 'both') {
    const file = path.join(DATA, 'backup-restored.db');
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    targets.push(`file:${file}`);
  }
  if (args.provider === 'postgresql' || args.provider === 'both') {
    await pgAdmin(`DROP SCHEMA IF EXISTS "${PG_SCHEMA}" CASCADE`);
    await pgAdmin(`CREATE SCHEMA "${PG_SCHEMA}"`);
    const u = new URL(PG_BASE);
    u.searchParams.set('schema', PG_SCHEMA);
    targets.push(u.toString());
  }
  for (const url of targets) {
    const provider = parseDatabaseUrl(url).provider;
    const restore = await inChild('restore', url);
    const after = await counts(url);
    const same = JSON.stringify(after) === JSON.stringify(source);
    console.log(`restore (file → ${provider === 'sqlite' ? 'SQLite' : 'PostgreSQL'}):${provider === 'sqlite' ? '     ' : ' '} ${fmt(restore)}; every table's row count ${same ? 'equal' : 'DIFFERENT'}`);
    if (!same) process.exitCode = 1;
  }
  const exported = await inChild('export', SOURCE_URL);
  console.log(`export  (main workspace → CSV): ${fmt(exported)}, ${exported.rows!.toLocaleString('en-US')} rows`);
}
