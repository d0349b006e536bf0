/**
 * What Slack and Teams share for a CSV sent in chat (src/bot/chat-import.ts): the words sent with
 * a file, the pending import a button carries, the report's words, the pace of progress edits
 * (never more than one at a time, at most every CHAT_IMPORT_LIMITS.progressEveryMs), and the guard
 * that lets one dry run be imported once. On SQLite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHAT_IMPORT_LIMITS,
  ChatImports,
  decodePending,
  DownloadError,
  encodePending,
  fileRefusal,
  importReport,
  readImportOptions,
  type ImportReportView,
} from '../../src/bot/chat-import.js';
import type { Actor } from '../../src/domain/index.js';
import { silentLogger } from '../../src/log.js';
import { importWorld, type ImportWorld } from '../domain/import/helpers.js';

describe('the words sent with a file', () => {
  it.each<[string, object]>([
    ['', {}],
    ['here is our HubSpot export', {}],
    ['preset hubspot', { preset: 'hubspot' }],
    ['--preset=pipedrive kind deals', { preset: 'pipedrive', kind: 'deal' }],
    ['kind companies', { kind: 'company' }],
    ['stage Demo=Qualified', { stageMap: { Demo: 'Qualified' } }],
    ['stage Demo = Qualified\nstage "Contract sent"=Negotiation', { stageMap: { Demo: 'Qualified', 'Contract sent': 'Negotiation' } }],
    ['--stage “Demo=qualified”, --stage Trial=New', { stageMap: { Demo: 'qualified', Trial: 'New' } }],
    ['stage R&amp;D=New', { stageMap: { 'R&D': 'New' } }],
  ])('%j', (text, options) => {
    expect(readImportOptions(text)).toEqual({ ok: true, options });
  });

  it.each([
    ['preset salesforce', 'I know the presets generic, hubspot, pipedrive, not “salesforce”.'],
    ['kind invoices', 'A file holds deals, contacts, companies or activities, not “invoices”.'],
    ['stage Demo', 'I couldn’t read “stage Demo”: say `stage Demo=Qualified` (the stage in the file, then ours), one per line.'],
  ])('%j is said back', (text, message) => {
    expect(readImportOptions(text)).toEqual({ ok: false, message });
  });

  it('takes at most 10 stage mappings (they travel in the button)', () => {
    const text = Array.from({ length: 11 }, (_, i) => `stage S${i}=New`).join('\n');
    expect(readImportOptions(text).ok).toBe(false);
  });
});

describe('the file', () => {
  it('is read when it is a CSV within the size cap', () => {
    expect(fileRefusal({ name: 'deals.CSV', size: 10 })).toBeUndefined();
    expect(fileRefusal({ name: 'export', filetype: 'csv' })).toBeUndefined();
    expect(fileRefusal({ name: 'deals.xlsx', size: 10 })).toContain('deals.xlsx isn’t a CSV file');
    expect(fileRefusal({ name: 'deals.csv', size: CHAT_IMPORT_LIMITS.maxBytes + 1 })).toContain('more than I read in chat (20 MB)');
  });
});

describe('the pending import a button carries', () => {
  const pending = {
    v: 1 as const,
    id: 'abcdefghijklmnop',
    name: 'hubspot-deals.csv',
    src: 'F0123ABC',
    fd: 'a'.repeat(64),
    pd: 'b'.repeat(64),
    p: 'hubspot' as const,
    k: 'deal' as const,
    s: Object.fromEntries(Array.from({ length: CHAT_IMPORT_LIMITS.stageMappings }, (_, i) => [`${'x'.repeat(CHAT_IMPORT_LIMITS.stageName - 2)}${i}`, 'y'.repeat(CHAT_IMPORT_LIMITS.stageName)])),
    by: 'c'.repeat(25),
    at: 1_800_000_000_000,
    n: [9, 3, 0, 0, 6] as [number, number, number, number, number],
  };

  it('reads back what it wrote, and nothing it did not', () => {
    expect(decodePending(encodePending(pending))).toEqual(pending);
    expect(decodePending('{"v":1}')).toBeUndefined();
    expect(decodePending('not json')).toBeUndefined();
    expect(decodePending({ ...pending, fd: 'zz' })).toBeUndefined();
  });

  it('fits a Slack button value (2,000 characters) with the most stage mappings and the longest name', () => {
    const longest = { ...pending, name: '"'.repeat(CHAT_IMPORT_LIMITS.fileName), src: 'F'.repeat(20) };
    expect(encodePending(longest).length).toBeLessThanOrEqual(2000);
    // Mappings whose JSON would be longer than the buttons keep are refused when the file comes.
    const quotes = Array.from({ length: 10 }, (_, i) => `stage ${'\\'.repeat(55)}${i}=New`).join('\n');
    expect(readImportOptions(quotes)).toMatchObject({ ok: false, message: expect.stringContaining('short stage mappings') });
    const fitting = readImportOptions(Array.from({ length: 10 }, (_, i) => `stage ${'s'.repeat(40)}${i}=${'o'.repeat(50)}`).join('\n'));
    expect(fitting.ok && encodePending({ ...longest, s: fitting.options.stageMap }).length).toBeLessThanOrEqual(2000);
  });
});

describe('an import from chat', () => {
  // Through Prisma's transaction, as in the app (main.ts gives the chat surfaces no driver connector).
  let w: ImportWorld;
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    w = await importWorld('prisma', 'T-CHAT');
    ({ alice, bob } = w);
  });
  afterAll(async () => w?.t.cleanup());

  const csv = (rows: number) => ['Title,Amount,Stage', ...Array.from({ length: rows }, (_, i) => `Deal ${i + 1},${100 + i},New`)].join('\n');

  it('edits progress one at a time, at most every few seconds, then reports; a second click is told it was imported', async () => {
    // A clock that moves a second on each look: progress is due every third look or so.
    let clock = 0;
    const imports = new ChatImports(w.crm, silentLogger, '/deal', () => (clock += 1000));
    const bytes = Buffer.from(csv(2600));
    const { plan, pending } = await imports.dryRun(alice, { name: 'many.csv', src: 'F0MANY', bytes }, {});
    expect(plan).toMatchObject({ rows: 2600, create: 2600, bad: 0 });
    expect(await imports.begin(alice, pending, 'import')).toEqual({ kind: 'go' });
    // Meanwhile, another click: it is being imported.
    expect(await imports.begin(alice, pending, 'import')).toMatchObject({ kind: 'no', text: 'many.csv is being imported right now: the message below says how far it is.' });

    const progress: string[] = [];
    let editing = 0;
    let overlapped = false;
    let report: ImportReportView | undefined;
    await imports.run(alice, pending, {
      download: async () => bytes,
      progress: async (text) => {
        overlapped ||= editing > 0;
        editing++;
        await new Promise((r) => setTimeout(r, 5));
        progress.push(text);
        editing--;
      },
      done: async (view) => void (report = view),
      failed: async (text) => {
        throw new Error(`failed: ${text}`);
      },
    });
    expect(report?.counts).toBe('Imported many.csv: 2,600 created, 0 updated, 0 skipped (already there), 0 bad rows left out.');
    expect(progress[0]).toBe('Importing many.csv…');
    expect(progress.length).toBeGreaterThan(1);
    // Fewer edits than batches (500 rows each): one only every 3 s of the clock.
    expect(progress.length - 1).toBeLessThan(Math.ceil(2600 / 500));
    expect(progress.slice(1).every((p) => /^Importing many\.csv… [\d,]+ of 2,600 rows read\.$/.test(p))).toBe(true);
    expect(overlapped).toBe(false);
    expect(await w.crm.db.deal.count({ where: { workspaceId: alice.workspaceId } })).toBe(2600);

    expect(await imports.begin(alice, pending, 'import')).toEqual({
      kind: 'no',
      text: 'Already imported: many.csv was imported from this dry run when Import was first pressed, so nothing was imported again.',
      removeButtons: true,
    });
    // The guard is in the database: another process (a restart, a replica) says the same.
    const elsewhere = new ChatImports(w.crm, silentLogger, '/deal');
    expect(await elsewhere.begin(alice, pending, 'import')).toMatchObject({ kind: 'no', text: expect.stringContaining('Already imported') });
    expect(await elsewhere.begin(alice, pending, 'cancel')).toMatchObject({ kind: 'no', text: expect.stringContaining('Already imported') });
  });

  it('only the person who ran the dry run imports from it; a dry run more than a day old is not imported', async () => {
    const imports = new ChatImports(w.crm, silentLogger, '/deal');
    const { pending } = await imports.dryRun(alice, { name: 'one.csv', src: 'F0ONE', bytes: Buffer.from(csv(1)) }, {});
    expect(await imports.begin(bob, pending, 'import')).toEqual({
      kind: 'no',
      text: 'This dry run is someone else’s: only the person who sent the file can import it.',
      removeButtons: false,
    });
    const old = { ...pending, at: pending.at - CHAT_IMPORT_LIMITS.reportTtlMs - 1 };
    expect(await imports.begin(alice, old, 'import')).toMatchObject({ kind: 'no', text: expect.stringContaining('more than a day old') });
  });

  it('a download that fails lets go of the dry run: Import can be pressed again, and then imports', async () => {
    const imports = new ChatImports(w.crm, silentLogger, '/deal');
    const bytes = Buffer.from('Title,Amount,Stage\nRetry deal,10,New\n');
    const { pending } = await imports.dryRun(alice, { name: 'retry.csv', src: 'F0RETRY', bytes }, {});
    expect(await imports.begin(alice, pending, 'import')).toEqual({ kind: 'go' });
    const said: [string, boolean][] = [];
    await imports.run(alice, pending, {
      download: async () => {
        throw new DownloadError('HTTP 503');
      },
      progress: async () => undefined,
      done: async () => undefined,
      failed: async (text, retry) => void said.push([text, retry]),
    });
    expect(said).toEqual([['Nothing was imported from retry.csv: I couldn’t download it again (HTTP 503).', true]]);
    expect(await imports.begin(alice, pending, 'import')).toEqual({ kind: 'go' });
    let done: ImportReportView | undefined;
    await imports.run(alice, pending, { download: async () => bytes, progress: async () => undefined, done: async (v) => void (done = v), failed: async () => undefined });
    expect(done?.counts).toContain('1 created');
  });

  it('the report: bad rows listed up to 10 with the rest counted, unknown stages with what to do', async () => {
    const lines = ['Title,Amount,Stage', ...Array.from({ length: 12 }, (_, i) => `Bad ${i},12x,New`), 'Demo deal,5,Demo'];
    const plan = await w.crm.imports.plan({ actor: alice, fileName: 'bad.csv', input: lines.join('\n') });
    const view = importReport(plan, 'dry', '/deal');
    expect(view.summary).toBe('bad.csv: deals, CSV (our export, or any sheet with these headers): 13 rows read: 0 to create, 0 to update, 0 to skip (already there), 13 bad.');
    expect(view.bad).toHaveLength(10);
    expect(view.bad[0]).toBe('line 2: bad amount: ‘12x’ is not an amount');
    expect(view.moreBad).toBe(3);
    expect(view.stages).toEqual([
      'Unknown stage “Demo” on 1 row (line 14): the stages of Sales are New, Qualified, Proposal, Negotiation, Won, Lost. Those rows are left out. To import them, send the file again with `stage Demo=New` (one of ours) in the message, or add the stage first: `/deal stage add Demo`.',
    ]);
    expect(view.canImport).toBe(false);
  });
});
