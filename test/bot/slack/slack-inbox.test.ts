/**
 * Acknowledged means durable and bounded: each request is recorded before its acknowledgement,
 * past the backlog a request is refused at once with a "busy" answer, a stopping process refuses
 * new ones and lets the running ones finish, and what a dead process left pending is finished
 * (or, past Slack's 30 minutes, answered by DM). Through signed requests to the real receiver.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, TEST_NOW, type TestDb } from '../../helpers/db.js';
import { captureApi, captureResponseUrl, HOME_AUTH, mockSlackBasics, nextId, parseApiBody, startSlack, textOf, type SlackHarness } from '../../helpers/slack.js';

let t: TestDb;
let slack: SlackHarness;

beforeEach(async () => {
  nock.cleanAll();
  t = await createTestDb();
});
afterEach(async () => {
  await slack.close();
  await t.cleanup();
});

/** users.info for people never seen takes `ms`: their commands hold a place in the backlog that long. */
function slowNewcomers(ms: number) {
  nock('https://slack.com')
    .persist()
    .post('/api/users.info', (body: unknown) => String(parseApiBody(body).user).startsWith('U0SLOW'))
    .delay(ms)
    .reply(200, (_uri, body) => {
      const id = String(parseApiBody(body).user);
      return { ok: true, user: { id, team_id: 'T0ACME', name: id.toLowerCase(), tz: 'UTC', profile: {} } };
    });
}

const inboxRows = (status?: string) => t.handle.db.inboxItem.count({ where: { kind: 'command', ...(status && { status }) } });

describe('a bounded backlog', () => {
  it('past the limit, a command is answered "busy" at once, recorded nowhere and not run', async () => {
    slowNewcomers(1500);
    mockSlackBasics();
    slack = await startSlack(t.crm, {}, { auth: HOME_AUTH, inbox: { maxBacklog: 3, concurrency: 1 } });
    const started = performance.now();
    const firstAnswerMs: number[] = [];
    nock('https://hooks.slack.com')
      .persist()
      .post(/.*/)
      .reply(200, () => {
        firstAnswerMs.push(performance.now() - started);
        return 'ok';
      });

    const answers = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const res = await slack.command(`new Burst deal ${i}`, { userId: `U0SLOW${i}`, userName: `slow${i}` });
        return { status: res.status, body: await res.text(), ms: performance.now() - started };
      }),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const busy = answers.filter((a) => a.body.includes('busy'));
    const accepted = answers.filter((a) => !a.body.includes('busy'));
    expect(accepted).toHaveLength(3);
    expect(busy).toHaveLength(5);
    for (const b of busy) {
      expect(JSON.parse(b.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/try again in a minute/) });
    }
    // At once: every "busy" came back before even the first accepted command had been answered
    // (each waits 1.5 s for users.info, one at a time), not after the work ahead of it.
    await expect.poll(() => firstAnswerMs.length, { timeout: 10_000 }).toBe(3);
    expect(Math.max(...busy.map((b) => b.ms))).toBeLessThan(Math.min(...firstAnswerMs));
    // The accepted ones are done, one at a time; the refused ones never ran.
    await expect.poll(() => inboxRows('done'), { timeout: 10_000 }).toBe(3);
    expect(await inboxRows()).toBe(3);
    expect(await t.handle.db.deal.count({ where: { title: { startsWith: 'Burst deal' } } })).toBe(3);
    expect(slack.surface.inbox.backlog).toBe(0);
  });

  it('a stopping process refuses new requests and lets the running ones finish before it lets go', async () => {
    slowNewcomers(800);
    mockSlackBasics();
    slack = await startSlack(t.crm, {}, { auth: HOME_AUTH, inbox: { concurrency: 1 } });
    const answered = captureResponseUrl();
    const running = slack.command('new Finished before stop', { userId: 'U0SLOWA', userName: 'slowa' });
    await running;
    const drained = slack.surface.inbox.drain(5000);
    const refused = await slack.command('new Too late', { userId: 'U0ALICE' });
    expect(JSON.parse(await refused.text())).toMatchObject({ text: expect.stringMatching(/restarting/) });
    expect(await drained).toEqual({ finished: true, left: 0 });
    expect(textOf((await answered).blocks)).toContain('Finished before stop');
    expect(await t.handle.db.deal.count({ where: { title: 'Too late' } })).toBe(0);
    expect(await inboxRows('pending')).toBe(0);
  });
});

describe('what a stopped process left pending', () => {
  /** A slash command as Slack posted it, recorded as a dead process would have left it. */
  async function leftPending(text: string, receivedAt: Date, responseUrl: string) {
    const trigger = nextId('trig');
    const body = {
      token: 'legacy',
      team_id: 'T0ACME',
      team_domain: 'acme',
      channel_id: 'C0SALES',
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: '/deal',
      text,
      api_app_id: 'A0CRM',
      response_url: responseUrl,
      trigger_id: trigger,
    };
    await t.handle.db.inboxItem.create({
      data: { key: `slack:command:T0ACME:${trigger}`, kind: 'command', status: 'pending', receivedAt, claimedAt: receivedAt, payload: JSON.stringify(body) },
    });
  }

  it('finishes a recent one once (answered through its response URL), and tells the person about an old one by DM', async () => {
    mockSlackBasics();
    slack = await startSlack(t.crm, {}, { auth: HOME_AUTH, inbox: { leaseMs: 1000 } });
    const recent = new Date(TEST_NOW.getTime() - 5 * 60_000);
    const old = new Date(TEST_NOW.getTime() - 45 * 60_000);
    await leftPending('new Recovered deal 7k', recent, 'https://hooks.slack.com/commands/T0ACME/recovered/x');
    await leftPending('new Too old deal', old, 'https://hooks.slack.com/commands/T0ACME/old/x');
    const answered = captureResponseUrl('/commands/T0ACME/recovered/x');
    const dm = captureApi('chat.postMessage', { ok: true, channel: 'D0ALICE', ts: '1.1' });

    const surface = slack.surface;
    expect(await surface.inbox.recover(surface.app, surface.app.client)).toBe(2);
    expect(textOf((await answered).blocks)).toContain('Recovered deal');
    expect(String((await dm).text)).toMatch(/interrupted by a restart/);
    await expect.poll(() => t.handle.db.inboxItem.findMany({ orderBy: { receivedAt: 'asc' }, select: { status: true, payload: true } })).toEqual([
      { status: 'failed', payload: null },
      { status: 'done', payload: null },
    ]);
    expect(await t.handle.db.deal.count({ where: { title: 'Recovered deal' } })).toBe(1);
    expect(await t.handle.db.deal.count({ where: { title: 'Too old deal' } })).toBe(0);
    // A second look finds nothing left: each is done once.
    expect(await surface.inbox.recover(surface.app, surface.app.client)).toBe(0);
  });

  it('leaves a request alone while its holder is within its lease', async () => {
    mockSlackBasics();
    slack = await startSlack(t.crm, {}, { auth: HOME_AUTH, inbox: { leaseMs: 60 * 60_000 } });
    await leftPending('new Still being worked on', new Date(TEST_NOW.getTime() - 60_000), 'https://hooks.slack.com/commands/T0ACME/held/x');
    expect(await slack.surface.inbox.recover(slack.surface.app, slack.surface.app.client)).toBe(0);
    expect(await t.handle.db.deal.count({ where: { title: 'Still being worked on' } })).toBe(0);
  });
});

describe('a redelivered command', () => {
  it('with the same trigger id runs once', async () => {
    mockSlackBasics();
    slack = await startSlack(t.crm);
    nock('https://hooks.slack.com').persist().post(/.*/).reply(200, 'ok');
    const ids = { triggerId: nextId('trig') };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await slack.command('new Delivered thrice', ids)).status);
    expect(statuses).toEqual([200, 200, 200]);
    await expect.poll(() => inboxRows('done')).toBe(1);
    expect(await t.handle.db.deal.count({ where: { title: 'Delivered thrice' } })).toBe(1);
  });
});
