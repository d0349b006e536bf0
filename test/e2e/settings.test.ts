/**
 * Start-up settings and the piped console, as a person running the BUILT app sees them (`node
 * dist/main.js`, what `npm start` runs, built by the suite's global setup; and `npm start --silent`
 * and `npm run seed` themselves):
 * a refused setting names its variable and exits 1 before anything is created; demo data can be
 * asked for again; a piped session's exit status says whether every command worked; the
 * PostgreSQL console ends at once after `/quit` or the end of its input (measured).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The PostgreSQL server the brief names; TEST_DATABASE_URL when the suite runs on another. */
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
/**
 * From `/quit` (or the end of piped input) to the process's exit. It was 10 s on PostgreSQL; a
 * close takes tens of milliseconds, the rest is a loaded machine's scheduling.
 */
const QUIT_EXIT_LIMIT_MS = 3_000;
/** A start on a busy machine (Prisma and the console load in 2 to 4 s of CPU). */
const READY_TIMEOUT_MS = 45_000;
const TEST_TIMEOUT_MS = 60_000;
/** The console's last start-up line (the banner), after which it reads commands. */
const READY = /docs\/teams\.md\)\./;

let dir: string;
const launched = new Set<ChildProcess>();

interface Run {
  child: ChildProcess;
  out(): string;
  err(): string;
  waitFor(pattern: RegExp, where: 'out' | 'err'): Promise<void>;
  /** Exit code, and when the exit was seen (performance.now()). */
  exited: Promise<{ code: number | null; at: number }>;
}

/** Spawns `command args` in `cwd` with only `env` (plus PATH and HOME); standard input stays open. */
function run(command: string, args: string[], env: Record<string, string>, cwd = ROOT): Run {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: dir, CRM_TIMEZONE: 'UTC', LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  launched.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += String(c)));
  child.stderr!.on('data', (c) => (stderr += String(c)));
  let gone = false;
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => {
      gone = true;
      launched.delete(child);
      resolve({ code, at: performance.now() });
    }),
  );
  return {
    child,
    out: () => stdout,
    err: () => stderr,
    exited,
    async waitFor(pattern, where) {
      const t0 = performance.now();
      while (!pattern.test(where === 'out' ? stdout : stderr)) {
        if (gone) throw new Error(`exited before ${pattern}; stdout:\n${stdout}\nstderr:\n${stderr}`);
        if (performance.now() - t0 > READY_TIMEOUT_MS) throw new Error(`no ${pattern}; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** The built app with `input` piped in (then the end of input); resolves at its exit. */
async function app(env: Record<string, string>, input: string, cwd = ROOT) {
  const r = run(process.execPath, [path.join(ROOT, 'dist/main.js')], env, cwd);
  r.child.stdin!.end(input);
  const { code } = await r.exited;
  return { code, stdout: r.out(), stderr: r.err() };
}

/** A fresh, migrated SQLite file (a copy of the suite's template). */
function freshDatabase(name: string): string {
  const file = path.join(dir, `${name}.db`);
  copyFileSync(inject('sqliteTemplate'), file);
  return file;
}

const STACK_LINE = /\n\s+at /;
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

/**
 * `npm start --silent` with two piped commands, one of which fails. `--ignore-scripts` leaves out
 * only the `prestart` build: the suite's global setup has built dist/ already.
 */
let npmStart: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'crm-settings-'));
  const r = run('npm', ['start', '--silent', '--ignore-scripts'], { DATABASE_URL: `file:${freshDatabase('npm-start')}` });
  r.child.stdin!.end('/deal list all\n/deal won D-999\n');
  const { code } = await r.exited;
  npmStart = { code, stdout: r.out(), stderr: r.err() };
}, 120_000);

afterAll(() => {
  for (const child of launched) child.kill('SIGKILL'); // only a test that failed leaves one
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('start-up settings', () => {
  it('refuses a DATABASE_URL that is neither file: nor postgresql:// naming the variable, exit 1, no file made', async () => {
    // Other refused forms (mysql://, sqlite:, file: alone) are in test/config/env.test.ts.
    const cwd = mkdtempSync(path.join(dir, 'cwd-'));
    const r = await app({ DATABASE_URL: 'garbage' }, '', cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Invalid configuration:\n {2}DATABASE_URL: must be file:<path>/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr).not.toContain('Database:');
    expect(readdirSync(cwd)).toEqual([]); // today's bug made a SQLite file named `garbage`
  }, TEST_TIMEOUT_MS);

  it('reports CRM_CURRENCY=XYZ with the other bad settings, before the database is created', async () => {
    const file = path.join(dir, 'never-created.db');
    const r = await app({ DATABASE_URL: `file:${file}`, CRM_CURRENCY: 'XYZ', CRM_TIMEZONE: 'Mars/Olympus' }, '');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CRM_CURRENCY: must be an ISO 4217 currency code');
    expect(r.stderr).toContain('CRM_TIMEZONE: must be an IANA time zone');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr).not.toContain('Database:');
    expect(existsSync(file)).toBe(false);
  }, TEST_TIMEOUT_MS);

  it('starts with CRM_DEMO_DATA=always on a database that already has the demo data, and says so', async () => {
    const env = { DATABASE_URL: `file:${freshDatabase('always')}`, CRM_DEMO_DATA: 'always' };
    const first = await app(env, '/deal list all\n'); // every command works: exit 0
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('Added demo data: 7 deals across the pipeline');
    const again = await app(env, '/deal list all\n');
    expect(again.stderr).not.toMatch(STACK_LINE);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('Demo data is already there (7 demo deals): nothing added');
    // Nothing doubled: the same five open deals.
    expect(again.stdout).toContain('All open deals (5)');
    expect(again.stdout).toBe(first.stdout);
  }, TEST_TIMEOUT_MS);

  it('npm run seed fails in one line with exit code 1', async () => {
    // What it says when it works, and that it adds nothing twice: test/bot/console/demo-seed.test.ts.
    const seed = (env: Record<string, string>) => {
      const r = run('npm', ['run', 'seed'], env);
      r.child.stdin!.end();
      return r.exited.then(({ code }) => ({ code, stdout: r.out(), stderr: r.err() }));
    };
    const [refused, unreachable] = await Promise.all([
      seed({ DATABASE_URL: 'garbage' }),
      seed({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/crm' }), // nothing listens on port 1
    ]);
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toEqual([expect.stringMatching(/^Invalid configuration: DATABASE_URL: must be file:<path>/)]);
    expect(unreachable.code).toBe(1);
    expect(lines(unreachable.stderr)).toEqual([expect.stringMatching(/^npm run seed failed: connect ECONNREFUSED/)]);
  }, TEST_TIMEOUT_MS);

  it('npm start --silent keeps standard output for the results; a failed command makes the exit status 1', () => {
    expect(npmStart.stderr).not.toMatch(STACK_LINE);
    expect(npmStart.code).toBe(1);
    // The first line is the first command's result: no "> chatops-crm@… start" from npm.
    expect(lines(npmStart.stdout)[0]).toMatch(/^All open deals \(5\)$/);
    expect(npmStart.stdout).not.toContain('> ');
    expect(npmStart.stdout).toMatch(/✗ .*D-999/);
    expect(npmStart.stderr).toContain('1 of 2 commands failed (line 2): exit code 1.');
  });

});

describe('the PostgreSQL console', () => {
  const schema = `crm_settings_${randomBytes(4).toString('hex')}`;
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);

  afterAll(async () => {
    const { default: pg } = await import('pg');
    const base = new URL(PG_URL);
    base.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: base.toString() });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  /** Starts the console, runs one command, then ends it with `end`; the ms from `end` to the exit. */
  async function timeToExit(end: (r: Run) => void): Promise<{ ms: number; code: number | null; stdout: string }> {
    const r = run(process.execPath, ['dist/main.js'], { DATABASE_URL: url.toString(), CRM_DEMO_DATA: 'never' });
    await r.waitFor(READY, 'err');
    r.child.stdin!.write('/deal list all\n');
    await r.waitFor(/All open deals/, 'out');
    const t0 = performance.now();
    end(r);
    const { code, at } = await r.exited;
    return { ms: Math.round(at - t0), code, stdout: r.out() };
  }

  it(`exits within ${QUIT_EXIT_LIMIT_MS} ms of /quit (input still open) and of the end of piped input`, async () => {
    const quit = await timeToExit((r) => r.child.stdin!.write('/quit\n'));
    const eof = await timeToExit((r) => r.child.stdin!.end());
    console.info(`PostgreSQL console: exit ${quit.ms} ms after /quit, ${eof.ms} ms after the end of input`);
    expect(quit.code).toBe(0);
    expect(eof.code).toBe(0);
    expect(quit.ms).toBeLessThan(QUIT_EXIT_LIMIT_MS);
    expect(eof.ms).toBeLessThan(QUIT_EXIT_LIMIT_MS);
  }, TEST_TIMEOUT_MS);
});
