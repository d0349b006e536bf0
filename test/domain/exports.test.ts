/**
 * Export from chat, in the domain (ExportService): admins and members export; read-only members
 * and guest accounts are refused with the admins named, and nothing is written; `deals` writes
 * deals.csv alone, `all` the four files `npm run export` writes. On SQLite, and on PostgreSQL with
 * TEST_DATABASE_URL.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, DomainErrorCode } from '../../src/domain/index.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';

const DB = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
let t: TestDb;
let w: TestWorkspace;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-export-test-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm, 'T-EXPORT', 'Export Co');
  await t.crm.deals.create(w.bob, { title: 'Acme renewal', amount: usd(48_000), companyName: 'Acme' });
  await t.crm.deals.create(w.bob, { title: 'Globex pilot', amount: usd(9_500.5) });
});
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await t.cleanup();
});

async function refusal(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal, but it went through');
}

describe(`export from chat: the domain (${DB})`, () => {
  it('a member exports deals.csv alone, with its records, rows and bytes', async () => {
    const dir = tempDir();
    const result = await t.crm.exports.toFolder(w.bob, 'deals', dir);
    expect(result.workspace).toBe('Export Co');
    expect(result.files.map((f) => [f.name, f.rows])).toEqual([['deals.csv', 2]]);
    expect(readdirSync(dir)).toEqual(['deals.csv']);
    const csv = readFileSync(path.join(dir, 'deals.csv'), 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^Number,Title,Pipeline,Stage,Status,Amount,Currency/);
    expect(csv).toContain('Acme renewal');
    expect(csv).toContain('48000.00,USD');
    expect(result.files[0]!.bytes).toBe(Buffer.byteLength(csv));
  });

  it('all: the four files npm run export writes', async () => {
    const dir = tempDir();
    const result = await t.crm.exports.toFolder(w.alice, 'all', dir);
    expect(result.files.map((f) => f.name)).toEqual(['deals.csv', 'companies.csv', 'contacts.csv', 'activities.csv']);
    expect(result.files.find((f) => f.name === 'companies.csv')?.rows).toBe(1);
  });

  it('a read-only member is refused, with the admins named, and nothing is written', async () => {
    await t.crm.identity.setRole(w.alice, { handle: 'bob' }, { role: 'read_only' });
    try {
      const dir = tempDir();
      const err = await refusal(t.crm.exports.toFolder(w.bob, 'all', dir));
      expect(err.code).toBe(DomainErrorCode.ReadOnly);
      expect(err.message).toBe('You have read-only access to this CRM, and exporting takes every record out of it: admins and members can export. Ask an admin (Alice Adams) if you need the files.');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await t.crm.identity.setRole(w.alice, { handle: 'bob' }, { role: 'member' });
    }
  });

  it('a guest account is refused whatever its role', async () => {
    const guest = await t.crm.identity.ensureMember({ workspaceId: w.workspaceId, externalId: 'T-EXPORT-UGINA', handle: 'gina', displayName: 'Gina Guest', timezone: 'UTC' });
    await t.handle.db.member.update({ where: { id: guest.id }, data: { access: 'guest' } });
    const actor = await t.crm.identity.actorFor(guest);
    const dir = path.join(tempDir(), 'never');
    const err = await refusal(t.crm.exports.toFolder(actor, 'deals', dir));
    expect(err.code).toBe(DomainErrorCode.NotAMember);
    expect(err.message).toContain('Guest accounts can’t export the CRM’s records');
    expect(existsSync(dir)).toBe(false);
  });
});
