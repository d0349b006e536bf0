/**
 * The bot and the job workers write to one SQLite file from separate processes. Writers must
 * wait for each other (WAL + busy timeout + retry of busy transactions), never lose a write,
 * and never leave a transaction stuck open.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
});
afterAll(async () => t.cleanup());

function writer(label: string, count: number): Promise<{ failures: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, '../helpers/concurrent-writer.ts'), t.url, w.workspaceId, w.alice.memberId, label, String(count)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let stderr = '';
    child.stdout.on('data', (c) => (out += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve({ ...(JSON.parse(out.trim().split('\n').pop() ?? '{}') as { failures: number }), stderr });
      } catch {
        reject(new Error(`writer ${label} printed no result: ${stderr}`));
      }
    });
  });
}

describe('several processes writing to one database', () => {
  it('keeps every write, with distinct deal references, and leaves no transaction open', async () => {
    const n = 20;
    const results = await Promise.all([writer('bot', n), writer('job', n), writer('other', n)]);
    expect(results.map((r) => r.failures), results.map((r) => r.stderr).join('\n')).toEqual([0, 0, 0]);
    const deals = await t.handle.db.deal.findMany({ where: { workspaceId: w.workspaceId }, include: { stage: true } });
    expect(deals).toHaveLength(3 * n);
    expect(new Set(deals.map((d) => d.number)).size).toBe(3 * n);
    expect(deals.every((d) => d.stage.key === 'qualified')).toBe(true);
    expect(await t.handle.db.activity.count({ where: { workspaceId: w.workspaceId } })).toBe(3 * n);
    // This connection can still write: nothing was left holding the lock.
    await expect(t.crm.deals.create(w.alice, { title: 'after the race' })).resolves.toBeDefined();
  }, 60_000);
});
