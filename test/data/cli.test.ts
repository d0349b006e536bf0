/**
 * The real commands, as a person runs them: `npm run backup` and `npm run restore` are
 * scripts/backup.ts and scripts/restore.ts under tsx, with DATABASE_URL naming the database.
 * Progress goes to standard error (plain lines on a pipe), the summary to standard output, a
 * refusal is one line with exit code 1.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createCrm } from '../../src/domain/index.js';
import { testDatabaseProvider } from '../helpers/db-config.js';
import { dumpAll, emptyPlace, migratedPlace, seedEveryKind, withHandle, type Place } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const provider = testDatabaseProvider();
const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-data-cli-'));
const places: Place[] = [];
afterEach(async () => {
  for (const p of places.splice(0)) await p.drop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `scripts/<script>.ts` with only PATH and `env`; resolves with its exit code and output. */
function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += String(c)));
    child.stderr.on('data', (c) => (err += String(c)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe(`npm run backup and npm run restore on ${provider}`, { timeout: 180_000 }, () => {
  it('back up the whole database and restore it into an empty one, identical; a second restore there is refused', async () => {
    const source = await migratedPlace(provider);
    places.push(source);
    await withHandle(source.url, (h) => seedEveryKind(h.db));
    const before = await withHandle(source.url, (h) => dumpAll(h.db));
    const file = path.join(dir, 'crm.jsonl.gz');

    const backup = await run('backup', ['--out', file], { DATABASE_URL: source.url });
    expect(backup.err).toMatch(/^Deal: 9 rows backed up \(\d+% of [\d,]+\)$/m); // a line per table on a pipe
    expect(backup.out.trim()).toMatch(
      /^Backed up the whole database \(2 workspaces\): [\d,]+ rows in \d+ tables, at migration \d+_\w+, to .*crm\.jsonl\.gz \([\d.]+ KB\)\. Left out: SlackInstallation \(sealed tokens; add --with-secrets to include them\)\.$/,
    );
    expect(backup.code).toBe(0);
    expect(existsSync(file)).toBe(true);

    const target = await emptyPlace(provider);
    places.push(target);
    const restore = await run('restore', [file], { DATABASE_URL: target.url });
    expect(restore.err).toMatch(/^Deal: 9 rows restored/m);
    expect(restore.out.trim()).toMatch(/^Restored 2 workspaces from .*crm\.jsonl\.gz \(made .* on (sqlite|postgresql)\): [\d,]+ rows in \d+ tables into /);
    expect(restore.code).toBe(0);
    const after = await withHandle(target.url, (h) => dumpAll(h.db));
    expect(after).toEqual({ ...before, SlackInstallation: [] });

    const again = await run('restore', [file], { DATABASE_URL: target.url });
    expect(again.code).toBe(1);
    expect(again.out).toBe('');
    expect(again.err.trim().split('\n')).toHaveLength(1);
    expect(again.err).toMatch(/is not empty \(.*\)\. Restore only fills an empty database, so nothing was changed/);
    expect(await withHandle(target.url, (h) => dumpAll(h.db))).toEqual(after);
  });

  it('name what was wrong and the usage: no --out, no file, an unknown workspace', async () => {
    const source = await migratedPlace(provider);
    places.push(source);
    const noOut = await run('backup', [], { DATABASE_URL: source.url });
    expect(noOut.code).toBe(1);
    expect(noOut.err).toBe(
      'npm run backup: --out <file> is missing (where to write the backup, e.g. --out backups/crm.jsonl.gz).\nUsage: npm run backup -- --out <file> [--workspace <id or name>] [--with-secrets]\n',
    );
    const ws = await withHandle(source.url, (h) =>
      createCrm(h.db).identity.ensureWorkspace({ platform: 'slack', externalId: 'T1', name: 'Acme Sales' }),
    );
    const unknown = await run('backup', ['--out', path.join(dir, 'x.gz'), '--workspace', 'Nope'], { DATABASE_URL: source.url });
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe(`No workspace "Nope". The only workspace is "Acme Sales" (slack, id ${ws.id}); use --workspace <id or name>.\n`);
    expect(existsSync(path.join(dir, 'x.gz'))).toBe(false);
    const noFile = await run('restore', [], { DATABASE_URL: source.url });
    expect(noFile.err).toMatch(/^npm run restore: the backup file is missing\.\nUsage: npm run restore -- <backup file>/);
    const missing = await run('restore', [path.join(dir, 'none.jsonl.gz')], { DATABASE_URL: source.url });
    expect(missing.err).toBe(`No file ${path.join(dir, 'none.jsonl.gz')}.\n`);
    expect(missing.code).toBe(1);
  });
});
