import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole, type ConsoleResult } from '../../../src/bot/console/console.js';
import { ensureConsoleIdentity } from '../../../src/bot/console/identity.js';
import { loadEnv } from '../../../src/config/env.js';
import { seedDemo } from '../../../src/db/demo-seed.js';
import type { Member } from '../../../src/generated/sqlite/client.js';
import { silentLogger } from '../../../src/log.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
});
afterAll(async () => t.cleanup());

/** Pipes `lines` into a console session as `member` (Alice by default): what it printed, and its result. */
async function session(lines: string[], member?: Member): Promise<{ text: string; result: ConsoleResult }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => (text += String(chunk)));
  const as = member ?? (await t.handle.db.member.findUniqueOrThrow({ where: { id: w.alice.memberId } }));
  const done = runConsole({ crm: t.crm, log: silentLogger, member: as, input, output, interactive: false, color: false });
  input.end(lines.join('\n') + '\n');
  const result = await done;
  return { text, result };
}

async function script(lines: string[], member?: Member): Promise<string> {
  return (await session(lines, member)).text;
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

describe('the console workspace, with its demo data', () => {
  let you: Member;
  /** Titles of the deals added for paging (17 open deals in all with the demo's 5). */
  const PAGING_TITLES = Array.from({ length: 12 }, (_, i) => `Paging deal ${String(i + 1).padStart(2, '0')}`);

  beforeAll(async () => {
    you = await ensureConsoleIdentity(t.crm, loadEnv({ CRM_CONSOLE_USER: 'you', CRM_TIMEZONE: 'UTC' }));
    await seedDemo(t.crm, you);
    const actor = await t.crm.identity.actorFor(you);
    for (const title of PAGING_TITLES) await t.crm.deals.create(actor, { title, amount: usd(1000) });
  });

  const refsIn = (text: string) => [...text.matchAll(/^ {2}(D-\d+) /gm)].map((m) => m[1]);

  it('pages a list: `more` shows the next page, `page <n>` any page, each deal once', async () => {
    const { text, result } = await session(['/deal list all', 'more', 'more'], you);
    const [first = '', second = '', last = ''] = text.split(/\n(?=All open deals|✗)/);
    expect(first).toMatch(/^All open deals \(10 of 17\)/);
    expect(first).toContain('… 7 more: `more` for the next page (or `/deal list all page 2`)');
    expect(second).toMatch(/^All open deals \(11–17 of 17\)/);
    expect(second).not.toContain('more:');
    const shown = [...refsIn(first), ...refsIn(second)];
    expect(shown).toHaveLength(17);
    expect(new Set(shown).size).toBe(17);
    // Past the last page, `more` says so (an error answer: the pipe's exit status counts it).
    expect(last).toContain('✗ That was the last page of all open deals.');
    expect(result).toEqual({ commands: 3, failedLines: [3] });

    const page2 = await script(['/deal list all page 2'], you);
    expect(page2.trim()).toBe(second.trim());
    expect(await script(['list all page 3'], you)).toContain('✗ There is no page 3 of all open deals: 17 deals on 2 pages.');
    expect(await script(['/deal list all page 0'], you)).toContain('✗ There is no page 0');
  });

  it('pages a search the same way', async () => {
    const first = await script(['/deal paging deal'], you);
    expect(first).toMatch(/^Deals matching “paging deal” \(10 of 12\)/);
    expect(first).toContain('`/deal show paging deal page 2`');
    const both = await script(['/deal paging deal', 'more'], you);
    expect(both).toMatch(/Deals matching “paging deal” \(11–12 of 12\)/);
    expect(await script(['/deal show paging deal page 2'], you)).toMatch(/^Deals matching “paging deal” \(11–12 of 12\)/);
    // `page` that ends a command other than a list or search stays part of it.
    expect(await script(['/deal next D-1 read page 2'], you)).toContain('next: read page 2');
  });

  it('answers `more` with no list before it, instead of searching for "more"', async () => {
    const { text, result } = await session(['more'], you);
    expect(text).toContain('✗ There is no list to continue: `more` shows the next page of the last list.');
    expect(result.failedLines).toEqual([1]);
  });

  it.each([
    ['/foo', '✗ `/foo` is not a console command.'],
    ['/whoam', '✗ `/whoam` is not a console command. Did you mean `/whoami`?'],
    ['/qiut', 'Did you mean `/quit`?'],
    ['/list all', '✗ `/list` is not a console command. Did you mean `/deal list all`?'],
    ['/dael list', 'Did you mean `/deal list`?'],
  ])('answers the mistyped console command %j with the console commands, not a deal search', async (line, words) => {
    const { text, result } = await session([line], you);
    expect(text).toContain(words);
    expect(text).toContain('Console commands: /deal <command>, /as @handle, /whoami, more, /console, /quit.');
    expect(text).not.toMatch(/No deal matches|Deals matching/);
    expect(result.failedLines).toEqual([1]);
  });

  it('answers /as without a handle (or with something else) with its usage, and stays who you are', async () => {
    const { text, result } = await session(['/as', '/as @', '/as maria garcia', '/whoami'], you);
    expect(text).toContain('✗ `/as` needs a handle.\n  /as @maria');
    expect(text).toContain('✗ "@" is not a handle');
    expect(text).toContain('✗ "maria garcia" is not a handle');
    expect(text).toContain('You (@you), time zone UTC.');
    expect(result).toEqual({ commands: 4, failedLines: [1, 2, 3] });
  });

  it('/as @maria acts as the Maria already there, keeping her name; a new handle joins', async () => {
    const out = await script(['/as @maria', '/whoami', '/as @Newbie', '/whoami'], you);
    expect(out).toContain('You are now Maria Garcia (@maria).');
    expect(out).toContain('Maria Garcia (@maria), time zone UTC.');
    expect(out).toContain('You are now Newbie (@newbie).');
    const maria = await t.crm.identity.findMember(you.workspaceId, 'console:maria');
    expect(maria?.displayName).toBe('Maria Garcia');
  });

  it('counts commands and names the lines whose answer was an error (comments and blank lines are not commands)', async () => {
    const { result } = await session(['# setup', '/deal list all', '', '/deal won D-999', '/deal new', '/whoami'], you);
    expect(result).toEqual({ commands: 4, failedLines: [4, 5] });
  });
});
