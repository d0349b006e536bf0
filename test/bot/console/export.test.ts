/**
 * `/deal export` in the console, on a pipe: it writes the CSV files into `export/` or the folder
 * given and prints their paths; a read-only member is refused and nothing is written.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../../src/bot/console/console.js';
import type { Member } from '../../../src/generated/sqlite/client.js';
import { silentLogger } from '../../../src/log.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;
let dir: string;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
  await t.crm.deals.create(w.alice, { title: 'Acme renewal', amount: usd(25_000), companyName: 'Acme' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'crm-console-export-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.cleanup();
});

async function script(lines: string[], memberId = w.alice.memberId): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => (text += String(chunk)));
  const member: Member = await t.handle.db.member.findUniqueOrThrow({ where: { id: memberId } });
  const done = runConsole({ crm: t.crm, log: silentLogger, member, input, output, interactive: false, color: false });
  input.end(lines.join('\n') + '\n');
  await done;
  return text;
}

describe('/deal export in the console', () => {
  it('writes deals.csv into the folder given and prints its path', async () => {
    const out = await script([`/deal export deals to ${path.join(dir, 'one')}`]);
    const file = path.join(dir, 'one', 'deals.csv');
    expect(out).toContain(`Exported Acme Sales to ${path.join(dir, 'one')}:`);
    expect(out).toContain(`${file} (1 row)`);
    expect(readFileSync(file, 'utf8')).toContain('Acme renewal');
    expect(readdirSync(path.join(dir, 'one'))).toEqual(['deals.csv']);
  });

  it('without a word, all four files; a path alone is the folder', async () => {
    const out = await script([`export ${path.join(dir, 'all')}/`]);
    for (const name of ['deals.csv', 'companies.csv', 'contacts.csv', 'activities.csv']) {
      expect(out).toContain(path.join(dir, 'all', name));
      expect(existsSync(path.join(dir, 'all', name))).toBe(true);
    }
  });

  it('a read-only member is refused, with the admins named, and nothing is written', async () => {
    await t.crm.identity.setRole(w.alice, { handle: 'bob' }, { role: 'read_only' });
    const out = await script([`/deal export to ${path.join(dir, 'bob')}`], w.bob.memberId);
    expect(out).toContain('You have read-only access to this CRM, and exporting takes every record out of it');
    expect(out).toContain('Alice Adams');
    expect(existsSync(path.join(dir, 'bob'))).toBe(false);
  });

  it('an unknown word is refused with the choices', async () => {
    const out = await script(['/deal export dealz']);
    expect(out).toContain('I can export deals, contacts, companies, activities, all, not “dealz”. Did you mean `deals`?');
  });
});
