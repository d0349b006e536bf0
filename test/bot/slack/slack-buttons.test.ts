/**
 * Every button answers wherever it is (message, modal, App Home), and a button that arrives twice
 * acts once. Signed requests to the real Bolt receiver; Slack's Web API and response URLs are
 * answered by nock, and what they were asked to show is what a person would see.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, ASSISTANT_ACTIONS, BLOCKS, INPUTS, VIEWS } from '../../../src/bot/slack/ids.js';
import { parseDealValue } from '../../../src/bot/slack/blocks/deal-value.js';
import { SLACK_LIMITS } from '../../../src/bot/slack/blocks/escape.js';
import type { Actor } from '../../../src/domain/index.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureResponseUrl, mockSlackBasics, nextId, parseApiBody, startSlack, textOf, viewSubmission, type SlackHarness } from '../../helpers/slack.js';

let t: TestDb;
let slack: SlackHarness;
let alice: Actor;

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
  nock.cleanAll();
  mockSlackBasics();
  // Alice's first contact makes her a member, as it would in Slack.
  const created = captureResponseUrl('/commands/first');
  await slack.command('new First deal 1k', { responseUrl: 'https://hooks.slack.com/commands/first' });
  await created;
  const ws = await t.handle.db.workspace.findFirstOrThrow({ where: { platform: 'slack', externalId: 'T0ACME' } });
  const member = await t.handle.db.member.findFirstOrThrow({ where: { workspaceId: ws.id, externalId: 'U0ALICE' } });
  alice = { workspaceId: ws.id, memberId: member.id, timeZone: 'UTC' };
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});

/** Every call to Slack's view and chat methods, answered ok (with a view id where Slack gives one). */
let calls: { method: string; body: Record<string, unknown> }[];
const VIEW_METHODS = ['views.open', 'views.push', 'views.update', 'views.publish', 'chat.postMessage'];
beforeEach(() => {
  nock.cleanAll();
  mockSlackBasics();
  calls = [];
  for (const method of VIEW_METHODS) {
    nock('https://slack.com')
      .persist()
      .post(`/api/${method}`)
      .reply(200, (_uri, body) => {
        calls.push({ method, body: parseApiBody(body) });
        return { ok: true, view: { id: nextId('V') }, channel: 'D0ALICE', ts: '1.2' };
      });
  }
});

/** Waits for the first call to `method` that `match` accepts (Slack's calls happen after the ack). */
async function nextCall(method: string, match: (body: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const hit = calls.find((c) => c.method === method && match(c.body));
    if (hit) return hit.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${method} call; saw ${calls.map((c) => c.method).join(', ') || 'none'}`);
}

type Place = { kind: 'message'; responseUrl: string } | { kind: 'home' } | { kind: 'modal'; viewId: string };

/** A button click from Alice, as Slack posts it from a message, the App Home or a modal. */
function click(actionId: string, value: string | undefined, place: Place) {
  const where =
    place.kind === 'message'
      ? { container: { type: 'message', is_ephemeral: true }, channel: { id: 'C0SALES' }, response_url: place.responseUrl }
      : place.kind === 'home'
        ? { container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home', blocks: [], hash: 'h' } }
        : {
            container: { type: 'view', view_id: place.viewId },
            view: { id: place.viewId, type: 'modal', callback_id: VIEWS.answer, private_metadata: '', blocks: [], hash: 'h' },
          };
  return slack.interaction({
    type: 'block_actions',
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: 'U0ALICE', username: 'alice', team_id: 'T0ACME' },
    api_app_id: 'A0CRM',
    trigger_id: nextId('trig'),
    ...where,
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', ...(value !== undefined && { value }), action_ts: '1' }],
  });
}

type Btn = { action_id: string; value?: string; text: { text: string } };
/** The buttons in a set of blocks: actions blocks' elements and section accessories. */
function buttonsIn(blocks: unknown): Btn[] {
  return (blocks as { elements?: Btn[]; accessory?: Btn }[]).flatMap((b) => [
    ...(b.elements ?? []).filter((e) => typeof e.action_id === 'string'),
    ...(b.accessory?.action_id ? [b.accessory] : []),
  ]);
}
const viewOf = (body: Record<string, unknown>) => body.view as { callback_id?: string; blocks: unknown[]; title?: { text: string } };

async function newDeal(title: string) {
  return (await t.crm.deals.create(alice, { title })).deal;
}
const dealRow = (id: string) => t.handle.db.deal.findUniqueOrThrow({ where: { id }, include: { stage: true } });
const events = (dealId: string, kind: string) => t.handle.db.dealEvent.count({ where: { dealId, kind } });

describe('App Home buttons', () => {
  it('every button on the published Home opens or updates a view', async () => {
    for (let i = 0; i < 16; i++) await newDeal(`Home deal ${i}`);
    await slack.event({ type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home', event_ts: '1' });
    // (An earlier change's background republish may land too: take the one made after these deals.)
    const home = viewOf(await nextCall('views.publish', (body) => textOf(body.view).includes('Home deal 15')));
    const buttons = buttonsIn(home.blocks);
    const ids = new Set(buttons.map((b) => b.action_id));
    expect(ids).toEqual(new Set([ACTIONS.newDeal, ACTIONS.newContact, ACTIONS.openDeal, ACTIONS.pageNext]));

    // Open on a deal row: the deal's card in a modal, with its buttons but no Share (there is no channel).
    const open = buttons.find((b) => b.action_id === ACTIONS.openDeal)!;
    const res = await click(ACTIONS.openDeal, open.value, { kind: 'home' });
    expect(res.status).toBe(200);
    const opened = await nextCall('views.open');
    expect(typeof opened.trigger_id).toBe('string');
    expect(viewOf(opened).callback_id).toBe(VIEWS.answer);
    const deal = await dealRow(open.value!);
    expect(viewOf(opened).title?.text).toBe(`Deal D-${deal.number}`);
    expect(textOf(viewOf(opened).blocks)).toContain(deal.title);
    const cardButtons = buttonsIn(viewOf(opened).blocks).map((b) => b.action_id);
    expect(cardButtons).toContain(ACTIONS.advanceStage);
    expect(cardButtons).not.toContain(ACTIONS.shareToChannel);

    // New deal: the create-deal modal.
    calls.length = 0;
    await click(ACTIONS.newDeal, undefined, { kind: 'home' });
    expect(viewOf(await nextCall('views.open')).callback_id).toBe(VIEWS.createDeal);

    // More deals: the next page of the person's deals in a modal, whose own paging updates it.
    calls.length = 0;
    const more = buttons.find((b) => b.action_id === ACTIONS.pageNext)!;
    await click(ACTIONS.pageNext, more.value, { kind: 'home' });
    const page = viewOf(await nextCall('views.open'));
    expect(page.callback_id).toBe(VIEWS.answer);
    expect(textOf(page.blocks)).toMatch(/Showing 16–/);
    const prev = buttonsIn(page.blocks).find((b) => b.action_id === ACTIONS.pagePrev)!;
    await click(ACTIONS.pagePrev, prev.value, { kind: 'modal', viewId: 'VLIST' });
    const updated = await nextCall('views.update');
    expect(updated.view_id).toBe('VLIST');
    expect(textOf(viewOf(updated).blocks)).toMatch(/Showing 1–15/);
  });

  it('a deal-changing button in the Home opens the changed card and republishes the Home', async () => {
    const deal = await newDeal('Advanced from home');
    calls.length = 0;
    await click(ACTIONS.advanceStage, JSON.stringify({ d: deal.id, s: 'new' }), { kind: 'home' });
    expect(textOf(viewOf(await nextCall('views.open')).blocks)).toContain(`${deal.ref} is now in Qualified.`);
    const published = await nextCall('views.publish');
    expect(published.user_id).toBe('U0ALICE');
    expect((await dealRow(deal.id)).stage.key).toBe('qualified');
  });

  it('each form button in the Home opens its modal, with no response URL in it (the submission answers by DM and the Home)', async () => {
    const deal = await newDeal('Lost from home');
    for (const [action, callbackId] of [
      [ACTIONS.markLost, VIEWS.lostReason],
      [ACTIONS.setNextAction, VIEWS.nextAction],
      [ACTIONS.logActivity, VIEWS.logActivity],
      [ACTIONS.editDeal, VIEWS.editDeal],
    ] as const) {
      calls.length = 0;
      await click(action, deal.id, { kind: 'home' });
      const view = viewOf(await nextCall('views.open')) as unknown as { callback_id: string; private_metadata: string };
      expect(view.callback_id).toBe(callbackId);
      expect(JSON.parse(view.private_metadata)).toEqual({ dealId: deal.id });
    }
  });

  it('Share to channel from the Home says it needs a channel and posts nothing', async () => {
    const deal = await newDeal('Shared from home');
    await click(ACTIONS.shareToChannel, deal.id, { kind: 'home' });
    const opened = viewOf(await nextCall('views.open'));
    expect(textOf(opened.blocks)).toMatch(/needs a channel/);
    expect(calls.some((c) => c.method === 'chat.postMessage')).toBe(false);
  });

  it('a mistake in the Home comes back as a direct message', async () => {
    await click(ACTIONS.openDeal, 'D-99999', { kind: 'home' });
    const dm = await nextCall('chat.postMessage');
    expect(dm.channel).toBe('U0ALICE');
    expect(String(dm.text)).toMatch(/can’t find D-99999/);
  });
});

describe('buttons in a modal', () => {
  it('Advance and Won update the open modal; the form buttons push onto it; Share says it needs a channel', async () => {
    const deal = await newDeal('Modal deal');
    const modal = { kind: 'modal', viewId: 'VDEAL' } as const;

    await click(ACTIONS.advanceStage, JSON.stringify({ d: deal.id, s: 'new' }), modal);
    const advanced = await nextCall('views.update');
    expect(advanced.view_id).toBe('VDEAL');
    expect(textOf(viewOf(advanced).blocks)).toContain(`${deal.ref} is now in Qualified.`);

    calls.length = 0;
    const won = buttonsIn(viewOf(advanced).blocks).find((b) => b.action_id === ACTIONS.markWon)!;
    await click(ACTIONS.markWon, won.value, modal);
    const w = await nextCall('views.update');
    expect(textOf(viewOf(w).blocks)).toContain(`${deal.ref} is won. Nice work!`);
    expect((await dealRow(deal.id)).status).toBe('won');

    for (const [action, callbackId] of [
      [ACTIONS.markLost, VIEWS.lostReason],
      [ACTIONS.setNextAction, VIEWS.nextAction],
      [ACTIONS.logActivity, VIEWS.logActivity],
      [ACTIONS.editDeal, VIEWS.editDeal],
    ] as const) {
      calls.length = 0;
      await click(action, deal.id, modal);
      expect(viewOf(await nextCall('views.push')).callback_id).toBe(callbackId);
      expect(calls.some((c) => c.method === 'views.open')).toBe(false);
    }

    calls.length = 0;
    await click(ACTIONS.shareToChannel, deal.id, modal);
    expect(textOf(viewOf(await nextCall('views.update')).blocks)).toMatch(/needs a channel/);
  });

  it('Open from a list in a modal pushes the deal’s card onto it; the assistant’s Draft follow-up there pushes the draft', async () => {
    const deal = await newDeal('Pushed card');
    await click(ACTIONS.openDeal, deal.id, { kind: 'modal', viewId: 'VLIST2' });
    const pushed = await nextCall('views.push');
    expect(textOf(viewOf(pushed).blocks)).toContain('Pushed card');

    const draft = buttonsIn(viewOf(pushed).blocks).find((b) => b.action_id === ASSISTANT_ACTIONS.draft)!;
    expect(draft).toBeDefined();
    calls.length = 0;
    await click(ASSISTANT_ACTIONS.draft, draft.value, { kind: 'modal', viewId: 'VCARD' });
    const answer = await nextCall('views.push');
    expect(textOf(viewOf(answer).blocks)).toMatch(/offline|no AI/i);
  });
});

describe('buttons that arrive twice act once', () => {
  /** The card a person got for `/deal <ref>`, and its buttons. */
  async function cardButtons(ref: string, path: string) {
    const card = captureResponseUrl(`/commands/${path}`);
    await slack.command(ref, { responseUrl: `https://hooks.slack.com/commands/${path}` });
    return buttonsIn((await card).blocks);
  }

  it('the same Advance stage payload three times moves the deal one stage and says the rest changed nothing', async () => {
    const deal = await newDeal('Advance thrice');
    const advance = (await cardButtons(deal.ref, 'thrice')).find((b) => b.action_id === ACTIONS.advanceStage)!;
    expect(parseDealValue(advance.value)).toEqual({ dealId: deal.id, stage: 'new' });
    expect(advance.value!.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);

    const answers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = captureResponseUrl(`/actions/thrice/${i}`);
      const res = await click(ACTIONS.advanceStage, advance.value, { kind: 'message', responseUrl: `https://hooks.slack.com/actions/thrice/${i}` });
      expect(res.status).toBe(200);
      answers.push(textOf((await answer).blocks));
    }
    expect((await dealRow(deal.id)).stage.key).toBe('qualified');
    expect(await events(deal.id, 'stage')).toBe(1);
    expect(answers[0]).toContain(`${deal.ref} is now in Qualified.`);
    expect(answers[1]).toContain(`${deal.ref} is already in Qualified; nothing changed.`);
    expect(answers[2]).toContain(`${deal.ref} is already in Qualified; nothing changed.`);
  });

  it('Won twice wins once, with one timeline entry, and says so the second time', async () => {
    const deal = await newDeal('Won twice');
    const won = (await cardButtons(deal.ref, 'won2')).find((b) => b.action_id === ACTIONS.markWon)!;
    const texts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const answer = captureResponseUrl(`/actions/won2/${i}`);
      await click(ACTIONS.markWon, won.value, { kind: 'message', responseUrl: `https://hooks.slack.com/actions/won2/${i}` });
      texts.push(textOf((await answer).blocks));
    }
    expect(texts[0]).toContain(`${deal.ref} is won. Nice work!`);
    expect(texts[1]).toContain(`${deal.ref} is already won; nothing changed.`);
    expect(await events(deal.id, 'won')).toBe(1);
    expect(await events(deal.id, 'stage')).toBe(1);
  });

  it('Won on a card whose deal has moved on since changes nothing and shows where it is', async () => {
    const deal = await newDeal('Moved under the card');
    const won = (await cardButtons(deal.ref, 'moved')).find((b) => b.action_id === ACTIONS.markWon)!;
    await t.crm.deals.moveStage(alice, deal.id, 'proposal');
    const answer = captureResponseUrl('/actions/moved');
    await click(ACTIONS.markWon, won.value, { kind: 'message', responseUrl: 'https://hooks.slack.com/actions/moved' });
    expect(textOf((await answer).blocks)).toContain(`${deal.ref} has moved to Proposal since this card was shown; nothing changed.`);
    expect((await dealRow(deal.id)).status).toBe('open');
  });

  it('cards posted before buttons carried the stage still work (a bare deal id)', async () => {
    const deal = await newDeal('Old card');
    const answer = captureResponseUrl('/actions/old');
    await click(ACTIONS.advanceStage, deal.id, { kind: 'message', responseUrl: 'https://hooks.slack.com/actions/old' });
    expect(textOf((await answer).blocks)).toContain(`${deal.ref} is now in Qualified.`);
  });

  it('a button value we could not have made is answered as out of date, changing nothing', async () => {
    const deal = await newDeal('Forged value');
    const answer = captureResponseUrl('/actions/forged');
    await click(ACTIONS.advanceStage, JSON.stringify({ d: deal.id, s: 'x'.repeat(500) }), { kind: 'message', responseUrl: 'https://hooks.slack.com/actions/forged' });
    expect(textOf((await answer).blocks)).toMatch(/out of date/);
    expect(await events(deal.id, 'stage')).toBe(0);
  });

  it('Snooze on a digest twice snoozes once and says so', async () => {
    const deal = await newDeal('Snoozed twice');
    const texts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const answer = captureResponseUrl(`/actions/snooze/${i}`);
      await click(ACTIONS.snoozeDeal, deal.id, { kind: 'message', responseUrl: `https://hooks.slack.com/actions/snooze/${i}` });
      texts.push(String((await answer).text));
    }
    expect(texts[0]).toMatch(/Snoozed/);
    expect(texts[1]).toMatch(/already snoozed until .*; nothing changed/);
    expect(await events(deal.id, 'snoozed')).toBe(1);
  });
});

describe('a form pushed on top of a deal opened from the App Home', () => {
  it('leaves the deal modal underneath showing the change when it closes', async () => {
    const deal = await newDeal('Pushed form deal');
    const submission = viewSubmission({
      callbackId: VIEWS.nextAction,
      privateMetadata: JSON.stringify({ dealId: deal.id }),
      values: {
        [BLOCKS.nextAction]: { [INPUTS.nextAction]: { type: 'plain_text_input', value: 'Send the revised quote' } },
      },
    });
    (submission.view as Record<string, unknown>).previous_view_id = 'V0DEALMODAL';
    expect((await slack.interaction(submission)).status).toBe(200);
    const update = await nextCall('views.update', (b) => b.view_id === 'V0DEALMODAL');
    const text = textOf(update.view);
    expect(text).toContain('Send the revised quote');
    expect(text).toContain(`Next action set on ${deal.ref}`);
  });
});
