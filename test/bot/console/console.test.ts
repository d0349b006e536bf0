import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../../src/bot/console/console.js';
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

async function script(lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => (text += String(chunk)));
  const member = await t.handle.db.member.findUniqueOrThrow({ where: { id: w.alice.memberId } });
  const done = runConsole({ crm: t.crm, log: silentLogger, member, input, output, interactive: false, color: false });
  input.end(lines.join('\n') + '\n');
  await done;
  return text;
}

describe('the console on a pipe', () => {
  it('runs one command per line, in order, and prints plain text', async () => {
    const out = await script([
      '# a comment is ignored',
      '/deal new Acme renewal 25k close next friday',
      '/deal list',
    ]);
    const [created, listed] = out.split('Your open deals');
    expect(created).toMatch(/✓ Created D-\d+\./);
    expect(created).toContain('$25,000 · New · owner Alice Adams');
    expect(created).toContain('close Fri, Nov 27');
    expect(listed).toMatch(/D-\d+\s+Acme renewal\s+\$25,000 New\s+close Fri, Nov 27/);
    expect(out).not.toContain('\x1b['); // no colour codes on a pipe
  });

  it('accepts commands with or without the /deal prefix and switches people with /as', async () => {
    const out = await script(['deal new Bare prefix', 'list all', '/as @carol', '/whoami', 'new Carol deal', 'list']);
    expect(out).toContain('You are now Carol (@carol).');
    expect(out).toContain('Carol (@carol), time zone');
    expect(out).toMatch(/Your open deals \(1\)\n\s+D-\d+\s+Carol deal/);
  });

  it('stops at /quit', async () => {
    const out = await script(['/quit', '/deal new Never created']);
    expect(out).toBe('');
    expect((await t.crm.deals.find(w.alice, 'never created')).total).toBe(0);
  });
});
