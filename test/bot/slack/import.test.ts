/**
 * A CSV import from Slack (#16), through signed requests to the real Bolt receiver, with Slack's
 * Web API and the file download answered by nock: an admin DMs HubSpot's deals export to the app
 * (a `message` event of subtype `file_share`); the file is downloaded with the bot token and the
 * dry run posted in the DM (counts, bad rows by line, the unknown stage and what to do) with
 * Import and Cancel; Import reads the file again and writes the good rows (the deals exist, with
 * their amounts), editing one progress message into the final report; a second Import says it was
 * already imported and writes nothing. A member who is not an admin is refused with the admins
 * named and nothing is downloaded; Cancel; a file changed since its dry run is refused in words;
 * a file that is not a CSV, or too big, is refused without a download; a retried event gives one report.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHAT_IMPORT_LIMITS } from '../../../src/bot/chat-import.js';
import { IMPORT_ACTIONS, IMPORT_BLOCKS } from '../../../src/bot/slack/ids.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureResponseUrl, mockSlackBasics, nextId, parseApiBody, startSlack, textOf, type SlackHarness } from '../../helpers/slack.js';

const FIXTURE = readFileSync(new URL('../../fixtures/import/hubspot-deals.csv', import.meta.url), 'utf8');
const FILE_HOST = 'https://files.slack.com';

let t: TestDb;
let slack: SlackHarness;

/** What the app posted and edited, in order (chat.postMessage and chat.update bodies). */
interface Said {
  method: 'postMessage' | 'update';
  channel: string;
  ts: string;
  text: string;
  blocks: Record<string, unknown>[];
}
let said: Said[] = [];
let infos: string[] = [];
let seq = 0;

/** Slack's chat and files.info, answered and recorded. Files are described from `FILES`. */
const FILES = new Map<string, Record<string, unknown>>();
function mockChat(): void {
  const api = nock('https://slack.com').persist();
  api.post('/api/chat.postMessage').reply(200, (_uri, body) => {
    const b = parseApiBody(body);
    const ts = `1700000000.${String(++seq).padStart(6, '0')}`;
    said.push({ method: 'postMessage', channel: String(b.channel), ts, text: String(b.text ?? ''), blocks: (b.blocks ?? []) as Record<string, unknown>[] });
    return { ok: true, channel: b.channel, ts };
  });
  api.post('/api/chat.update').reply(200, (_uri, body) => {
    const b = parseApiBody(body);
    said.push({ method: 'update', channel: String(b.channel), ts: String(b.ts), text: String(b.text ?? ''), blocks: (b.blocks ?? []) as Record<string, unknown>[] });
    return { ok: true, channel: b.channel, ts: b.ts };
  });
  api.post('/api/files.info').reply(200, (_uri, body) => {
    const id = String(parseApiBody(body).file);
    infos.push(id);
    const file = FILES.get(id);
    return file ? { ok: true, file } : { ok: false, error: 'file_not_found' };
  });
}

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
  nock.cleanAll();
  mockSlackBasics();
  mockChat();
  // Alice is the workspace's first person (its admin); Bob a member.
  for (const [userId, userName] of [
    ['U0ALICE', 'alice'],
    ['U0BOB', 'bob'],
  ] as const) {
    const answered = captureResponseUrl();
    await slack.command('list', { userId, userName });
    await answered;
  }
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockSlackBasics();
  mockChat();
  said = [];
  infos = [];
});

async function until<T>(found: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = found();
    if (hit !== undefined && hit !== false) return hit;
    if (Date.now() > end) throw new Error(`timed out waiting; said so far:\n${said.map((s) => `${s.method} ${s.ts}: ${s.text}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A file as Slack describes it in a file_share event, with its download answered by nock (counted). */
function slackFile(name: string, body: string | Buffer, opts: { size?: number; mimetype?: string; filetype?: string } = {}) {
  const id = nextId('F0');
  const path = `/files-pri/T0ACME-${id}/download/${encodeURIComponent(name)}`;
  const file = {
    id,
    name,
    title: name,
    mimetype: opts.mimetype ?? 'text/csv',
    filetype: opts.filetype ?? 'csv',
    size: opts.size ?? Buffer.byteLength(body),
    mode: 'hosted',
    url_private: `${FILE_HOST}/files-pri/T0ACME-${id}/${encodeURIComponent(name)}`,
    url_private_download: `${FILE_HOST}${path}`,
  };
  FILES.set(id, file);
  const downloads: string[] = [];
  let content = body;
  nock(FILE_HOST)
    .persist()
    .get(path)
    .reply(200, function () {
      downloads.push(String(this.req.headers.authorization));
      return content;
    });
  return {
    file,
    downloads,
    /** The file as it is from now on (changed in Slack since the dry run). */
    change(next: string) {
      content = next;
    },
  };
}

/** Someone's DM to the app with files (a `file_share` message in an `im` channel). */
function dmEvent(files: Record<string, unknown>[], opts: { user?: string; text?: string } = {}) {
  const user = opts.user ?? 'U0ALICE';
  return {
    type: 'message',
    subtype: 'file_share',
    channel: `D0${user.slice(2)}`,
    channel_type: 'im',
    user,
    text: opts.text ?? '',
    ts: `${Math.floor(Date.now() / 1000)}.000100`,
    event_ts: `${Math.floor(Date.now() / 1000)}.000100`,
    files,
  };
}

/** Waits for the dry run of `name` (the "Reading…" line edited into the report). */
async function reportOf(name: string): Promise<Said> {
  return until(() => [...said].reverse().find((s) => s.method === 'update' && s.text.startsWith(`${name}: `) && / rows? read: /.test(s.text)));
}

const buttonsOf = (msg: Said) => msg.blocks.filter((b) => b.block_id === IMPORT_BLOCKS.actions).flatMap((b) => b.elements as Record<string, unknown>[]);

/** A click on the report's Import or Cancel, as Slack posts it (the message as it is in Slack). */
async function press(report: Said, actionId: string, opts: { user?: string; responseUrl?: string } = {}) {
  const user = opts.user ?? 'U0ALICE';
  const button = buttonsOf(report).find((b) => b.action_id === actionId);
  expect(button, `the report has ${actionId}`).toBeDefined();
  const res = await slack.interaction({
    type: 'block_actions',
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: user, username: user.slice(2).toLowerCase(), team_id: 'T0ACME' },
    api_app_id: 'A0CRM',
    trigger_id: nextId('trig'),
    container: { type: 'message', message_ts: report.ts, channel_id: report.channel, is_ephemeral: false },
    channel: { id: report.channel },
    message: { type: 'message', ts: report.ts, text: report.text, blocks: report.blocks },
    response_url: opts.responseUrl ?? `https://hooks.slack.com/actions/T0ACME/${nextId('r')}/x`,
    actions: [{ type: 'button', action_id: actionId, block_id: IMPORT_BLOCKS.actions, value: button!.value, action_ts: '1' }],
  });
  expect(res.status).toBe(200);
}

const dealCount = () => t.crm.db.deal.count();

describe('a CSV sent to the app in a Slack DM', () => {
  it('an admin gets the dry run, presses Import, and the deals exist; Import again imports nothing and says so', async () => {
    const { file, downloads } = slackFile('hubspot-deals.csv', FIXTURE);
    const res = await slack.event(dmEvent([file]));
    expect(res.status).toBe(200);

    const report = await reportOf('hubspot-deals.csv');
    const shown = `${report.text}\n${textOf(report.blocks)}`.replaceAll('\u200B', '');
    expect(report.text).toBe('hubspot-deals.csv: deals, HubSpot export: 9 rows read: 3 to create, 0 to update, 0 to skip (already there), 6 bad.');
    expect(shown).toContain('line 4: bad amount: ‘12x’ is not an amount');
    expect(shown).toContain('line 6: missing name');
    expect(shown).toContain('line 8: duplicate source id ‘301’ (line 2 has the same)');
    expect(shown).toMatch(/Unknown stage “Demo” on 2 rows \(lines 5, 11\): the stages of Sales are New, Qualified, Proposal, Negotiation, Won, Lost\. Those rows are left out\. To import them, send the file again with `stage Demo=New`/);
    expect(buttonsOf(report).map((b) => (b.text as { text: string }).text)).toEqual(['Import', 'Cancel']);
    // The "Reading…" line came first, in Alice's DM, and was edited into the report.
    const reading = said.find((s) => s.method === 'postMessage' && s.text.startsWith('Reading hubspot-deals.csv…'));
    expect(reading?.channel).toBe('D0ALICE');
    expect(report.ts).toBe(reading?.ts);
    // Downloaded once, with the bot token; nothing written by the dry run.
    expect(downloads).toEqual(['Bearer xoxb-test-token']);
    expect(await dealCount()).toBe(0);

    said = [];
    await press(report, IMPORT_ACTIONS.confirm);
    const final = await until(() => said.find((s) => s.text.startsWith('Imported hubspot-deals.csv:')));
    expect(final.text).toBe('Imported hubspot-deals.csv: 3 created, 0 updated, 0 skipped (already there), 6 bad rows left out.');
    expect(textOf(final.blocks).replaceAll('\u200B', '')).toContain('line 4: bad amount: ‘12x’ is not an amount');
    // The report lost its buttons first and says the import was confirmed; one progress message
    // ("Importing…") was posted and edited into the final report.
    const confirmed = said.find((s) => s.method === 'update' && s.ts === report.ts);
    expect(buttonsOf(confirmed!)).toEqual([]);
    expect(textOf(confirmed!.blocks)).toContain('Import confirmed: it runs below.');
    const progress = said.filter((s) => s.method === 'postMessage');
    expect(progress.map((s) => s.text)).toEqual(['Importing hubspot-deals.csv…']);
    expect(final.method).toBe('update');
    expect(final.ts).toBe(progress[0]!.ts);
    // Read again for the import: files.info, then the download with the bot token.
    expect(infos).toEqual([file.id]);
    expect(downloads).toEqual(['Bearer xoxb-test-token', 'Bearer xoxb-test-token']);

    const deals = await t.crm.db.deal.findMany({ orderBy: { number: 'asc' }, include: { stage: true } });
    expect(deals.map((d) => [d.title, d.amountCents?.toString() ?? null, d.currency, d.stage.name, d.status])).toEqual([
      ['Acme platform deal', '1250000', 'USD', 'Qualified', 'open'],
      ['Globex pilot', '480000', 'USD', 'Won', 'won'],
      ['Lost deal with a note', '70000', 'USD', 'Lost', 'lost'],
    ]);
    expect(await t.crm.db.externalRef.count({ where: { entity: 'deal', source: 'hubspot' } })).toBe(3);

    // A second click (a double click, Slack's retry): told, and nothing imported again.
    said = [];
    const told = captureResponseUrl(/^\/actions\/T0ACME\/.+\/x$/);
    await press(report, IMPORT_ACTIONS.confirm);
    expect(String((await told).text)).toBe(
      'Already imported: hubspot-deals.csv was imported from this dry run when Import was first pressed, so nothing was imported again.',
    );
    // The click came from the report as it was (buttons and all): they go, nothing else is said.
    const stripped = await until(() => said.find((s) => s.method === 'update' && s.ts === report.ts));
    expect(buttonsOf(stripped)).toEqual([]);
    expect(await dealCount()).toBe(3);
    expect(downloads).toHaveLength(2);
    expect(said.filter((s) => s.method === 'postMessage')).toEqual([]);
  });

  it('a member who is not an admin is refused with the admins named, and nothing is downloaded', async () => {
    const before = await dealCount();
    const { file, downloads } = slackFile('bobs-deals.csv', FIXTURE);
    await slack.event(dmEvent([file], { user: 'U0BOB' }));
    const refusal = await until(() => said.find((s) => s.channel === 'D0BOB'));
    expect(refusal.text).toBe('Only admins can import records. Ask Alice.\n`/deal admins` lists the workspace’s admins and your own role.');
    await new Promise((r) => setTimeout(r, 100));
    expect(said.filter((s) => s.channel === 'D0BOB')).toHaveLength(1);
    expect(downloads).toEqual([]);
    expect(infos).toEqual([]);
    expect(await dealCount()).toBe(before);
  });

  it('Cancel drops the dry run: the buttons go, nothing is imported, and a later Import says it was cancelled', async () => {
    const before = await dealCount();
    const csv = 'Title,Amount,Stage\nInitrode expansion,"7,000.00",New\nVandelay imports,1200,Qualified\n';
    const { file, downloads } = slackFile('few-deals.csv', csv);
    await slack.event(dmEvent([file]));
    const report = await reportOf('few-deals.csv');
    expect(report.text).toBe('few-deals.csv: deals, CSV (our export, or any sheet with these headers): 2 rows read: 2 to create, 0 to update, 0 to skip (already there), 0 bad.');

    said = [];
    await press(report, IMPORT_ACTIONS.cancel);
    const cancelled = await until(() => said.find((s) => s.method === 'update' && s.ts === report.ts));
    expect(textOf(cancelled.blocks)).toContain('Cancelled: nothing was imported from few-deals.csv.');
    expect(buttonsOf(cancelled)).toEqual([]);

    const told = captureResponseUrl(/^\/actions\/T0ACME\/.+\/x$/);
    await press(report, IMPORT_ACTIONS.confirm);
    expect(String((await told).text)).toBe('This import of few-deals.csv was cancelled, so nothing was imported. Send the file again for a new dry run.');
    expect(await dealCount()).toBe(before);
    expect(downloads).toHaveLength(1);
  });

  it('a file changed since its dry run is not imported: the refusal says so in words', async () => {
    const before = await dealCount();
    const csv = 'Title,Amount,Stage\nHooli search,5000,New\n';
    const { file, change } = slackFile('changed.csv', csv);
    await slack.event(dmEvent([file]));
    const report = await reportOf('changed.csv');
    change(`${csv}Pied Piper,900,New\n`);

    said = [];
    await press(report, IMPORT_ACTIONS.confirm);
    const refused = await until(() => said.find((s) => s.text.startsWith('Nothing was imported')));
    expect(refused.text).toBe(
      'Nothing was imported from changed.csv: the file is not the one the dry run read. Send the file again for a new dry run, and import what it says now.',
    );
    expect(await dealCount()).toBe(before);
  });

  it('a stage mapping sent with the file maps the unknown stage, so those rows are imported too', async () => {
    const csv = 'Title,Amount,Stage\nMassive Dynamic pilot,3000,Demo\n';
    const { file } = slackFile('mapped.csv', csv);
    await slack.event(dmEvent([file], { text: 'Our old CRM: stage Demo=Qualified' }));
    const report = await reportOf('mapped.csv');
    expect(report.text).toContain('1 row read: 1 to create, 0 to update, 0 to skip (already there), 0 bad.');
    said = [];
    await press(report, IMPORT_ACTIONS.confirm);
    await until(() => said.find((s) => s.text.startsWith('Imported mapped.csv:')));
    const deal = await t.crm.db.deal.findFirst({ where: { title: 'Massive Dynamic pilot' }, include: { stage: true } });
    expect(deal?.stage.name).toBe('Qualified');
  });

  it('a file that is not a CSV, or too big, is refused politely without a download', async () => {
    const pdf = slackFile('pipeline.pdf', 'PDF', { mimetype: 'application/pdf', filetype: 'pdf' });
    const big = slackFile('huge.csv', 'Title\nx\n', { size: CHAT_IMPORT_LIMITS.maxBytes + 1 });
    await slack.event(dmEvent([pdf.file, big.file]));
    await until(() => said.length >= 2 || undefined);
    expect(said.map((s) => s.text)).toEqual([
      'pipeline.pdf isn’t a CSV file, so I didn’t read it. I import .csv files: HubSpot’s and Pipedrive’s exports, our own export, or any sheet saved as CSV.',
      'huge.csv is 20 MB, more than I read in chat (20 MB), so I didn’t read it. Split it into smaller files, or import it with `npm run import -- huge.csv` on the server (docs/import.md).',
    ]);
    expect(pdf.downloads).toEqual([]);
    expect(big.downloads).toEqual([]);
  });

  it('Slack delivering the same event again (same event id) gives one report', async () => {
    const { file, downloads } = slackFile('retried.csv', 'Title,Amount\nSoylent deal,100\n');
    const body = JSON.stringify({
      token: 'legacy',
      team_id: 'T0ACME',
      api_app_id: 'A0CRM',
      event: dmEvent([file]),
      type: 'event_callback',
      event_id: nextId('Ev'),
      event_time: Math.floor(Date.now() / 1000),
    });
    await slack.post(body, { contentType: 'application/json' });
    await reportOf('retried.csv');
    await slack.post(body, { contentType: 'application/json', headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(said.filter((s) => s.text.startsWith('Reading retried.csv'))).toHaveLength(1);
    expect(downloads).toHaveLength(1);
  });

  it('/deal import says how (to an admin), and who the admins are (to anyone else)', async () => {
    const howTo = captureResponseUrl();
    await slack.command('import');
    const answer = `${String((await howTo).text ?? '')}\n${textOf((await howTo).blocks)}`;
    expect(answer).toContain('Send me the CSV file in a direct message (the app’s Messages tab)');
    expect(answer).toContain('`stage Demo=Qualified`');
    expect(answer).toContain('`npm run import -- &lt;file.csv&gt;` on the server');
    const refused = captureResponseUrl();
    await slack.command('import', { userId: 'U0BOB', userName: 'bob' });
    expect(textOf((await refused).blocks) + String((await refused).text ?? '')).toContain('Only admins can import records. Ask Alice.');
  });

  it('a message without a file says what the DM is for', async () => {
    await slack.event({ type: 'message', channel: 'D0ALICE', channel_type: 'im', user: 'U0ALICE', text: 'hello', ts: '1.1', event_ts: '1.1' });
    const hint = await until(() => said[0]);
    expect(hint.text).toContain('I read CSV files sent here, to import them into the CRM (admins only)');
  });
});
