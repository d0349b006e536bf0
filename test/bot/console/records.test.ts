/** Contacts, companies and tasks in the console, commands piped in one per line: the text a person reads. */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole, type ConsoleResult } from '../../../src/bot/console/console.js';
import { silentLogger } from '../../../src/log.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
});
afterAll(async () => t.cleanup());

async function session(lines: string[]): Promise<{ text: string; result: ConsoleResult }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => (text += String(chunk)));
  const member = await t.handle.db.member.findUniqueOrThrow({ where: { id: w.alice.memberId } });
  const done = runConsole({ crm: t.crm, log: silentLogger, member, input, output, interactive: false, color: false });
  input.end(lines.join('\n') + '\n');
  const result = await done;
  return { text, result };
}

describe('the console on a pipe: contacts, companies, tasks', () => {
  it('adds a company and a contact, puts the contact on a deal, and shows both cards', async () => {
    const { text, result } = await session([
      'company new Acme acme.com',
      'contact new Jane Doe jane@acme.com VP Sales at Acme',
      'new Acme renewal 25k',
      'D-1 add Jane Doe',
      'contact jane@acme.com',
      'company Acme',
    ]);
    expect(result.failedLines).toEqual([]);
    expect(text).toContain('✓ Added Acme.');
    expect(text).toContain('✓ Added Jane Doe.');
    expect(text).toContain('✓ Jane Doe is now on D-1.');
    expect(text).toContain('  contacts: Jane Doe');
    // The contact card: facts, open deals, and the actions as commands.
    expect(text).toMatch(/Jane Doe\n {2}VP Sales · Acme · jane@acme\.com\n {2}owner Alice Adams/);
    expect(text).toMatch(/Open deals \(1\)\n {4}D-1 {2}Acme renewal · \$25,000 · New/);
    expect(text).toContain('Edit: /deal contact edit jane@acme.com <field> <value>');
    // The company card: its contacts and pipeline value.
    expect(text).toMatch(/Acme\n {2}acme\.com · 1 contact · 1 open deal/);
    expect(text).toContain('pipeline $25,000');
  });

  it('warns about a duplicate with both choices, and creates nothing', async () => {
    const before = await t.handle.db.contact.count();
    const { text, result } = await session(['contact new Jane Doe at Acme']);
    expect(text).toContain('! Jane Doe at Acme already exists');
    expect(text).toContain('Nothing was created.');
    expect(text).toContain('Use existing: /deal contact jane@acme.com');
    expect(text).toContain('Create anyway: /deal contact new "Jane Doe" at Acme anyway');
    expect(await t.handle.db.contact.count()).toBe(before);
    expect(result.failedLines).toEqual([]);
  });

  it('adds tasks, lists them, completes one and snoozes another', async () => {
    const { text } = await session([
      'task D-1 Send the quote by 2027-01-15',
      'task jane@acme.com call back by 2026-11-30 @bob',
      'tasks mine',
      'tasks @bob',
      'done T-1',
      'done T-1',
      'snooze T-2 3',
      'D-1',
    ]);
    expect(text).toContain('✓ Added T-1.');
    expect(text).toMatch(/○ T-1 {2}Send the quote · by .*2027.* · Alice Adams · D-1/);
    expect(text).toMatch(/Your open tasks \(1\)\n {2}○ T-1/);
    expect(text).toMatch(/Bob Brown’s open tasks \(1\)\n {2}○ T-2 {2}call back/);
    expect(text).toContain('✓ Done: T-1 “Send the quote”.');
    expect(text).toContain('✓ T-1 was already done. Nothing changed.');
    expect(text).toContain('✓ T-2 is now due 2026-12-03.');
    expect(text).toContain('task done: T-1 Send the quote');
  });

  it('answers a mistyped or unknown record with the nearest usage and counts it as a failure', async () => {
    const { text, result } = await session(['contact nobody@nowhere.example', 'tsak D-1 call', 'done D-1']);
    expect(text).toContain('✗ No contact matches');
    expect(text).toContain('Did you mean `/deal task D-1 call`?');
    expect(text).toContain('D-1 is a deal');
    expect(result.failedLines).toEqual([1, 2, 3]);
  });
});
