/**
 * Custom fields in the Teams deal edit dialog, through the real Bot Framework endpoint
 * (harness.ts): the dialog holds each field's value (text, number and money as text inputs, a
 * date input, a ChoiceSet of the choices with "— none —", a ChoiceSet of the workspace's people);
 * saving sets them with the deal's own fields in one transaction; a value that can't be read
 * brings the dialog back with the refusal right under its field, and nothing changes. With ten
 * fields of the largest kinds the dialog stays under Teams' 28 KB.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALOGS } from '../../../src/bot/teams/ids.js';
import { TEAMS_CARD_LIMITS, jsonBytes } from '../../../src/bot/teams/cards/limits.js';
import type { Actor } from '../../../src/domain/index.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { activity, captureConnector, cardOf, cardText, CONVERSATIONS, invoke, message, mockBotFramework, startTeams, USERS, type TeamsHarness } from './harness.js';

let t: TestDb;
let teams: TeamsHarness;
let alice: Actor;
let dealId: string;

type Element = { type: string; id?: string; value?: string; text?: string; color?: string; choices?: { title: string; value: string }[] };

beforeAll(async () => {
  t = await createTestDb();
  teams = await startTeams(t.crm);
  nock.cleanAll();
  mockBotFramework();
  captureConnector();
  // Alice installs the app (the workspace's admin); Bob uses it once (a member).
  await teams.post(activity('installationUpdate', { action: 'add' }, { conversation: CONVERSATIONS.alicePersonal }));
  await teams.post(message('deal list', { from: USERS.bob, conversation: CONVERSATIONS.bobPersonal }));
  await teams.post(message('deal new Acme renewal 25k'));
  const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Acme renewal' } });
  dealId = deal.id;
  alice = { workspaceId: deal.workspaceId, memberId: deal.ownerId!, timeZone: 'UTC' };
  await t.crm.fields.define(alice, { entity: 'deal', name: 'Source', type: 'choice', choices: ['Inbound', 'Outbound', 'Partner'] });
  await t.crm.fields.define(alice, { entity: 'deal', name: 'Campaign', type: 'text' });
  await t.crm.fields.define(alice, { entity: 'deal', name: 'Seats', type: 'number' });
  await t.crm.fields.define(alice, { entity: 'deal', name: 'Setup fee', type: 'money' });
  await t.crm.fields.define(alice, { entity: 'deal', name: 'Renewal date', type: 'date' });
  await t.crm.fields.define(alice, { entity: 'deal', name: 'Account manager', type: 'person' });
});
afterAll(async () => {
  await teams.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockBotFramework();
});

const fetchDialog = async () => {
  const res = await teams.post(invoke('task/fetch', { data: { msteams: { type: 'task/fetch' }, dialog: DIALOGS.editDeal, dealId } }, { replyToId: 'card-1' }));
  expect(res.status).toBe(200);
  return res;
};
const bodyOf = (res: { body: any }) => res.body.task.value.card.content.body as Element[];
const byId = (body: Element[]) => Object.fromEntries(body.filter((e) => e.id).map((e) => [e.id!, e]));

/** The dialog's own fields as a person leaves them, plus custom inputs. */
const submission = (fields: Record<string, string>, title = 'Acme renewal') => ({
  data: { dialog: DIALOGS.editDeal, dealId, title, amount: '$25,000.00', company: '', closeDate: '', ...fields },
});

describe('custom fields in the Teams deal edit dialog', () => {
  it('the dialog holds each custom field as its kind of input, with its value', async () => {
    await t.crm.fields.set(alice, { entity: 'deal', ref: dealId }, 'source', 'partner');
    await t.crm.fields.set(alice, { entity: 'deal', ref: dealId }, 'setup_fee', '€2,000');
    await t.crm.fields.set(alice, { entity: 'deal', ref: dealId }, 'account_manager', 'me');
    const body = bodyOf(await fetchDialog());
    const inputs = byId(body);
    expect(Object.keys(inputs)).toEqual(['title', 'amount', 'company', 'closeDate', 'field:source', 'field:campaign', 'field:seats', 'field:setup_fee', 'field:renewal_date', 'field:account_manager']);
    expect(inputs['field:source']).toMatchObject({ type: 'Input.ChoiceSet', value: 'Partner' });
    expect(inputs['field:source']!.choices!.map((c) => c.title)).toEqual(['— none —', 'Inbound', 'Outbound', 'Partner']);
    expect(inputs['field:campaign']).toMatchObject({ type: 'Input.Text' });
    expect(inputs['field:campaign']).not.toHaveProperty('value');
    expect(inputs['field:seats']).toMatchObject({ type: 'Input.Text' });
    expect(inputs['field:setup_fee']).toMatchObject({ type: 'Input.Text', value: '2000 EUR' });
    expect(inputs['field:renewal_date']).toMatchObject({ type: 'Input.Date' });
    expect(inputs['field:account_manager']).toMatchObject({ type: 'Input.ChoiceSet', value: '@alice.adams' });
    expect(inputs['field:account_manager']!.choices).toEqual([
      { title: '— nobody —', value: '-' },
      { title: 'Alice Adams', value: '@alice.adams' },
      { title: 'Bob Brown', value: '@bob.brown' },
    ]);
  });

  it('a value that cannot be read: the dialog comes back with the refusal under that field, what was typed kept, and nothing changes', async () => {
    const before = await t.handle.db.deal.findUniqueOrThrow({ where: { id: dealId } });
    const values = await t.handle.db.fieldValue.findMany({ where: { dealId }, orderBy: { id: 'asc' } });
    const res = await teams.post(
      invoke('task/submit', submission({ 'field:campaign': 'Spring push', 'field:seats': 'a dozen', 'field:source': 'Inbound', 'field:account_manager': '-' }, 'Acme renewal (3 years)'), { replyToId: 'card-1' }),
    );
    expect(res.status).toBe(200);
    expect(res.body.task.type).toBe('continue');
    const body = bodyOf(res);
    const seats = body.findIndex((e) => e.id === 'field:seats');
    expect(body[seats + 1]).toMatchObject({ type: 'TextBlock', color: 'Attention' });
    expect(cardText(body[seats + 1])).toBe('⚠️ Seats is a number field: I can’t read “a dozen” as a number. It takes a number, e.g. 12 or 1,500.5.');
    // Only one refusal, beside its field; what was typed is kept.
    expect(body.filter((e) => e.color === 'Attention')).toHaveLength(1);
    const inputs = byId(body);
    expect(inputs.title).toMatchObject({ value: 'Acme renewal (3 years)' });
    expect(inputs['field:seats']).toMatchObject({ value: 'a dozen' });
    expect(inputs['field:campaign']).toMatchObject({ value: 'Spring push' });
    expect(inputs['field:source']).toMatchObject({ value: 'Inbound' });
    expect(inputs['field:account_manager']).toMatchObject({ value: '-' });

    expect(await t.handle.db.deal.findUniqueOrThrow({ where: { id: dealId } })).toEqual(before);
    expect(await t.handle.db.fieldValue.findMany({ where: { dealId }, orderBy: { id: 'asc' } })).toEqual(values);
  });

  it('a valid submission sets the deal and its fields in one go and updates the card', async () => {
    const sent = captureConnector();
    const mark = await t.handle.db.dealEvent.count({ where: { dealId } });
    const res = await teams.post(
      invoke(
        'task/submit',
        submission(
          { 'field:campaign': 'Spring push', 'field:seats': '12', 'field:source': 'Inbound', 'field:setup_fee': '2000 EUR', 'field:renewal_date': '2027-03-31', 'field:account_manager': '@bob.brown' },
          'Acme renewal (3 years)',
        ),
        { replyToId: 'card-1' },
      ),
    );
    expect(res.status).toBe(200);
    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: dealId } })).title).toBe('Acme renewal (3 years)');
    const detail = await t.crm.deals.get(alice, dealId);
    expect(detail.fields.map((f) => f.display)).toEqual(['Inbound', 'Spring push', '12', '€2,000', 'Wed 31 Mar 2027', 'Bob Brown']);
    expect(sent[0]).toMatchObject({ method: 'PUT', path: '/teams/v3/conversations/a:1alice-personal-chat/activities/card-1' });
    const card = cardText(cardOf(sent[0]!.body));
    expect(card).toContain('D-1 updated.');
    expect(card).toContain('Campaign: Spring push');
    // One timeline entry per changed field: the setup fee was already 2000 EUR.
    const events = await t.handle.db.dealEvent.findMany({ where: { dealId }, orderBy: { at: 'asc' }, skip: mark });
    expect(events.map((e) => e.field).sort()).toEqual(['Account manager', 'Campaign', 'Renewal date', 'Seats', 'Source', 'title']);

    // "— none —" and an emptied input clear their fields.
    await teams.post(invoke('task/submit', submission({ 'field:source': '-', 'field:seats': '' }, 'Acme renewal (3 years)'), { replyToId: 'card-1' }));
    expect((await t.crm.deals.get(alice, dealId)).fields.map((f) => f.display)).toEqual(['—', 'Spring push', '—', '€2,000', 'Wed 31 Mar 2027', 'Bob Brown']);
  });

  it('ten fields of the largest kinds: the dialog stays under 28 KB and every field is still there', async () => {
    // Four more choice fields of 50 choices of 75 characters: 10 deal fields in all.
    const long = (i: number, j: number) => `${String.fromCharCode(65 + i)}${j} ${'"Quoted & long" '.repeat(5)}`.slice(0, 75).trim();
    const keys: string[] = [];
    for (let i = 0; i < 4; i++) {
      const name = `Region ${i} with a name of fifty characters, nearly`;
      keys.push((await t.crm.fields.define(alice, { entity: 'deal', name, type: 'choice', choices: Array.from({ length: 50 }, (_, j) => long(i, j)) })).field.key);
    }
    await t.crm.fields.set(alice, { entity: 'deal', ref: dealId }, 'campaign', '"<b>x</b>" '.repeat(45).trim());
    await t.crm.fields.set(alice, { entity: 'deal', ref: dealId }, keys[0]!, long(0, 49));
    const res = await fetchDialog();
    expect(jsonBytes(res.body)).toBeLessThanOrEqual(TEAMS_CARD_LIMITS.messageBytes);
    const inputs = byId(bodyOf(res));
    const fieldIds = Object.keys(inputs).filter((id) => id.startsWith('field:'));
    expect(fieldIds).toHaveLength(10);
    // Still holding their values (a picker made a text input keeps the choice as typed).
    expect(inputs[`field:${keys[0]}`]!.value).toBe(long(0, 49));
    expect(inputs['field:campaign']!.value).toBe('"<b>x</b>" '.repeat(45).trim());
  });
});
