import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type CommandContext, type Reply } from '../../src/bot/commands/execute.js';
import { silentLogger } from '../../src/log.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;
let ctx: (over?: Partial<CommandContext>) => CommandContext;

beforeAll(async () => {
  t = await createTestDb(); // Tuesday 2026-11-24, 11:00 in Berlin
  w = await seedWorkspace(t.crm);
  ctx = (over = {}) => ({ crm: t.crm, actor: w.alice, surface: 'console', log: silentLogger, ...over });
});
afterAll(async () => t.cleanup());

const run = (text: string, over?: Partial<CommandContext>) => executeCommand(ctx(over), text);
function expectKind<K extends Reply['kind']>(reply: Reply, kind: K): Extract<Reply, { kind: K }> {
  if (reply.kind !== kind) throw new Error(`expected a ${kind} reply, got ${reply.kind}: ${'message' in reply ? reply.message : ''}`);
  return reply as Extract<Reply, { kind: K }>;
}

describe('/deal commands end to end over the domain', () => {
  it('creates a deal from the quick-start line and lists it with amount, stage and close date', async () => {
    const created = expectKind(await run('new Acme renewal 25k close next friday'), 'deal');
    expect(created.headline).toMatch(/^Created D-\d+\.$/);
    expect(created.deal).toMatchObject({ title: 'Acme renewal', amountText: '$25,000', stage: { name: 'New' }, expectedCloseDate: '2026-11-27' });
    expect(created.hint).toContain(`/deal next ${created.deal.ref}`);
    const list = expectKind(await run('list'), 'list');
    expect(list.list.items.map((d) => [d.ref, d.amountText, d.stage.name, d.expectedCloseDate])).toContainEqual([
      created.deal.ref,
      '$25,000',
      'New',
      '2026-11-27',
    ]);
  });

  it('walks a deal through next action, log, stage, assign, won; each answer says what changed', async () => {
    const { deal } = expectKind(await run('new Walkthrough 10k'), 'deal');
    const r = deal.ref;
    expect(expectKind(await run(`next ${r} send proposal by 2026-12-01`), 'deal').deal.nextAction).toMatchObject({
      text: 'send proposal',
      due: '2026-12-01',
    });
    const logged = expectKind(await run(`log ${r} call Talked to Ana about pricing`), 'deal');
    expect(logged.headline).toBe(`Logged a call on ${r}.`);
    expect(expectKind(await run(`stage ${r} proposal`), 'deal').headline).toBe(`${r} is now in Proposal.`);
    expect(expectKind(await run(`assign ${r} @bob`), 'deal').deal.owner?.displayName).toBe('Bob Brown');
    expect(expectKind(await run(`won ${r}`), 'deal').deal.status).toBe('won');
    const shown = expectKind(await run(r), 'deal');
    expect(shown.deal.status).toBe('won');
  });

  it('shows one match directly, several as a list, and none as a friendly error', async () => {
    await run('new Zebra unique title');
    await run('new Walrus one');
    await run('new Walrus two');
    expect(expectKind(await run('zebra'), 'deal').deal.title).toBe('Zebra unique title');
    expect(expectKind(await run('WALRUS'), 'list').list.items.map((d) => d.title).sort()).toEqual(['Walrus one', 'Walrus two']);
    const none = expectKind(await run('nothing like this'), 'error');
    expect(none.message).toBe('No deal matches “nothing like this”.');
  });

  it('answers mistakes with the nearest usage and never a stack trace', async () => {
    const cases: [string, RegExp][] = [
      ['lost D-1', /reason|why/i],
      ['stage D-1 pending', /no stage called “pending”/],
      ['stage D-99999 won', /can’t find D-99999/],
      ['assign D-1 @nobody', /don't know @nobody/],
      ['lsit', /Did you mean/],
      ['next D-1', /.+/],
    ];
    for (const [text, message] of cases) {
      const reply = expectKind(await run(text), 'error');
      expect(reply.message, text).toMatch(message);
      expect(JSON.stringify(reply), text).not.toMatch(/at .*\.ts:\d+|Error:/);
    }
  });

  it('creates nothing twice when the same delivery is retried', async () => {
    const first = expectKind(await run('new Retried delivery 5k', { deliveryId: 'evt-1' }), 'deal');
    const second = expectKind(await run('new Retried delivery 5k', { deliveryId: 'evt-1' }), 'deal');
    expect(second.deal.ref).toBe(first.deal.ref);
    expect(second.headline).toContain('already');
    await run(`log ${first.deal.ref} note once`, { deliveryId: 'evt-2' });
    await run(`log ${first.deal.ref} note once`, { deliveryId: 'evt-2' });
    expect(await t.crm.activities.list(w.alice, { deal: first.deal.ref })).toHaveLength(1);
  });

  it('reports the pipeline with the house rule’s lists', async () => {
    const report = expectKind(await run('report'), 'report');
    expect(report.summary.open.count).toBeGreaterThan(0);
    expect(report.noNextAction.items.every((d) => d.nextAction === null)).toBe(true);
  });

  it('turns an unexpected failure into an apology and changes nothing', async () => {
    const broken = { ...t.crm, deals: { ...t.crm.deals, create: () => Promise.reject(new Error('socket hang up')) } };
    const reply = expectKind(await executeCommand(ctx({ crm: broken as never }), 'new Broken'), 'error');
    expect(reply.message).toMatch(/^Sorry, something went wrong on my side and nothing was changed/);
    expect(reply.message).not.toContain('socket');
  });
});
