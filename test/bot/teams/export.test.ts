/**
 * `deal export` in Teams, through the real Bot Framework endpoint (harness.ts), with the Teams
 * connector and the OneDrive upload URL answered by nock: the command answers at once, and a file
 * consent card per file follows in the personal chat; Accept (`fileConsent/invoke`) is answered at
 * once, the CSV is PUT to the upload URL with its Content-Range, and a file info card follows;
 * Decline is answered with "not sent"; an upload OneDrive refuses is told in words.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FILE_CONTENT_TYPES } from '../../../src/bot/teams/cards/files.js';
import { putInRanges, UploadError } from '../../../src/bot/teams/handlers/export.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { activity, captureConnector, cardOf, cardText, CONVERSATIONS, invoke, message, mockBotFramework, startTeams, USERS, type Outgoing, type TeamsHarness } from './harness.js';

let t: TestDb;
let teams: TeamsHarness;
let sent: Outgoing[] = [];

const ONEDRIVE = 'https://contoso-my.sharepoint.com';
const PERSONAL_PATH = '/teams/v3/conversations/a:1alice-personal-chat/activities';

beforeAll(async () => {
  t = await createTestDb();
  teams = await startTeams(t.crm);
  nock.cleanAll();
  mockBotFramework();
  captureConnector();
  await teams.post(activity('installationUpdate', { action: 'add' }, { conversation: CONVERSATIONS.alicePersonal }));
  await teams.post(message('deal new Acme renewal 48k'));
  await teams.post(message('deal new Globex pilot 9.5k'));
  await teams.post(message('deal list', { from: USERS.bob, conversation: CONVERSATIONS.bobPersonal }));
});
afterAll(async () => {
  await teams.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockBotFramework();
  sent = captureConnector();
});

async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Attachment = { contentType: string; name?: string; contentUrl?: string; content: Record<string, unknown> };
const attachmentsOf = (o: Outgoing) => (o.body.attachments ?? []) as Attachment[];
const consentCards = () => sent.flatMap((o) => attachmentsOf(o).filter((a) => a.contentType === FILE_CONTENT_TYPES.consent).map((a) => ({ ...a, path: o.path })));
const texts = () => sent.map((o) => String(o.body.text ?? '')).filter((s) => s !== '');

const uploadInfo = (n: number) => ({
  name: 'deals.csv',
  uploadUrl: `${ONEDRIVE}/upload/session-${n}`,
  contentUrl: `${ONEDRIVE}/personal/alice/Documents/Applications/deals.csv`,
  uniqueId: `1150D938-8870-4044-9F2C-00000000000${n}`,
  fileType: 'csv',
  etag: '1',
});

describe('deal export in Teams', () => {
  it('answers at once, then posts a consent card per file to the personal chat', async () => {
    const res = await teams.post(message('deal export deals'));
    expect(res.status).toBe(200);
    expect(cardText(cardOf(sent[0]!.body))).toContain('Preparing your CRM export (deals)… Each file comes here to accept: accepting saves it to your OneDrive.');
    await until(() => texts().some((s) => s.startsWith('Your export is ready')));
    const [card, ...more] = consentCards();
    expect(more).toHaveLength(0);
    expect(card).toMatchObject({ name: 'deals.csv', path: PERSONAL_PATH, content: { acceptContext: { export: 'deals.csv' }, declineContext: { export: 'deals.csv' } } });
    expect(card!.content.sizeInBytes).toBeGreaterThan(100);
    expect(String(card!.content.description)).toMatch(/^deals\.csv: 2 rows of .*CRM export \(CSV\)\. Accept to save it to your OneDrive\.$/);
    expect(texts()).toContain('Your export is ready: deals.csv (2 rows). Accept each file to save it to your OneDrive.');
  });

  it('Accept: answered at once; the CSV is PUT to the upload URL with its range; a file info card follows', async () => {
    const puts: { headers: Record<string, string>; body: string }[] = [];
    let putDone = false;
    nock(ONEDRIVE)
      .put('/upload/session-1')
      .delay(1500)
      .reply(function (_uri, body) {
        puts.push({ headers: this.req.headers as Record<string, string>, body: typeof body === 'string' ? body : Buffer.from(body as never).toString() });
        putDone = true;
        return [201, { id: 'item-1', name: 'deals.csv' }];
      });
    const started = Date.now();
    const res = await teams.post(invoke('fileConsent/invoke', { type: 'fileUpload', action: 'accept', context: { export: 'deals.csv' }, uploadInfo: uploadInfo(1) }, { replyToId: 'consent-1' }));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(putDone).toBe(false);

    await until(() => sent.some((o) => attachmentsOf(o).some((a) => a.contentType === FILE_CONTENT_TYPES.info)));
    const [put] = puts;
    const size = Buffer.byteLength(put!.body);
    expect(put!.headers['content-range']).toBe(`bytes 0-${size - 1}/${size}`);
    expect(put!.body.split('\n')[0]).toMatch(/^Number,Title,Pipeline,Stage,Status,Amount,Currency/);
    expect(put!.body).toContain('Acme renewal');
    expect(put!.body).toContain('Globex pilot');
    const info = sent.find((o) => attachmentsOf(o).some((a) => a.contentType === FILE_CONTENT_TYPES.info))!;
    expect(info.path).toBe(PERSONAL_PATH);
    expect(info.body.text).toBe('deals.csv is in your OneDrive.');
    expect(attachmentsOf(info)[0]).toEqual({
      contentType: FILE_CONTENT_TYPES.info,
      name: 'deals.csv',
      contentUrl: uploadInfo(1).contentUrl,
      content: { uniqueId: uploadInfo(1).uniqueId, fileType: 'csv' },
    });
  });

  it('Decline: the person is told it was not sent, and nothing is uploaded', async () => {
    const res = await teams.post(invoke('fileConsent/invoke', { type: 'fileUpload', action: 'decline', context: { export: 'deals.csv' } }, { replyToId: 'consent-2' }));
    expect(res.status).toBe(200);
    expect(texts()).toEqual(['Not sent: you declined deals.csv, so it was not saved to your OneDrive.']);
  });

  it('an upload OneDrive refuses: the person is told in words', async () => {
    nock(ONEDRIVE).put('/upload/session-3').reply(403, { error: { code: 'accessDenied' } });
    await teams.post(invoke('fileConsent/invoke', { type: 'fileUpload', action: 'accept', context: { export: 'deals.csv' }, uploadInfo: uploadInfo(3) }, { replyToId: 'consent-3' }));
    await until(() => texts().some((s) => s.includes('OneDrive answered')));
    expect(texts()).toContain('I couldn’t save deals.csv to your OneDrive (OneDrive answered HTTP 403). Type `deal export` to try again.');
    expect(sent.some((o) => attachmentsOf(o).some((a) => a.contentType === FILE_CONTENT_TYPES.info))).toBe(false);
  });

  it('asked in a channel: the answer says the files come to the personal chat, and they do', async () => {
    const res = await teams.post(message('deal export', { conversation: CONVERSATIONS.salesChannel, mention: true }));
    expect(res.status).toBe(200);
    await until(() => texts().some((s) => s.startsWith('Your export is ready')));
    expect(sent.map((o) => cardText(o.body.attachments ? (attachmentsOf(o)[0]?.content ?? {}) : {})).join('\n')).toContain('Each file comes to our personal chat to accept');
    expect(consentCards().map((c) => [c.name, c.path])).toEqual([
      ['deals.csv', PERSONAL_PATH],
      ['companies.csv', PERSONAL_PATH],
      ['contacts.csv', PERSONAL_PATH],
      ['activities.csv', PERSONAL_PATH],
    ]);
  });

  it('a read-only member is refused, with the admins named, and no card is sent', async () => {
    await teams.post(message('deal role @bob.brown read-only'));
    sent.length = 0;
    await teams.post(message('deal export', { from: USERS.bob, conversation: CONVERSATIONS.bobPersonal }));
    await new Promise((r) => setTimeout(r, 200));
    expect(cardText(cardOf(sent[0]!.body))).toContain('You have read-only access to this CRM, and exporting takes every record out of it: admins and members can export. Ask an admin (Alice Adams) if you need the files.');
    expect(consentCards()).toHaveLength(0);
  });
});

describe('the upload to OneDrive, a range at a time', () => {
  it('PUTs each range with its Content-Range (202 until the last), and tries a 503 again', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-ranges-'));
    try {
      const file = path.join(dir, 'deals.csv');
      const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => String.fromCharCode(65 + (i % 26))).join(''));
      writeFileSync(file, bytes);
      const got: { range: string; body: string }[] = [];
      let failedOnce = false;
      nock(ONEDRIVE)
        .persist()
        .put('/upload/ranges')
        .reply(function (_uri, body) {
          const range = String(this.req.headers['content-range']);
          if (range.startsWith('bytes 320-') && !failedOnce) {
            failedOnce = true;
            return [503, 'busy'];
          }
          got.push({ range, body: String(body) });
          return range.endsWith('-999/1000') ? [201, {}] : [202, { nextExpectedRanges: [] }];
        });
      const waits: number[] = [];
      await putInRanges(`${ONEDRIVE}/upload/ranges`, { path: file, bytes: 1000 }, async (ms) => void waits.push(ms), 320);
      expect(got.map((g) => g.range)).toEqual(['bytes 0-319/1000', 'bytes 320-639/1000', 'bytes 640-959/1000', 'bytes 960-999/1000']);
      expect(got.map((g) => g.body).join('')).toBe(bytes.toString());
      expect(waits).toEqual([1000]);

      nock.cleanAll();
      nock(ONEDRIVE).put('/upload/gone').reply(404, 'no session');
      await expect(putInRanges(`${ONEDRIVE}/upload/gone`, { path: file, bytes: 1000 }, async () => undefined, 320)).rejects.toThrow(UploadError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
