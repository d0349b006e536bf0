/**
 * A CSV import from Teams (#16), through the real Bot Framework endpoint (harness.ts), with the
 * Teams connector and the file's download address answered by nock: Alice attaches HubSpot's
 * deals export in our personal chat (an attachment of type file.download.info); "Reading…" comes
 * at once and is replaced by the dry-run card (counts, bad rows by line) with Import and Cancel;
 * Import is answered at once with the card without its buttons, and the import runs after: one
 * progress message, edited into the report; the deals exist. Import again: "already imported". The
 * download carries no token. A member who is not an admin is refused, nothing downloaded. After a
 * restart the file is read from its address again; an expired address is told in words. A file
 * attached in a channel is pointed to the personal chat.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VERBS } from '../../../src/bot/teams/ids.js';
import { FILE_DOWNLOAD_INFO } from '../../../src/bot/teams/handlers/import.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import {
  activity,
  BOT,
  captureConnector,
  cardAction,
  cardOf,
  cardText,
  cardVerbs,
  CONVERSATIONS,
  message,
  mockBotFramework,
  startTeams,
  USERS,
  type ActivityOptions,
  type Outgoing,
  type TeamsHarness,
} from './harness.js';

const FIXTURE = readFileSync(new URL('../../fixtures/import/hubspot-deals.csv', import.meta.url), 'utf8');
const ONEDRIVE = 'https://contoso-my.sharepoint.com';

let t: TestDb;
let teams: TeamsHarness;
let sent: Outgoing[] = [];

beforeAll(async () => {
  t = await createTestDb();
  teams = await startTeams(t.crm);
  nock.cleanAll();
  mockBotFramework();
  captureConnector();
  // Alice installs the app (its admin); Bob is a member.
  await teams.post(activity('installationUpdate', { action: 'add' }, { conversation: CONVERSATIONS.alicePersonal }));
  await teams.post(message('deal list'));
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

async function until<T>(found: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = found();
    if (hit !== undefined) return hit;
    if (Date.now() > end) throw new Error(`timed out waiting; sent so far:\n${sent.map((o) => `${o.method} ${o.path}: ${shown(o).slice(0, 200)}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What an outgoing activity says: its text, or its card's. */
function shown(o: Outgoing): string {
  const attachments = (o.body.attachments ?? []) as { contentType: string }[];
  return attachments.some((a) => a.contentType === 'application/vnd.microsoft.card.adaptive') ? cardText(cardOf(o.body)) : String(o.body.text ?? '');
}

/** A file on OneDrive whose download address is answered by nock; the requests' Authorization headers are recorded. */
function oneDriveFile(name: string, body: string) {
  const path = `/personal/alice_contoso_com/_layouts/15/download.aspx`;
  const query = { UniqueId: `${Math.random().toString(16).slice(2)}`, Translate: 'false', tempauth: 'v1.eyJhbGciOiJub25lIn0' };
  const downloads: (string | undefined)[] = [];
  let status = 200;
  nock(ONEDRIVE)
    .persist()
    .get(path)
    .query(query)
    .reply(function () {
      downloads.push(this.req.headers.authorization as string | undefined);
      return status === 200 ? [200, body] : [status, 'expired'];
    });
  const downloadUrl = `${ONEDRIVE}${path}?${new URLSearchParams(query).toString()}`;
  return {
    downloads,
    expire() {
      status = 403;
    },
    attachment: {
      contentType: FILE_DOWNLOAD_INFO,
      contentUrl: `${ONEDRIVE}/personal/alice_contoso_com/Documents/Microsoft Teams Chat Files/${name}`,
      name,
      content: { downloadUrl, uniqueId: query.UniqueId, fileType: name.split('.').pop() },
    },
  };
}

/** A message with files attached, as Teams sends it to a bot in a personal chat. */
const fileMessage = (attachments: unknown[], opts: ActivityOptions & { text?: string } = {}) =>
  activity('message', { text: opts.text ?? '', textFormat: 'plain', attachments }, { localTimezone: 'Europe/Berlin', ...opts });

/** The dry-run card that replaced "Reading <name>…": the update and its card. */
async function reportOf(name: string): Promise<{ id: string; card: Record<string, unknown> }> {
  const reading = await until(() => sent.find((o) => o.method === 'POST' && String(o.body.text ?? '').startsWith(`Reading ${name}…`)));
  const replyId = `sent-${sent.filter((o) => o.method === 'POST').indexOf(reading) + 1}`;
  const update = await until(() => sent.find((o) => o.method === 'PUT' && o.path.endsWith(`/activities/${replyId}`) && shown(o).includes(' read: ')));
  return { id: replyId, card: cardOf(update.body) };
}

/** The Import or Cancel button's data on a card. */
function buttonData(card: Record<string, unknown>, verb: string): Record<string, unknown> {
  const action = ((card.actions ?? []) as { verb?: string; data?: Record<string, unknown> }[]).find((a) => a.verb === verb);
  expect(action, `the card has ${verb}`).toBeDefined();
  return action!.data!;
}

const dealCount = () => t.crm.db.deal.count();

describe('a CSV attached in our personal chat in Teams', () => {
  it('an admin gets the dry-run card, presses Import, and the deals exist; Import again says it was already imported', async () => {
    const file = oneDriveFile('hubspot-deals.csv', FIXTURE);
    const res = await teams.post(fileMessage([file.attachment]));
    expect(res.status).toBe(200);
    const report = await reportOf('hubspot-deals.csv');
    const text = cardText(report.card);
    expect(text).toContain('hubspot-deals.csv: deals, HubSpot export');
    expect(text).toContain('9 rows read: 3 to create, 0 to update, 0 to skip (already there), 6 bad.');
    expect(text).toContain('line 4: bad amount: ‘12x’ is not an amount');
    expect(text).toContain('Unknown stage “Demo” on 2 rows (lines 5, 11)');
    expect(cardVerbs(report.card)).toEqual([VERBS.importConfirm, VERBS.importCancel]);
    // Downloaded once, with no token (Teams' address is pre-authorised); nothing written yet.
    expect(file.downloads).toEqual([undefined]);
    expect(await dealCount()).toBe(0);

    sent.length = 0;
    const started = Date.now();
    const pressed = await teams.post(cardAction(VERBS.importConfirm, buttonData(report.card, VERBS.importConfirm), { replyToId: report.id }));
    expect(pressed.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(cardText(pressed.body.value)).toContain('Import confirmed: it runs below.');
    expect(cardVerbs(pressed.body.value)).toEqual([]);

    const final = await until(() => sent.find((o) => shown(o).includes('Imported hubspot-deals.csv:')));
    expect(shown(final)).toContain('Imported hubspot-deals.csv: 3 created, 0 updated, 0 skipped (already there), 6 bad rows left out.');
    // One progress message ("Importing…"), edited into the report.
    const posted = sent.filter((o) => o.method === 'POST');
    expect(posted.map(shown)).toEqual(['Importing hubspot-deals.csv…']);
    expect(final.method).toBe('PUT');
    // The file was kept from the dry run: not downloaded again.
    expect(file.downloads).toHaveLength(1);
    const deals = await t.crm.db.deal.findMany({ orderBy: { number: 'asc' } });
    expect(deals.map((d) => [d.title, d.amountCents?.toString() ?? null, d.currency])).toEqual([
      ['Acme platform deal', '1250000', 'USD'],
      ['Globex pilot', '480000', 'USD'],
      ['Lost deal with a note', '70000', 'USD'],
    ]);

    const again = await teams.post(cardAction(VERBS.importConfirm, buttonData(report.card, VERBS.importConfirm), { replyToId: report.id }));
    expect(cardText(again.body.value)).toContain(
      'Already imported: hubspot-deals.csv was imported from this dry run when Import was first pressed, so nothing was imported again.',
    );
    expect(await dealCount()).toBe(3);
  });

  it('a member who is not an admin is refused with the admins named, and nothing is downloaded', async () => {
    const file = oneDriveFile('bob.csv', FIXTURE);
    await teams.post(fileMessage([file.attachment], { from: USERS.bob, conversation: CONVERSATIONS.bobPersonal }));
    const refusal = await until(() => sent.find((o) => o.path.includes(CONVERSATIONS.bobPersonal.id)));
    expect(shown(refusal)).toContain('Only admins can import records. Ask Alice Adams.');
    await new Promise((r) => setTimeout(r, 100));
    expect(sent).toHaveLength(1);
    expect(file.downloads).toEqual([]);
  });

  it('Cancel: the card says so, and nothing is imported', async () => {
    const before = await dealCount();
    const file = oneDriveFile('cancel-me.csv', 'Title,Amount\nUmbrella renewal,900\n');
    await teams.post(fileMessage([file.attachment]));
    const report = await reportOf('cancel-me.csv');
    const pressed = await teams.post(cardAction(VERBS.importCancel, buttonData(report.card, VERBS.importCancel), { replyToId: report.id }));
    expect(cardText(pressed.body.value)).toContain('Cancelled: nothing was imported from cancel-me.csv.');
    expect(cardVerbs(pressed.body.value)).toEqual([]);
    expect(await dealCount()).toBe(before);
  });

  it('after a restart the file is read from its address again; once it has expired, the person is asked to send it again', async () => {
    const before = await dealCount();
    const first = oneDriveFile('restart.csv', 'Title,Amount,Stage\nWayne Enterprises,2500,New\n');
    const expired = oneDriveFile('expired.csv', 'Title,Amount,Stage\nCyberdyne,1500,New\n');
    await teams.post(fileMessage([first.attachment, expired.attachment]));
    const report = await reportOf('restart.csv');
    const expiredReport = await reportOf('expired.csv');
    expired.expire();

    // Another process (a restart): nothing kept in memory there.
    const restarted = await startTeams(t.crm);
    try {
      sent.length = 0;
      await restarted.post(cardAction(VERBS.importConfirm, buttonData(report.card, VERBS.importConfirm), { replyToId: report.id }));
      await until(() => sent.find((o) => shown(o).includes('Imported restart.csv: 1 created')));
      expect(first.downloads).toHaveLength(2);
      expect(await dealCount()).toBe(before + 1);

      sent.length = 0;
      await restarted.post(cardAction(VERBS.importConfirm, buttonData(expiredReport.card, VERBS.importConfirm), { replyToId: expiredReport.id }));
      const told = await until(() => sent.find((o) => shown(o).startsWith('Nothing was imported')));
      expect(shown(told)).toBe(
        'Nothing was imported from expired.csv: I couldn’t download it again (the link to it no longer works (HTTP 403)). Send the file again for a new dry run.',
      );
      expect(await dealCount()).toBe(before + 1);
    } finally {
      await restarted.close();
    }
  });

  it('Teams delivering the same message again (same activity id) gives one report', async () => {
    const file = oneDriveFile('twice.csv', 'Title,Amount\nStark deal,100\n');
    const once = fileMessage([file.attachment]);
    await teams.post(once);
    await reportOf('twice.csv');
    await teams.post(once);
    await new Promise((r) => setTimeout(r, 300));
    expect(sent.filter((o) => shown(o).startsWith('Reading twice.csv'))).toHaveLength(1);
    expect(file.downloads).toHaveLength(1);
  });

  it('a file attached in a channel is pointed to the personal chat, and not downloaded', async () => {
    const file = oneDriveFile('channel.csv', FIXTURE);
    const mention = { type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT };
    await teams.post({ ...fileMessage([file.attachment], { conversation: CONVERSATIONS.salesChannel, text: mention.text }), entities: [mention] });
    const said = await until(() => sent[0]);
    expect(shown(said)).toContain('Teams gives me files only in our personal chat');
    expect(file.downloads).toEqual([]);
  });
});
