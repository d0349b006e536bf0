/**
 * Contacts, companies and tasks in Slack, through the real Bolt receiver (signed requests);
 * Slack's Web API and response URLs are answered by nock. What is measured is what a person
 * would notice: the acknowledgement, the messages and views Slack is asked to show, and the rows.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseTaskValue } from '../../../src/bot/slack/blocks/record-cursor.js';
import { ACTIONS, BLOCKS, DEAL_CONTACTS_BLOCK_PREFIX, INPUTS, RECORD_ACTIONS, SHORTCUTS, VIEWS } from '../../../src/bot/slack/ids.js';
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
  // Alice's first command makes her a member, as it would in Slack.
  const first = captureResponseUrl('/commands/first');
  await slack.command('new First deal 1k', { responseUrl: 'https://hooks.slack.com/commands/first' });
  await first;
  const ws = await t.handle.db.workspace.findFirstOrThrow({ where: { platform: 'slack', externalId: 'T0ACME' } });
  const member = await t.handle.db.member.findFirstOrThrow({ where: { workspaceId: ws.id, externalId: 'U0ALICE' } });
  alice = { workspaceId: ws.id, memberId: member.id, timeZone: 'UTC' };
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});

/** Every call to Slack's view and chat methods, answered ok. */
let calls: { method: string; body: Record<string, unknown> }[];
const VIEW_METHODS = ['views.open', 'views.push', 'views.update', 'views.publish', 'chat.postMessage', 'chat.postEphemeral'];
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

async function nextCall(method: string, match: (body: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const hit = calls.find((c) => c.method === method && match(c.body));
    if (hit) return hit.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${method} call; saw ${calls.map((c) => c.method).join(', ') || 'none'}`);
}

type Place = { kind: 'message'; responseUrl: string } | { kind: 'home' } | { kind: 'modal'; viewId: string };

function where(place: Place) {
  return place.kind === 'message'
    ? { container: { type: 'message', is_ephemeral: true, message_ts: '1700000000.000900' }, channel: { id: 'C0SALES' }, response_url: place.responseUrl }
    : place.kind === 'home'
      ? { container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home', blocks: [], hash: 'h' } }
      : {
          container: { type: 'view', view_id: place.viewId },
          view: { id: place.viewId, type: 'modal', callback_id: VIEWS.answer, private_metadata: '', blocks: [], hash: 'h' },
        };
}

const from = { team: { id: 'T0ACME', domain: 'acme' }, user: { id: 'U0ALICE', username: 'alice', team_id: 'T0ACME' }, api_app_id: 'A0CRM' };

/** A button click from Alice. */
function click(actionId: string, value: string | undefined, place: Place, blockId = 'b') {
  return slack.interaction({
    type: 'block_actions',
    ...from,
    trigger_id: nextId('trig'),
    ...where(place),
    actions: [{ type: 'button', action_id: actionId, block_id: blockId, ...(value !== undefined && { value }), action_ts: '1' }],
  });
}

let urls = 0;
/** A fresh response URL and the promise of what is posted to it. */
function responseUrl(): { url: string; answer: Promise<Record<string, unknown>> } {
  const path = `/actions/records/${urls++}`;
  return { url: `https://hooks.slack.com${path}`, answer: captureResponseUrl(path) };
}

/** A response URL nobody listens to yet (capture it later, for a form's answer). */
const freshUrl = () => `https://hooks.slack.com/actions/records/${urls++}`;

/** Clicks a button in a message and resolves with what replaced (or was added to) it. */
async function clickInMessage(actionId: string, value: string | undefined, blockId = 'b') {
  const { url, answer } = responseUrl();
  const res = await click(actionId, value, { kind: 'message', responseUrl: url }, blockId);
  expect(res.status).toBe(200);
  return answer;
}

/** `/deal <text>` from Alice, and the ephemeral answer. */
async function command(text: string) {
  const path = `/commands/records-${urls++}`;
  const answer = captureResponseUrl(path);
  const res = await slack.command(text, { responseUrl: `https://hooks.slack.com${path}` });
  expect(res.status).toBe(200);
  return answer;
}

type Btn = { action_id: string; value?: string; text: { text: string } };
function buttonsIn(blocks: unknown): Btn[] {
  return ((blocks ?? []) as { elements?: Btn[]; accessory?: Btn }[]).flatMap((b) => [
    ...(b.elements ?? []).filter((e) => typeof e.action_id === 'string'),
    ...(b.accessory?.action_id ? [b.accessory] : []),
  ]);
}
const button = (blocks: unknown, actionId: string) => {
  const found = buttonsIn(blocks).find((b) => b.action_id === actionId);
  if (!found) throw new Error(`no ${actionId} button in ${textOf(blocks).slice(0, 300)}`);
  return found;
};
const viewOf = (body: Record<string, unknown>) => body.view as { callback_id?: string; blocks: unknown[]; private_metadata?: string; title?: { text: string } };
const shown = (text: string) => text.replaceAll('\u200B', '');

const text = (key: keyof typeof BLOCKS, value: string) => ({ [BLOCKS[key]]: { [INPUTS[key]]: { type: 'plain_text_input', value } } });
const pick = (key: keyof typeof BLOCKS, value: string) => ({ [BLOCKS[key]]: { [INPUTS[key]]: { type: 'external_select', selected_option: { value } } } });

/** Submits the new-contact modal; resolves with the acknowledgement's body (empty when it closes). */
async function submitNewContact(values: Record<string, unknown>, meta = '{}', viewId = nextId('V')) {
  const res = await slack.interaction(viewSubmission({ callbackId: VIEWS.newContact, privateMetadata: meta, viewId, values: values as never }));
  expect(res.status).toBe(200);
  const body = await res.text();
  return body ? (JSON.parse(body) as { response_action?: string; view?: { blocks: unknown[]; title: { text: string } }; errors?: Record<string, string> }) : {};
}

const contactsNamed = (name: string) => t.handle.db.contact.findMany({ where: { workspaceId: alice.workspaceId, name } });
const newDeal = async (title: string) => (await t.crm.deals.create(alice, { title })).deal;

describe('creating a contact', () => {
  it('from the modal: the contact is stored and its card comes by DM', async () => {
    const ack = await submitNewContact({
      ...text('name', 'Jane Doe'),
      ...{ [BLOCKS.email]: { [INPUTS.email]: { type: 'email_text_input', value: 'jane@acme.com' } } },
      ...text('jobTitle', 'VP Sales'),
      ...pick('company', 'new:Acme'),
    });
    expect(ack).toEqual({});
    const dm = await nextCall('chat.postMessage', (b) => textOf(b.blocks).includes('Jane Doe'));
    expect(dm.channel).toBe('U0ALICE');
    const card = shown(textOf(dm.blocks));
    expect(card).toContain('Added Jane Doe at Acme.');
    expect(card).toContain('jane@acme.com');
    expect(card).toContain('VP Sales');
    expect(buttonsIn(dm.blocks).map((b) => b.action_id)).toEqual(expect.arrayContaining([RECORD_ACTIONS['contact.edit'], RECORD_ACTIONS['contact.new_task']]));
    const [row] = await contactsNamed('Jane Doe');
    expect(row).toMatchObject({ email: 'jane@acme.com', title: 'VP Sales' });
  });

  it('from the command: `/deal contact new` answers with the card', async () => {
    const answer = await command('contact new Omar Haddad omar@globex.com at Globex');
    const card = shown(textOf(answer.blocks));
    expect(card).toContain('Omar Haddad');
    expect(card).toContain('omar@globex.com');
    expect(card).toContain('Globex');
    expect(await contactsNamed('Omar Haddad')).toHaveLength(1);
  });

  it('a mistake comes back on its field and stores nothing', async () => {
    const ack = await submitNewContact({ ...text('name', 'Phone Mistake'), ...text('phone', 'call me maybe') });
    expect(ack.response_action).toBe('errors');
    expect(ack.errors?.[BLOCKS.phone]).toMatch(/phone number such as/);
    expect(await contactsNamed('Phone Mistake')).toHaveLength(0);
  });
});

describe('the duplicate choice', () => {
  it('from the modal: the form becomes the warning; Use existing shows the one there; Create anyway creates one, once', async () => {
    await t.crm.contacts.create(alice, { name: 'Sam Lee', companyName: 'Initech', email: 'sam@initech.com' });
    const ack = await submitNewContact({ ...text('name', 'Sam Lee'), ...pick('company', 'new:Initech') });
    expect(ack.response_action).toBe('update');
    const warning = shown(textOf(ack.view!.blocks));
    expect(warning).toMatch(/Sam Lee at Initech already exists/);
    expect(buttonsIn(ack.view!.blocks).map((b) => b.text.text)).toEqual(['Use existing', 'Create anyway']);
    expect(await contactsNamed('Sam Lee')).toHaveLength(1);

    const modal = { kind: 'modal', viewId: 'VDUP' } as const;
    await click(ACTIONS.useExisting, button(ack.view!.blocks, ACTIONS.useExisting).value, modal);
    const existing = await nextCall('views.update', (b) => b.view_id === 'VDUP');
    expect(shown(textOf(viewOf(existing).blocks))).toContain('sam@initech.com');

    const anyway = button(ack.view!.blocks, ACTIONS.createAnyway).value;
    for (let i = 0; i < 2; i++) {
      calls.length = 0;
      await click(ACTIONS.createAnyway, anyway, modal);
      const created = await nextCall('views.update', (b) => b.view_id === 'VDUP');
      expect(shown(textOf(viewOf(created).blocks))).toMatch(i === 0 ? /Added Sam Lee at Initech\./ : /Sam Lee was already added\./);
    }
    expect(await contactsNamed('Sam Lee')).toHaveLength(2);
  });

  it('from someone the app has not met yet: the form closes first, and the choice comes by DM', async () => {
    const submission = viewSubmission({ callbackId: VIEWS.newContact, values: { ...text('name', 'Sam Lee'), ...pick('company', 'new:Initech') } as never });
    submission.user = { id: 'U0NEWBIE', username: 'newbie', team_id: 'T0ACME' };
    const res = await slack.interaction(submission);
    expect(await res.text()).toBe('');
    const dm = await nextCall('chat.postMessage', (b) => b.channel === 'U0NEWBIE');
    expect(shown(String(dm.text))).toMatch(/Sam Lee at Initech already exists/);
    expect(buttonsIn(dm.blocks).map((b) => b.text.text)).toEqual(['Use existing', 'Create anyway']);
  });

  it('the same email is never created twice: only Use existing', async () => {
    const ack = await submitNewContact({ ...text('name', 'Jane Again'), ...{ [BLOCKS.email]: { [INPUTS.email]: { type: 'email_text_input', value: 'jane@acme.com' } } } });
    expect(ack.response_action).toBe('update');
    expect(shown(textOf(ack.view!.blocks))).toMatch(/already has the email jane@acme.com/);
    expect(buttonsIn(ack.view!.blocks).map((b) => b.text.text)).toEqual(['Use existing']);
    expect(await contactsNamed('Jane Again')).toHaveLength(0);
  });

  it('from the command: the warning with both buttons; Create anyway runs the command as the person who clicks', async () => {
    await command('contact new Lena Park at Hooli');
    const warning = await command('contact new Lena Park at Hooli');
    expect(shown(textOf(warning.blocks))).toMatch(/Lena Park at Hooli already exists/);
    expect(await contactsNamed('Lena Park')).toHaveLength(1);

    const existing = await clickInMessage(ACTIONS.useExisting, button(warning.blocks, ACTIONS.useExisting).value);
    expect(existing.replace_original).toBe(true);
    expect(shown(textOf(existing.blocks))).toContain('Lena Park');

    const created = await clickInMessage(ACTIONS.createAnyway, button(warning.blocks, ACTIONS.createAnyway).value);
    expect(created.replace_original).toBe(true);
    expect(shown(textOf(created.blocks))).toContain('Lena Park');
    const rows = await contactsNamed('Lena Park');
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.ownerId === alice.memberId)).toBe(true);
  });

  it('a Create anyway value that is not a create command does nothing', async () => {
    const answer = await clickInMessage(ACTIONS.createAnyway, JSON.stringify({ cmd: '/deal lost D-1 forged' }));
    expect(shown(textOf(answer.blocks))).toMatch(/out of date/);
  });
});

describe('a deal’s contacts from its card', () => {
  it('the Contacts select offers contacts, adds the one picked, and takes off the one removed', async () => {
    const deal = await newDeal('Contacts deal');
    const { contact: jane } = await t.crm.contacts.create(alice, { name: 'Jane Roe', email: 'jane.roe@acme.com' });
    const card = await command(deal.ref);
    const section = (card.blocks as { block_id?: string; accessory?: { type: string; action_id: string } }[]).find((b) => b.block_id?.startsWith(DEAL_CONTACTS_BLOCK_PREFIX))!;
    expect(section.accessory).toMatchObject({ type: 'multi_external_select', action_id: ACTIONS.dealContacts });

    const suggest = await slack.interaction({
      type: 'block_suggestion',
      ...from,
      action_id: ACTIONS.dealContacts,
      block_id: section.block_id,
      value: 'roe',
      container: { type: 'message', message_ts: '1.1', channel_id: 'C0SALES', is_ephemeral: true },
      channel: { id: 'C0SALES' },
    });
    const options = ((await suggest.json()) as { options: { text: { text: string }; value: string }[] }).options;
    expect(options.map((o) => [o.text.text, o.value])).toEqual([['Jane Roe (jane.roe@acme.com)', jane.id]]);

    const select = async (values: string[]) => {
      const { url, answer } = responseUrl();
      await slack.interaction({
        type: 'block_actions',
        ...from,
        trigger_id: nextId('trig'),
        ...where({ kind: 'message', responseUrl: url }),
        actions: [
          {
            type: 'multi_external_select',
            action_id: ACTIONS.dealContacts,
            block_id: section.block_id,
            selected_options: values.map((v) => ({ text: { type: 'plain_text', text: v }, value: v })),
            action_ts: '1',
          },
        ],
      });
      return answer;
    };

    const added = await select([jane.id]);
    expect(added.replace_original).toBe(true);
    expect(shown(textOf(added.blocks))).toContain(`Added Jane Roe to ${deal.ref}.`);
    expect(shown(textOf(added.blocks))).toContain('*Contacts:* Jane Roe (jane.roe@acme.com)');
    expect(shown(textOf(added.blocks))).toContain('added contact Jane Roe');
    expect(await t.handle.db.dealContact.count({ where: { dealId: deal.id } })).toBe(1);
    // The same selection again (a replay) changes nothing.
    expect(shown(textOf((await select([jane.id])).blocks))).toContain('nothing changed');
    expect(await t.handle.db.dealEvent.count({ where: { dealId: deal.id, kind: 'contact' } })).toBe(1);

    const removed = await select([]);
    expect(shown(textOf(removed.blocks))).toContain(`Took Jane Roe off ${deal.ref}.`);
    expect(await t.handle.db.dealContact.count({ where: { dealId: deal.id } })).toBe(0);
  });
});

describe('a deal’s contacts from a button, a contact’s activity, contact lists', () => {
  it('the deal’s Add contact button opens the contacts form; saving it sets the deal’s contacts', async () => {
    const deal = await newDeal('Form contacts deal');
    const { contact } = await t.crm.contacts.create(alice, { name: 'Form Person', email: 'form.person@acme.com' });
    const url = freshUrl();
    await click(RECORD_ACTIONS['deal.add_contact'], deal.ref, { kind: 'message', responseUrl: url });
    const form = viewOf(await nextCall('views.open'));
    expect(form.callback_id).toBe(VIEWS.dealContacts);
    expect(shown(textOf(form.blocks))).toContain(deal.ref);
    const answer = captureResponseUrl(new URL(url).pathname);
    const res = await slack.interaction(
      viewSubmission({
        callbackId: VIEWS.dealContacts,
        privateMetadata: form.private_metadata,
        values: { [BLOCKS.contacts]: { [INPUTS.contacts]: { type: 'multi_external_select', selected_options: [{ text: { type: 'plain_text', text: 'x' }, value: contact.id }] } } },
      }),
    );
    expect(await res.text()).toBe('');
    expect(shown(textOf((await answer).blocks))).toContain(`Added Form Person to ${deal.ref}.`);
    expect(await t.handle.db.dealContact.count({ where: { dealId: deal.id, contactId: contact.id } })).toBe(1);
  });

  it('Log activity on a contact card logs on the contact alone and shows its card', async () => {
    const { contact } = await t.crm.contacts.create(alice, { name: 'Logged Person' });
    const url = freshUrl();
    await click(RECORD_ACTIONS['contact.log'], contact.id, { kind: 'message', responseUrl: url });
    const form = viewOf(await nextCall('views.open'));
    expect(form.callback_id).toBe(VIEWS.logActivity);
    const dealInput = (form.blocks as { block_id?: string; optional?: boolean }[]).find((b) => b.block_id === BLOCKS.deal)!;
    expect(dealInput.optional).toBe(true);
    const answer = captureResponseUrl(new URL(url).pathname);
    await slack.interaction(
      viewSubmission({
        callbackId: VIEWS.logActivity,
        privateMetadata: form.private_metadata,
        values: { ...pick('contact', contact.id), ...pick('activityType', 'call'), ...text('body', 'Talked about renewal') } as never,
      }),
    );
    const card = shown(textOf((await answer).blocks));
    expect(card).toContain('Logged a call on Logged Person.');
    expect(card).toContain('call: Talked about renewal');
    expect(await t.handle.db.activity.count({ where: { contactId: contact.id, dealId: null } })).toBe(1);
  });

  it('a contact list pages with Next, and Open shows a contact’s card', async () => {
    for (let i = 0; i < 12; i++) await t.crm.contacts.create(alice, { name: `Paged ${String(i).padStart(2, '0')}`, companyName: 'Pagination Inc' });
    const first = await command('contacts Pagination Inc');
    expect(shown(textOf(first.blocks))).toContain('Showing 1–10 of 12');
    const next = await clickInMessage(ACTIONS.recordPageNext, button(first.blocks, ACTIONS.recordPageNext).value);
    expect(next.replace_original).toBe(true);
    expect(shown(textOf(next.blocks))).toContain('Showing 11–12 of 12');
    const open = await clickInMessage(ACTIONS.openContact, button(next.blocks, ACTIONS.openContact).value);
    expect(open.replace_original).toBe(false);
    expect(shown(textOf(open.blocks))).toContain('Paged 10');
    expect(buttonsIn(open.blocks).map((b) => b.action_id)).toContain(RECORD_ACTIONS['contact.edit']);
  });
});

describe('tasks from a contact card', () => {
  it('New task opens the modal; the task is created once; Done twice completes it once with one timeline entry', async () => {
    const { contact } = await t.crm.contacts.create(alice, { name: 'Task Person', email: 'task.person@acme.com' });
    const card = await command(`contact ${contact.email}`);
    const url = freshUrl();
    await click(RECORD_ACTIONS['contact.new_task'], button(card.blocks, RECORD_ACTIONS['contact.new_task']).value, { kind: 'message', responseUrl: url });
    const opened = viewOf(await nextCall('views.open'));
    expect(opened.callback_id).toBe(VIEWS.newTask);
    expect(shown(textOf(opened.blocks))).toContain('Task Person');
    const meta = JSON.parse(opened.private_metadata!) as { contactId: string; responseUrl: string };
    expect(meta).toMatchObject({ contactId: contact.id, responseUrl: url });

    // The task comes where the card was (its response URL), as a new message.
    const taskAnswer = captureResponseUrl(new URL(url).pathname);
    const submission = viewSubmission({
      callbackId: VIEWS.newTask,
      privateMetadata: opened.private_metadata,
      values: {
        ...text('title', 'Send the quote'),
        [BLOCKS.due]: { [INPUTS.due]: { type: 'datepicker', selected_date: '2026-12-01' } },
        [BLOCKS.assignee]: { [INPUTS.assignee]: { type: 'users_select', selected_user: 'U0ALICE' } },
      },
    });
    for (let i = 0; i < 2; i++) expect((await slack.interaction(submission)).status).toBe(200);
    const taskMessage = await taskAnswer;
    expect(taskMessage.replace_original).toBe(false);
    expect(shown(textOf(taskMessage.blocks))).toMatch(/Created T-\d+: Send the quote\./);
    const tasks = await t.handle.db.task.findMany({ where: { contactId: contact.id } });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.assigneeId).toBe(alice.memberId);

    const done = button(taskMessage.blocks, RECORD_ACTIONS['task.done']).value;
    const first = await clickInMessage(RECORD_ACTIONS['task.done'], done);
    const second = await clickInMessage(RECORD_ACTIONS['task.done'], done);
    expect(first.replace_original).toBe(true);
    expect(shown(textOf(first.blocks))).toMatch(/Done: T-\d+ Send the quote\./);
    expect(buttonsIn(first.blocks).filter((b) => b.action_id === RECORD_ACTIONS['task.done'])).toHaveLength(0);
    expect(shown(textOf(second.blocks))).toMatch(/T-\d+ is already done; nothing changed\./);
    expect((await t.handle.db.task.findUniqueOrThrow({ where: { id: tasks[0]!.id } })).doneAt).not.toBeNull();
    expect(await t.handle.db.activity.count({ where: { contactId: contact.id, type: 'task' } })).toBe(1);
  });

  it('Snooze moves the task a day, once however often the same button is clicked', async () => {
    const { task } = await t.crm.tasks.create(alice, { title: 'Call back', due: '2026-11-24' });
    const answer = await command(`tasks mine`);
    const snooze = buttonsIn(answer.blocks).find((b) => b.action_id === RECORD_ACTIONS['task.snooze'] && parseTaskValue(b.value)?.task === task.ref)!;
    expect(parseTaskValue(snooze.value)).toMatchObject({ task: task.ref, due: '2026-11-24', origin: { in: 'list' } });
    const first = await clickInMessage(RECORD_ACTIONS['task.snooze'], snooze.value);
    expect(shown(textOf(first.blocks))).toContain(`Snoozed ${task.ref} until Wed, Nov 25.`);
    const second = await clickInMessage(RECORD_ACTIONS['task.snooze'], snooze.value);
    expect(shown(textOf(second.blocks))).toContain('nothing changed');
    expect((await t.crm.tasks.get(alice, task.ref)).due).toBe('2026-11-25');
  });
});

describe('the App Home', () => {
  it('shows the person’s open tasks; Done there completes it and publishes the Home again without it', async () => {
    const { task } = await t.crm.tasks.create(alice, { title: 'Home task', due: '2026-11-20' });
    await slack.event({ type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home', event_ts: '1' });
    const home = await nextCall('views.publish', (b) => textOf(b.view).includes('Home task'));
    const blocks = (home.view as { blocks: unknown[] }).blocks;
    expect(shown(textOf(blocks))).toContain('Your open tasks');
    const done = buttonsIn(blocks).find((b) => b.action_id === RECORD_ACTIONS['task.done'] && parseTaskValue(b.value)?.task === task.ref)!;
    calls.length = 0;
    await click(RECORD_ACTIONS['task.done'], done.value, { kind: 'home' });
    const republished = await nextCall('views.publish', (b) => textOf(b.view).includes(`Done: ${task.ref} Home task.`));
    expect(republished.user_id).toBe('U0ALICE');
    expect(buttonsIn((republished.view as { blocks: unknown[] }).blocks).some((b) => parseTaskValue(b.value)?.task === task.ref)).toBe(false);
    expect(calls.some((c) => c.method === 'views.open')).toBe(false);
    expect((await t.crm.tasks.get(alice, task.ref)).done).toBe(true);
  });

  it('New contact opens the new-contact modal', async () => {
    await click(ACTIONS.newContact, undefined, { kind: 'home' });
    expect(viewOf(await nextCall('views.open')).callback_id).toBe(VIEWS.newContact);
  });
});

describe('editing', () => {
  it('Edit on a contact card opens the form filled in; a mistake stays on its field; saving shows the card changed', async () => {
    const { contact } = await t.crm.contacts.create(alice, { name: 'Edit Me', email: 'edit.me@acme.com', title: 'CTO' });
    const url = freshUrl();
    await click(RECORD_ACTIONS['contact.edit'], contact.id, { kind: 'message', responseUrl: url });
    const form = viewOf(await nextCall('views.open'));
    expect(form.callback_id).toBe(VIEWS.editContact);
    expect(textOf(form.blocks)).toContain('edit.me@acme.com');

    const submit = (values: Record<string, unknown>) =>
      slack.interaction(viewSubmission({ callbackId: VIEWS.editContact, privateMetadata: form.private_metadata, values: values as never }));
    const bad = await submit({ ...text('name', 'Edit Me'), ...text('phone', 'nope') });
    expect(JSON.parse(await bad.text())).toMatchObject({ response_action: 'errors', errors: { [BLOCKS.phone]: expect.stringMatching(/phone number/) } });

    const changed = captureResponseUrl(new URL(url).pathname);
    const ok = await submit({ ...text('name', 'Edited Name'), ...text('jobTitle', 'CEO'), ...{ [BLOCKS.email]: { [INPUTS.email]: { type: 'email_text_input', value: 'edit.me@acme.com' } } } });
    expect(await ok.text()).toBe('');
    const card = await changed;
    expect(card.replace_original).toBe(true);
    expect(shown(textOf(card.blocks))).toContain('Edited Name updated.');
    expect(await t.handle.db.contact.findUniqueOrThrow({ where: { id: contact.id } })).toMatchObject({ name: 'Edited Name', title: 'CEO', phone: null });
  });

  it('Edit on a company card; New contact there opens the new-contact form with the company filled in', async () => {
    const { company } = await t.crm.companies.create(alice, { name: 'Umbrella', domain: 'umbrella.com' });
    await click(RECORD_ACTIONS['company.edit'], company.id, { kind: 'home' });
    const form = viewOf(await nextCall('views.open'));
    expect(form.callback_id).toBe(VIEWS.editCompany);
    const res = await slack.interaction(
      viewSubmission({ callbackId: VIEWS.editCompany, privateMetadata: form.private_metadata, values: { ...text('name', 'Umbrella Corp'), ...text('domain', 'not a domain') } as never }),
    );
    expect(JSON.parse(await res.text())).toMatchObject({ response_action: 'errors', errors: { [BLOCKS.domain]: expect.any(String) } });

    calls.length = 0;
    await click(RECORD_ACTIONS['company.new_contact'], company.id, { kind: 'home' });
    const newContact = viewOf(await nextCall('views.open'));
    expect(newContact.callback_id).toBe(VIEWS.newContact);
    expect(textOf(newContact.blocks)).toContain('Umbrella');
  });
});

describe('"Log to CRM" with one typeahead', () => {
  it('offers deals, contacts and a deal with its contact; picking the pair logs on both, once', async () => {
    const deal = await newDeal('Typeahead renewal');
    const { contact } = await t.crm.contacts.create(alice, { name: 'Typeahead Tess', email: 'tess@acme.com' });
    await t.crm.deals.addContact(alice, deal.id, contact.id);

    const suggest = await slack.interaction({
      type: 'block_suggestion',
      ...from,
      action_id: INPUTS.subject,
      block_id: BLOCKS.subject,
      value: 'typeahead',
      container: { type: 'view', view_id: 'VLOG' },
      view: { id: 'VLOG', type: 'modal', callback_id: VIEWS.logToCrm, private_metadata: '{}', state: { values: {} }, hash: 'h' },
    });
    const options = ((await suggest.json()) as { options: { text: { text: string }; value: string }[] }).options;
    const texts = options.map((o) => o.text.text);
    expect(texts).toContain(`Deal: ${deal.ref} Typeahead renewal`);
    expect(texts).toContain('Contact: Typeahead Tess (tess@acme.com)');
    const pair = options.find((o) => o.text.text.startsWith('Deal + contact:'))!;
    expect(pair.value).toBe(`deal:${deal.ref}|contact:${contact.id}`);

    nock('https://slack.com').persist().post('/api/chat.getPermalink').reply(200, { ok: true, permalink: 'https://acme.slack.com/archives/C0SALES/p1700000000000300' });
    const submission = viewSubmission({
      callbackId: VIEWS.logToCrm,
      privateMetadata: JSON.stringify({ channelId: 'C0SALES', messageTs: '1700000000.000300' }),
      values: { ...pick('subject', pair.value), ...pick('activityType', 'call'), ...text('body', 'Tess confirmed the budget') },
    });
    for (let i = 0; i < 2; i++) expect((await slack.interaction(submission)).status).toBe(200);
    await expect.poll(() => t.handle.db.activity.count({ where: { body: 'Tess confirmed the budget' } })).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    const rows = await t.handle.db.activity.findMany({ where: { body: 'Tess confirmed the budget' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ dealId: deal.id, contactId: contact.id, sourceUrl: 'https://acme.slack.com/archives/C0SALES/p1700000000000300' });
  });

  it('the shortcut opens the one-typeahead form', async () => {
    await slack.interaction({
      type: 'message_action',
      callback_id: SHORTCUTS.logToCrm,
      trigger_id: nextId('trig'),
      ...from,
      channel: { id: 'C0SALES', name: 'sales' },
      message_ts: '1700000000.000400',
      message: { type: 'message', user: 'U0BOB', ts: '1700000000.000400', text: 'Call notes' },
      response_url: 'https://hooks.slack.com/actions/T0ACME/shortcut/x',
    });
    const view = viewOf(await nextCall('views.open'));
    expect(view.callback_id).toBe(VIEWS.logToCrm);
    const input = (view.blocks as { block_id?: string; element?: { type: string; action_id: string } }[]).find((b) => b.block_id === BLOCKS.subject)!;
    expect(input.element).toMatchObject({ type: 'external_select', action_id: INPUTS.subject });
  });
});
