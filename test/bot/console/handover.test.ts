/**
 * `/deal handover` in the console: the local operator (the workspace's first person) is an admin
 * and hands Maria's deals to Sam; `/as @sam` (a member) is refused with the admin named.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../../src/bot/console/console.js';
import { ensureConsoleIdentity } from '../../../src/bot/console/identity.js';
import { loadEnv } from '../../../src/config/env.js';
import type { Member } from '../../../src/generated/sqlite/client.js';
import { silentLogger } from '../../../src/log.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';

let t: TestDb;
let you: Member;

beforeAll(async () => {
  t = await createTestDb();
  you = await ensureConsoleIdentity(t.crm, loadEnv({ CRM_CONSOLE_USER: 'you', CRM_TIMEZONE: 'UTC' }));
});
afterAll(async () => t.cleanup());

/** What a console session as the local operator printed for `lines`. */
async function script(lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => (text += String(chunk)));
  const done = runConsole({ crm: t.crm, log: silentLogger, member: you, input, output, interactive: false, color: false });
  input.end(lines.join('\n') + '\n');
  await done;
  return text;
}

const ownerOf = async (title: string) =>
  (await t.handle.db.deal.findFirstOrThrow({ where: { title }, include: { owner: true } })).owner?.handle;

describe('/deal handover in the console', () => {
  it('the operator hands Maria’s deals to Sam; again says it was done; Sam, a member, is refused', async () => {
    await script(['/as @sam', '/deal list', '/as @maria', '/deal new Acme renewal 5k', '/deal new Globex pilot', '/deal task D-2 call Ana']);
    expect(await ownerOf('Acme renewal')).toBe('maria');

    const out = await script([
      '/deal handover @maria',
      '/deal handover @maria to @maria',
      '/deal handover @maria to @sam',
      '/deal handover @maria to @sam',
      '/as @sam',
      '/deal handover @sam to @maria',
    ]);
    expect(out).toContain('Maria owns: 2 open deals, 0 contacts, 0 companies, 1 open task.');
    expect(out).toContain('That’s Maria both times: hand their deals to someone else.');
    expect(out).toContain('Handed Maria’s 2 open deals, 0 contacts, 0 companies and 1 open task to Sam.');
    expect(out).toContain('Already done: Maria has no open deals, contacts, companies or open tasks left to hand over. Nothing changed.');
    expect(out).toContain('Only admins can hand over someone’s deals, contacts, companies and tasks. Ask You.');
    expect(await ownerOf('Acme renewal')).toBe('sam');
    expect(await ownerOf('Globex pilot')).toBe('sam');
  });
});
