/**
 * Issue 15, stage gates in Slack: moving a deal into a gated stage, by `/deal stage` or by the
 * Advance button, opens a modal with exactly the missing fields; submitting it gives them and
 * moves the deal (one transaction); a value that can't be read comes back on its field and
 * nothing changes. Signed requests to the real Bolt receiver; Slack's Web API answered by nock.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, BLOCKS, INPUTS, VIEWS } from '../../../src/bot/slack/ids.js';
import { encodeDealValue } from '../../../src/bot/slack/blocks/deal-value.js';
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
  const created = captureResponseUrl('/commands/first');
  await slack.command('new First deal 1k', { responseUrl: 'https://hooks.slack.com/commands/first' });
  await created;
  const ws = await t.handle.db.workspace.findFirstOrThrow({ where: { platform: 'slack', externalId: 'T0ACME' } });
  const member = await t.handle.db.member.findFirstOrThrow({ where: { workspaceId: ws.id, externalId: 'U0ALICE' } });
  alice = { workspaceId: ws.id, memberId: member.id, timeZone: 'UTC' };
  // Alice is the workspace's first person, so its admin: Proposal now needs an amount and a close date.
  await t.crm.pipelines.requireFields(alice, 'proposal', ['amount', 'close']);
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});

let calls: { method: string; body: Record<string, unknown> }[];
beforeEach(() => {
  nock.cleanAll();
  mockSlackBasics();
  calls = [];
  for (const method of ['views.open', 'views.update', 'views.publish', 'chat.postMessage', 'chat.postEphemeral']) {
    nock('https://slack.com')
      .persist()
      .post(`/api/${method}`)
      .reply(200, (_uri, body) => {
        calls.push({ method, body: parseApiBody(body) });
        return { ok: true, view: { id: nextId('V') }, channel: 'D0ALICE', ts: '1.2' };
      });
  }
});

async function nextCall(method: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const hit = calls.find((c) => c.method === method);
    if (hit) return hit.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${method} call; saw ${calls.map((c) => c.method).join(', ') || 'none'}`);
}

type View = { callback_id: string; private_metadata: string; blocks: { type: string; block_id?: string; label?: { text: string }; element?: { type: string; action_id: string } }[] };
const inputsOf = (view: View) => view.blocks.filter((b) => b.type === 'input').map((b) => [b.block_id, b.label?.text, b.element?.type]);
const row = (id: string) => t.handle.db.deal.findUniqueOrThrow({ where: { id }, include: { stage: true } });

function submit(view: View, values: { amount?: string; closeDate?: string }) {
  return slack.interaction(
    viewSubmission({
      callbackId: view.callback_id,
      privateMetadata: view.private_metadata,
      values: {
        ...(values.amount !== undefined && { [BLOCKS.amount]: { [INPUTS.amount]: { type: 'plain_text_input', value: values.amount } } }),
        ...(values.closeDate !== undefined && { [BLOCKS.closeDate]: { [INPUTS.closeDate]: { type: 'datepicker', selected_date: values.closeDate } } }),
      },
    }),
  );
}

describe('a gated stage in Slack', () => {
  it('`/deal stage D-n proposal` opens a modal with only the missing fields; submitting it moves the deal', async () => {
    const { deal } = await t.crm.deals.create(alice, { title: 'Gated by command', closeDate: '2026-12-31' });
    const answered = captureResponseUrl('/commands/gate');
    expect((await slack.command(`stage ${deal.ref} proposal`, { responseUrl: 'https://hooks.slack.com/commands/gate' })).status).toBe(200);
    const view = (await nextCall('views.open')).view as View;
    expect(view.callback_id).toBe(VIEWS.stageGate);
    // It has a close date already: only the amount is asked for.
    expect(inputsOf(view)).toEqual([[BLOCKS.amount, 'Amount', 'plain_text_input']]);
    expect(textOf(view)).toContain(`${deal.ref}* needs these before it enters *Proposal`);
    expect((await row(deal.id)).stage.key).toBe('new');

    expect((await submit(view, { amount: '25k' })).status).toBe(200);
    const card = await answered;
    expect(textOf(card)).toContain(`${deal.ref} is now in Proposal.`);
    const after = await row(deal.id);
    expect([after.stage.key, after.amountCents]).toEqual(['proposal', 2_500_000n]);
  });

  it('the Advance button opens the modal; an amount it can’t read comes back on its field, nothing changes; then it moves', async () => {
    const { deal } = await t.crm.deals.create(alice, { title: 'Gated by button', stage: 'qualified' });
    const res = await slack.interaction({
      type: 'block_actions',
      team: { id: 'T0ACME', domain: 'acme' },
      user: { id: 'U0ALICE', username: 'alice', team_id: 'T0ACME' },
      api_app_id: 'A0CRM',
      trigger_id: nextId('trig'),
      container: { type: 'message', is_ephemeral: true },
      channel: { id: 'C0SALES' },
      response_url: 'https://hooks.slack.com/actions/gate',
      actions: [{ type: 'button', action_id: ACTIONS.advanceStage, block_id: 'b', value: encodeDealValue({ dealId: deal.id, stage: 'qualified' }), action_ts: '1' }],
    });
    expect(res.status).toBe(200);
    const view = (await nextCall('views.open')).view as View;
    expect(inputsOf(view)).toEqual([
      [BLOCKS.amount, 'Amount', 'plain_text_input'],
      [BLOCKS.closeDate, 'Close date', 'datepicker'],
    ]);

    const bad = await submit(view, { amount: 'abc', closeDate: '2026-12-31' });
    expect(await bad.json()).toEqual({ response_action: 'errors', errors: { [BLOCKS.amount]: 'Write an amount such as 25k, $1.2M or 25,000 EUR.' } });
    const unchanged = await row(deal.id);
    expect([unchanged.stage.key, unchanged.amountCents, unchanged.expectedCloseDate]).toEqual(['qualified', null, null]);

    const answered = captureResponseUrl('/actions/gate');
    expect((await submit(view, { amount: '$40,000', closeDate: '2026-12-31' })).status).toBe(200);
    expect(textOf(await answered)).toContain(`${deal.ref} is now in Proposal.`);
    const after = await row(deal.id);
    expect([after.stage.key, after.amountCents, after.expectedCloseDate?.toISOString().slice(0, 10)]).toEqual(['proposal', 4_000_000n, '2026-12-31']);
    expect(await t.handle.db.dealEvent.count({ where: { dealId: deal.id, kind: 'stage' } })).toBe(1);
  });
});
