/**
 * The quick start, as a newcomer runs it: `npm start` with no configuration but a database
 * location, commands on standard input. Runs the real entry point in a child process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testDatabaseProvider } from '../helpers/db-config.js';

function start(env: Record<string, string>, stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), CRM_TIMEZONE: 'UTC', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const QUICK_START = '/deal new Acme renewal 25k close next friday\n/deal list\n';

async function quickStart(databaseUrl: string) {
  const first = await start({ DATABASE_URL: databaseUrl }, QUICK_START);
  expect(first.stderr).toMatch(/Applied \d+ migration\(s\)/);
  expect(first.stderr).toContain('Added demo data');
  expect(first.stderr).toMatch(/SLACK_BOT_TOKEN/);
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/✓ Created D-8\./);
  expect(first.stdout).toMatch(/D-8\s+Acme renewal\s+\$25,000 New\s+close \w{3}, \w{3} \d+/);
  // A second start keeps the data and does not migrate or seed again.
  const second = await start({ DATABASE_URL: databaseUrl }, '/deal D-8\n');
  expect(second.stderr).not.toContain('Applied');
  expect(second.stderr).not.toContain('Added demo data');
  expect(second.stdout).toContain('Acme renewal');
}

describe('npm start with no credentials', () => {
  // SQLite by default; PostgreSQL when the suite runs with TEST_DATABASE_URL (CI runs both).
  it(`opens the console on ${testDatabaseProvider()} with demo data and runs piped commands`, async () => {
    if (testDatabaseProvider() === 'sqlite') {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-start-'));
      try {
        await quickStart(`file:${path.join(dir, 'crm.db')}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return;
    }
    const url = new URL(process.env.TEST_DATABASE_URL!);
    const schema = `crm_start_${randomBytes(4).toString('hex')}`;
    url.searchParams.set('schema', schema);
    const { default: pg } = await import('pg');
    try {
      await quickStart(url.toString());
    } finally {
      const base = new URL(process.env.TEST_DATABASE_URL!);
      base.searchParams.delete('schema');
      const client = new pg.Client({ connectionString: base.toString() });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  }, 60_000);

  it('refuses a bad setting with a clear message and no stack trace', async () => {
    const r = await start({ DATABASE_URL: 'mysql://x', CRM_TIMEZONE: 'Mars/Olympus' }, '');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CRM_TIMEZONE: must be an IANA time zone');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
