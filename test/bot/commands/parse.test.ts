import { describe, expect, it } from 'vitest';
import type { Intent, ParseContext } from '../../../src/bot/commands/intent.js';
import { editDistance, parseCommand, parseDealRef, USAGE } from '../../../src/bot/commands/parse.js';

// Tuesday 24 November 2026, 11:00 in Berlin.
const ctx: ParseContext = {
  now: new Date('2026-11-24T10:00:00Z'),
  timeZone: 'Europe/Berlin',
  defaultCurrency: 'USD',
};
const usd = (minor: bigint) => ({ minor, currency: 'USD' });

describe('parseCommand: intents', () => {
  it.each<[string, Intent]>([
    // The must-show example: "next friday" on a Tuesday is that week's Friday.
    [
      'new Acme renewal 25k close next friday',
      {
        kind: 'new',
        title: 'Acme renewal',
        amount: usd(2_500_000n),
        closeDate: '2026-11-27',
      },
    ],

    // help
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['?', { kind: 'help' }],
    ['help new', { kind: 'help', topic: 'new' }],
    ['help  NEW ', { kind: 'help', topic: 'new' }],
    ['help /deal next', { kind: 'help', topic: 'next' }],
    ['help frobnicate', { kind: 'help', topic: 'frobnicate' }],
    ['/deal', { kind: 'help' }],
    ['deal help list', { kind: 'help', topic: 'list' }],

    // new: options after the title, in any order
    ['new Acme renewal', { kind: 'new', title: 'Acme renewal' }],
    ['NEW   Acme    renewal  ', { kind: 'new', title: 'Acme renewal' }],
    ['new Acme renewal 25K', { kind: 'new', title: 'Acme renewal', amount: usd(2_500_000n) }],
    [
      'new Acme renewal close next friday 25k',
      { kind: 'new', title: 'Acme renewal', amount: usd(2_500_000n), closeDate: '2026-11-27' },
    ],
    [
      'new Globex pilot $40k qualified @Maria close Dec 1',
      {
        kind: 'new',
        title: 'Globex pilot',
        amount: usd(4_000_000n),
        stage: 'qualified',
        owner: { handle: 'maria' },
        closeDate: '2026-12-01',
      },
    ],
    [
      'new Globex pilot close 2026-12-01 @maria Qualified EUR 25000',
      {
        kind: 'new',
        title: 'Globex pilot',
        amount: { minor: 2_500_000n, currency: 'EUR' },
        stage: 'qualified',
        owner: { handle: 'maria' },
        closeDate: '2026-12-01',
      },
    ],
    [
      'new Initech 25,000 EUR proposal',
      { kind: 'new', title: 'Initech', amount: { minor: 2_500_000n, currency: 'EUR' }, stage: 'proposal' },
    ],
    [
      'new Initech ¥500000',
      { kind: 'new', title: 'Initech', amount: { minor: 500_000n, currency: 'JPY' } },
    ],
    [
      'new Initech USD 99.99 <@U123ABC|maria>',
      { kind: 'new', title: 'Initech', amount: usd(9_999n), owner: { userId: 'U123ABC', handle: 'maria' } },
    ],
    [
      'new Initech <@U123ABC> 2.5bn',
      { kind: 'new', title: 'Initech', amount: usd(250_000_000_000n), owner: { userId: 'U123ABC' } },
    ],
    [
      'new Hire CEO 25k',
      { kind: 'new', title: 'Hire CEO', amount: usd(2_500_000n) },
    ],
    // `close`: the last one followed entirely by a date.
    [
      'new Close Co renewal close next friday',
      { kind: 'new', title: 'Close Co renewal', closeDate: '2026-11-27' },
    ],
    ['new Close Co renewal', { kind: 'new', title: 'Close Co renewal' }],
    // A first-word `close` begins the title, even when a date follows it (found by the property test).
    ['new Close 2026 3 3', { kind: 'new', title: 'Close 2026 3 3' }],
    ['new Close next friday 10k', { kind: 'new', title: 'Close next friday', amount: usd(1_000_000n) }],
    ['new Acme close to done', { kind: 'new', title: 'Acme close to done' }],
    [
      'new Acme close to done close in 2 weeks',
      { kind: 'new', title: 'Acme close to done', closeDate: '2026-12-08' },
    ],
    ['new Acme close the deal', { kind: 'new', title: 'Acme close the deal' }],
    ['new Acme close tomorrow.', { kind: 'new', title: 'Acme', closeDate: '2026-11-25' }],
    ['new Acme close end of month', { kind: 'new', title: 'Acme', closeDate: '2026-11-30' }],
    // Bare numbers are not amounts: they stay in the title.
    ['new Acme 2026 renewal', { kind: 'new', title: 'Acme 2026 renewal' }],
    ['new Acme renewal 2026', { kind: 'new', title: 'Acme renewal 2026' }],
    ['new Acme renewal 25000', { kind: 'new', title: 'Acme renewal 25000' }],
    ['new Acme renewal 3', { kind: 'new', title: 'Acme renewal 3' }],
    ['new Acme 2026 renewal 25,000', { kind: 'new', title: 'Acme 2026 renewal', amount: usd(2_500_000n) }],
    ['new Acme renewal $25000', { kind: 'new', title: 'Acme renewal', amount: usd(2_500_000n) }],
    // Options are only peeled off the end: an amount inside the title stays there.
    ['new 25k Acme renewal', { kind: 'new', title: '25k Acme renewal' }],
    ['new Acme 25k renewal', { kind: 'new', title: 'Acme 25k renewal' }],
    // Stages.
    ['new Acme won', { kind: 'new', title: 'Acme', stage: 'won' }],
    ['new Acme NEGOTIATION 5k', { kind: 'new', title: 'Acme', stage: 'negotiation', amount: usd(500_000n) }],
    ['new Won Co', { kind: 'new', title: 'Won Co' }],
    // Quotes protect words that look like options.
    ['new "Acme won" 10k', { kind: 'new', title: 'Acme won', amount: usd(1_000_000n) }],
    ['new "Close Co close next friday"', { kind: 'new', title: 'Close Co close next friday' }],
    ['new “Acme 25k” proposal', { kind: 'new', title: 'Acme 25k', stage: 'proposal' }],
    // Quotes inside a title are kept as typed (they still protect the word); quotes around the
    // whole title come off.
    ['new Acme "won"', { kind: 'new', title: 'Acme "won"' }],
    ['new \'; DROP TABLE "Deal"; --', { kind: 'new', title: '\'; DROP TABLE "Deal"; --' }],
    ['new "Acme', { kind: 'new', title: '"Acme' }],
    ['new O\'Brien & Sons 5k', { kind: 'new', title: "O'Brien & Sons", amount: usd(500_000n) }],
    // Slack HTML escapes are undone; mentions stay intact.
    [
      'new Acme &amp; Sons &lt;EU&gt; 5k <@U123ABC|maria>',
      {
        kind: 'new',
        title: 'Acme & Sons <EU>',
        amount: usd(500_000n),
        owner: { userId: 'U123ABC', handle: 'maria' },
      },
    ],
    ['new R&amp;amp;D', { kind: 'new', title: 'R&amp;D' }],
    // A leading /deal or deal is tolerated.
    ['/deal new Acme 5k', { kind: 'new', title: 'Acme', amount: usd(500_000n) }],
    ['Deal NEW Acme', { kind: 'new', title: 'Acme' }],
    ['new Acme\trenewal\n25k', { kind: 'new', title: 'Acme renewal', amount: usd(2_500_000n) }],

    // list
    ['list', { kind: 'list', scope: { type: 'mine' } }],
    ['list mine', { kind: 'list', scope: { type: 'mine' } }],
    ['LIST ALL', { kind: 'list', scope: { type: 'all' } }],
    ['list proposal', { kind: 'list', scope: { type: 'stage', stage: 'proposal' } }],
    ['list Won', { kind: 'list', scope: { type: 'stage', stage: 'won' } }],
    ['/deal list', { kind: 'list', scope: { type: 'mine' } }],

    // show: a ref or search text
    ['D-42', { kind: 'show', query: 'D-42' }],
    ['d42', { kind: 'show', query: 'D-42' }],
    ['d-042', { kind: 'show', query: 'D-42' }],
    ['#42', { kind: 'show', query: 'D-42' }],
    ['acme', { kind: 'show', query: 'acme' }],
    ['  Acme   renewal  ', { kind: 'show', query: 'Acme renewal' }],
    ['State Farm', { kind: 'show', query: 'State Farm' }],
    ['Nest Labs', { kind: 'show', query: 'Nest Labs' }],
    ['show next generation', { kind: 'show', query: 'next generation' }],
    ['show D-7', { kind: 'show', query: 'D-7' }],
    ['"list"', { kind: 'show', query: 'list' }],
    ['/deal acme', { kind: 'show', query: 'acme' }],

    // stage / won / lost
    ['stage D-42 negotiation', { kind: 'stage', ref: 'D-42', stage: 'negotiation' }],
    ['stage d42 Proposal', { kind: 'stage', ref: 'D-42', stage: 'proposal' }],
    ['stage D-42 on hold', { kind: 'stage', ref: 'D-42', stage: 'on hold' }],
    ['won D-7', { kind: 'won', ref: 'D-7' }],
    ['WON d7', { kind: 'won', ref: 'D-7' }],
    ['lost D-7 went with a competitor', { kind: 'lost', ref: 'D-7', reason: 'went with a competitor' }],
    ['lost d-7 "budget cut"', { kind: 'lost', ref: 'D-7', reason: 'budget cut' }],
    ['lost D-7 price &gt; budget', { kind: 'lost', ref: 'D-7', reason: 'price > budget' }],

    // next: the last `by <date>`
    ['next D-4 send the proposal by friday', { kind: 'next', ref: 'D-4', action: 'send the proposal', due: '2026-11-27' }],
    ['next D-4 send proposal by email by next friday', { kind: 'next', ref: 'D-4', action: 'send proposal by email', due: '2026-11-27' }],
    ['next D-4 call by phone', { kind: 'next', ref: 'D-4', action: 'call by phone' }],
    ['next D-4 call Maria', { kind: 'next', ref: 'D-4', action: 'call Maria' }],
    ['next D-4 demo by 2026-12-01', { kind: 'next', ref: 'D-4', action: 'demo', due: '2026-12-01' }],
    ['next D-4 "demo by friday"', { kind: 'next', ref: 'D-4', action: 'demo by friday' }],
    ['next D-4 reach out by phone', { kind: 'next', ref: 'D-4', action: 'reach out by phone' }],

    // log
    ['log D-4 call spoke with Maria about pricing', { kind: 'log', ref: 'D-4', type: 'call', text: 'spoke with Maria about pricing' }],
    ['log D-4 EMAIL sent the deck', { kind: 'log', ref: 'D-4', type: 'email', text: 'sent the deck' }],
    ['log D-4 meeting kickoff', { kind: 'log', ref: 'D-4', type: 'meeting', text: 'kickoff' }],
    ['log D-4 note line one\nline two', { kind: 'log', ref: 'D-4', type: 'note', text: 'line one\nline two' }],

    // assign
    ['assign D-4 @maria', { kind: 'assign', ref: 'D-4', owner: { handle: 'maria' } }],
    ['assign D-4 to @Maria.Garcia', { kind: 'assign', ref: 'D-4', owner: { handle: 'maria.garcia' } }],
    ['assign D-4 <@U99ZZ>', { kind: 'assign', ref: 'D-4', owner: { userId: 'U99ZZ' } }],
    ['assign D-4 <@U99ZZ|maria>', { kind: 'assign', ref: 'D-4', owner: { userId: 'U99ZZ', handle: 'maria' } }],

    // report
    ['report', { kind: 'report' }],
    ['/deal REPORT', { kind: 'report' }],

    // draft / summary (the assistant)
    ['draft D-1', { kind: 'draft', ref: 'D-1' }],
    ['/deal DRAFT d42', { kind: 'draft', ref: 'D-42' }],
    ['draft #7 again', { kind: 'draft', ref: 'D-7', regenerate: true }],
    ['summary D-1', { kind: 'summary', ref: 'D-1' }],
    ['summarize D-1', { kind: 'summary', ref: 'D-1' }],
    ['Summarise d-3 AGAIN', { kind: 'summary', ref: 'D-3', regenerate: true }],
    ['summary contact Ana Lopez', { kind: 'summary', contact: 'Ana Lopez' }],
    ['summary contact ana@globex.example', { kind: 'summary', contact: 'ana@globex.example' }],
    ['show draft contract', { kind: 'show', query: 'draft contract' }],
  ])('%j', (text, intent) => {
    expect(parseCommand(text, ctx)).toEqual({ ok: true, intent });
  });
});

describe('parseCommand: errors', () => {
  it.each<[string, string, string]>([
    // new
    ['new', 'Give the deal a title', USAGE.new],
    ['new 25k close friday', 'Give the deal a title', USAGE.new],
    ['new ""', 'Give the deal a title', USAGE.new],
    [`new ${'x'.repeat(201)}`, 'too long', USAGE.new],
    ['new Acme $1.234', 'too many decimal places', USAGE.new],
    ['new Acme ¥1.5', 'JPY has no minor units', USAGE.new],
    ['new Acme -5k', "can't be negative", USAGE.new],
    ['new Acme 2000000bn', 'too large', USAGE.new],
    ['new Acme 10k 20k', 'two amounts', USAGE.new],
    ['new Acme won lost', 'two stages', USAGE.new],
    ['new Acme @ann @bob', 'two owners', USAGE.new],
    ['new Acme close friday close monday', 'two close dates', USAGE.new],

    // list
    ['list foo', 'Use mine, all, or a stage: new, qualified, proposal, negotiation, won, lost', USAGE.list],
    ['list mine all', "I can't list", USAGE.list],

    // show
    ['show', 'What should I look for?', USAGE.show],
    [`acme ${'x'.repeat(200)}`, 'too long', USAGE.show],

    // ref commands
    ['won', 'needs a deal reference like D-42', USAGE.won],
    ['won acme', 'isn\'t a deal reference', USAGE.won],
    ['won acme', '/deal <search text>', USAGE.won],
    ['won D-7 yay', 'takes just the deal reference', USAGE.won],
    ['stage Acme won', 'needs one like D-42', USAGE.stage],
    ['stage D-7', 'Which stage', USAGE.stage],
    ['lost D-7', 'say why D-7 was lost', USAGE.lost],
    ['lost D-7', '/deal lost D-7 went with a competitor', USAGE.lost],
    ['lost', 'Which deal?', USAGE.lost],
    ['next D-4', "What's the next step", USAGE.next],
    ['next D-4 by friday', "What's the next step", USAGE.next],
    ['next Acme call', 'needs one like D-42', USAGE.next],
    [`next D-4 ${'x'.repeat(501)}`, 'too long', USAGE.next],
    ['log D-4', 'What kind of activity', USAGE.log],
    ['log D-4 lunch with Bob', "isn't an activity type; use one of call, email, meeting, note", USAGE.log],
    ['log D-4 call', 'What happened?', USAGE.log],
    [`log D-4 note ${'x'.repeat(4001)}`, 'too long', USAGE.log],
    ['log acme call hi', 'needs one like D-42', USAGE.log],
    ['assign D-4', 'Who should own D-4?', USAGE.assign],
    ['assign D-4 maria', 'Mention one person', USAGE.assign],
    ['assign D-4 @ann @bob', 'Mention one person', USAGE.assign],
    ['assign @maria D-4', 'needs one like D-42', USAGE.assign],
    ['report weekly', 'takes no options', USAGE.report],
    ['draft', 'Which deal? `/deal draft` needs a deal reference', USAGE.draft],
    ['draft acme', 'isn\'t a deal reference', USAGE.draft],
    ['draft D-4 to ana', 'takes just the deal reference', USAGE.draft],
    ['summary', 'Which deal? `/deal summary` needs a deal reference', USAGE.summary],
    ['summarise acme', '`/deal summary` needs one like D-42', USAGE.summary],
    ['summary D-4 please', 'takes just the deal reference', USAGE.summary],
    ['summary contact', 'Which contact?', USAGE.summary],
    [`summary contact ${'x'.repeat(201)}`, 'too long', USAGE.summary],

    // near misses
    ['lsit', 'Did you mean `/deal list`?', USAGE.list],
    ['lsit all', 'Did you mean `/deal list all`?', USAGE.list],
    ['lits proposal', 'Did you mean `/deal list proposal`?', USAGE.list],
    ['hlep', 'Did you mean `/deal help`?', USAGE.help],
    ['reprot', 'Did you mean `/deal report`?', USAGE.report],
    ['asign D-4 @maria', 'Did you mean `/deal assign D-4 @maria`?', USAGE.assign],
    ['nxt D-4 call', 'Did you mean `/deal next D-4 call`?', USAGE.next],
    ['stgae D-4 won', 'Did you mean `/deal stage D-4 won`?', USAGE.stage],
    ['lots D-4 too pricey', 'Did you mean `/deal lost D-4 too pricey`?', USAGE.lost],
    ['drfat D-4', 'Did you mean `/deal draft D-4`?', USAGE.draft],
    ['sumary D-4', 'Did you mean `/deal summary D-4`?', USAGE.summary],
    ['lsit', 'use `/deal show lsit`', USAGE.list],

    // whole input
    [`log D-4 note ${'x'.repeat(5000)}`, 'too long for a command', USAGE.help],
  ])('%j → error containing %j', (text, message, usage) => {
    const result = parseCommand(text, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain(message);
    expect(result.error.usage).toBe(usage);
    expect(result.error.message).not.toMatch(/\bat .+:\d+:\d+|Error:/);
  });
});

describe('parseCommand: context', () => {
  it('matches the workspace stages, including ones with spaces', () => {
    const custom: ParseContext = { ...ctx, stages: ['Lead', 'Demo', 'Closed Won', 'Closed Lost'] };
    expect(parseCommand('new Acme 5k closed  won', custom)).toEqual({
      ok: true,
      intent: { kind: 'new', title: 'Acme', amount: usd(500_000n), stage: 'closed won' },
    });
    expect(parseCommand('new Acme won', custom)).toEqual({
      ok: true,
      intent: { kind: 'new', title: 'Acme won' },
    });
    expect(parseCommand('list closed lost', custom)).toEqual({
      ok: true,
      intent: { kind: 'list', scope: { type: 'stage', stage: 'closed lost' } },
    });
    expect(parseCommand('stage D-1 Closed Won', custom)).toEqual({
      ok: true,
      intent: { kind: 'stage', ref: 'D-1', stage: 'closed won' },
    });
    const error = parseCommand('list proposal', custom);
    expect(error.ok).toBe(false);
    if (!error.ok) expect(error.error.message).toContain('lead, demo, closed won, closed lost');
  });

  it('uses the default currency for amounts without one', () => {
    expect(parseCommand('new Acme 25k', { ...ctx, defaultCurrency: 'EUR' })).toEqual({
      ok: true,
      intent: { kind: 'new', title: 'Acme', amount: { minor: 2_500_000n, currency: 'EUR' } },
    });
    expect(parseCommand('new Acme 25k', { ...ctx, defaultCurrency: 'JPY' })).toEqual({
      ok: true,
      intent: { kind: 'new', title: 'Acme', amount: { minor: 25_000n, currency: 'JPY' } },
    });
    const bad = parseCommand('new Acme 25k', { ...ctx, defaultCurrency: 'NOPE' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('which currency');
  });

  it('reads dates in the speaker’s time zone', () => {
    const now = new Date('2026-11-27T23:30:00Z');
    const auckland = parseCommand('next D-1 call back by tomorrow', { ...ctx, now, timeZone: 'Pacific/Auckland' });
    const la = parseCommand('next D-1 call back by tomorrow', { ...ctx, now, timeZone: 'America/Los_Angeles' });
    expect(auckland).toEqual({ ok: true, intent: { kind: 'next', ref: 'D-1', action: 'call back', due: '2026-11-29' } });
    expect(la).toEqual({ ok: true, intent: { kind: 'next', ref: 'D-1', action: 'call back', due: '2026-11-28' } });
  });

  it('never throws on a broken context', () => {
    const broken = [
      { ...ctx, timeZone: 'Nowhere/Nope' },
      { ...ctx, now: new Date(Number.NaN) },
      { ...ctx, stages: [] },
      {} as ParseContext,
      undefined as unknown as ParseContext,
    ];
    for (const c of broken) {
      for (const text of ['new Acme 25k close friday won', 'next D-1 x by friday', 'list won', 'lsit']) {
        const result = parseCommand(text, c);
        expect(typeof result.ok).toBe('boolean');
      }
    }
    expect(parseCommand(undefined as unknown as string, ctx)).toEqual({ ok: true, intent: { kind: 'help' } });
    expect(parseCommand('new Acme close friday', { ...ctx, timeZone: 'Nowhere/Nope' })).toEqual({
      ok: true,
      intent: { kind: 'new', title: 'Acme', closeDate: '2026-11-27' },
    });
  });
});

describe('helpers', () => {
  it.each<[string, string | undefined]>([
    ['D-42', 'D-42'],
    ['d-42', 'D-42'],
    ['D42', 'D-42'],
    ['#42', 'D-42'],
    ['D-0042', 'D-42'],
    ['D-', undefined],
    ['D-1234567890', undefined],
    ['42', undefined],
    ['X-42', undefined],
  ])('parseDealRef(%j) → %j', (text, ref) => {
    expect(parseDealRef(text)).toBe(ref);
  });

  it.each<[string, string, number]>([
    ['list', 'list', 0],
    ['lsit', 'list', 1],
    ['lst', 'list', 1],
    ['asign', 'assign', 1],
    ['nxt', 'next', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('editDistance(%j, %j) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('USAGE covers every intent kind and starts with /deal', () => {
    const kinds = [
      ...['help', 'new', 'list', 'show', 'stage', 'won', 'lost', 'next', 'log', 'assign', 'report', 'draft', 'summary', 'digest', 'nudges', 'settings'],
      ...['contact', 'contacts', 'company', 'companies', 'link', 'merge', 'task', 'tasks', 'done', 'snooze'],
      ...['admins', 'role', 'handover'],
      ...['pipelines', 'pipeline', 'stage_admin'],
      ...['set', 'field', 'fields'],
      ...['export', 'import'],
    ];
    expect(Object.keys(USAGE).sort()).toEqual([...kinds].sort());
    for (const usage of Object.values(USAGE)) expect(usage).toMatch(/^\/deal /);
  });
});
