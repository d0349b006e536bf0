import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, ASSISTANT_ACTIONS, BLOCKS, INPUTS, SHORTCUTS, VIEWS } from '../../../src/bot/slack/ids.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import {
  captureApi,
  captureResponseUrl,
  mockSlackBasics,
  nextId,
  signature,
  startSlack,
  textOf,
  viewSubmission,
  type SlackHarness,
} from '../../helpers/slack.js';

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

const dealCount = () => t.handle.db.deal.count();
const workspace = () => t.handle.db.workspace.findFirstOrThrow({ where: { platform: 'slack', externalId: 'T0ACME' } });

describe('request signing', () => {
  const body = new URLSearchParams({ team_id: 'T0ACME', user_id: 'U0ALICE', command: '/deal', text: 'new Forged 5k', trigger_id: 't', response_url: 'https://hooks.slack.com/x' }).toString();

  it('rejects a forged signature, a missing one and a stale timestamp, changing nothing', async () => {
    const before = await dealCount();
    const now = Math.floor(Date.now() / 1000);
    const forged = await slack.post(body, { secret: 'not-the-secret' });
    const missing = await slack.post(body, { sign: false });
    const stale = await slack.post(body, { timestamp: now - 6 * 60 });
    const future = await slack.post(body, {
      sign: false,
      headers: { 'x-slack-request-timestamp': String(now), 'x-slack-signature': signature(body + 'x', now) },
    });
    expect([forged.status, missing.status, stale.status, future.status]).toEqual([401, 401, 401, 401]);
    expect(await dealCount()).toBe(before);
    expect(nock.pendingMocks().some((m) => m.includes('hooks.slack.com'))).toBe(false);
  });
});

describe('/deal', () => {
  it('creates the deal and answers with its card, only to the person who asked', async () => {
    const answer = captureResponseUrl();
    const res = await slack.command('new Acme renewal 25k close 2026-12-04');
    expect(res.status).toBe(200);
    const msg = await answer;
    expect(msg.response_type).toBe('ephemeral');
    const text = textOf(msg.blocks);
    expect(text).toContain('Acme renewal');
    expect(text).toContain('$25,000');
    expect(text).toContain('New');
    const buttons = JSON.stringify(msg.blocks);
    for (const id of [ACTIONS.advanceStage, ACTIONS.markWon, ACTIONS.markLost, ACTIONS.setNextAction, ACTIONS.logActivity, ACTIONS.shareToChannel]) {
      expect(buttons).toContain(id);
    }
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Acme renewal' }, include: { owner: true } });
    expect(deal.amountCents).toBe(2_500_000n);
    expect(deal.owner?.externalId).toBe('U0ALICE');
    expect(deal.owner?.timezone).toBe('Europe/Berlin'); // from users.info on first contact
  });

  it('answers a mistake with a short ephemeral message and no stack trace', async () => {
    const answer = captureResponseUrl();
    await slack.command('stage D-999 pending');
    const msg = await answer;
    expect(msg.response_type).toBe('ephemeral');
    expect(textOf(msg.blocks)).toMatch(/no stage called|can’t find/);
    expect(JSON.stringify(msg)).not.toMatch(/\bat .+\.ts:\d+/);
  });

  it('opens the create-deal modal for /deal alone, using the trigger id', async () => {
    const opened = captureApi('views.open', { ok: true, view: { id: 'V1' } });
    await slack.command('', { triggerId: 'trig-empty' });
    const call = await opened;
    expect(call.trigger_id).toBe('trig-empty');
    expect((call.view as { callback_id: string }).callback_id).toBe(VIEWS.createDeal);
  });
});

describe('modals', () => {
  const createSubmission = (amount: string, viewId = nextId('V')) =>
    viewSubmission({
      callbackId: VIEWS.createDeal,
      viewId,
      values: {
        [BLOCKS.title]: { [INPUTS.title]: { type: 'plain_text_input', value: 'Modal deal' } },
        [BLOCKS.amount]: { [INPUTS.amount]: { type: 'plain_text_input', value: amount } },
        [BLOCKS.stage]: { [INPUTS.stage]: { type: 'static_select', selected_option: { value: 'qualified' } } },
      },
    });

  it('puts a bad amount’s error on the field and writes nothing', async () => {
    const before = await dealCount();
    const res = await slack.interaction(createSubmission('twelve bananas'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors[BLOCKS.amount]).toMatch(/amount such as 25k/);
    expect(await dealCount()).toBe(before);
  });

  it('creates the deal once even when the submission is delivered twice', async () => {
    const dm = captureApi('chat.postMessage', { ok: true });
    const submission = createSubmission('$1.2M');
    const [a, b] = [await slack.interaction(submission), await slack.interaction(submission)];
    expect([a.status, b.status]).toEqual([200, 200]);
    await dm;
    const deals = await t.handle.db.deal.findMany({ where: { title: 'Modal deal' }, include: { stage: true } });
    expect(deals).toHaveLength(1);
    expect(deals[0]!.amountCents).toBe(120_000_000n);
    expect(deals[0]!.stage.key).toBe('qualified');
  });
});

describe('"Log to CRM" on a message', () => {
  it('opens a modal prefilled with the message and its author', async () => {
    const opened = captureApi('views.open', { ok: true });
    await slack.interaction({
      type: 'message_action',
      callback_id: SHORTCUTS.logToCrm,
      trigger_id: 'trig-shortcut',
      team: { id: 'T0ACME', domain: 'acme' },
      user: { id: 'U0ALICE', username: 'alice', team_id: 'T0ACME' },
      channel: { id: 'C0SALES', name: 'sales' },
      message_ts: '1700000000.000100',
      message: { type: 'message', user: 'U0BOB', ts: '1700000000.000100', text: 'Ana says budget is approved' },
      response_url: 'https://hooks.slack.com/actions/T0ACME/1/x',
    });
    const call = await opened;
    const view = call.view as { callback_id: string; private_metadata: string };
    // One typeahead for what it is about: a deal, a contact, or both.
    expect(view.callback_id).toBe(VIEWS.logToCrm);
    expect(textOf(view)).toContain('Deal or contact');
    expect(textOf(view)).toContain('Ana says budget is approved');
    expect(textOf(view)).toContain('<@U0BOB>');
    expect(JSON.parse(view.private_metadata)).toMatchObject({ channelId: 'C0SALES', messageTs: '1700000000.000100' });
  });

  it('stores the activity with the permalink once, however often the submission arrives', async () => {
    const answer = captureResponseUrl();
    await slack.command('new Permalink deal');
    await answer;
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Permalink deal' } });
    nock('https://slack.com')
      .persist()
      .post('/api/chat.getPermalink')
      .reply(200, { ok: true, permalink: 'https://acme.slack.com/archives/C0SALES/p1700000000000200' });
    nock('https://hooks.slack.com').persist().post(/.*/).reply(200, 'ok');
    const submission = viewSubmission({
      callbackId: VIEWS.logActivity,
      privateMetadata: JSON.stringify({ channelId: 'C0SALES', messageTs: '1700000000.000200', responseUrl: 'https://hooks.slack.com/actions/T0ACME/2/x' }),
      values: {
        [BLOCKS.deal]: { [INPUTS.deal]: { type: 'external_select', selected_option: { value: deal.id } } },
        [BLOCKS.activityType]: { [INPUTS.activityType]: { type: 'static_select', selected_option: { value: 'call' } } },
        [BLOCKS.body]: { [INPUTS.body]: { type: 'plain_text_input', value: 'Budget approved' } },
      },
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await slack.interaction(submission)).status);
    expect(statuses).toEqual([200, 200, 200]);
    // The permalink needs Slack's Web API, so the write follows the acknowledgement.
    await expect.poll(() => t.handle.db.activity.count({ where: { dealId: deal.id } })).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the later deliveries have had their turn
    const activities = await t.handle.db.activity.findMany({ where: { dealId: deal.id } });
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({
      type: 'call',
      body: 'Budget approved',
      source: 'slack',
      sourceUrl: 'https://acme.slack.com/archives/C0SALES/p1700000000000200',
    });
  });
});

describe('deal card buttons', () => {
  const click = (actionId: string, value: string, responseUrl: string) =>
    slack.interaction({
      type: 'block_actions',
      team: { id: 'T0ACME', domain: 'acme' },
      user: { id: 'U0ALICE', username: 'alice', team_id: 'T0ACME' },
      api_app_id: 'A0CRM',
      trigger_id: nextId('trig'),
      container: { type: 'message', is_ephemeral: true },
      channel: { id: 'C0SALES' },
      response_url: responseUrl,
      actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1' }],
    });

  it('advance and won change the deal and the card in place', async () => {
    const created = captureResponseUrl();
    await slack.command('new Button deal 10k');
    await created;
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Button deal' } });

    const advanced = captureResponseUrl('/actions/1');
    await click(ACTIONS.advanceStage, deal.id, 'https://hooks.slack.com/actions/1');
    const a = await advanced;
    expect(a.replace_original).toBe(true);
    expect(textOf(a.blocks)).toContain('Qualified');

    const won = captureResponseUrl('/actions/2');
    await click(ACTIONS.markWon, deal.id, 'https://hooks.slack.com/actions/2');
    const w = await won;
    expect(textOf(w.blocks)).toMatch(/won/i);
    expect(JSON.stringify(w.blocks)).not.toContain(ACTIONS.advanceStage);
    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).status).toBe('won');
  });

  it('lost opens the reason modal; set next action opens its modal with the deal', async () => {
    const created = captureResponseUrl();
    await slack.command('new Modal buttons deal');
    await created;
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Modal buttons deal' } });
    const lost = captureApi('views.open');
    await click(ACTIONS.markLost, deal.id, 'https://hooks.slack.com/actions/3');
    expect(((await lost).view as { callback_id: string }).callback_id).toBe(VIEWS.lostReason);
    const next = captureApi('views.open');
    await click(ACTIONS.setNextAction, deal.id, 'https://hooks.slack.com/actions/4');
    const view = (await next).view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(VIEWS.nextAction);
    expect(JSON.parse(view.private_metadata).dealId).toBe(deal.id);
  });

  it('Edit opens the edit modal filled in from the deal; saving it changes the deal and the card', async () => {
    const created = captureResponseUrl('/commands/edit');
    await slack.command('new Editable deal 12k', { responseUrl: 'https://hooks.slack.com/commands/edit' });
    expect(JSON.stringify((await created).blocks)).toContain(ACTIONS.editDeal);
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Editable deal' } });

    const opened = captureApi('views.open', { ok: true, view: { id: 'VEDIT' } });
    await click(ACTIONS.editDeal, deal.id, 'https://hooks.slack.com/actions/edit');
    const view = (await opened).view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(view.callback_id).toBe(VIEWS.editDeal);
    expect(JSON.parse(view.private_metadata).dealId).toBe(deal.id);
    expect(JSON.stringify(view.blocks)).toContain('Editable deal');
    expect(JSON.stringify(view.blocks)).toContain('$12,000');

    const card = captureResponseUrl('/actions/edit');
    const res = await slack.interaction(
      viewSubmission({
        callbackId: VIEWS.editDeal,
        viewId: 'VEDIT',
        privateMetadata: view.private_metadata,
        values: {
          [BLOCKS.title]: { [INPUTS.title]: { type: 'plain_text_input', value: 'Edited deal' } },
          [BLOCKS.amount]: { [INPUTS.amount]: { type: 'plain_text_input', value: '15k' } },
        },
      }),
    );
    expect(res.status).toBe(200);
    expect(textOf((await card).blocks)).toContain('Edited deal');
    const after = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect([after.title, after.amountCents]).toEqual(['Edited deal', 1_500_000n]);
  });

  it('share posts the card to the channel for everyone', async () => {
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Button deal' } });
    const shared = captureResponseUrl('/actions/5');
    await click(ACTIONS.shareToChannel, deal.id, 'https://hooks.slack.com/actions/5');
    const s = await shared;
    expect(s.response_type).toBe('in_channel');
    expect(textOf(s.blocks)).toContain('Button deal');
  });

  it('Draft follow-up answers with the labelled offline draft when no model is configured', async () => {
    const created = captureResponseUrl('/commands/draft');
    await slack.command('new Drafted deal 3k', { responseUrl: 'https://hooks.slack.com/commands/draft' });
    const card = await created;
    const buttons = (card.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? []);
    const draftButton = buttons.find((e) => e.action_id === ASSISTANT_ACTIONS.draft);
    expect(draftButton).toBeDefined();
    const answer = captureResponseUrl('/actions/draft');
    await click(ASSISTANT_ACTIONS.draft, draftButton!.value, 'https://hooks.slack.com/actions/draft');
    const msg = await answer;
    expect(msg.response_type).toBe('ephemeral');
    expect(textOf(msg.blocks)).toMatch(/offline|no AI/i);
    expect(textOf(msg.blocks)).toContain('Drafted deal');
  });

  it('a deal id from another workspace is not found and changes nothing', async () => {
    const other = await t.crm.identity.ensureWorkspace({ platform: 'slack', externalId: 'T0OTHER', name: 'Other' });
    const m = await t.crm.identity.ensureMember({ workspaceId: other.id, externalId: 'U0EVE', handle: 'eve', displayName: 'Eve' });
    const { deal } = await t.crm.deals.create({ workspaceId: other.id, memberId: m.id, timeZone: 'UTC' }, { title: 'Not yours' });
    const answer = captureResponseUrl('/actions/6');
    await click(ACTIONS.markWon, deal.id, 'https://hooks.slack.com/actions/6');
    expect(textOf((await answer).blocks)).toMatch(/can’t find/);
    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).status).toBe('open');
  });
});

describe('App Home', () => {
  it('publishes the person’s open deals when they open the tab', async () => {
    const published = captureApi('views.publish');
    await slack.event({ type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home', event_ts: '1' });
    const call = await published;
    expect(call.user_id).toBe('U0ALICE');
    const text = textOf(call.view);
    expect(text).toContain('Acme renewal');
    expect(text).toMatch(/no next action/i);
    expect((await workspace()).platform).toBe('slack');
  });
});
