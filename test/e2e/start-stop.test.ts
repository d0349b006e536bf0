/**
 * Start and stop, as an operator sees them: the BUILT app (`node dist/main.js`, what `npm start`
 * runs) in child processes, against a Slack stand-in on 127.0.0.1 (SLACK_API_URL). A token Slack
 * rejects, or no Slack at all, stops the start with one line; SIGINT/SIGTERM end every mode within
 * 10 s with exit code 0 and a database that opens again with what was written.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { createCrm, FixedClock } from '../../src/domain/index.js';
import { seedWorkspace, usd } from '../helpers/fixtures.js';
import { REVOKED_BOT_TOKEN, startSlackApiStub, STUB_TEAM_ID, type SlackApiStub } from '../helpers/slack-api-stub.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The bound, from the signal to the process's exit. */
const STOP_LIMIT_MS = 10_000;
/**
 * How long a mode may take to come up. Each start costs 3 to 4 s of CPU (Prisma, Bolt,
 * botbuilder), several start at once here, and the machine may be busy with other work.
 */
const READY_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 120_000;
const DAY_MS = 86_400_000;
/** Time for the app to read the start of an unfinished request before the signal. */
const UNFINISHED_REQUEST_SETTLE_MS = 500;

let stub: SlackApiStub;
const launched = new Set<number>();
let dir: string;

beforeAll(async () => {
  // The app under test is dist/, built once for the whole run by test/global-setup.ts.
  stub = await startSlackApiStub();
  dir = mkdtempSync(path.join(os.tmpdir(), 'crm-start-stop-'));
}, 120_000);

afterAll(async () => {
  // A test that failed before its stop leaves its app running: end it (by pid, ours only).
  for (const pid of launched) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await stub?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh, migrated SQLite file (a copy of the suite's template). */
function freshDatabase(name: string): string {
  const file = path.join(dir, `${name}.db`);
  copyFileSync(inject('sqliteTemplate'), file);
  return file;
}

/** Opens the file again as another process would: it must be intact and hold `titles`. */
function expectDatabaseHolds(file: string, titles: string[]): void {
  const db = new Database(file);
  try {
    expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    const stored = db.prepare('SELECT title FROM Deal').pluck().all();
    for (const t of titles) expect(stored).toContain(t);
  } finally {
    db.close();
  }
}

/** A workspace whose channel digest (every day, 00:00 UTC, subscribed days ago) is due now. */
async function seedDueDigest(file: string): Promise<void> {
  const handle = await openDatabase(`file:${file}`);
  try {
    const crm = createCrm(handle.db, new FixedClock(new Date(Date.now() - 3 * DAY_MS)));
    const w = await seedWorkspace(crm);
    await crm.deals.create(w.alice, { title: 'Acme renewal', amount: usd(25_000) });
    await crm.digests.subscribe(w.alice, { platform: 'slack', conversationId: 'C0SALES', minuteOfDay: 0, days: 'daily', timeZone: 'UTC' });
  } finally {
    await handle.close();
  }
}

/** Waits until `done()` (the stub saw a call), or fails with the app's output. */
async function until(done: () => boolean, app: Running): Promise<void> {
  const t0 = performance.now();
  while (!done()) {
    if (performance.now() - t0 > READY_TIMEOUT_MS) throw new Error(`timed out; stdout:\n${app.out()}\nstderr:\n${app.err()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

interface Running {
  /** The app's own process id (inside `script` for a terminal). */
  pid: number;
  child: ChildProcess;
  out(): string;
  err(): string;
  waitFor(pattern: RegExp, where?: 'out' | 'err' | 'any'): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node dist/main.js` with only `env` (plus PATH). With `tty`, inside `script`, so the
 * app sees a terminal on standard input as a person at a prompt does.
 */
async function launch(env: Record<string, string>, args: string[] = [], opts: { tty?: boolean } = {}): Promise<Running> {
  const fullEnv = { PATH: process.env.PATH ?? '', HOME: dir, CRM_TIMEZONE: 'UTC', LOG_LEVEL: 'warn', SLACK_API_URL: stub.apiUrl, ...env };
  const child = opts.tty
    ? spawn('script', ['-qfec', ['exec', process.execPath, 'dist/main.js', ...args].join(' '), '/dev/null'], {
        cwd: ROOT,
        env: { ...fullEnv, TERM: 'dumb', NO_COLOR: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, ['dist/main.js', ...args], { cwd: ROOT, env: fullEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += String(c)));
  child.stderr!.on('data', (c) => (stderr += String(c)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  launched.add(child.pid!);
  const pid = opts.tty ? await childOf(child.pid!) : child.pid!;
  launched.add(pid);
  void exited.then(() => {
    launched.delete(child.pid!);
    launched.delete(pid);
  });
  return {
    pid,
    child,
    out: () => stdout,
    err: () => stderr,
    exited,
    waitFor: (pattern, where = 'any') =>
      new Promise<void>((resolve, reject) => {
        const text = () => (where === 'out' ? stdout : where === 'err' ? stderr : stdout + stderr);
        const timer = setTimeout(() => {
          clearInterval(poll);
          reject(new Error(`no ${pattern} within ${READY_TIMEOUT_MS} ms; stdout:\n${stdout}\nstderr:\n${stderr}`));
        }, READY_TIMEOUT_MS);
        const poll = setInterval(() => {
          if (pattern.test(text())) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve();
          }
        }, 50);
        void exited.then(() => setTimeout(() => {
          if (pattern.test(text())) return;
          clearInterval(poll);
          clearTimeout(timer);
          reject(new Error(`exited before ${pattern}; stdout:\n${stdout}\nstderr:\n${stderr}`));
        }, 100));
      }),
  };
}

/** The process `script` started (it execs the app, so its only child is the app). */
async function childOf(pid: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    try {
      const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      if (kids) return Number(kids.split(/\s+/)[0]);
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('script started no process');
}

/** Sends `sig` to the app and measures until its process has exited. */
async function stop(app: Running, sig: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
  const t0 = performance.now();
  process.kill(app.pid, sig);
  const { code } = await app.exited;
  return { code, ms: performance.now() - t0 };
}

/** A GET on a keep-alive connection that then stays open and idle (as Slack's and proxies' do). */
async function keepAliveRequest(port: number): Promise<http.Agent> {
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
  const status = await new Promise<number>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
  expect(status).toBe(200);
  return agent;
}

/**
 * A request still arriving when the stop comes (headers never finished): the server must not
 * wait for it forever. Resolves once the server has surely read the unfinished part.
 */
async function unfinishedRequest(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  // A whole request first, so the connection is accepted and served…
  await new Promise<void>((resolve) => {
    socket.once('data', () => resolve());
    socket.write('GET /healthz HTTP/1.1\r\nHost: crm.test\r\n\r\n');
  });
  // …then the start of a second one, which the server reads and waits on.
  socket.write('GET /healthz HTTP/1.1\r\nHost: crm.test\r\n');
  await new Promise((r) => setTimeout(r, UNFINISHED_REQUEST_SETTLE_MS));
  return socket;
}

const SLACK_HTTP = { SLACK_BOT_TOKEN: 'xoxb-good', SLACK_SIGNING_SECRET: 'signing-secret' };
const SOCKET_MODE = { SLACK_APP_TOKEN: 'xapp-good', SLACK_BOT_TOKEN: 'xoxb-good' };
const TEAMS = { MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'teams-secret' };

describe.concurrent('npm start: Slack must answer auth.test before anything is served', () => {
  it('a bot token that auth.test rejects stops the start with one line, exit code 1, no stack trace', async () => {
    const app = await launch({ DATABASE_URL: `file:${freshDatabase('revoked')}`, PORT: String(await freePort()), ...SLACK_HTTP, SLACK_BOT_TOKEN: REVOKED_BOT_TOKEN });
    const { code } = await app.exited;
    expect(code, app.err()).toBe(1);
    const slackLines = app.err().split('\n').filter((l) => l.startsWith('Slack:'));
    expect(slackLines).toHaveLength(1);
    expect(slackLines[0]).toMatch(/^Slack: auth\.test failed: invalid_auth \(check SLACK_BOT_TOKEN/);
    expect(app.err()).not.toMatch(/\n\s+at /);
    expect(app.err()).not.toContain('fetch failed');
    expect(app.err()).not.toContain('listening');
    // Checked before the database is even opened.
    expect(app.err()).not.toContain('Database:');
  }, TEST_TIMEOUT_MS);

  it('an unreachable Slack stops the start with one line naming the address and the cause', async () => {
    const closedPort = await freePort();
    const apiUrl = `http://127.0.0.1:${closedPort}/api/`;
    const app = await launch({ DATABASE_URL: `file:${freshDatabase('unreachable')}`, ...SOCKET_MODE, SLACK_API_URL: apiUrl });
    const { code } = await app.exited;
    expect(code, app.err()).toBe(1);
    expect(app.err()).toContain(`Slack: auth.test failed: cannot reach ${apiUrl} (ECONNREFUSED)`);
    expect(app.err()).not.toMatch(/\n\s+at /);
    expect(app.err()).not.toContain('connected in Socket Mode');
  }, TEST_TIMEOUT_MS);
});

describe.concurrent('SIGINT and SIGTERM stop every mode within 10 s, closing the database (exit code 0 on a clean stop)', () => {
  it('console on a pipe (stdin still open): SIGTERM after a command; the deal is in the file', async () => {
    const file = freshDatabase('console-pipe');
    const app = await launch({ DATABASE_URL: `file:${file}`, CRM_DEMO_DATA: 'never' });
    app.child.stdin!.write('/deal new Acme renewal 25k\n');
    await app.waitFor(/✓ Created D-\d+/, 'out');
    const { code, ms } = await stop(app, 'SIGTERM');
    expect(code, app.err()).toBe(0);
    expect(ms).toBeLessThan(STOP_LIMIT_MS);
    expect(app.err()).toContain('SIGTERM: stopping…');
    expectDatabaseHolds(file, ['Acme renewal']);
  }, TEST_TIMEOUT_MS);

  it('console on a terminal: SIGINT at the prompt', async () => {
    const file = freshDatabase('console-tty');
    const app = await launch({ DATABASE_URL: `file:${file}`, CRM_DEMO_DATA: 'never' }, [], { tty: true });
    await app.waitFor(/deal> /);
    app.child.stdin!.write('/deal new Globex pilot 18k\r');
    await app.waitFor(/Created D-\d+/);
    const { code, ms } = await stop(app, 'SIGINT');
    expect(code, app.err()).toBe(0);
    expect(ms).toBeLessThan(STOP_LIMIT_MS);
    expectDatabaseHolds(file, ['Globex pilot']);
  }, TEST_TIMEOUT_MS);

  it('Slack and Teams over HTTP with the scheduler, an idle keep-alive connection and an unfinished request: SIGTERM', async () => {
    const file = freshDatabase('http');
    const port = await freePort();
    const app = await launch({ DATABASE_URL: `file:${file}`, PORT: String(port), ...SLACK_HTTP, ...TEAMS });
    await app.waitFor(/Scheduler: digests and nudges are on/);
    // auth.test's team is the surface's home team from the first request on.
    expect(app.err()).toContain(`Slack: listening on port ${port} for workspace ${STUB_TEAM_ID}`);
    expect(app.err()).toContain('Teams: messaging endpoint');
    const agent = await keepAliveRequest(port);
    const pending = await unfinishedRequest(port);
    const { code, ms } = await stop(app, 'SIGTERM');
    agent.destroy();
    pending.destroy();
    expect(code, app.err()).toBe(0);
    expect(ms).toBeLessThan(STOP_LIMIT_MS);
    expectDatabaseHolds(file, []);
  }, TEST_TIMEOUT_MS);

  it('Socket Mode with SLACK_APP_TOKEN and SLACK_BOT_TOKEN alone (no signing secret): connects, then SIGTERM', async () => {
    const file = freshDatabase('socket');
    const opened = stub.sockets.opened;
    const app = await launch({ DATABASE_URL: `file:${file}`, CRM_SCHEDULER: 'off', ...SOCKET_MODE });
    await app.waitFor(new RegExp(`Slack: connected in Socket Mode for workspace ${STUB_TEAM_ID}`));
    expect(stub.sockets.opened).toBeGreaterThan(opened);
    const { code, ms } = await stop(app, 'SIGTERM');
    expect(code, app.err()).toBe(0);
    expect(ms).toBeLessThan(STOP_LIMIT_MS);
    expectDatabaseHolds(file, []);
  }, TEST_TIMEOUT_MS);

  it('npm run jobs (the scheduler alone, jobs running at start): SIGTERM', async () => {
    const file = freshDatabase('jobs');
    const app = await launch({ DATABASE_URL: `file:${file}`, ...SOCKET_MODE }, ['--jobs']);
    await app.waitFor(/Scheduler: running .* for slack/);
    const { code, ms } = await stop(app, 'SIGTERM');
    expect(code, app.err()).toBe(0);
    expect(ms).toBeLessThan(STOP_LIMIT_MS);
    expect(app.err()).not.toMatch(/"level":50/);
    expectDatabaseHolds(file, []);
  }, TEST_TIMEOUT_MS);

  it('npm run jobs -- --once, SIGTERM while Slack holds a delivery: gives up after the grace, closes, exit code 1', async () => {
    const file = freshDatabase('once');
    await seedDueDigest(file);
    stub.hang.add('chat.postMessage');
    const app = await launch({ DATABASE_URL: `file:${file}`, ...SLACK_HTTP }, ['--jobs', '--once']);
    await until(() => stub.calls.includes('chat.postMessage'), app);
    const { code, ms } = await stop(app, 'SIGTERM');
    // Not a clean finish: the run did not deliver everything, and says so.
    expect(code, app.err()).toBe(1);
    expect(ms).toBeLessThan(STOP_LIMIT_MS);
    expect(app.err()).toContain('Stopped before the run finished (exit code 1)');
    expect(app.err()).not.toContain('Did not stop within');
    expectDatabaseHolds(file, ['Acme renewal']);
  }, TEST_TIMEOUT_MS);

  it('a second signal during the stop exits at once', async () => {
    const port = await freePort();
    const app = await launch({ DATABASE_URL: `file:${freshDatabase('twice')}`, PORT: String(port), CRM_SCHEDULER: 'off', ...SLACK_HTTP });
    await app.waitFor(/Scheduler: off/);
    // The stop waits for this request's grace period: the second signal lands inside it.
    const pending = await unfinishedRequest(port);
    process.kill(app.pid, 'SIGTERM');
    await app.waitFor(/SIGTERM: stopping/);
    process.kill(app.pid, 'SIGTERM');
    const { code } = await app.exited;
    pending.destroy();
    expect(code, app.err()).toBe(143);
    expect(app.err()).toContain('Second SIGTERM: exiting now.');
  }, TEST_TIMEOUT_MS);
});
