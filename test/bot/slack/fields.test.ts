/**
 * Custom fields from Slack, through signed requests to the real Bolt receiver (users.info and the
 * response URLs answered by nock): an admin adds a field, a member sets it with `/deal set D-1
 * source partner` and the deal card shows it (and its timeline says so), a member trying to add a
 * field gets the refusal naming the admins, and `/deal list source=partner` lists the deal.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { blockKitViolations, describeViolations } from '../../../src/bot/slack/blocks/limits.js';
import type { Actor } from '../../../src/domain/index.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { ACTIONS, BLOCKS, DEAL_FIELD_BLOCK_PREFIX, DEAL_FIELD_INPUT, INPUTS, VIEWS } from '../../../src/bot/slack/ids.js';
import { captureApi, captureResponseUrl, mockSlackBasics, nextId, parseApiBody, startSlack, textOf, viewSubmission, type SlackHarness } from '../../helpers/slack.js';

let t: TestDb;
let slack: SlackHarness;

const PEOPLE: Record<string, Record<string, unknown>> = {
  U0MARIA: { name: 'maria', real_name: 'Maria Garcia', is_admin: true },
  U0BOB: { name: 'bob', real_name: 'Bob Brown' },
};
const as = (userId: string) => ({ userId, userName: String(PEOPLE[userId]!.name) });
/** Alice (the modal submissions' person, a member) as the domain knows her. */
let aliceActor: Actor | undefined;
const alice = (): Actor => aliceActor!;

function mockPeople() {
  nock('https://slack.com')
    .persist()
    .post('/api/users.info', (body: unknown) => Boolean(PEOPLE[String(parseApiBody(body).user)]))
    .reply(200, (_uri, body) => {
      const id = String(parseApiBody(body).user);
      return { ok: true, user: { id, team_id: 'T0ACME', tz: 'UTC', profile: { email: `${String(PEOPLE[id]!.name)}@acme.test` }, ...PEOPLE[id] } };
    });
}

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
  nock.cleanAll();
  mockPeople();
  mockSlackBasics();
  for (const id of ['U0MARIA', 'U0BOB']) await say('list', as(id));
  await say('list', { userId: 'U0ALICE', userName: 'alice' });
  const member = await t.handle.db.member.findFirstOrThrow({ where: { externalId: 'U0ALICE' } });
  aliceActor = { workspaceId: member.workspaceId, memberId: member.id, timeZone: 'UTC' };
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockPeople();
  mockSlackBasics();
});

/** Types a command; the whole answer Slack is asked to show. */
async function answer(text: string, who: { userId: string; userName: string }): Promise<Record<string, unknown>> {
  const captured = captureResponseUrl();
  const res = await slack.command(text, who);
  expect(res.status).toBe(200);
  return captured;
}

async function say(text: string, who: { userId: string; userName: string }): Promise<string> {
  const msg = await answer(text, who);
  return `${String(msg.text ?? '')}\n${textOf(msg.blocks)}`;
}

describe('custom fields from Slack', () => {
  it('a member cannot add a field: the refusal names the admins, and nothing is added', async () => {
    const said = await say('field add deal "Source" choice Inbound, Outbound, Partner', as('U0BOB'));
    expect(said).toContain('Only admins can add custom fields. Ask Maria Garcia.');
    expect(await t.handle.db.fieldDefinition.count()).toBe(0);
  });

  it('an admin adds Source; /deal set D-1 source partner answers with the deal card showing it', async () => {
    expect(await say('field add deal "Source" choice Inbound, Outbound, Partner', as('U0MARIA'))).toContain('Added Source (`source`), a choice field on deals: Inbound, Outbound, Partner.');
    await say('field add deal "Renewal date" date', as('U0MARIA'));
    await say('new Acme renewal 25k', as('U0BOB'));

    const msg = await answer('set D-1 source partner', as('U0BOB'));
    const blocks = msg.blocks as Record<string, unknown>[];
    expect(blockKitViolations('message', msg), describeViolations(blockKitViolations('message', msg))).toEqual([]);
    const text = textOf(blocks);
    expect(text).toContain('Source on D-1 is now Partner.');
    // The card's custom fields: a fields section of `*Name*\nvalue`, unset ones as a dash.
    const sections = blocks.filter((b) => b.type === 'section' && Array.isArray(b.fields));
    const fieldTexts = sections.flatMap((s) => (s.fields as { text: string }[]).map((f) => f.text));
    expect(fieldTexts).toContain('*Source*\nPartner');
    expect(fieldTexts).toContain('*Renewal date*\n—');
    // The timeline says who set it.
    expect(text).toMatch(/Bob Brown · source: — → Partner/);

    // Shown again later, the card still has it.
    const card = await say('D-1', as('U0MARIA'));
    expect(card).toContain('*Source*\nPartner');
  });

  it('/deal list source=partner lists the deal; a typo of the field names the fields', async () => {
    await say('new Globex pilot 10k', as('U0BOB'));
    const listed = await say('list all source=partner', as('U0BOB'));
    expect(listed).toContain('All open deals with source=partner');
    expect(listed).toContain('Acme renewal');
    expect(listed).not.toContain('Globex pilot');
    // Slack shows a person's words with zero-width spaces around `_` (escape.ts): read without them.
    const typo = (await say('list all sorce=partner', as('U0BOB'))).replaceAll('\u200B', '');
    expect(typo).toContain('Deals have no field called “sorce”. Did you mean source? Their fields: source, renewal_date.');
  });
});

describe('custom fields in the deal edit modal', () => {
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
  const block = (key: string) => `${DEAL_FIELD_BLOCK_PREFIX}${key}`;

  it('Edit shows every custom field holding its value; saving sets them (a bad one comes back on its field, nothing saved)', async () => {
    await say('field add deal Seats number', as('U0MARIA'));
    await say('field add deal "Account manager" person', as('U0MARIA'));
    await say('set D-1 seats 12', as('U0BOB'));
    await say('set D-1 account_manager @bob', as('U0BOB'));
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Acme renewal' } });

    const opened = captureApi('views.open', { ok: true, view: { id: 'VEDITF' } });
    // The App Home is refreshed after a change.
    nock('https://slack.com').persist().post('/api/views.publish').reply(200, { ok: true });
    await click(ACTIONS.editDeal, deal.id, 'https://hooks.slack.com/actions/editf');
    const view = (await opened).view as { callback_id: string; private_metadata: string; blocks: { block_id: string; optional?: boolean; element: Record<string, unknown> }[] };
    expect(view.callback_id).toBe(VIEWS.editDeal);
    expect(blockKitViolations('modal', view)).toEqual([]);
    const inputs = Object.fromEntries(view.blocks.filter((b) => b.block_id.startsWith(DEAL_FIELD_BLOCK_PREFIX)).map((b) => [b.block_id, b]));
    expect(Object.keys(inputs)).toEqual([block('source'), block('renewal_date'), block('seats'), block('account_manager')]);
    expect(Object.values(inputs).every((b) => b.optional)).toBe(true);
    expect(inputs[block('source')]!.element).toMatchObject({ type: 'static_select', initial_option: { value: 'Partner' } });
    expect(inputs[block('renewal_date')]!.element).not.toHaveProperty('initial_date');
    expect(inputs[block('seats')]!.element).toMatchObject({ type: 'plain_text_input', initial_value: '12' });
    expect(inputs[block('account_manager')]!.element).toMatchObject({ type: 'users_select', initial_user: 'U0BOB' });

    type Values = Record<string, Record<string, Record<string, unknown>>>;
    const values = (over: Values): Values => ({
      [BLOCKS.title]: { [INPUTS.title]: { type: 'plain_text_input', value: 'Acme renewal' } },
      [block('source')]: { [DEAL_FIELD_INPUT]: { type: 'static_select', selected_option: { value: 'Inbound' } } },
      [block('renewal_date')]: { [DEAL_FIELD_INPUT]: { type: 'datepicker', selected_date: '2027-03-31' } },
      [block('seats')]: { [DEAL_FIELD_INPUT]: { type: 'plain_text_input', value: '12' } },
      [block('account_manager')]: { [DEAL_FIELD_INPUT]: { type: 'users_select', selected_user: 'U0MARIA' } },
      ...over,
    });
    // A number that isn't one: the modal stays, the error is on that field, and nothing changed.
    const refused = await slack.interaction(
      viewSubmission({ callbackId: VIEWS.editDeal, viewId: 'VEDITF', privateMetadata: view.private_metadata, values: values({ [block('seats')]: { [DEAL_FIELD_INPUT]: { type: 'plain_text_input', value: 'a dozen' } } }) }),
    );
    const ack = JSON.parse(await refused.text()) as { response_action?: string; errors?: Record<string, string> };
    expect(ack.response_action).toBe('errors');
    expect(ack.errors?.[block('seats')]).toContain('Seats is a number field');
    expect((await t.crm.deals.get(alice(), 'D-1')).fields.map((f) => f.display)).toEqual(['Partner', '—', '12', 'Bob Brown']);

    const card = captureResponseUrl('/actions/editf');
    // Corrected in the same modal: Slack sends the same view id with the new values, and it is run.
    const corrected = viewSubmission({ callbackId: VIEWS.editDeal, viewId: 'VEDITF', privateMetadata: view.private_metadata, values: values({}) });
    const saved = await slack.interaction(corrected);
    expect(saved.status).toBe(200);
    expect(textOf((await card).blocks)).toContain('*Source*\nInbound');
    expect((await t.crm.deals.get(alice(), 'D-1')).fields.map((f) => f.display)).toEqual(['Inbound', 'Wed 31 Mar 2027', '12', 'Maria Garcia']);
    // The same corrected submission delivered again (a Slack retry) is not run twice.
    expect((await slack.interaction(corrected)).status).toBe(200);
    // Only what changed is on the timeline.
    const events = await t.handle.db.dealEvent.findMany({ where: { dealId: deal.id, kind: 'field' }, orderBy: { at: 'asc' } });
    expect(events.slice(-3).map((e) => [e.field, e.toValue])).toEqual([
      ['Source', 'Inbound'],
      ['Renewal date', 'Wed 31 Mar 2027'],
      ['Account manager', 'Maria Garcia'],
    ]);

    // "— none —" and an emptied input clear their fields.
    const cleared = captureResponseUrl('/actions/editf');
    await slack.interaction(
      viewSubmission({
        callbackId: VIEWS.editDeal,
        viewId: 'VEDITF3',
        privateMetadata: view.private_metadata,
        values: values({ [block('source')]: { [DEAL_FIELD_INPUT]: { type: 'static_select', selected_option: { value: '-' } } }, [block('seats')]: { [DEAL_FIELD_INPUT]: { type: 'plain_text_input', value: null } } }),
      }),
    );
    await cleared;
    expect((await t.crm.deals.get(alice(), 'D-1')).fields.map((f) => f.display)).toEqual(['—', 'Wed 31 Mar 2027', '—', 'Maria Garcia']);
  });
});

