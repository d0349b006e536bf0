/**
 * Acknowledge before any Web API call, everywhere: with a Slack whose every Web API call takes
 * 2 seconds, each command, button, shortcut, view submission, typeahead and event is still
 * acknowledged within Slack's 3 seconds (measured: the time until the HTTP answer), and the work
 * still happens and is answered afterwards.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, BLOCKS, INPUTS, SHORTCUTS, VIEWS } from '../../../src/bot/slack/ids.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureResponseUrl, nextId, parseApiBody, startSlack, textOf, viewSubmission, type SlackHarness } from '../../helpers/slack.js';

/** How long every Web API call takes here. */
const SLOW_MS = 2000;
/** Slack's limit for an acknowledgement. */
const ACK_LIMIT_MS = 3000;

let t: TestDb;
let slack: SlackHarness;
let calls: string[];

/** Every Web API method answers after SLOW_MS, like a Slack under load. */
function slowSlack() {
  calls = [];
  nock('https://slack.com')
    .persist()
    .post(/\/api\/.*/)
    .delay(SLOW_MS)
    .reply(200, (uri, body) => {
      const method = uri.replace('/api/', '');
      calls.push(method);
      const args = parseApiBody(body);
      switch (method) {
        case 'users.info': {
          const id = String(args.user);
          const name = id.replace(/^U0/, '').toLowerCase();
          return { ok: true, user: { id, team_id: 'T0ACME', name, real_name: name, tz: 'UTC', profile: { email: `${name}@acme.test` } } };
        }
        case 'chat.getPermalink':
          return { ok: true, permalink: `https://acme.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}` };
        case 'conversations.info':
          return { ok: true, channel: { id: args.channel, is_ext_shared: false } };
        default:
          return { ok: true };
      }
    });
}

/** Sends a request and measures how long Slack would wait for the acknowledgement. */
async function timed(send: () => Promise<Response>): Promise<{ status: number; ms: number; body: string }> {
  const started = performance.now();
  const res = await send();
  const body = await res.text();
  return { status: res.status, ms: performance.now() - started, body };
}

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  slowSlack();
});

describe(`a Web API that takes ${SLOW_MS / 1000} s a call`, () => {
  it('"Create deal from message" submitted by someone never seen, with an owner never seen: acknowledged in time, created once, answered', async () => {
    const answer = captureResponseUrl('/actions/T0ACME/from-message/x');
    const submission = viewSubmission({
      callbackId: VIEWS.createDeal,
      privateMetadata: JSON.stringify({
        channelId: 'C0SALES',
        messageTs: '1700000000.000500',
        responseUrl: 'https://hooks.slack.com/actions/T0ACME/from-message/x',
        messageText: 'Globex wants 40 seats',
      }),
      values: {
        [BLOCKS.title]: { [INPUTS.title]: { type: 'plain_text_input', value: 'Globex seats' } },
        [BLOCKS.amount]: { [INPUTS.amount]: { type: 'plain_text_input', value: '40k' } },
        [BLOCKS.owner]: { [INPUTS.owner]: { type: 'users_select', selected_user: 'U0NEWOWNER' } },
      },
    });
    (submission.user as Record<string, unknown>).id = 'U0NEWCOMER';
    const ack = await timed(() => slack.interaction(submission));
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(ACK_LIMIT_MS);

    const msg = await answer;
    expect(textOf(msg.blocks)).toContain('Globex seats');
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Globex seats' }, include: { owner: true, activities: true } });
    expect(deal.owner?.externalId).toBe('U0NEWOWNER');
    expect(deal.activities).toHaveLength(1);
    expect(deal.activities[0]!.sourceUrl).toBe('https://acme.slack.com/archives/C0SALES/p1700000000000500');
    expect(calls).toEqual(expect.arrayContaining(['users.info', 'chat.getPermalink']));
  });

  it('a mistake that needs no lookup still comes back inline, in the acknowledgement', async () => {
    const submission = viewSubmission({
      callbackId: VIEWS.createDeal,
      privateMetadata: JSON.stringify({ channelId: 'C0SALES', messageTs: '1700000000.000600' }),
      values: {
        [BLOCKS.title]: { [INPUTS.title]: { type: 'plain_text_input', value: 'Bad amount deal' } },
        [BLOCKS.amount]: { [INPUTS.amount]: { type: 'plain_text_input', value: 'lots of money' } },
      },
    });
    (submission.user as Record<string, unknown>).id = 'U0OTHERNEWCOMER';
    const ack = await timed(() => slack.interaction(submission));
    expect(ack.ms).toBeLessThan(ACK_LIMIT_MS);
    expect(JSON.parse(ack.body)).toMatchObject({ response_action: 'errors', errors: { [BLOCKS.amount]: expect.stringMatching(/amount/) } });
    expect(await t.handle.db.deal.count({ where: { title: 'Bad amount deal' } })).toBe(0);
  });

  it('a command, a button, a shortcut, a typeahead and an event from people never seen are all acknowledged in time', async () => {
    const answered = captureResponseUrl();
    const command = await timed(() => slack.command('new Slow API deal 5k', { userId: 'U0FIRSTTIMER', userName: 'first' }));
    expect(textOf((await answered).blocks)).toContain('Slow API deal');
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Slow API deal' } });

    const button = await timed(() =>
      slack.interaction({
        type: 'block_actions',
        team: { id: 'T0ACME', domain: 'acme' },
        user: { id: 'U0CLICKER', username: 'clicker', team_id: 'T0ACME' },
        api_app_id: 'A0CRM',
        trigger_id: nextId('trig'),
        container: { type: 'message', is_ephemeral: true },
        channel: { id: 'C0SALES' },
        response_url: 'https://hooks.slack.com/actions/slow/1',
        actions: [{ type: 'button', action_id: ACTIONS.setNextAction, block_id: 'b', value: deal.id, action_ts: '1' }],
      }),
    );
    const shortcut = await timed(() =>
      slack.interaction({
        type: 'message_action',
        callback_id: SHORTCUTS.logToCrm,
        trigger_id: nextId('trig'),
        team: { id: 'T0ACME', domain: 'acme' },
        user: { id: 'U0SHORTCUTTER', username: 'shorty', team_id: 'T0ACME' },
        channel: { id: 'C0SALES', name: 'sales' },
        message_ts: '1700000000.000700',
        message: { type: 'message', user: 'U0BOB', ts: '1700000000.000700', text: 'Call went well' },
        response_url: 'https://hooks.slack.com/actions/slow/2',
      }),
    );
    const typeahead = await timed(() =>
      slack.interaction({
        type: 'block_suggestion',
        team: { id: 'T0ACME', domain: 'acme' },
        user: { id: 'U0TYPER', username: 'typer', team_id: 'T0ACME' },
        api_app_id: 'A0CRM',
        action_id: INPUTS.deal,
        block_id: BLOCKS.deal,
        value: 'Slow',
        view: { id: nextId('V'), type: 'modal', callback_id: VIEWS.logActivity },
      }),
    );
    const event = await timed(() => slack.event({ type: 'app_home_opened', user: 'U0HOMEBODY', tab: 'home', channel: 'D0HOME' }));

    for (const [what, r] of Object.entries({ command, button, shortcut, typeahead, event })) {
      expect(r.status, what).toBe(200);
      expect(r.ms, what).toBeLessThan(ACK_LIMIT_MS);
    }
  });
});
