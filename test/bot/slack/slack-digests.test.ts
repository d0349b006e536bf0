/**
 * Digests and nudges through the real Slack surface: `/deal digest …` and `/deal nudges …` in a
 * channel, and the digest's buttons (signed requests; Slack's API and response URLs by nock).
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, BLOCKS, INPUTS, VIEWS } from '../../../src/bot/slack/ids.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureApi, captureResponseUrl, mockSlackBasics, nextId, startSlack, textOf, viewSubmission, type SlackHarness } from '../../helpers/slack.js';

let t: TestDb;
let slack: SlackHarness;

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
  mockSlackBasics();
});

const subscription = (channel: string) => t.handle.db.digestSubscription.findFirst({ where: { conversationId: channel } });

describe('/deal digest', () => {
  it('subscribes the channel it is typed in, in the person’s time zone, and says so', async () => {
    const answer = captureResponseUrl();
    await slack.command('digest here at 8:30 daily', { channelId: 'C0SALES' });
    const msg = await answer;
    expect(msg.response_type).toBe('ephemeral');
    expect(textOf(msg.blocks)).toContain('This channel gets the pipeline digest every day at 8:30 (Europe/Berlin)');
    expect(textOf(msg.blocks)).toContain('/invite @deals');
    expect(await subscription('C0SALES')).toMatchObject({ platform: 'slack', minuteOfDay: 8 * 60 + 30, days: 'daily', timezone: 'Europe/Berlin', whenEmpty: 'all_clear' });
  });

  it('changes only what is given, and shows the settings', async () => {
    const changed = captureResponseUrl();
    await slack.command('digest here silent', { channelId: 'C0SALES' });
    expect(textOf((await changed).blocks)).toContain('Digest updated: every day at 8:30');
    expect(await subscription('C0SALES')).toMatchObject({ minuteOfDay: 8 * 60 + 30, days: 'daily', whenEmpty: 'silent' });

    const shown = captureResponseUrl();
    await slack.command('digest', { channelId: 'C0SALES' });
    const text = textOf((await shown).blocks);
    expect(text).toContain('This channel:* every day at 8:30 (Europe/Berlin), nothing on quiet days');
    expect(text).toContain('deals with no activity for 14 days are stale');
  });

  it('sets the workspace’s stale period and amount threshold', async () => {
    const stale = captureResponseUrl();
    await slack.command('digest stale 21', { channelId: 'C0SALES' });
    expect(textOf((await stale).blocks)).toContain('21 days now count as stale');
    const threshold = captureResponseUrl();
    await slack.command('digest threshold 50k', { channelId: 'C0SALES' });
    expect(textOf((await threshold).blocks)).toContain('$50,000 or more now come first');
    const ws = await t.handle.db.workspace.findFirstOrThrow({ where: { externalId: 'T0ACME' } });
    expect([ws.staleDays, ws.staleAmountThresholdCents]).toEqual([21, 5_000_000n]);
  });

  it('shows a preview only to the person who asked', async () => {
    const answer = captureResponseUrl();
    await slack.command('new Preview deal 5k', { channelId: 'C0SALES' });
    await answer;
    const preview = captureResponseUrl();
    await slack.command('digest preview', { channelId: 'C0SALES' });
    const msg = await preview;
    expect(msg.response_type).toBe('ephemeral');
    expect(textOf(msg.blocks)).toContain('Preview, only you can see it');
    expect(textOf(msg.blocks)).toMatch(/All clear for \w{3}, \w{3} \d+: no stale deals/);
  });

  it('stops with `off`', async () => {
    const answer = captureResponseUrl();
    await slack.command('digest off', { channelId: 'C0SALES' });
    expect(textOf((await answer).blocks)).toContain('This channel no longer gets the digest.');
    expect(await subscription('C0SALES')).toBeNull();
  });
});

describe('/deal nudges', () => {
  it('shows and changes the person’s own nudge', async () => {
    const answer = captureResponseUrl();
    await slack.command('nudges at 7:45am quiet 20:00-07:00');
    expect(textOf((await answer).blocks)).toContain('Morning nudges on, weekdays at 7:45 (Europe/Berlin), quiet 20:00–7:00.');
    const alice = await t.handle.db.member.findFirstOrThrow({ where: { externalId: 'U0ALICE' } });
    expect(alice).toMatchObject({ nudgesEnabled: true, nudgeMinute: 7 * 60 + 45, quietStartMinute: 20 * 60, quietEndMinute: 7 * 60 });
    const off = captureResponseUrl();
    await slack.command('nudges off');
    expect(textOf((await off).blocks)).toContain('Morning nudges are off.');
  });
});

describe('buttons on a posted digest', () => {
  const click = (actionId: string, value: string, blockId: string, responseUrl: string) =>
    slack.interaction({
      type: 'block_actions',
      team: { id: 'T0ACME', domain: 'acme' },
      user: { id: 'U0ALICE', username: 'alice', team_id: 'T0ACME' },
      api_app_id: 'A0CRM',
      trigger_id: nextId('trig'),
      // A message the bot posted in the channel, for everyone.
      container: { type: 'message', is_ephemeral: false, channel_id: 'C0SALES', message_ts: '1790000000.000001' },
      channel: { id: 'C0SALES' },
      message: { ts: '1790000000.000001', text: 'Pipeline digest' },
      response_url: responseUrl,
      actions: [{ type: 'button', action_id: actionId, block_id: blockId, value, action_ts: '1' }],
    });

  it('Snooze 7 days keeps the deal off the stale list for a week and answers only the clicker', async () => {
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Preview deal' } });
    const answer = captureResponseUrl('/actions/snooze');
    await click(ACTIONS.snoozeDeal, deal.id, `delivered:stale:${deal.id}`, 'https://hooks.slack.com/actions/snooze');
    const msg = await answer;
    expect(msg).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(msg.text)).toMatch(/Snoozed D-\d+ Preview deal until \w{3}, \w{3} \d+/);
    const after = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(after.snoozedUntil?.getTime()).toBe(t.clock.now().getTime() + 7 * 24 * 3600_000);
  });

  it('Mark lost opens the reason modal, and its answer leaves the digest in place', async () => {
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Preview deal' } });
    const opened = captureApi('views.open');
    await click(ACTIONS.markLost, deal.id, `delivered:stale:${deal.id}`, 'https://hooks.slack.com/actions/lost');
    const view = (await opened).view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(VIEWS.lostReason);
    expect(JSON.parse(view.private_metadata)).toMatchObject({ dealId: deal.id, keepOriginal: true });

    const confirmed = captureResponseUrl('/actions/lost');
    const res = await slack.interaction(
      viewSubmission({
        callbackId: VIEWS.lostReason,
        privateMetadata: view.private_metadata,
        values: { [BLOCKS.reason]: { [INPUTS.reason]: { type: 'plain_text_input', value: 'went with a competitor' } } },
      }),
    );
    expect(res.status).toBe(200);
    const msg = await confirmed;
    expect(msg).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(textOf(msg.blocks)).toContain('is marked lost');
    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).status).toBe('lost');
  });

  it('an unknown deal id is not found and nothing is snoozed', async () => {
    const answer = captureResponseUrl('/actions/nope');
    await click(ACTIONS.snoozeDeal, 'not-a-deal', 'delivered:stale:x', 'https://hooks.slack.com/actions/nope');
    expect(String((await answer).text)).toMatch(/can’t find/);
  });
});
