/**
 * Issue 12 end to end: how the grammar read an amount or a date reaches the person's answer, and
 * refused values store nothing. Real SQLite database, the console renderer for what is seen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type CommandContext, type Reply } from '../../../src/bot/commands/execute.js';
import { renderReply } from '../../../src/bot/console/render.js';
import { silentLogger } from '../../../src/log.js';
import { createTestDb, TEST_NOW, type TestDb } from '../../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb(); // Tuesday 2026-11-24, 11:00 in Berlin; the workspace is in USD
  w = await seedWorkspace(t.crm);
});
afterAll(async () => t.cleanup());

const ctx = (): CommandContext => ({ crm: t.crm, actor: w.alice, surface: 'console', log: silentLogger });
const run = (text: string) => executeCommand(ctx(), text);
const seen = (reply: Reply) => renderReply(reply, { now: TEST_NOW, timeZone: 'Europe/Berlin', color: false });
const dealCount = async () => {
  const reply = await run('list all');
  return reply.kind === 'list' ? reply.list.total : -1;
};

describe('the answer says how the words were read', () => {
  it('an ambiguous amount: the deal is created and the answer says how 1.500 EUR was read', async () => {
    const reply = await run('new Ambiguous Co 1.500 EUR');
    expect(reply.kind).toBe('deal');
    if (reply.kind !== 'deal') return;
    expect(reply.deal.amountText).toBe('€1.50');
    const text = seen(reply);
    expect(text).toContain('I read 1.500 EUR as €1.50 (the dot as a decimal mark). If you meant €1,500, write 1500 EUR.');
    expect(text).toContain(`/deal next ${reply.deal.ref}`);
  });

  it('`1 000 000 EUR` is one million euros with the title as typed', async () => {
    const reply = await run('new Million Co 1 000 000 EUR');
    expect(reply.kind === 'deal' && [reply.deal.title, reply.deal.amountText]).toEqual(['Million Co', '€1,000,000']);
  });

  it('a close date in the past is kept, with a warning', async () => {
    const reply = await run('new Late Co 5k close 2026-11-21');
    expect(reply.kind).toBe('deal');
    if (reply.kind !== 'deal') return;
    expect(reply.deal.expectedCloseDate).toBe('2026-11-21');
    expect(seen(reply)).toContain('The close date, Sat 21 Nov 2026, is in the past: 3 days ago.');
  });

  it('a due date in the past is kept, with a warning', async () => {
    const created = await run('new Due Co 5k');
    if (created.kind !== 'deal') throw new Error('not created');
    const reply = await run(`next ${created.deal.ref} send the proposal by yesterday`);
    expect(reply.kind === 'deal' && reply.deal.nextAction?.due).toBe('2026-11-23');
    expect(seen(reply)).toContain('The due date, Mon 23 Nov 2026, is in the past: yesterday.');
  });

  it('a digest threshold read one way of two says so', async () => {
    const reply = await run('digest threshold 1.500');
    expect(reply.kind).toBe('digest');
    expect(seen(reply)).toContain('I read 1.500 as $1.50 (the dot as a decimal mark). If you meant $1,500, write 1500 USD.');
  });
});

describe('refused values store nothing and name the words', () => {
  it.each<[string, readonly string[]]>([
    ['new Crypto Co 1 BTC', ['BTC']],
    ['new Alphabet Co 500 ABC', ['ABC']],
    ['new Someday Co close someday', ['"someday"', 'next friday']],
    ['new Leap Co close 2026-02-30', ['"2026-02-30"']],
    ['nwe Typo Co 25k', ['`/deal new Typo Co 25k`']],
  ])('%s', async (text, words) => {
    const before = await dealCount();
    const reply = await run(text);
    expect(reply.kind).toBe('error');
    const shown = seen(reply);
    for (const word of words) expect(shown).toContain(word);
    expect(await dealCount()).toBe(before);
  });

  it.each<[string, string]>([
    ['wn D-1', '`/deal won D-1`'],
    ['lgo D-1 call hi', '`/deal log D-1 call hi`'],
    ['wonn D-1', '`/deal won D-1`'],
  ])('%s names the right command word', async (text, suggestion) => {
    expect(seen(await run(text))).toContain(`Did you mean ${suggestion}?`);
  });
});
