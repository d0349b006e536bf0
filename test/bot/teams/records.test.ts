/**
 * Contacts, companies and tasks in Teams, over the real adapter: what the person sees (the invoke
 * answers, the activities sent and updated, captured at Microsoft's API by nock) and what is
 * stored. A contact created from a message and from the dialog; the duplicate choice (use the
 * existing one, or create anyway, once however often it is clicked); attaching contacts to a deal
 * from its card; a task created from the contact card's dialog, completed with Done twice (one
 * completion, one timeline entry) and snoozed.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DATASETS, DIALOGS, INPUTS, VERBS } from '../../../src/bot/teams/ids.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import {
  activity as teamsActivity,
  activityId,
  captureConnector,
  cardAction,
  cardOf,
  cardText,
  cardVerbs,
  invoke,
  message,
  mockBotFramework,
  startTeams,
  USERS,
  type TeamsHarness,
} from './harness.js';

let t: TestDb;
let teams: TeamsHarness;

beforeAll(async () => {
  t = await createTestDb();
  teams = await startTeams(t.crm);
  nock.cleanAll();
  mockBotFramework();
  captureConnector();
  // Alice and Bob become members of the tenant's workspace.
  await teams.post(message('deal help'));
  await teams.post(message('deal help', { from: USERS.bob }));
});
afterAll(async () => {
  await teams.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockBotFramework();
});

const db = () => t.handle.db;
/** Records what the bot sends from now on (one recorder at a time: nock answers with the first). */
const capture = () => {
  nock.cleanAll();
  mockBotFramework();
  return captureConnector();
};
const contactsNamed = (name: string) => db().contact.findMany({ where: { name }, include: { company: true }, orderBy: { createdAt: 'asc' } });
/** The first Jane and Ana (each has a namesake created anyway, at the same test clock instant). */
const byEmail = (email: string) => db().contact.findFirstOrThrow({ where: { email } });
const alice = () => db().member.findFirstOrThrow({ where: { externalId: USERS.alice.aadObjectId } });
const bob = () => db().member.findFirstOrThrow({ where: { externalId: USERS.bob.aadObjectId } });

/** Every action object in a card (not inside fallbacks), with its data. */
function actions(node: unknown): { type: string; title: string; verb?: string; data?: Record<string, unknown> }[] {
  const out: { type: string; title: string; verb?: string; data?: Record<string, unknown> }[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) out.push(o as never);
    for (const [k, v] of Object.entries(o)) if (k !== 'fallback') walk(v);
  };
  walk(node);
  return out;
}
const button = (card: unknown, title: string, verb?: string) => {
  const found = actions(card).find((a) => a.title === title && (!verb || a.verb === verb));
  if (!found) throw new Error(`no ${title} button in ${JSON.stringify(actions(card).map((a) => a.title))}`);
  return found;
};
/** The invoke Teams sends when this Action.Execute button is clicked on the message `replyToId`. */
const click = (b: { verb?: string; data?: Record<string, unknown> }, opts: { replyToId?: string; inputs?: Record<string, unknown>; id?: string } = {}) =>
  cardAction(b.verb!, { ...b.data, ...opts.inputs }, { ...(opts.replyToId && { replyToId: opts.replyToId }), ...(opts.id && { id: opts.id }) });

describe('creating a contact', () => {
  it('from a message: `deal contact new Jane Doe jane@acme.com at Acme` answers with her card', async () => {
    const sent = capture();
    const res = await teams.post(message('deal contact new Jane Doe jane@acme.com at Acme'));
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(1);
    const card = cardOf(sent[0]!.body);
    const text = cardText(card);
    expect(text).toContain('👤 Jane Doe');
    expect(text).toContain('Email: jane@acme.com');
    expect(text).toContain('Company: Acme');
    expect(text).toContain('Owner: Alice Adams');
    expect(actions(card.actions).map((a) => a.title)).toEqual(expect.arrayContaining(['Edit', 'Log activity']));
    expect(await contactsNamed('Jane Doe')).toMatchObject([{ email: 'jane@acme.com', company: { name: 'Acme' }, ownerId: (await alice()).id }]);
  });

  it('from the dialog (help and the welcome card offer New contact), once however often Teams delivers the submission', async () => {
    const help = capture();
    await teams.post(message('deal help'));
    const newContact = button(cardOf(help[0]!.body), 'New contact');
    expect(newContact.data).toMatchObject({ msteams: { type: 'task/fetch' }, dialog: DIALOGS.createContact });

    const fetched = await teams.post(invoke('task/fetch', { data: newContact.data }));
    expect(fetched.body.task).toMatchObject({ type: 'continue', value: { title: 'New contact' } });
    const inputs = JSON.stringify(fetched.body.task.value.card.content.body);
    for (const id of [INPUTS.name, INPUTS.email, INPUTS.phone, INPUTS.jobTitle, INPUTS.company]) expect(inputs).toContain(`"id":"${id}"`);

    const sent = capture();
    const submission = invoke('task/submit', { data: { dialog: DIALOGS.createContact, name: 'Ana Lima', email: 'ana@initech.com', phone: '+1 415 555 0100', jobTitle: 'CFO', company: 'Initech' } });
    const first = await teams.post(submission);
    await teams.post(submission);
    expect(first.status).toBe(200);
    const rows = await contactsNamed('Ana Lima');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: 'ana@initech.com', phone: '+1 415 555 0100', title: 'CFO', company: { name: 'Initech' } });
    expect(cardText(cardOf(sent[0]!.body))).toContain('Created Ana Lima.');
    expect(cardText(cardOf(sent[1]!.body))).toContain('Ana Lima was already created.');
  });

  it('shows the dialog again with what is wrong, keeping what was typed', async () => {
    const res = await teams.post(invoke('task/submit', { data: { dialog: DIALOGS.createContact, name: 'Bad Email', email: 'not-an-email' } }));
    expect(res.body.task.type).toBe('continue');
    const card = res.body.task.value.card.content;
    expect(cardText(card)).toMatch(/email address such as ana@acme\.com/);
    expect(JSON.stringify(card.body)).toContain('"value":"Bad Email"');
    expect(await contactsNamed('Bad Email')).toHaveLength(0);
  });

  it('from a company card’s New contact: the company is filled in', async () => {
    const acme = await db().company.findFirstOrThrow({ where: { name: 'Acme' } });
    const fetched = await teams.post(invoke('task/fetch', { data: { msteams: { type: 'task/fetch' }, dialog: DIALOGS.createContact, companyId: acme.id } }));
    expect(JSON.stringify(fetched.body.task.value.card.content.body)).toContain('"id":"company","label":"Company","value":"Acme"');
  });
});

describe('the duplicate choice', () => {
  it('from a message: the warning names Jane; Use existing shows her card in place of the warning', async () => {
    const sent = capture();
    await teams.post(message('deal contact new Jane Doe at Acme'));
    const card = cardOf(sent[0]!.body);
    expect(cardText(card)).toMatch(/Jane Doe.*already exists/);
    expect(actions(card.actions).map((a) => a.title)).toEqual(['Use existing', 'Create anyway']);
    expect(await contactsNamed('Jane Doe')).toHaveLength(1);

    const res = await teams.post(click(button(card, 'Use existing'), { replyToId: 'dup-card-1' }));
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(cardText(res.body.value)).toContain('Email: jane@acme.com');
    expect(await contactsNamed('Jane Doe')).toHaveLength(1);
  });

  it('Create anyway creates the second Jane Doe as the person who clicked, once when clicked twice', async () => {
    const sent = capture();
    await teams.post(message('deal contact new Jane Doe at Acme'));
    const anyway = button(cardOf(sent[0]!.body), 'Create anyway');
    const first = await teams.post(click(anyway, { replyToId: 'dup-card-2' }));
    const second = await teams.post(click(anyway, { replyToId: 'dup-card-2' }));
    expect(first.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(first.body.value)).toContain('👤 Jane Doe');
    expect(cardText(second.body.value)).toContain('👤 Jane Doe');
    const janes = await contactsNamed('Jane Doe');
    expect(janes).toHaveLength(2);
    expect(janes.find((j) => j.email === null)).toMatchObject({ email: null, company: { name: 'Acme' }, ownerId: (await alice()).id });
  });

  it('the same email is always refused: no Create anyway', async () => {
    const sent = capture();
    await teams.post(message('deal contact new Janet Dough jane@acme.com'));
    const card = cardOf(sent[0]!.body);
    expect(cardText(card)).toContain('jane@acme.com');
    expect(actions(card.actions).map((a) => a.title)).toEqual(['Use existing']);
    expect(await contactsNamed('Janet Dough')).toHaveLength(0);
  });

  it('from the dialog: the form comes back with the warning and the two choices; each does what it says', async () => {
    const values = { name: 'Ana Lima', jobTitle: 'Controller', company: 'Initech' };
    const res = await teams.post(invoke('task/submit', { data: { dialog: DIALOGS.createContact, ...values } }));
    expect(res.body.task.type).toBe('continue');
    const form = res.body.task.value.card.content;
    expect(cardText(form)).toMatch(/Ana Lima.*already exists/);
    expect(JSON.stringify(form.body)).toContain('"value":"Controller"');
    const [use, anyway] = actions(form.actions);
    expect([use!.title, anyway!.title]).toEqual(['Use existing', 'Create anyway']);
    expect(await contactsNamed('Ana Lima')).toHaveLength(1);

    // Use existing: the dialog closes and her card is posted.
    const sent = capture();
    const closed = await teams.post(invoke('task/submit', { data: { ...use!.data, ...values } }));
    expect(closed.body?.task).toBeUndefined();
    expect(cardText(cardOf(sent[0]!.body))).toContain('Email: ana@initech.com');
    expect(await contactsNamed('Ana Lima')).toHaveLength(1);

    // Create anyway: a second Ana Lima at Initech.
    const created = capture();
    await teams.post(invoke('task/submit', { data: { ...anyway!.data, ...values } }));
    expect(cardText(cardOf(created[0]!.body))).toContain('Created Ana Lima.');
    const anas = await contactsNamed('Ana Lima');
    expect(anas).toHaveLength(2);
    expect(anas.find((a) => a.email === null)).toMatchObject({ title: 'Controller', email: null });
  });

  it('from the dialog with a taken email: only Use existing, and Create to try again after changing it', async () => {
    const res = await teams.post(invoke('task/submit', { data: { dialog: DIALOGS.createContact, name: 'Someone Else', email: 'ana@initech.com' } }));
    const form = res.body.task.value.card.content;
    expect(actions(form.actions).map((a) => a.title)).toEqual(['Use existing', 'Create']);
    expect(await contactsNamed('Someone Else')).toHaveLength(0);
  });
});

describe('editing and logging from the contact card', () => {
  it('Edit opens a prefilled dialog; Save updates her and the card in place; a mistake is shown', async () => {
    const jane = await byEmail('jane@acme.com');
    const fetched = await teams.post(invoke('task/fetch', { data: { msteams: { type: 'task/fetch' }, dialog: DIALOGS.editContact, contactId: jane!.id } }, { replyToId: 'contact-card-1' }));
    const form = fetched.body.task.value.card.content;
    expect(JSON.stringify(form.body)).toContain('"value":"jane@acme.com"');
    const save = actions(form.actions)[0]!;

    const wrong = await teams.post(invoke('task/submit', { data: { ...save.data, name: 'Jane Doe', email: 'jane at acme' } }, { replyToId: 'contact-card-1' }));
    expect(wrong.body.task.type).toBe('continue');
    expect(cardText(wrong.body.task.value.card.content)).toMatch(/email address/);

    const sent = capture();
    await teams.post(invoke('task/submit', { data: { ...save.data, name: 'Jane Doe', email: 'jane@acme.com', phone: '+44 20 7946 0000', jobTitle: 'VP Sales', company: 'Acme' } }, { replyToId: 'contact-card-1' }));
    expect(await db().contact.findUniqueOrThrow({ where: { id: jane!.id } })).toMatchObject({ title: 'VP Sales', phone: '+44 20 7946 0000' });
    expect(sent[0]).toMatchObject({ method: 'PUT', path: '/teams/v3/conversations/a:1alice-personal-chat/activities/contact-card-1' });
    const text = cardText(cardOf(sent[0]!.body));
    expect(text).toContain('Jane Doe updated.');
    expect(text).toContain('👤 Jane Doe  VP Sales');
    expect(text).toContain('Phone: +44 20 7946 0000');
  });

  it('Log activity logs on the contact, once when the click is delivered twice', async () => {
    const jane = await byEmail('jane@acme.com');
    const id = activityId();
    const inputs = { activityType: 'call', body: 'Talked about the renewal' };
    const first = await teams.post(cardAction(VERBS.logContact, { contactId: jane!.id, ...inputs }, { id }));
    const again = await teams.post(cardAction(VERBS.logContact, { contactId: jane!.id, ...inputs }, { id }));
    expect(cardText(first.body.value)).toContain('Logged a call on Jane Doe.');
    expect(cardText(first.body.value)).toContain('call: Talked about the renewal');
    expect(cardText(again.body.value)).toContain('That was already logged on Jane Doe.');
    expect(await db().activity.count({ where: { contactId: jane!.id, body: 'Talked about the renewal' } })).toBe(1);
  });
});

describe('attaching contacts to a deal from its card', () => {
  let dealId: string;

  it('the deal card offers a Contacts multi-select that finds contacts as the person types', async () => {
    await teams.post(message('deal new Acme renewal 25k'));
    dealId = (await db().deal.findFirstOrThrow({ where: { title: 'Acme renewal' } })).id;
    const opened = capture();
    await teams.post(message('deal D-1'));
    const card = cardOf(opened[0]!.body);
    expect(JSON.stringify(card.actions)).toContain(`"dataset":"${DATASETS.contacts}"`);
    expect(cardVerbs(card)).toContain(VERBS.dealContacts);
    const found = await teams.post(invoke('application/search', { kind: 'search', queryText: 'jane', queryOptions: { skip: 0, top: 15 }, dataset: DATASETS.contacts }));
    const jane = await byEmail('jane@acme.com');
    expect(found.body.value.results).toContainEqual({ title: 'Jane Doe (jane@acme.com)', value: jane!.id });
  });

  it('Save attaches the selected contacts, lists them on the card, and changes nothing more when clicked again', async () => {
    const jane = await byEmail('jane@acme.com');
    const ana = await byEmail('ana@initech.com');
    const opened = capture();
    await teams.post(message('deal D-1'));
    const save = button(cardOf(opened[0]!.body), 'Save', VERBS.dealContacts);
    const inputs = { [INPUTS.contacts]: `${jane!.id},${ana!.id}` };
    const res = await teams.post(click(save, { inputs, replyToId: 'deal-card-1' }));
    const text = cardText(res.body.value);
    expect(text).toContain('Added Jane Doe and Ana Lima to D-1.');
    expect(text).toMatch(/Contacts: .*Jane Doe \(jane@acme\.com\).*Ana Lima/);
    expect(await db().dealContact.count({ where: { dealId } })).toBe(2);

    const again = await teams.post(click(save, { inputs, replyToId: 'deal-card-1' }));
    expect(cardText(again.body.value)).toContain('Nothing changed.');
    expect(await db().dealContact.count({ where: { dealId } })).toBe(2);
    // The deal's timeline says who was attached, once each.
    expect(await db().dealEvent.count({ where: { dealId, kind: 'contact' } })).toBe(2);
  });

  it('deselecting one detaches it and keeps the other', async () => {
    const jane = await byEmail('jane@acme.com');
    const opened = capture();
    await teams.post(message('deal D-1'));
    const save = button(cardOf(opened[0]!.body), 'Save', VERBS.dealContacts);
    expect((save.data!.shown as string[]).length).toBe(2);
    const res = await teams.post(click(save, { inputs: { [INPUTS.contacts]: jane!.id } }));
    expect(cardText(res.body.value)).toContain('Removed Ana Lima from D-1.');
    const links = await db().dealContact.findMany({ where: { dealId } });
    expect(links.map((l) => l.contactId)).toEqual([jane!.id]);
  });
});

describe('tasks from the contact card', () => {
  let taskRefText: string;
  let doneButton: { verb?: string; data?: Record<string, unknown> };

  it('New task opens a dialog (title, due date, assignee); Create adds the task for Bob and posts it with Done and Snooze', async () => {
    const jane = await byEmail('jane@acme.com');
    const contactCard = capture();
    await teams.post(message('deal contact jane@acme.com'));
    // Labelled by the view ("Add task"): found by the dialog it opens.
    const newTask = actions(cardOf(contactCard[0]!.body).actions).find((a) => a.data?.dialog === DIALOGS.createTask)!;
    const fetched = await teams.post(invoke('task/fetch', { data: newTask.data }, { replyToId: 'contact-card-2' }));
    expect(fetched.body.task.value.title).toBe('New task');
    const form = fetched.body.task.value.card.content;
    const body = JSON.stringify(form.body);
    expect(body).toContain(`"id":"${INPUTS.title}"`);
    expect(body).toContain(`"id":"${INPUTS.due}"`);
    expect(body).toContain('"title":"Bob Brown"');
    const create = actions(form.actions)[0]!;

    const sent = capture();
    const submission = invoke('task/submit', { data: { ...create.data, title: 'Send the quote', due: '2026-11-27', assignee: (await bob()).id } }, { replyToId: 'contact-card-2' });
    await teams.post(submission);
    await teams.post(submission);
    const tasks = await db().task.findMany({ where: { contactId: jane!.id, title: 'Send the quote' } });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ assigneeId: (await bob()).id, doneAt: null });
    const posted = sent.find((s) => s.method === 'POST')!;
    const card = cardOf(posted.body);
    const text = cardText(card);
    taskRefText = `T-${tasks[0]!.number}`;
    expect(text).toContain(`Added ${taskRefText} for Bob Brown.`);
    expect(text).toContain('Assignee: Bob Brown');
    expect(text).toContain('Contact: Jane Doe');
    expect(actions(card.actions).map((a) => a.verb)).toEqual([VERBS.taskDone, VERBS.taskSnooze]);
    doneButton = button(card, 'Done');
    // The contact card it came from now shows it as her next task.
    const updated = sent.find((s) => s.method === 'PUT' && s.path.endsWith('/contact-card-2'))!;
    expect(cardText(cardOf(updated.body))).toContain(`Next task: ${taskRefText} Send the quote`);
  });

  it('Done twice: one completion, one timeline entry; the card shows it done', async () => {
    const first = await teams.post(click(doneButton, { replyToId: 'task-card-1' }));
    const second = await teams.post(click(doneButton, { replyToId: 'task-card-1' }));
    expect(cardText(first.body.value)).toContain(`Done: ${taskRefText} “Send the quote”.`);
    expect(cardText(first.body.value)).toContain('Status: done');
    expect(first.body.value.actions).toBeUndefined();
    expect(cardText(second.body.value)).toContain(`${taskRefText} was already done. Nothing changed.`);
    const task = await db().task.findFirstOrThrow({ where: { title: 'Send the quote' } });
    expect(task.doneAt).not.toBeNull();
    expect(await db().activity.count({ where: { contactId: task.contactId, type: 'task' } })).toBe(1);
  });

  it('Snooze moves an open task one day, once when the click is replayed', async () => {
    const jane = await byEmail('jane@acme.com');
    const { task } = await t.crm.tasks.create({ workspaceId: (await alice()).workspaceId, memberId: (await alice()).id, timeZone: 'UTC' }, { title: 'Call back', due: '2026-11-24', contactId: jane!.id });
    const snooze = { verb: VERBS.taskSnooze, data: { task: task.ref, due: '2026-11-24', on: { card: 'task' } } };
    const first = await teams.post(click(snooze));
    const again = await teams.post(click(snooze));
    expect(cardText(first.body.value)).toContain(`${task.ref} is now due Wed, Nov 25.`);
    expect(cardText(again.body.value)).toContain('Nothing changed.');
    const row = await db().task.findUniqueOrThrow({ where: { id: task.id } });
    expect(row.dueAt?.toISOString().slice(0, 10)).toBe('2026-11-25');
  });

  it('Done on a task list redraws the list without it (the Action.Submit fallback updates the card by id)', async () => {
    const me = await alice();
    const actor = { workspaceId: me.workspaceId, memberId: me.id, timeZone: 'UTC' };
    const { task } = await t.crm.tasks.create(actor, { title: 'Book the demo' });
    const list = await t.crm.tasks.list(actor, { type: 'mine' });
    expect(list.items.map((i) => i.ref)).toContain(task.ref);
    const sent = capture();
    const data = { verb: VERBS.taskDone, task: task.ref, on: { card: 'tasks', cursor: { list: 'tasks', scope: { type: 'mine' }, page: 1, pageSize: 10 } } };
    await teams.post(teamsActivity('message', { value: data, replyToId: 'task-list-1' }));
    expect(sent[0]).toMatchObject({ method: 'PUT', path: '/teams/v3/conversations/a:1alice-personal-chat/activities/task-list-1' });
    const text = cardText(cardOf(sent[0]!.body));
    expect(text).toContain(`Done: ${task.ref} “Book the demo”.`);
    expect(text).toContain('Your open tasks');
    expect(text).not.toContain('Book the demo  ');
  });
});

describe('companies', () => {
  it('Edit on a company card renames it and sets its domain; a bad domain is shown', async () => {
    const acme = await db().company.findFirstOrThrow({ where: { name: 'Acme' } });
    const fetched = await teams.post(invoke('task/fetch', { data: { msteams: { type: 'task/fetch' }, dialog: DIALOGS.editCompany, companyId: acme.id } }));
    const save = actions(fetched.body.task.value.card.content.actions)[0]!;
    const wrong = await teams.post(invoke('task/submit', { data: { ...save.data, name: 'Acme', domain: 'not a domain' } }));
    expect(cardText(wrong.body.task.value.card.content)).toMatch(/domain such as acme\.com/);
    const sent = capture();
    await teams.post(invoke('task/submit', { data: { ...save.data, name: 'Acme Corp', domain: 'https://www.acme.com/' } }));
    expect(await db().company.findUniqueOrThrow({ where: { id: acme.id } })).toMatchObject({ name: 'Acme Corp', domain: 'acme.com' });
    const text = cardText(cardOf(sent[0]!.body));
    expect(text).toContain('Acme Corp updated.');
    expect(text).toContain('Domain: acme.com');
  });

  it('`deal company Acme Corp`, `deal contacts Acme Corp` and `deal tasks mine` answer with their cards', async () => {
    const sent = capture();
    await teams.post(message('deal company Acme Corp'));
    await teams.post(message('deal contacts Acme Corp'));
    await teams.post(message('deal tasks mine'));
    const [company, contacts, tasks] = sent.map((s) => cardOf(s.body));
    expect(cardText(company)).toContain('🏢 Acme Corp');
    expect(cardText(company)).toContain('Pipeline value: $25,000');
    expect(cardText(company)).toContain('Jane Doe');
    expect(cardText(contacts)).toContain('Jane Doe');
    expect(cardVerbs(contacts)).toContain(VERBS.openContact);
    expect(cardText(tasks)).toContain('Call back');
    expect(cardVerbs(tasks)).toEqual(expect.arrayContaining([VERBS.taskDone, VERBS.taskSnooze]));
  });

  it('Prev/Next on a contact list asks for the next page of the same list', async () => {
    const res = await teams.post(cardAction(VERBS.recordPage, { cursor: { list: 'contacts', scope: { type: 'all' }, page: 1, pageSize: 2 } }));
    const text = cardText(res.body.value);
    expect(text).toMatch(/Showing 1–2 of \d+/);
    const next = actions(res.body.value.actions).find((a) => a.title === 'Next')!;
    expect(next.data).toMatchObject({ cursor: { list: 'contacts', page: 2, pageSize: 2 } });
  });

  it('a button with data we did not make is answered, not obeyed', async () => {
    const res = await teams.post(cardAction(VERBS.createAnyway, { command: 'deal lost D-1 because' }));
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'That button no longer works. Run the command again.' });
    expect((await db().deal.findFirstOrThrow({ where: { title: 'Acme renewal' } })).status).toBe('open');
  });
});
