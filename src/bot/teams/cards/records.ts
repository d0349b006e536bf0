/**
 * Contacts, companies and tasks as Adaptive Cards: the contact and company cards, their lists,
 * one task and a task list, and the duplicate warning. Pure, like every renderer here: view model
 * in, card JSON out. Every fact comes from the view, and every button from the view's `actions`
 * (one Teams action per entry, with the view's label), so Slack's Block Kit rendering of the same
 * view carries the same facts and the same buttons (the parity test reads both).
 *
 * Sizes: each line is cut before escaping (names, titles, emails, activity bodies) and lists stop
 * at MAX_RECORD_ROWS, so the longest inputs the domain accepts still fit Teams' 28 KB
 * (test/bot/teams/records-cards.test.ts measures them).
 */
import { withFittingFields } from './fields.js';
import type { ActivityLine, CardAction as ViewAction, MoneyTotal } from '../../../domain/shared/record.view.js';
import type { ContactCardView, ContactListView, ContactSummaryView } from '../../../domain/contacts/contact.view.js';
import type { CompanyCardView, CompanyListView } from '../../../domain/companies/company.view.js';
import type { TaskListView, TaskView } from '../../../domain/tasks/task.view.js';
import type { DealView } from '../../../domain/deals/deal.view.js';
import { ACTIVITY_TYPES } from '../../../domain/activities/activity.schema.js';
import { todayIn } from '../../../domain/shared/dates.js';
import type { Reply } from '../../commands/reply.js';
import { formatCount, plural } from '../../format.js';
import { DATASETS, DIALOGS, INPUTS, VERBS } from '../ids.js';
import { fitRows } from './limits.js';
import { card, choices, execute, facts, inputText, openDialog, row, showCard, text, type AdaptiveCard, type CardAction, type CardElement } from './parts.js';
import { dateFormatter, escapeMarkdown, link, oneLine, ourText, stageText, truncate, type Clock } from './text.js';

/** At most this many rows in one contact, company or task list card (a page may hold more). */
export const MAX_RECORD_ROWS = 10;

/** How much of each text a card shows (characters, before escaping). */
export const RECORD_TEXT = {
  name: 120,
  jobTitle: 100,
  company: 100,
  email: 120,
  phone: 40,
  person: 80,
  dealTitle: 120,
  taskTitle: 200,
  activity: 150,
  /** A name or title in a list row. */
  rowName: 80,
  rowText: 60,
} as const;

/** Open deals and contacts listed on a card (the views carry at most 10). */
const CARD_DEALS = 10;
const CARD_CONTACTS = 10;
const CARD_ACTIVITIES = 5;

/** A card and the plain text Teams shows in notifications. */
export interface RecordMessage {
  card: AdaptiveCard;
  summary: string;
}

export type RecordReply = Extract<Reply, { kind: 'contact' | 'contacts' | 'company' | 'companies' | 'task' | 'tasks' | 'duplicate' }>;

/** Which card a task's Done or Snooze was on, so the answer redraws that card. */
export type TaskOrigin = { card: 'task' } | { card: 'tasks'; cursor: RecordCursor };

/** What a contact, company or task list card listed and which page, carried by Prev/Next. */
export type RecordCursor =
  | { list: 'contacts'; scope: ContactListView['source']['scope']; page: number; pageSize: number }
  | { list: 'companies'; scope: CompanyListView['source']['scope']; page: number; pageSize: number }
  | { list: 'tasks'; scope: TaskListView['source']['scope']; page: number; pageSize: number };

/**
 * The card for a contact, company or task reply (and the duplicate warning): the function the
 * Slack/Teams parity test calls, and what `replyCard` uses for these kinds.
 */
export function recordCard(reply: RecordReply, clock: Clock): RecordMessage {
  switch (reply.kind) {
    case 'contact':
      return contactCard(reply.contact, clock, { headline: reply.headline, hint: reply.hint });
    case 'contacts':
      return contactListCard(reply.list, reply.hint);
    case 'company':
      return companyCard(reply.company, clock, { headline: reply.headline, hint: reply.hint });
    case 'companies':
      return companyListCard(reply.list, reply.hint);
    case 'task':
      return taskCard(reply.task, clock, { headline: reply.headline, hint: reply.hint });
    case 'tasks':
      return taskListCard(reply.list, clock, { headline: reply.headline, hint: reply.hint });
    case 'duplicate':
      return duplicateCard(reply);
  }
}

export interface RecordCardOptions {
  /** What just happened: "Created Jane Doe." */
  headline?: string;
  /** What did not happen (a button failed): a warning on top. */
  notice?: string;
  /** Our own text, may contain `code`. */
  hint?: string;
}

function top(opts: RecordCardOptions): CardElement[] {
  return [
    ...(opts.notice ? [text(`⚠️ ${escapeMarkdown(opts.notice)}`, { color: 'Attention' })] : []),
    ...(opts.headline ? [text(`✅ ${escapeMarkdown(opts.headline)}`, { color: 'Good' })] : []),
  ];
}

const bottom = (opts: RecordCardOptions): CardElement[] => (opts.hint ? [text(ourText(opts.hint), { size: 'Small', subtle: true })] : []);

const esc = (value: string, max: number) => escapeMarkdown(truncate(oneLine(value), max));
const orDash = (value: string | null | undefined, max: number) => (value ? esc(value, max) : '—');

// ---------------------------------------------------------------------------------------------
// Contact

export function contactCard(contact: ContactCardView, clock: Clock, opts: RecordCardOptions = {}): RecordMessage {
  const summary = opts.headline ?? [contact.name, contact.company?.name].filter(Boolean).join(' · ');
  const build = (fields: CardElement[]) => card(contactCardBody(contact, clock, opts, fields), recordActions(contact.actions), truncate(summary, 500));
  return { card: withFittingFields(contact.fields, build), summary: truncate(summary, 500) };
}

function contactCardBody(contact: ContactCardView, clock: Clock, opts: RecordCardOptions, fields: CardElement[]): CardElement[] {
  const date = dateFormatter(clock);
  // The same facts, in the same order and words, as Slack's contact card.
  const title = `👤 **${esc(contact.name, RECORD_TEXT.name)}**${contact.title ? `  ${esc(contact.title, RECORD_TEXT.jobTitle)}` : ''}`;
  const body: CardElement[] = [...top(opts), text(title, { size: 'Medium' })];
  const moreTasks = contact.openTaskCount - (contact.nextTask ? 1 : 0);
  body.push(
    facts([
      ['Email', orDash(contact.email, RECORD_TEXT.email)],
      ['Phone', orDash(contact.phone, RECORD_TEXT.phone)],
      ['Company', contact.company ? esc(contact.company.name, RECORD_TEXT.company) : '—'],
      ['Owner', contact.owner ? esc(contact.owner.displayName, RECORD_TEXT.person) : 'no owner'],
      ['Next task', contact.nextTask ? `${taskOneLine(contact.nextTask, date)}${moreTasks > 0 ? ` (+${plural(moreTasks, 'more open task')})` : ''}` : 'none'],
    ]),
    ...fields,
  );
  body.push(...dealSection('Open deals', contact.openDeals, contact.openDealCount, date));
  body.push(...activitySection(contact.recentActivity, clock), ...bottom(opts));
  return body;
}

// ---------------------------------------------------------------------------------------------
// Company

export function companyCard(company: CompanyCardView, clock: Clock, opts: RecordCardOptions = {}): RecordMessage {
  const summary = opts.headline ?? [company.name, company.domain].filter(Boolean).join(' · ');
  const build = (fields: CardElement[]) => card(companyCardBody(company, clock, opts, fields), recordActions(company.actions), truncate(summary, 500));
  return { card: withFittingFields(company.fields, build), summary: truncate(summary, 500) };
}

function companyCardBody(company: CompanyCardView, clock: Clock, opts: RecordCardOptions, fields: CardElement[]): CardElement[] {
  const date = dateFormatter(clock);
  const title = `🏢 **${esc(company.name, RECORD_TEXT.company)}**${company.domain ? `  ${esc(company.domain, RECORD_TEXT.email)}` : ''}`;
  const body: CardElement[] = [...top(opts), text(title, { size: 'Medium' })];
  body.push(
    facts([
      ['Domain', orDash(company.domain, RECORD_TEXT.email)],
      ['Owner', company.owner ? esc(company.owner.displayName, RECORD_TEXT.person) : 'no owner'],
      ['Contacts', num(company.contactCount)],
      ['Open deals', num(company.openDealCount)],
      ['Pipeline value', totals(company.pipelineValue)],
      ['Won revenue', totals(company.wonRevenue)],
    ]),
    ...fields,
  );
  if (company.contacts.length) {
    const shown = company.contacts.slice(0, CARD_CONTACTS);
    const lines = shown.map((c) => `• ${contactLine(c)}`);
    const rest = company.contactCount - shown.length;
    if (rest > 0) lines.push(`…and ${plural(rest, 'more contact')}`);
    body.push(text(`**Contacts** (${num(company.contactCount)})`, { size: 'Small', spacing: 'Medium' }), text(lines.join('\n\n'), { size: 'Small', spacing: 'None' }));
  }
  body.push(...dealSection('Open deals', company.openDeals, company.openDealCount, date), ...activitySection(company.recentActivity, clock), ...bottom(opts));
  return body;
}

const num = (n: number) => n.toLocaleString('en-US');

/** `$25,000.00 + €4,000.00`, or `—`. */
const totals = (list: MoneyTotal[]) => (list.length ? list.map((t) => escapeMarkdown(t.text)).join(' + ') : '—');

/** `Jane Doe · Head of Sales · jane@acme.com` */
function contactLine(c: ContactSummaryView): string {
  return [esc(c.name, RECORD_TEXT.rowName), c.title ? esc(c.title, RECORD_TEXT.rowText) : undefined, c.email ? esc(c.email, RECORD_TEXT.rowName) : undefined]
    .filter(Boolean)
    .join(' · ');
}

/** Open deals as lines: `D-42 Acme renewal · $25,000 · Proposal`, and how many more. */
function dealSection(heading: string, deals: DealView[], count: number, date: (d: string) => string): CardElement[] {
  if (!deals.length) return [];
  const shown = deals.slice(0, CARD_DEALS);
  const lines = shown.map((d) => {
    const parts = [
      `**${escapeMarkdown(d.ref)}** ${esc(d.title, RECORD_TEXT.dealTitle)}`,
      d.amountText ? escapeMarkdown(d.amountText) : 'no amount',
      stageText(d, 80),
      d.expectedCloseDate ? `close ${date(d.expectedCloseDate)}` : undefined,
    ];
    return `• ${parts.filter(Boolean).join(' · ')}`;
  });
  const rest = count - shown.length;
  if (rest > 0) lines.push(`…and ${plural(rest, 'more open deal')}`);
  return [text(`**${heading}** (${num(count)})`, { size: 'Small', spacing: 'Medium' }), text(lines.join('\n\n'), { size: 'Small', spacing: 'None' })];
}

/** `• Fri, Nov 27 · Alice Adams · call: Talked pricing (D-42)`, as the deal card's timeline says. */
function activitySection(list: ActivityLine[], clock: Clock): CardElement[] {
  if (!list.length) return [];
  const date = dateFormatter(clock);
  const lines = list.slice(0, CARD_ACTIVITIES).map((a) => {
    const what = a.type === 'merged' ? `merged: ${esc(a.body, RECORD_TEXT.activity)}` : `${escapeMarkdown(a.type)}: ${esc(a.body, RECORD_TEXT.activity)}`;
    const on = [a.deal ? escapeMarkdown(a.deal.ref) : undefined, a.contact ? esc(a.contact.name, 60) : undefined].filter(Boolean).join(', ');
    const source = a.sourceUrl && a.sourceUrl.length <= 600 ? link(a.sourceUrl, 'source') : '';
    const parts = [date(todayIn(clock.timeZone, a.at)), a.actor ? esc(a.actor, RECORD_TEXT.person) : undefined, `${what}${on ? ` (${on})` : ''}${source ? ` ${source}` : ''}`];
    return `• ${parts.filter(Boolean).join(' · ')}`;
  });
  return [text('**Recent activity**', { size: 'Small', spacing: 'Medium' }), text(lines.join('\n\n'), { size: 'Small', subtle: true, spacing: 'None' })];
}

// ---------------------------------------------------------------------------------------------
// Tasks

/** `T-3 Send the quote (🔴 overdue since Fri, Nov 27)`, for a FactSet value (as Slack's card says it). */
function taskOneLine(task: TaskView, date: (d: string) => string): string {
  return `${escapeMarkdown(task.ref)} ${esc(task.title, RECORD_TEXT.taskTitle)} (${task.done ? 'done' : dueWords(task, date)})`;
}

function dueWords(task: TaskView, date: (d: string) => string): string {
  if (!task.due) return 'no due date';
  return task.overdue ? `🔴 overdue since ${date(task.due)}` : task.dueToday ? '⏰ due today' : `due ${date(task.due)}`;
}

/** The facts under a task's title: when, who, on what. */
function taskFacts(task: TaskView, clock: Clock): string[] {
  const date = dateFormatter(clock);
  const when = task.done ? `✅ done${task.doneAt ? ` ${date(todayIn(clock.timeZone, task.doneAt))}` : ''}` : dueWords(task, date);
  return [
    when,
    `assigned to ${task.assignee ? esc(task.assignee.displayName, RECORD_TEXT.person) : 'no one'}`,
    task.deal ? `${escapeMarkdown(task.deal.ref)} ${esc(task.deal.title, 60)}` : undefined,
    task.contact ? esc(task.contact.name, 60) : undefined,
  ].filter((v): v is string => Boolean(v));
}

export function taskCard(task: TaskView, clock: Clock, opts: RecordCardOptions = {}): RecordMessage {
  const date = dateFormatter(clock);
  const title = `${task.done ? '✅' : '☐'} **${escapeMarkdown(task.ref)}**  ${esc(task.title, RECORD_TEXT.taskTitle)}`;
  const body: CardElement[] = [...top(opts), text(title, { size: 'Medium' })];
  body.push(
    facts([
      ['Status', task.done ? `done${task.doneAt ? ` ${date(todayIn(clock.timeZone, task.doneAt))}` : ''}` : 'open'],
      ['Due', task.due ? `${date(task.due)}${task.done ? '' : task.overdue ? ' (🔴 overdue)' : task.dueToday ? ' (⏰ today)' : ''}` : '—'],
      ['Assignee', task.assignee ? esc(task.assignee.displayName, RECORD_TEXT.person) : 'unassigned'],
      ['Deal', task.deal ? `${escapeMarkdown(task.deal.ref)} ${esc(task.deal.title, RECORD_TEXT.dealTitle)}` : '—'],
      ['Contact', task.contact ? esc(task.contact.name, RECORD_TEXT.name) : '—'],
    ]),
    ...bottom(opts),
  );
  const summary = opts.headline ?? `${task.ref} ${task.title}`;
  return { card: card(body, recordActions(task.actions, { card: 'task' }, task), truncate(summary, 500)), summary: truncate(summary, 500) };
}

export function taskListCard(list: TaskListView, clock: Clock, opts: RecordCardOptions = {}): RecordMessage {
  return fitRows(MAX_RECORD_ROWS, (rows) => taskListOf(list, clock, opts, rows));
}

function taskListOf(list: TaskListView, clock: Clock, opts: RecordCardOptions, rows: number): RecordMessage {
  const { shown, showing, actions, cursor } = paging(list, rows, (page, pageSize): RecordCursor => ({ list: 'tasks', scope: list.source.scope, page, pageSize }));
  const body: CardElement[] = [...top(opts), text(escapeMarkdown(list.heading), { weight: 'Bolder', size: 'Medium' })];
  if (!shown.length) body.push(text('_No open tasks here._'));
  for (const task of shown) {
    const buttons = recordActions(task.actions, { card: 'tasks', cursor }, task);
    const items = [
      text(`**${escapeMarkdown(task.ref)}**  ${esc(task.title, RECORD_TEXT.dealTitle)}`),
      text(taskFacts(task, clock).join(' · '), { size: 'Small', subtle: true, spacing: 'None' }),
    ];
    body.push(buttons.length ? row(items, buttons) : { type: 'Container', separator: true, items });
  }
  if (shown.length) body.push(text(showing, { size: 'Small', subtle: true }));
  body.push(...bottom(opts));
  const summary = opts.headline ?? `${list.heading}: ${showing.toLowerCase()}`;
  return { card: card(body, actions, truncate(summary, 500)), summary: truncate(summary, 500) };
}

// ---------------------------------------------------------------------------------------------
// Lists of contacts and companies

export function contactListCard(list: ContactListView, hint?: string): RecordMessage {
  return fitRows(MAX_RECORD_ROWS, (rows) => contactListOf(list, hint, rows));
}

function contactListOf(list: ContactListView, hint: string | undefined, rows: number): RecordMessage {
  const { shown, showing, actions } = paging(list, rows, (page, pageSize): RecordCursor => ({ list: 'contacts', scope: list.source.scope, page, pageSize }));
  const body: CardElement[] = [text(escapeMarkdown(list.heading), { weight: 'Bolder', size: 'Medium' })];
  if (!shown.length) body.push(text('_No contacts here._'));
  for (const c of shown) {
    // `VP Sales · Acme · jane@acme.com · +1 415 555 0100 · owner Alice`, as Slack's row says it.
    const second = [
      c.title ? esc(c.title, RECORD_TEXT.rowText) : undefined,
      c.company ? esc(c.company.name, RECORD_TEXT.rowText) : undefined,
      c.email ? esc(c.email, RECORD_TEXT.rowName) : undefined,
      c.phone ? esc(c.phone, RECORD_TEXT.phone) : undefined,
      c.owner ? `owner ${esc(c.owner.displayName, RECORD_TEXT.rowText)}` : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    body.push(
      row(
        [text(`**${esc(c.name, RECORD_TEXT.rowName)}**`), ...(second ? [text(second, { size: 'Small', subtle: true, spacing: 'None' })] : [])],
        execute('Open', VERBS.openContact, { contactId: c.id }),
      ),
    );
  }
  if (shown.length) body.push(text(showing, { size: 'Small', subtle: true }));
  if (hint) body.push(text(ourText(hint), { size: 'Small', subtle: true }));
  const summary = `${list.heading}: ${showing.toLowerCase()}`;
  return { card: card(body, actions, truncate(summary, 500)), summary: truncate(summary, 500) };
}

export function companyListCard(list: CompanyListView, hint?: string): RecordMessage {
  return fitRows(MAX_RECORD_ROWS, (rows) => companyListOf(list, hint, rows));
}

function companyListOf(list: CompanyListView, hint: string | undefined, rows: number): RecordMessage {
  const { shown, showing, actions } = paging(list, rows, (page, pageSize): RecordCursor => ({ list: 'companies', scope: list.source.scope, page, pageSize }));
  const body: CardElement[] = [text(escapeMarkdown(list.heading), { weight: 'Bolder', size: 'Medium' })];
  if (!shown.length) body.push(text('_No companies here._'));
  for (const c of shown) {
    const second = [
      c.domain ? esc(c.domain, RECORD_TEXT.rowName) : undefined,
      plural(c.contactCount, 'contact'),
      plural(c.openDealCount, 'open deal'),
      c.owner ? `owner ${esc(c.owner.displayName, RECORD_TEXT.rowText)}` : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    body.push(
      row(
        [text(`**${esc(c.name, RECORD_TEXT.rowName)}**`), text(second, { size: 'Small', subtle: true, spacing: 'None' })],
        execute('Open', VERBS.openCompany, { companyId: c.id }),
      ),
    );
  }
  if (shown.length) body.push(text(showing, { size: 'Small', subtle: true }));
  if (hint) body.push(text(ourText(hint), { size: 'Small', subtle: true }));
  const summary = `${list.heading}: ${showing.toLowerCase()}`;
  return { card: card(body, actions, truncate(summary, 500)), summary: truncate(summary, 500) };
}

interface Page<T> {
  items: T[];
  total: number;
  totalCapped: boolean;
  page: number;
  pageSize: number;
  hasMore: boolean;
}

/**
 * The rows a card shows (at most `rows`: MAX_RECORD_ROWS, fewer when the longest texts would not
 * fit Teams' size limit), "Showing 1–10 of 153", and Prev/Next buttons whose cursor asks for
 * pages of the rows shown, so no row is skipped when a page held more.
 */
function paging<T>(list: Page<T>, rows: number, at: (page: number, pageSize: number) => RecordCursor) {
  const shown = list.items.slice(0, rows);
  const first = (list.page - 1) * list.pageSize;
  const showing = `Showing ${shown.length ? `${first + 1}–${first + shown.length}` : '0'} of ${formatCount(list)}`;
  const size = Math.max(1, Math.min(list.pageSize, rows));
  const aligned = first % size === 0;
  const current = aligned ? first / size + 1 : list.page;
  const pageSize = aligned ? size : list.pageSize;
  const more = list.hasMore || list.items.length > shown.length;
  const actions: CardAction[] = [
    ...(list.page > 1 ? [execute('Prev', VERBS.recordPage, { cursor: at(current - 1, pageSize) })] : []),
    ...(more ? [execute('Next', VERBS.recordPage, { cursor: at(aligned ? current + 1 : list.page + 1, pageSize) })] : []),
  ];
  return { shown, showing, actions, cursor: at(current, pageSize) };
}

// ---------------------------------------------------------------------------------------------
// Duplicate warning

/**
 * Nothing was created: the warning names the record that exists; "Use existing" shows its card,
 * "Create anyway" (unless the email or domain is taken, which is always refused) creates it
 * regardless, as the person who asked.
 */
export function duplicateCard(reply: Extract<Reply, { kind: 'duplicate' }>, anyway: { data?: Record<string, unknown> } = {}): RecordMessage {
  const { existing } = reply;
  const body: CardElement[] = [text(`⚠️ ${escapeMarkdown(reply.message)}`, { color: 'Warning', weight: 'Bolder' })];
  if (existing.record === 'contact') {
    const c = existing.contact;
    body.push(
      facts([
        ['Existing contact', esc(c.name, RECORD_TEXT.name)],
        ['Company', c.company ? esc(c.company.name, RECORD_TEXT.company) : '—'],
        ['Email', orDash(c.email, RECORD_TEXT.email)],
        ['Owner', c.owner ? esc(c.owner.displayName, RECORD_TEXT.person) : 'no owner'],
      ]),
    );
  } else {
    const c = existing.company;
    body.push(
      facts([
        ['Existing company', esc(c.name, RECORD_TEXT.company)],
        ['Domain', orDash(c.domain, RECORD_TEXT.email)],
        ['Contacts', String(c.contactCount)],
        ['Open deals', String(c.openDealCount)],
      ]),
    );
  }
  const what = existing.record === 'contact' ? 'contact' : 'company';
  body.push(text(reply.createAnyway || anyway.data ? `Nothing was created. Use the existing ${what}, or create a new one anyway.` : `Nothing was created. Use the existing ${what}, or change what makes it the same.`, { size: 'Small', subtle: true }));
  const use =
    existing.record === 'contact'
      ? execute('Use existing', VERBS.openContact, { contactId: existing.contact.id, replace: true }, { style: 'positive' })
      : execute('Use existing', VERBS.openCompany, { companyId: existing.company.id, replace: true }, { style: 'positive' });
  const create = anyway.data
    ? [execute('Create anyway', VERBS.createAnyway, anyway.data)]
    : reply.createAnyway
      ? [execute('Create anyway', VERBS.createAnyway, { command: reply.createAnyway })]
      : [];
  return { card: card(body, [use, ...create], truncate(reply.message, 500)), summary: truncate(reply.message, 500) };
}

// ---------------------------------------------------------------------------------------------
// The view's actions as Teams buttons

/**
 * One Teams action per view action, with the view's label: dialogs for edits and new records,
 * a small form inside the card for logging, and `Action.Execute` buttons for Done and Snooze
 * (answered with the redrawn card, which `origin` names).
 */
export function recordActions(list: ViewAction[], origin: TaskOrigin = { card: 'task' }, task?: Pick<TaskView, 'due'>): CardAction[] {
  return list.map((a) => recordAction(a, origin, task));
}

function recordAction(a: ViewAction, origin: TaskOrigin, task: Pick<TaskView, 'due'> | undefined): CardAction {
  switch (a.id) {
    case 'contact.edit':
      return openDialog(a.label, { dialog: DIALOGS.editContact, contactId: a.subject });
    case 'contact.new_task':
      return openDialog(a.label, { dialog: DIALOGS.createTask, contactId: a.subject });
    case 'contact.log':
      return showCard(a.label, activityForm(), [execute('Log', VERBS.logContact, { contactId: a.subject }, { style: 'positive' })]);
    case 'company.edit':
      return openDialog(a.label, { dialog: DIALOGS.editCompany, companyId: a.subject });
    case 'company.new_contact':
      return openDialog(a.label, { dialog: DIALOGS.createContact, companyId: a.subject });
    case 'task.done':
      return execute(a.label, VERBS.taskDone, { task: a.subject, on: origin }, { style: 'positive' });
    case 'task.snooze':
      // The due date the person saw: a replayed click snoozes once (the domain compares it).
      return execute(a.label, VERBS.taskSnooze, { task: a.subject, ...(task && { due: task.due }), on: origin });
    case 'deal.add_contact':
      return showCard(a.label, [contactPicker([])], [execute('Save', VERBS.dealContacts, { dealId: a.subject, shown: [] }, { style: 'positive' })]);
  }
}

/** Type and text of an activity, as the deal card's Log activity form asks them. */
export function activityForm(): CardElement[] {
  return [
    choices(INPUTS.activityType, {
      label: 'Type',
      value: 'call',
      choices: ACTIVITY_TYPES.map((t) => ({ title: t.charAt(0).toUpperCase() + t.slice(1), value: t })),
    }),
    inputText(INPUTS.body, { label: 'What happened', multiline: true, maxLength: 4000, required: true, errorMessage: 'Say what happened.' }),
  ];
}

/** A contact as a choice: `Jane Doe (jane@acme.com)`, cut short (choice titles are plain text). */
export const contactChoice = (c: { id: string; name: string; email: string | null }) => ({
  title: truncate(oneLine(c.email ? `${c.name} (${c.email})` : c.name), 100),
  value: c.id,
});

/**
 * The deal card's contacts: a multi-select holding the deal's contacts (selected), that finds more
 * contacts as the person types (`Data.Query`, answered by the bot's `application/search`).
 */
export function contactPicker(current: { id: string; name: string; email: string | null }[]): CardElement {
  return {
    ...choices(INPUTS.contacts, {
      label: 'Contacts on this deal',
      value: current.map((c) => c.id).join(','),
      placeholder: 'Type a name or email',
      choices: current.map(contactChoice),
    }),
    style: 'filtered',
    isMultiSelect: true,
    'choices.data': { type: 'Data.Query', dataset: DATASETS.contacts },
  };
}
