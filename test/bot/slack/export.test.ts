/**
 * `/deal export` from Slack, through signed requests to the real Bolt receiver, with Slack's Web
 * API answered by nock: the command is acknowledged at once; the person is told "Preparing your
 * export…", then conversations.open gives their DM, files.getUploadURLExternal an upload address
 * per file, the CSV bytes are POSTed there, and one files.completeUploadExternal shares them in
 * the DM. When Slack fails (a 500 on the completion, a refusal, a 429 with Retry-After) the
 * person is told in words; a read-only member is refused before anything is prepared.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SLACK_EXPORT_TEXT } from '../../../src/bot/slack/export-files.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureResponseUrl, mockSlackBasics, nextId, parseApiBody, startSlack, textOf, type SlackHarness } from '../../helpers/slack.js';

let t: TestDb;
let slack: SlackHarness;

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
  nock.cleanAll();
  mockSlackBasics();
  // Alice is the workspace's first person (its admin); Bob a member.
  await say('new Acme renewal 48k');
  await say('new Globex, pilot program 9.5k');
  await say('list', { userId: 'U0BOB', userName: 'bob' });
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockSlackBasics();
});

async function say(text: string, who: { userId: string; userName: string } = { userId: 'U0ALICE', userName: 'alice' }): Promise<string> {
  const captured = captureResponseUrl();
  expect((await slack.command(text, who)).status).toBe(200);
  const msg = await captured;
  return `${String(msg.text ?? '')}\n${textOf(msg.blocks)}`;
}

/** The text of everything said to a command's response URL, in order. */
function responses(path: string): string[] {
  const said: string[] = [];
  nock('https://hooks.slack.com')
    .persist()
    .post(path)
    .reply(200, (_uri, body) => {
      const msg = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>;
      // The message's text (its blocks say the same), read without Slack's escapes of `_`.
      said.push(String(msg.text ?? textOf(msg.blocks)).replaceAll('\u200B', '').trim());
      return 'ok';
    });
  return said;
}

async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface SlackFiles {
  opened: Record<string, unknown>[];
  asked: Record<string, unknown>[];
  uploaded: { path: string; body: string }[];
  completed: Record<string, unknown>[];
}

/** Slack's upload flow, answered by nock; `complete` answers files.completeUploadExternal (default: ok). */
function mockUploads(opts: { complete?: () => nock.ReplyFnResult; firstAsk?: nock.ReplyFnResult; completeDelayMs?: number } = {}): SlackFiles {
  const files: SlackFiles = { opened: [], asked: [], uploaded: [], completed: [] };
  const api = nock('https://slack.com').persist();
  api.post('/api/conversations.open').reply(200, (_uri, body) => {
    files.opened.push(parseApiBody(body));
    return { ok: true, channel: { id: 'D0ALICEDM' } };
  });
  let n = 0;
  api.post('/api/files.getUploadURLExternal').reply((_uri, body) => {
    files.asked.push(parseApiBody(body));
    if (files.asked.length === 1 && opts.firstAsk) return opts.firstAsk;
    n += 1;
    return [200, { ok: true, upload_url: `https://files.slack.com/upload/v1/export-${n}`, file_id: `F0EXPORT${n}` }];
  });
  api
    .post('/api/files.completeUploadExternal')
    .delay(opts.completeDelayMs ?? 0)
    .reply((_uri, body) => {
      files.completed.push(parseApiBody(body));
      return opts.complete ? opts.complete() : [200, { ok: true, files: [] }];
    });
  nock('https://files.slack.com')
    .persist()
    .post(/^\/upload\/v1\/export-\d+$/)
    .reply(200, (uri, body) => {
      files.uploaded.push({ path: uri, body: typeof body === 'string' ? body : JSON.stringify(body) });
      return 'OK - 1';
    });
  return files;
}

describe('/deal export in Slack', () => {
  it('acknowledges at once, says it is preparing, and posts deals.csv to the person’s DM with the records in it', async () => {
    // Slack takes its time over the completion: the command was acknowledged long before.
    const files = mockUploads({ completeDelayMs: 500 });
    const url = `/commands/export-${nextId('x')}`;
    const said = responses(url);
    const res = await slack.command('export deals', { responseUrl: `https://hooks.slack.com${url}` });
    expect(res.status).toBe(200);
    expect(said.length).toBeLessThan(2);
    await until(() => said.length >= 2);

    expect(said[0]).toBe(SLACK_EXPORT_TEXT.preparing);
    expect(said[1]).toBe('Sent your CRM export (deals) to our direct messages: deals.csv (2 rows).');
    expect(files.opened).toEqual([expect.objectContaining({ users: 'U0ALICE' })]);
    expect(files.asked).toEqual([expect.objectContaining({ filename: 'deals.csv' })]);
    const [upload] = files.uploaded;
    expect(upload?.path).toBe('/upload/v1/export-1');
    expect(Number(files.asked[0]!.length)).toBe(Buffer.byteLength(upload!.body));
    expect(upload!.body.split('\n')[0]).toMatch(/^Number,Title,Pipeline,Stage,Status,Amount,Currency,Owner,Owner email/);
    expect(upload!.body).toContain('1,Acme renewal,Sales,New,open,48000.00,USD,Alice');
    expect(upload!.body).toContain('2,"Globex, pilot program",Sales,New,open,9500.00,USD');
    expect(files.completed).toHaveLength(1);
    const completed = files.completed[0]!;
    expect(completed.channel_id).toBe('D0ALICEDM');
    expect(completed.files).toEqual([{ id: 'F0EXPORT1', title: 'deals.csv' }]);
    expect(String(completed.initial_comment)).toMatch(/^Your CRM export \(deals\) from acme, as it was at \d{4}-\d\d-\d\d \d\d:\d\d UTC: deals\.csv \(2 rows\)\.$/);
  });

  it('all four files are shared by one completion', async () => {
    const files = mockUploads();
    const url = `/commands/export-${nextId('x')}`;
    const said = responses(url);
    await slack.command('export', { responseUrl: `https://hooks.slack.com${url}` });
    await until(() => said.length >= 2);
    expect(said[1]).toMatch(/^Sent your CRM export to our direct messages: deals\.csv \(2 rows\), companies\.csv \(0 rows\), contacts\.csv \(0 rows\), activities\.csv \(0 rows\)\.$/);
    expect(files.asked.map((a) => a.filename)).toEqual(['deals.csv', 'companies.csv', 'contacts.csv', 'activities.csv']);
    expect(files.uploaded).toHaveLength(4);
    expect(files.completed).toHaveLength(1);
    expect((files.completed[0]!.files as unknown[]).length).toBe(4);
  });

  it('a 500 on files.completeUploadExternal: the person is told it was not confirmed, and it is not tried again', async () => {
    const files = mockUploads({ complete: () => [500, 'upstream trouble'] });
    const url = `/commands/export-${nextId('x')}`;
    const said = responses(url);
    await slack.command('export deals', { responseUrl: `https://hooks.slack.com${url}` });
    await until(() => said.length >= 2);
    expect(said[1]).toContain('Slack didn’t confirm that your export was posted (Slack answered HTTP 500 while posting the files). If the files aren’t in our direct messages in a minute, ask again.');
    expect(files.completed).toHaveLength(1);
  });

  it('Slack refuses the completion (ok: false after the upload was accepted): the person is told nothing was posted', async () => {
    mockUploads({ complete: () => [200, { ok: false, error: 'invalid_channel' }] });
    const url = `/commands/export-${nextId('x')}`;
    const said = responses(url);
    await slack.command('export contacts', { responseUrl: `https://hooks.slack.com${url}` });
    await until(() => said.length >= 2);
    expect(said[1]).toContain('I couldn’t send your export: Slack refused posting the files (invalid_channel). Nothing was posted; please try again in a few minutes.');
  });

  it('a 429 with Retry-After on files.getUploadURLExternal: waits as asked, then sends', async () => {
    const files = mockUploads({ firstAsk: [429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '1' }] });
    const url = `/commands/export-${nextId('x')}`;
    const said = responses(url);
    const started = Date.now();
    await slack.command('export deals', { responseUrl: `https://hooks.slack.com${url}` });
    await until(() => said.length >= 2);
    expect(said[1]).toBe('Sent your CRM export (deals) to our direct messages: deals.csv (2 rows).');
    expect(files.asked).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(files.completed).toHaveLength(1);
  });

  it('a read-only member is refused with the admins named, before anything is prepared', async () => {
    await say('role <@U0BOB|bob> read-only');
    const files = mockUploads();
    const url = `/commands/export-${nextId('x')}`;
    const said = responses(url);
    await slack.command('export', { userId: 'U0BOB', userName: 'bob', responseUrl: `https://hooks.slack.com${url}` });
    await until(() => said.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('You have read-only access to this CRM, and exporting takes every record out of it: admins and members can export. Ask an admin (Alice) if you need the files.');
    expect(files.opened).toHaveLength(0);
    expect(files.asked).toHaveLength(0);
  });
});
