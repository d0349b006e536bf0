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
import { inTransaction } from '../../src/domain/context.js';

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

describe('one process, several requests at once', () => {
  it('a query outside a transaction neither reads its uncommitted rows nor is rolled back with it', async () => {
    const db = t.handle.db;
    const before = await t.crm.identity.getWorkspace(w.workspaceId);
    let readDuring: string | undefined;
    let outside: Promise<unknown> = Promise.resolve();
    await expect(
      inTransaction(db, async (tx) => {
        await tx.workspace.update({ where: { id: w.workspaceId }, data: { name: 'Uncommitted name' } });
        // Another request, on the same client, while this transaction is open:
        outside = Promise.all([
          db.workspace.findUniqueOrThrow({ where: { id: w.workspaceId } }).then((ws) => (readDuring = ws.name)),
          db.member.update({ where: { id: w.bob.memberId }, data: { displayName: 'Bob, renamed outside' } }),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('this transaction rolls back');
      }),
    ).rejects.toThrow('this transaction rolls back');
    await outside;
    expect(readDuring).toBe(before.name);
    expect((await t.crm.identity.getWorkspace(w.workspaceId)).name).toBe(before.name);
    expect((await db.member.findUniqueOrThrow({ where: { id: w.bob.memberId } })).displayName).toBe('Bob, renamed outside');
  });
});
