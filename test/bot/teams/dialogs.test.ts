/**
 * Dialogs over the real adapter: "Log to CRM" on a message (the message extension's action
 * command: fetch task → prefilled dialog → submit), stored once however often Teams delivers it;
 * and the create/edit deal dialogs opened from cards.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS, DIALOGS } from '../../../src/bot/teams/ids.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { activityId, captureConnector, cardOf, cardText, CONVERSATIONS, invoke, message, mockBotFramework, startTeams, type TeamsHarness } from './harness.js';

let t: TestDb;
let teams: TeamsHarness;
let dealId: string;

const LINK = 'https://teams.microsoft.com/l/message/19:sales-channel@thread.tacv2/1700000000001?tenantId=t&groupId=g';
const messagePayload = {
  id: '1700000000001',
  createdDateTime: '2026-11-24T09:00:00.000Z',
  body: { contentType: 'html', content: '<p>Maria says <b>yes</b> to the 3-year term &amp; wants the contract by Friday.</p>' },
  from: { user: { id: 'aad-maria', displayName: 'Maria Lopez', userIdentityType: 'aadUser' } },
  linkToMessage: LINK,
};

beforeAll(async () => {
  t = await createTestDb();
  teams = await startTeams(t.crm);
  nock.cleanAll();
  mockBotFramework();
  captureConnector();
  await teams.post(message('deal new Acme renewal 25k'));
  dealId = (await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Acme renewal' } })).id;
});
afterAll(async () => {
  await teams.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockBotFramework();
});

const inChannel = { conversation: CONVERSATIONS.salesChannel };

describe('Log to CRM (message action)', () => {
  it('opens a dialog prefilled with the message’s text and author, listing the deals', async () => {
    const res = await teams.post(
      invoke('composeExtension/fetchTask', { commandId: COMMANDS.logToCrm, commandContext: 'message', context: { theme: 'default' }, messagePayload }, inChannel),
    );
    expect(res.status).toBe(200);
    expect(res.body.task).toMatchObject({ type: 'continue', value: { title: 'Log to CRM' } });
    const card = res.body.task.value.card.content;
    const inputs = JSON.stringify(card.body);
    expect(inputs).toContain('Maria says yes to the 3-year term & wants the contract by Friday.\\n— Maria Lopez');
    expect(inputs).toContain('D-1 Acme renewal');
    expect(JSON.stringify(card.actions)).toContain(LINK);
  });

  it('logs the message on the deal once, with its link, when Teams delivers the submission twice', async () => {
    const fetched = await teams.post(invoke('composeExtension/fetchTask', { commandId: COMMANDS.logToCrm, commandContext: 'message', messagePayload }, inChannel));
    const submitData = fetched.body.task.value.card.content.actions[0].data;
    const submission = invoke(
      'composeExtension/submitAction',
      { commandId: COMMANDS.logToCrm, commandContext: 'message', data: { ...submitData, deal: dealId, activityType: 'note', body: 'Maria says yes to the 3-year term.\n— Maria Lopez' } },
      inChannel,
    );
    const first = await teams.post(submission);
    const again = await teams.post(submission);
    // And once more as a new submission of the same message (someone logs it again).
    const third = await teams.post({ ...submission, id: activityId() });
    // A documented message-extension answer: another dialog (`task: continue`) with a card saying what happened.
    const said = (body: any) => {
      expect(Object.keys(body)).toEqual(['task']);
      expect(body.task).toMatchObject({ type: 'continue', value: { title: 'Log to CRM', card: { contentType: 'application/vnd.microsoft.card.adaptive' } } });
      return cardText(body.task.value.card.content);
    };
    expect(said(first.body)).toContain('Logged a note on D-1 Acme renewal.');
    expect(said(again.body)).toContain('That message was already logged on D-1.');
    expect(said(third.body)).toContain('That message was already logged on D-1.');
    const logged = await t.handle.db.activity.findMany({ where: { dealId } });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ source: 'teams', type: 'note', sourceUrl: LINK, body: 'Maria says yes to the 3-year term.\n— Maria Lopez' });
  });

  it('shows the dialog again, with the mistake, when no deal was picked', async () => {
    const fetched = await teams.post(invoke('composeExtension/fetchTask', { commandId: COMMANDS.logToCrm, commandContext: 'message', messagePayload }, inChannel));
    const submitData = fetched.body.task.value.card.content.actions[0].data;
    const res = await teams.post(invoke('composeExtension/submitAction', { commandId: COMMANDS.logToCrm, data: { ...submitData, body: 'text' } }, inChannel));
    expect(res.body.task.type).toBe('continue');
    expect(cardText(res.body.task.value.card.content)).toContain('Pick a deal or a contact.');
  });

  it('logs the message on a contact picked in the same picker, once', async () => {
    const alice = await t.handle.db.member.findFirstOrThrow({ where: { displayName: 'Alice Adams' } });
    const actor = { workspaceId: alice.workspaceId, memberId: alice.id, timeZone: 'UTC' };
    const { contact } = await t.crm.contacts.create(actor, { name: 'Maria Lopez', email: 'maria@acme.com' });
    const fetched = await teams.post(invoke('composeExtension/fetchTask', { commandId: COMMANDS.logToCrm, commandContext: 'message', messagePayload }, inChannel));
    const card = fetched.body.task.value.card.content;
    expect(JSON.stringify(card.body)).toContain(`"title":"👤 Maria Lopez (maria@acme.com)","value":"contact:${contact.id}"`);
    const submitData = card.actions[0].data;
    const submission = invoke(
      'composeExtension/submitAction',
      { commandId: COMMANDS.logToCrm, commandContext: 'message', data: { ...submitData, deal: `contact:${contact.id}`, activityType: 'email', body: 'Maria says yes.' } },
      inChannel,
    );
    const first = await teams.post(submission);
    const again = await teams.post({ ...submission, id: activityId() });
    expect(cardText(first.body.task.value.card.content)).toContain('Logged an email on Maria Lopez.');
    expect(cardText(again.body.task.value.card.content)).toContain('That message was already logged on Maria Lopez.');
    const logged = await t.handle.db.activity.findMany({ where: { contactId: contact.id } });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ dealId: null, type: 'email', sourceUrl: LINK, source: 'teams' });
  });

  it('finds more deals for the picker as the person types', async () => {
    const res = await teams.post(invoke('application/search', { kind: 'search', queryText: 'acme', queryOptions: { skip: 0, top: 15 }, dataset: 'deals' }));
    expect(res.body).toMatchObject({ statusCode: 200, value: { results: [{ title: 'D-1 Acme renewal', value: dealId }] } });
  });

  it('finds deals and contacts for the Log to CRM picker as the person types', async () => {
    const res = await teams.post(invoke('application/search', { kind: 'search', queryText: 'acme', queryOptions: { skip: 0, top: 15 }, dataset: 'records' }));
    const results = res.body.value.results as { title: string; value: string }[];
    expect(results[0]).toEqual({ title: 'D-1 Acme renewal', value: dealId });
    expect(results.some((r) => r.value.startsWith('contact:') && r.title.includes('maria@acme.com'))).toBe(true);
  });
});

describe('create and edit deal dialogs', () => {
  it('opens the create dialog from a card and creates the deal on submit, once', async () => {
    const fetched = await teams.post(invoke('task/fetch', { data: { msteams: { type: 'task/fetch' }, dialog: DIALOGS.createDeal } }));
    expect(fetched.body.task).toMatchObject({ type: 'continue', value: { title: 'New deal' } });
    const sent = captureConnector();
    const submission = invoke('task/submit', { data: { dialog: DIALOGS.createDeal, title: 'Initech expansion', amount: '€40k', stage: 'qualified', company: 'Initech', closeDate: '2026-12-15' } });
    const res = await teams.post(submission);
    await teams.post(submission);
    expect(res.status).toBe(200);
    expect(await t.handle.db.deal.count({ where: { title: 'Initech expansion' } })).toBe(1);
    const created = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Initech expansion' }, include: { stage: true, company: true } });
    expect(created).toMatchObject({ amountCents: 4_000_000n, currency: 'EUR', stage: { key: 'qualified' }, company: { name: 'Initech' } });
    expect(cardText(cardOf(sent[0]!.body))).toContain('Created D-2.');
  });

  it('keeps what was typed and says what is wrong with an amount', async () => {
    const res = await teams.post(invoke('task/submit', { data: { dialog: DIALOGS.createDeal, title: 'Hooli', amount: 'lots' } }));
    expect(res.body.task.type).toBe('continue');
    const card = res.body.task.value.card.content;
    expect(cardText(card)).toContain('Write an amount such as 25k');
    expect(JSON.stringify(card.body)).toContain('"value":"Hooli"');
    expect(await t.handle.db.deal.count({ where: { title: 'Hooli' } })).toBe(0);
  });

  it('edits a deal from its card and updates that card in place', async () => {
    const fetched = await teams.post(invoke('task/fetch', { data: { msteams: { type: 'task/fetch' }, dialog: DIALOGS.editDeal, dealId } }, { replyToId: 'card-7' }));
    expect(fetched.body.task.value.title).toBe('Edit D-1');
    const sent = captureConnector();
    await teams.post(
      invoke('task/submit', { data: { dialog: DIALOGS.editDeal, dealId, title: 'Acme renewal (3 years)', amount: '75k', company: 'Acme', closeDate: '' } }, { replyToId: 'card-7' }),
    );
    const updated = await t.handle.db.deal.findUniqueOrThrow({ where: { id: dealId }, include: { company: true } });
    expect(updated).toMatchObject({ title: 'Acme renewal (3 years)', amountCents: 7_500_000n, company: { name: 'Acme' } });
    expect(sent[0]).toMatchObject({ method: 'PUT', path: '/teams/v3/conversations/a:1alice-personal-chat/activities/card-7' });
    expect(cardText(cardOf(sent[0]!.body))).toContain('D-1 updated.');
  });
});
