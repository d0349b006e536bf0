/**
 * Digest benchmark: build and deliver the channel digests of 1,000 subscriptions over 100,000
 * deals, through the real runner, ledger and Slack notifier, to a local Slack stub. Reports wall
 * time and peak memory of the delivery run, and a second run that finds everything already sent.
 * The run is measured in a child process of its own (so seeding does not count), where it runs
 * the way `npm run jobs` runs the digests job: plain JavaScript over the built application
 * (dist/, built first), in a worker thread with the jobs' resource limits (bench/digests-run.mjs).
 *
 *   npx tsx bench/digests.ts [--subscriptions 1000] [--deals 100000] [--workspaces 100]
 *                            [--concurrency 8] [--provider sqlite|postgresql] [--matrix] [--nudges 5000]
 *
 * --matrix runs several sizes to show how the cost grows: with subscriptions, not with deals.
 * --nudges 5000 instead measures the morning nudges of one workspace with that many members
 * (four deals each; three in five have something to do, the others get no message).
 * BENCH_TRACE=1 prints the process's memory at each step of the measured run.
 * Data lives in bench/.data/digests-<size>.db (SQLite) or a `bench_digests_<size>` schema on
 * BENCH_PG_URL (PostgreSQL); each size is seeded once and reused.
 */
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunReport } from '../src/domain/index.js';

// The application is imported where it is used, so that the measuring process's main thread
// (which only hosts the Slack stub) does not load it: the worker does, as a Bree worker would.
const app = async () => {
  const [{ SlackNotifier }, { openDatabase }, { migrateDatabase }, domain, dates, { searchKey }] = await Promise.all([
    import('../src/bot/slack/notifier.js'),
    import('../src/db/client.js'),
    import('../src/db/migrate.js'),
    import('../src/domain/index.js'),
    import('../src/domain/shared/dates.js'),
    import('../src/domain/shared/text.js'),
  ]);
  return { SlackNotifier, openDatabase, migrateDatabase, ...domain, ...dates, searchKey };
};
const DAY_MS = 24 * 3600 * 1000;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PG_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
/** Tuesday 24 November 2026, 22:00 UTC: every subscription below is due (its local time has passed, on a weekday). */
const NOW = new Date('2026-11-24T22:00:00.000Z');
/** Zones whose local time at NOW is between 7:00 and 23:00 on a Tuesday or Wednesday. */
const ZONES = ['America/Los_Angeles', 'America/Chicago', 'America/New_York', 'America/Sao_Paulo', 'Europe/London', 'Europe/Berlin', 'Asia/Tokyo', 'Australia/Sydney'];

const { values: args } = parseArgs({
  options: {
    subscriptions: { type: 'string', default: '1000' },
    deals: { type: 'string', default: '100000' },
    workspaces: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '8' },
    provider: { type: 'string', default: 'sqlite' },
    matrix: { type: 'boolean', default: false },
    nudges: { type: 'string' },
  },
});

interface Size {
  subscriptions: number;
  deals: number;
  workspaces: number;
}

interface Measured {
  report: RunReport;
  wallMs: number;
  peakRssMb: number;
  posts: number;
  secondRun: { report: RunReport; wallMs: number };
}

// ---------------------------------------------------------------------------------------------
// Seeding (not measured)

function databaseUrl(provider: string, size: Size): string {
  const tag = `${size.workspaces}w_${size.deals}d_${size.subscriptions}s`;
  if (provider === 'postgresql') {
    const u = new URL(PG_URL);
    u.searchParams.set('schema', `bench_digests_${tag}`);
    return u.toString();
  }
  return `file:${path.join(HERE, '.data', `digests-${tag}.db`)}`;
}

/** Deterministic pseudo-random numbers, so every run sees the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function seed(url: string, size: Size): Promise<void> {
  const { openDatabase, FixedClock, createCrm, toDateOnly, fromDateOnly, searchKey } = await app();
  const handle = await openDatabase(url);
  const db = handle.db;
  if ((await db.digestSubscription.count()) === size.subscriptions && (await db.deal.count()) === size.deals) {
    await handle.close();
    return;
  }
  const started = Date.now();
  process.stderr.write(`seeding ${size.deals} deals in ${size.workspaces} workspaces, ${size.subscriptions} subscriptions… `);
  const clock = new FixedClock(new Date(NOW.getTime() - 90 * DAY_MS));
  const crm = createCrm(db, clock);
  const random = rng(42);
  const dealsPer = Math.floor(size.deals / size.workspaces);
  const subsPer = Math.floor(size.subscriptions / size.workspaces);
  for (let wi = 0; wi < size.workspaces; wi++) {
    const ws = await crm.identity.ensureWorkspace({ platform: 'slack', externalId: `T${String(wi).padStart(6, '0')}`, name: `Bench ${wi}` });
    if (wi % 3 === 0) await db.workspace.update({ where: { id: ws.id }, data: { staleAmountThresholdCents: 5_000_000n } });
    const members = [];
    for (let mi = 0; mi < 8; mi++) {
      members.push(
        await crm.identity.ensureMember({ workspaceId: ws.id, externalId: `U${wi}X${mi}`, handle: `m${mi}`, displayName: `Member ${mi}`, timezone: ZONES[mi % ZONES.length] }),
      );
    }
    const { id: pipelineId, stages } = await crm.pipelines.defaultPipeline(ws.id);
    const open = stages.filter((s) => s.kind === 'open');
    const won = stages.find((s) => s.kind === 'won')!;
    const lost = stages.find((s) => s.kind === 'lost')!;
    const deals = [];
    const events = [];
    const count = wi === size.workspaces - 1 ? size.deals - dealsPer * (size.workspaces - 1) : dealsPer;
    for (let i = 0; i < count; i++) {
      const r = random();
      const stage = r < 0.7 ? open[Math.floor(random() * open.length)]! : r < 0.85 ? won : lost;
      const created = new Date(NOW.getTime() - (10 + random() * 300) * DAY_MS);
      // Most open deals are active; about one in five has been quiet for more than 14 days.
      const quietDays = random() < 0.2 ? 15 + random() * 60 : random() * 13;
      const lastActivityAt = new Date(Math.max(created.getTime(), NOW.getTime() - quietDays * DAY_MS));
      const hasNext = stage.kind === 'open' && random() < 0.75;
      const due = hasNext ? toDateOnly(new Date(NOW.getTime() + Math.round(-6 + random() * 26) * DAY_MS)) : null;
      const title = `Deal ${wi}-${i} ${['renewal', 'pilot', 'expansion', 'upgrade'][i % 4]}`;
      const id = `bd${wi}x${i}`;
      const closedAt = stage.kind === 'open' ? null : new Date(NOW.getTime() - random() * 60 * DAY_MS);
      deals.push({
        id,
        workspaceId: ws.id,
        number: i + 1,
        title,
        searchText: searchKey(title),
        amountCents: random() < 0.9 ? BigInt(Math.round(1_000 + random() * 120_000)) * 100n : null,
        currency: 'USD',
        pipelineId,
        stageId: stage.id,
        status: stage.kind,
        ownerId: members[i % members.length]!.id,
        nextAction: hasNext ? 'Follow up' : null,
        nextActionDueAt: due ? fromDateOnly(due) : null,
        lastActivityAt,
        stageChangedAt: lastActivityAt,
        closedAt,
        createdAt: created,
      });
      // About 2% of deals moved, won or lost in the last two days: the digests' "since" section.
      if (random() < 0.02) {
        const at = new Date(NOW.getTime() - random() * 2 * DAY_MS);
        const from = open[0]!.name;
        events.push({ workspaceId: ws.id, dealId: id, kind: 'stage', field: 'stage', fromValue: from, toValue: stage.name, at });
        if (stage.kind !== 'open') events.push({ workspaceId: ws.id, dealId: id, kind: stage.kind, at });
      }
    }
    for (let i = 0; i < deals.length; i += 2_000) await db.deal.createMany({ data: deals.slice(i, i + 2_000) });
    if (events.length) await db.dealEvent.createMany({ data: events });
    await db.workspace.update({ where: { id: ws.id }, data: { nextDealNumber: count + 1 } });
    const subs = wi === size.workspaces - 1 ? size.subscriptions - subsPer * (size.workspaces - 1) : subsPer;
    await db.digestSubscription.createMany({
      data: Array.from({ length: subs }, (_, si) => ({
        workspaceId: ws.id,
        platform: 'slack',
        conversationId: `C${wi}X${si}`,
        minuteOfDay: 6 * 60 + (si % 4) * 15,
        days: si % 5 === 0 ? 'daily' : 'weekdays',
        timezone: ZONES[si % ZONES.length]!,
        whenEmpty: 'all_clear',
        createdAt: new Date(NOW.getTime() - 30 * DAY_MS),
      })),
    });
  }
  await handle.close();
  process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

// ---------------------------------------------------------------------------------------------
// The measured run (child process)


/**
 * The measured run: bench/digests-run.mjs in a child process of its own, in plain JavaScript over
 * the built application (as `npm run jobs` runs it), so seeding and tsx do not count.
 */
function runChild(url: string, job: 'digests' | 'nudges' = 'digests'): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(HERE, 'digests-run.mjs'), url, job, args.concurrency!], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += String(c)));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as Measured);
      } catch {
        reject(new Error(`the measured run failed (exit ${code}): ${out}`));
      }
    });
  });
}

/** The measured run loads dist/: build it first (incremental; quick when nothing changed). */
function build(): void {
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: path.join(HERE, '..'), stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

// ---------------------------------------------------------------------------------------------

async function bench(provider: string, size: Size): Promise<Measured> {
  const url = databaseUrl(provider, size);
  await (await app()).migrateDatabase(url);
  await seed(url, size);
  const m = await runChild(url);
  if (m.report.sent !== size.subscriptions || m.posts !== size.subscriptions || m.secondRun.report.sent !== 0) {
    throw new Error(`expected ${size.subscriptions} posts once: ${JSON.stringify(m)}`);
  }
  return m;
}

function row(provider: string, size: Size, m: Measured): string {
  const perSub = m.wallMs / size.subscriptions;
  return `| ${provider} | ${size.subscriptions.toLocaleString('en-US')} | ${size.deals.toLocaleString('en-US')} | ${size.workspaces} | ${(m.wallMs / 1000).toFixed(1)} s | ${perSub.toFixed(1)} ms | ${Math.round(m.peakRssMb)} MB | ${m.secondRun.wallMs.toFixed(0)} ms |`;
}

// ---------------------------------------------------------------------------------------------
// Nudges: one workspace with thousands of members

/** Zones where NOW (22:00 UTC, Tuesday) is past 9:00 on a weekday and outside 19:00–08:00. */
const NUDGE_ZONES = ['America/Los_Angeles', 'America/Denver', 'America/Chicago', 'America/New_York', 'Australia/Sydney'];

async function seedNudges(url: string, members: number): Promise<number> {
  const { openDatabase, FixedClock, createCrm, toDateOnly, fromDateOnly, searchKey } = await app();
  const handle = await openDatabase(url);
  const db = handle.db;
  const withWork = Array.from({ length: members }, (_, i) => i % 5 < 3).filter(Boolean).length;
  if ((await db.member.count()) === members) {
    await handle.close();
    return withWork;
  }
  const started = Date.now();
  process.stderr.write(`seeding ${members} members with ${members * 4} deals… `);
  const crm = createCrm(db, new FixedClock(new Date(NOW.getTime() - 30 * DAY_MS)));
  const ws = await crm.identity.ensureWorkspace({ platform: 'slack', externalId: 'TNUDGES', name: 'Nudges' });
  const { id: pipelineId, stages } = await crm.pipelines.defaultPipeline(ws.id);
  const open = stages.filter((st) => st.kind === 'open');
  const ids = Array.from({ length: members }, (_, i) => `bm${i}`);
  await db.member.createMany({
    data: ids.map((id, i) => ({ id, workspaceId: ws.id, externalId: `U${i}`, handle: `m${i}`, displayName: `Member ${i}`, timezone: NUDGE_ZONES[i % NUDGE_ZONES.length]! })),
  });
  const deals = [];
  for (let i = 0; i < members; i++) {
    for (let k = 0; k < 4; k++) {
      // Three members in five have a deal with no next action (k = 0) or one overdue (k = 1).
      const work = i % 5 < 3;
      const noNext = work && k === 0;
      const due = toDateOnly(new Date(NOW.getTime() + (work && k === 1 ? -3 : 5 + k) * DAY_MS));
      const n = i * 4 + k + 1;
      const title = `Deal ${n}`;
      deals.push({
        workspaceId: ws.id,
        number: n,
        title,
        searchText: searchKey(title),
        amountCents: 1_000_000n,
        currency: 'USD',
        pipelineId,
        stageId: open[k % open.length]!.id,
        status: 'open',
        ownerId: ids[i]!,
        nextAction: noNext ? null : 'Follow up',
        nextActionDueAt: noNext ? null : fromDateOnly(due),
        lastActivityAt: new Date(NOW.getTime() - 2 * DAY_MS),
        stageChangedAt: new Date(NOW.getTime() - 2 * DAY_MS),
        createdAt: new Date(NOW.getTime() - 20 * DAY_MS),
      });
    }
  }
  for (let i = 0; i < deals.length; i += 2_000) await db.deal.createMany({ data: deals.slice(i, i + 2_000) });
  await db.workspace.update({ where: { id: ws.id }, data: { nextDealNumber: deals.length + 1 } });
  await handle.close();
  process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return withWork;
}

async function nudgeBench(provider: string, members: number): Promise<void> {
  const url =
    provider === 'postgresql'
      ? (() => {
          const u = new URL(PG_URL);
          u.searchParams.set('schema', `bench_nudges_${members}m`);
          return u.toString();
        })()
      : `file:${path.join(HERE, '.data', `nudges-${members}m.db`)}`;
  await (await app()).migrateDatabase(url);
  const withWork = await seedNudges(url, members);
  const m = await runChild(url, 'nudges');
  if (m.report.sent !== withWork || m.posts !== withWork || m.report.skipped !== members - withWork || m.secondRun.report.due !== 0) {
    throw new Error(`expected ${withWork} nudges once and ${members - withWork} skipped: ${JSON.stringify(m)}`);
  }
  console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${provider}, concurrency ${args.concurrency}`);
  console.log('| database | members | deals | nudges sent | skipped (nothing to do) | wall time | per member | peak RSS |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${provider} | ${members.toLocaleString('en-US')} | ${(members * 4).toLocaleString('en-US')} | ${m.report.sent.toLocaleString('en-US')} | ${m.report.skipped.toLocaleString('en-US')} | ${(m.wallMs / 1000).toFixed(1)} s | ${(m.wallMs / members).toFixed(1)} ms | ${Math.round(m.peakRssMb)} MB |`,
  );
}

async function main(): Promise<void> {
  build();
  const provider = args.provider!;
  if (provider !== 'sqlite' && provider !== 'postgresql') throw new Error('--provider sqlite|postgresql');
  if (args.nudges) {
    await nudgeBench(provider, Number(args.nudges));
    return;
  }
  const base: Size = { subscriptions: Number(args.subscriptions), deals: Number(args.deals), workspaces: Number(args.workspaces) };
  const sizes: Size[] = args.matrix
    ? [
        base,
        { ...base, deals: base.deals / 5 },
        { ...base, deals: base.deals * 2 },
        { ...base, subscriptions: base.subscriptions / 2 },
        { ...base, subscriptions: base.subscriptions * 2 },
      ]
    : [base];
  console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${provider}, concurrency ${args.concurrency}`);
  console.log('| database | subscriptions | deals | workspaces | build + deliver | per subscription | peak RSS | second run (all sent) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const size of sizes) console.log(row(provider, size, await bench(provider, size)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

