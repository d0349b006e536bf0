/**
 * The Slack deal edit modal saves the deal's own fields and its custom fields in one transaction
 * (DealService.edit with `fields`), through signed requests to the real Bolt receiver: a
 * submission whose custom value can't be read answers `response_action: errors` on that field's
 * block and changes nothing (neither the title nor the other field); a valid one changes both.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, BLOCKS, DEAL_FIELD_BLOCK_PREFIX, DEAL_FIELD_INPUT, INPUTS, VIEWS } from '../../../src/bot/slack/ids.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureApi, captureResponseUrl, mockSlackBasics, nextId, startSlack, textOf, viewSubmission, type SlackHarness } from '../../helpers/slack.js';

let t: TestDb;
let slack: SlackHarness;

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
  nock.cleanAll();
  mockSlackBasics();
  // Alice is the workspace's first person: its admin.
  await say('field add deal Campaign text');
  await say('field add deal Seats number');
  await say('new Acme renewal 25k');
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockSlackBasics();
  nock('https://slack.com').persist().post('/api/views.publish').reply(200, { ok: true });
});

async function say(text: string): Promise<string> {
  const captured = captureResponseUrl();
  expect((await slack.command(text)).status).toBe(200);
  const msg = await captured;
  return `${String(msg.text ?? '')}\n${textOf(msg.blocks)}`;
}

const block = (key: string) => `${DEAL_FIELD_BLOCK_PREFIX}${key}`;
type Values = Record<string, Record<string, Record<string, unknown>>>;

async function openEdit(dealId: string, responseUrl: string) {
  const opened = captureApi('views.open', { ok: true, view: { id: nextId('VEDIT') } });
  await slack.interaction({
    type: 'block_actions',
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: 'U0ALICE', username: 'alice', team_id: 'T0ACME' },
    api_app_id: 'A0CRM',
    trigger_id: nextId('trig'),
    container: { type: 'message', is_ephemeral: true },
    channel: { id: 'C0SALES' },
    response_url: responseUrl,
    actions: [{ type: 'button', action_id: ACTIONS.editDeal, block_id: 'b', value: dealId, action_ts: '1' }],
  });
  return (await opened).view as { private_metadata: string };
}

const values = (title: string, campaign: string, seats: string): Values => ({
  [BLOCKS.title]: { [INPUTS.title]: { type: 'plain_text_input', value: title } },
  [BLOCKS.amount]: { [INPUTS.amount]: { type: 'plain_text_input', value: '25k' } },
  [block('campaign')]: { [DEAL_FIELD_INPUT]: { type: 'plain_text_input', value: campaign } },
  [block('seats')]: { [DEAL_FIELD_INPUT]: { type: 'plain_text_input', value: seats } },
});

describe('the deal edit modal: the deal and its custom fields in one transaction', () => {
  it('a custom value that cannot be read: errors on its block, and neither the title nor the other field changes', async () => {
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Acme renewal' } });
    const view = await openEdit(deal.id, 'https://hooks.slack.com/actions/edit1');
    const events = await t.handle.db.dealEvent.count({ where: { dealId: deal.id } });

    const res = await slack.interaction(
      viewSubmission({ callbackId: VIEWS.editDeal, privateMetadata: view.private_metadata, values: values('Acme renewal (3 years)', 'Spring push', 'a dozen') }),
    );
    const ack = JSON.parse(await res.text()) as { response_action?: string; errors?: Record<string, string> };
    expect(ack.response_action).toBe('errors');
    expect(Object.keys(ack.errors ?? {})).toEqual([block('seats')]);
    expect(ack.errors?.[block('seats')]).toBe('Seats is a number field: I can’t read “a dozen” as a number. It takes a number, e.g. 12 or 1,500.5.');

    const row = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(row.title).toBe('Acme renewal');
    expect(await t.handle.db.fieldValue.count({ where: { dealId: deal.id } })).toBe(0);
    expect(await t.handle.db.dealEvent.count({ where: { dealId: deal.id } })).toBe(events);
  });

  it('a valid submission changes both; the card says so; one timeline entry per changed field', async () => {
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Acme renewal' } });
    const view = await openEdit(deal.id, 'https://hooks.slack.com/actions/edit2');
    const events = await t.handle.db.dealEvent.count({ where: { dealId: deal.id } });

    const card = captureResponseUrl('/actions/edit2');
    const res = await slack.interaction(
      viewSubmission({ callbackId: VIEWS.editDeal, privateMetadata: view.private_metadata, values: values('Acme renewal (3 years)', 'Spring push', '12') }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const shown = textOf((await card).blocks);
    expect(shown).toContain('D-1 updated.');
    expect(shown).toContain('*Campaign*\nSpring push');
    expect(shown).toContain('*Seats*\n12');

    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).title).toBe('Acme renewal (3 years)');
    const added = await t.handle.db.dealEvent.findMany({ where: { dealId: deal.id }, orderBy: { at: 'asc' }, skip: events });
    expect(added.map((e) => [e.kind, e.field, e.toValue]).sort()).toEqual([
      ['field', 'Campaign', 'Spring push'],
      ['field', 'Seats', '12'],
      ['title', 'title', 'Acme renewal (3 years)'],
    ]);
  });
});
