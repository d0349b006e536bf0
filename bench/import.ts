/**
 * CSV import and export at size: `npx tsx bench/import.ts [--deals 100000] [--provider sqlite|postgresql] [--reuse]`
 *
 * 1. Writes, streaming, a generic-preset file set to bench/.data/import-<deals>/ (the headers our
 *    export writes): companies.csv (deals / 5), contacts.csv (deals / 2), deals.csv (deals; each
 *    with an owner, a company, one or two contacts, a stage of the default pipeline, an amount,
 *    a close date, a next action on most open deals). `--reuse` keeps files already there.
 * 2. Migrates a fresh database (SQLite: bench/.data/import-<deals>.db; PostgreSQL: a schema of its
 *    own under BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432/test) with one
 *    workspace and 50 members.
 * 3. Imports the files as `npm run import -- … --yes` does (dry run, then the import confirming
 *    it), each file in a process of its own that reports its wall time and its own peak RSS
 *    (`process.resourceUsage().maxRSS`); then exports the workspace (src/data/export.ts) the same way.
 *
 * Prints a table; figures and commands are kept in bench/README.md, "Import and export".
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify';
import { openDatabase } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { parseDatabaseUrl } from '../src/db/provider.js';
import { driverConnector } from '../src/data/import-connection.js';
import { exportWorkspace } from '../src/data/export.js';
import { createCrm, systemClock } from '../src/domain/index.js';
import { createReadStream } from 'node:fs';

const ROOT = path.resolve(import.meta.dirname, '..');
const DATA = path.join(ROOT, 'bench', '.data');
const FILES = ['companies.csv', 'contacts.csv', 'deals.csv'] as const;
const MEMBERS = 50;
/** The Node options `npm run import` gives the import (package.json). */
const IMPORT_NODE_ARGS = '--max-old-space-size=192';
const STAGES = ['New', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost'];

const { values } = parseArgs({
  options: {
    deals: { type: 'string', default: '100000' },
    provider: { type: 'string', default: 'sqlite' },
    reuse: { type: 'boolean', default: false },
    child: { type: 'string' },
    file: { type: 'string' },
    url: { type: 'string' },
    workspace: { type: 'string' },
    out: { type: 'string' },
  },
});

if (values.child) await child();
else await main();

async function main(): Promise<void> {
  const deals = Number(values.deals);
  const companies = Math.round(deals / 5);
  const contacts = Math.round(deals / 2);
  const dir = path.join(DATA, `import-${deals}`);
  if (!values.reuse || !FILES.every((f) => existsSync(path.join(dir, f)))) {
    const t = performance.now();
    await generate(dir, deals, companies, contacts);
    console.log(`generated ${dir} (${companies.toLocaleString('en-US')} companies, ${contacts.toLocaleString('en-US')} contacts, ${deals.toLocaleString('en-US')} deals) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const url = await freshDatabase(values.provider === 'postgresql' ? 'postgresql' : 'sqlite', deals);
  const workspaceId = await seedWorkspace(url);
  const results: { step: string; rows: string; seconds: string; cpu: string; rss: string }[] = [];
  let total = 0;
  let cpu = 0;
  for (const file of FILES) {
    const r = await runChild(['--child', 'import', '--url', url, '--workspace', workspaceId, '--file', path.join(dir, file)]);
    total += r.seconds;
    cpu += r.cpuSeconds;
    results.push({
      step: `import ${file} (dry run ${r.planSeconds.toFixed(1)} s + import ${r.runSeconds.toFixed(1)} s)`,
      rows: `${r.created.toLocaleString('en-US')} created`,
      seconds: r.seconds.toFixed(1),
      cpu: r.cpuSeconds.toFixed(1),
      rss: r.rssMb.toFixed(0),
    });
  }
  results.push({ step: 'import, all three files', rows: '', seconds: total.toFixed(1), cpu: cpu.toFixed(1), rss: '' });
  const out = path.join(dir, 'export');
  const e = await runChild(['--child', 'export', '--url', url, '--workspace', workspaceId, '--out', out]);
  results.push({ step: 'export of the workspace (4 files)', rows: `${e.created.toLocaleString('en-US')} rows`, seconds: e.seconds.toFixed(1), cpu: e.cpuSeconds.toFixed(1), rss: e.rssMb.toFixed(0) });
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`\n${values.provider} — ${deals.toLocaleString('en-US')} deals, ${companies.toLocaleString('en-US')} companies, ${contacts.toLocaleString('en-US')} contacts; load average ${load}`);
  console.log('| step | rows | wall s | CPU s | peak RSS (MB) |\n|---|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.step} | ${r.rows} | ${r.seconds} | ${r.cpu} | ${r.rss} |`);
}

/** The child: one import (dry run, then the import confirming it) or the export, with its own time and peak RSS. */
async function child(): Promise<void> {
  const handle = await openDatabase(values.url!);
  const crm = createCrm(handle.db, systemClock, { importConnector: driverConnector(handle.target) });
  const workspaceId = values.workspace!;
  const t0 = performance.now();
  if (values.child === 'export') {
    const ws = await handle.db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    const summary = await exportWorkspace(handle.db, ws, values.out!);
    const seconds = (performance.now() - t0) / 1000;
    await handle.close();
    const rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({ seconds, planSeconds: 0, runSeconds: 0, created: rows, rssMb: process.resourceUsage().maxRSS / 1024, cpuSeconds: cpuSeconds() }));
    return;
  }
  const admin = await handle.db.member.findFirstOrThrow({ where: { workspaceId, role: 'admin' } });
  const actor = await crm.identity.actorFor(admin);
  const file = values.file!;
  const request = { actor, fileName: path.basename(file), input: () => createReadStream(file) };
  const plan = await crm.imports.plan(request);
  const t1 = performance.now();
  const done = await crm.imports.run({ ...request, confirm: plan });
  const t2 = performance.now();
  await handle.close();
  if (done.bad > 0) console.error(`${file}: ${done.bad} bad rows, first: ${JSON.stringify(done.badRows.slice(0, 3))}`);
  console.log(
    JSON.stringify({
      seconds: (t2 - t0) / 1000,
      planSeconds: (t1 - t0) / 1000,
      runSeconds: (t2 - t1) / 1000,
      created: done.create,
      rssMb: process.resourceUsage().maxRSS / 1024,
      cpuSeconds: cpuSeconds(),
    }),
  );
}

/** CPU time the process used, user and system (the whole process: start-up and module loading too). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function runChild(args: string[]): Promise<{ seconds: number; planSeconds: number; runSeconds: number; created: number; rssMb: number; cpuSeconds: number }> {
  return new Promise((resolve, reject) => {
    // As `npm run import` runs (package.json): the V8 heap capped, or V8 lets garbage pile up.
    const nodeArgs = (process.env.BENCH_IMPORT_NODE_ARGS ?? IMPORT_NODE_ARGS).split(' ').filter(Boolean);
    const c = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bench/import.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => (out += String(d)));
    c.on('error', reject);
    c.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`child ${args.join(' ')} exited ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!));
    });
  });
}

async function freshDatabase(provider: 'sqlite' | 'postgresql', deals: number): Promise<string> {
  mkdirSync(DATA, { recursive: true });
  let url: string;
  if (provider === 'sqlite') {
    const file = path.join(DATA, `import-${deals}.db`);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    url = `file:${file}`;
  } else {
    const base = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
    const schema = `bench_import_${deals}`;
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
    const u = new URL(base);
    u.searchParams.set('schema', schema);
    url = u.toString();
  }
  parseDatabaseUrl(url);
  await migrateDatabase(url);
  return url;
}

async function seedWorkspace(url: string): Promise<string> {
  const handle = await openDatabase(url);
  const crm = createCrm(handle.db);
  const ws = await crm.identity.ensureWorkspace({ platform: 'slack', externalId: 'T-BENCH', name: 'Bench', defaultCurrency: 'USD' });
  for (let i = 0; i < MEMBERS; i++) {
    await crm.identity.ensureMember({ workspaceId: ws.id, externalId: `U${i}`, handle: `rep${i}`, displayName: `Rep ${i}`, email: `rep${i}@example.com`, platformAdmin: i === 0 });
  }
  await handle.close();
  return ws.id;
}

/** The three files, written a row at a time. Deterministic: the same size gives the same files. */
async function generate(dir: string, deals: number, companies: number, contacts: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const owner = (i: number) => `rep${i % MEMBERS}@example.com`;
  const company = (i: number) => ({ name: `Company ${i}`, domain: `company-${i}.example` });
  const write = (file: string, columns: string[], rows: () => Generator<string[]>) =>
    pipeline(Readable.from(rows()), stringify({ header: true, columns }), createWriteStream(path.join(dir, file)));
  await write('companies.csv', ['Name', 'Domain', 'Owner email', 'Created'], function* () {
    for (let i = 0; i < companies; i++) yield [company(i).name, company(i).domain, owner(i), day(i)];
  });
  await write('contacts.csv', ['Name', 'Email', 'Phone', 'Job title', 'Company', 'Company domain', 'Owner email', 'Created'], function* () {
    for (let i = 0; i < contacts; i++) {
      const c = company(i % companies);
      yield [`Person ${i}`, `person${i}@${c.domain}`, `+1 415 555 ${String(i % 10000).padStart(4, '0')}`, i % 3 === 0 ? 'CTO' : 'Buyer', c.name, c.domain, owner(i), day(i)];
    }
  });
  await write(
    'deals.csv',
    ['Number', 'Title', 'Pipeline', 'Stage', 'Status', 'Amount', 'Currency', 'Owner email', 'Company', 'Company domain', 'Contact emails', 'Close date', 'Next action', 'Next action due', 'Created'],
    function* () {
      for (let i = 0; i < deals; i++) {
        const c = company(i % companies);
        const stage = STAGES[i % STAGES.length]!;
        const status = stage === 'Won' ? 'won' : stage === 'Lost' ? 'lost' : 'open';
        const people = [`person${i % contacts}@${company((i % contacts) % companies).domain}`];
        if (i % 4 === 0) people.push(`person${(i + 1) % contacts}@${company(((i + 1) % contacts) % companies).domain}`);
        const next = status === 'open' && i % 10 !== 0;
        yield [
          String(i + 1),
          `Deal ${i + 1} for ${c.name}`,
          'Sales',
          stage,
          status,
          `${(i * 37) % 100000}.${String(i % 100).padStart(2, '0')}`,
          'USD',
          owner(i),
          c.name,
          c.domain,
          people.join('; '),
          day(i + 400),
          next ? `Follow up ${i + 1}` : '',
          next ? day(i + 300) : '',
          `${day(i)}T10:00:00.000Z`,
        ];
      }
    },
  );
}

function day(i: number): string {
  return new Date(Date.UTC(2025, 0, 1) + (i % 700) * 86_400_000).toISOString().slice(0, 10);
}
