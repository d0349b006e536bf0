/**
 * Contacts, companies and tasks as Slack messages: the reply kinds `contact`, `contacts`,
 * `company`, `companies`, `task`, `tasks` and `duplicate`. Pure: view model in, Block Kit out.
 *
 * Every fact comes from the view model and every action of a view (`CardAction`) becomes one
 * button with the view's own label, so the Slack and Teams renderings carry the same facts and
 * actions (`slackRecordBlocks` and `cardActionsIn` are what a parity test compares). Text from
 * people goes through `escapeMrkdwn`; lines that do not fit say how many were left out.
 */
import type { ActionsBlock, Button, KnownBlock, SectionBlock } from '@slack/types';
import type { ContactCardView, ContactListView, ContactSummaryView } from '../../../domain/contacts/contact.view.js';
import type { CompanyCardView, CompanyListView, CompanySummaryView } from '../../../domain/companies/company.view.js';
import type { DealView } from '../../../domain/deals/deal.view.js';
import type { ActivityLine, CardAction, CardActionId, MoneyTotal } from '../../../domain/shared/record.view.js';
import type { TaskListView, TaskView } from '../../../domain/tasks/task.view.js';
import { todayIn } from '../../../domain/shared/dates.js';
import type { Reply } from '../../commands/reply.js';
import { formatCount } from '../../format.js';
import { ACTIONS, RECORD_ACTIONS } from '../ids.js';
import { pageWindow } from './cursor.js';
import { dateFormatter, personText, stageText, type Clock } from './deal-text.js';
import { escapeControl, escapeMrkdwn, SLACK_LIMITS, truncate, truncateMrkdwn } from './escape.js';
import { actions, button, context, fieldsSection, linesSection, section } from './parts.js';
import { customFieldSections } from './fields.js';
import {
  encodeCreateAnyway,
  encodeExisting,
  encodeRecordCursor,
  encodeTaskValue,
  parseTaskValue,
  type CreateAnywayValue,
  type RecordCursor,
  type TaskButtonOrigin,
} from './record-cursor.js';

export type RecordReply = Extract<Reply, { kind: 'contact' | 'contacts' | 'company' | 'companies' | 'task' | 'tasks' | 'duplicate' }>;

export interface RecordOptions extends Clock {
  /** Where a single task's Done and Snooze were shown (default: a task message). */
  taskOrigin?: TaskButtonOrigin;
  /**
   * A duplicate warning's "Create anyway", when it is not the reply's command line (a warning
   * from the new-contact modal carries the form's values).
   */
  createAnyway?: CreateAnywayValue;
}

/** How much of each thing a card or list shows; what is left out is counted ("…and 3 more"). */
export const RECORD_LIMITS = {
  /** Rows of a contact or company list: one block each (a message holds 50). */
  listItems: 20,
  /** Tasks in a task list: two blocks each (the task, its Done and Snooze). */
  taskItems: 15,
  /** Characters of a name, title or email on one line. */
  name: 80,
  /** Characters of a deal title on a card's line. */
  dealTitle: 120,
  /** Characters of an activity's text on a card. */
  activityBody: 150,
  /** Characters of a task title on a line. */
  taskTitle: 300,
} as const;

export const RECORD_TEXT = {
  noContacts: '_No contacts here._',
  noCompanies: '_No companies here._',
  noTasks: '_No open tasks here._ :tada:',
  noOpenDeals: '_No open deals._',
  noActivity: '_Nothing logged yet._',
  duplicateNothingCreated: 'Nothing was created. Use the existing one, or create it anyway.',
  duplicateNoAnyway: 'Nothing was created: an email address or a web domain belongs to one record only. Use the existing one, or change it.',
  useExisting: 'Use existing',
  createAnyway: 'Create anyway',
  copyCommand: (cmd: string) => `To create it anyway: \`${cmd}\``,
} as const;

/** The message for a contact, company, task or duplicate reply: blocks and notification text. */
export function recordMessage(reply: RecordReply, opts: RecordOptions): { text: string; blocks: KnownBlock[] } {
  const text = truncateMrkdwn(escapeMrkdwn(recordFallbackText(reply)), SLACK_LIMITS.fallbackText);
  switch (reply.kind) {
    case 'contact':
      return { text, blocks: contactCardBlocks(reply.contact, { ...opts, headline: reply.headline, hint: reply.hint }) };
    case 'company':
      return { text, blocks: companyCardBlocks(reply.company, { ...opts, headline: reply.headline, hint: reply.hint }) };
    case 'task':
      return { text, blocks: taskCardBlocks(reply.task, { ...opts, headline: reply.headline, hint: reply.hint }) };
    case 'contacts':
      return { text, blocks: contactListBlocks(reply.list, { hint: reply.hint }) };
    case 'companies':
      return { text, blocks: companyListBlocks(reply.list, { hint: reply.hint }) };
    case 'tasks':
      return { text, blocks: taskListBlocks(reply.list, { ...opts, headline: reply.headline, hint: reply.hint }) };
    case 'duplicate':
      return { text, blocks: duplicateBlocks(reply, opts) };
  }
}

/**
 * The blocks of a contact, company, task or duplicate reply, for a test that holds the Slack and
 * Teams renderings of one view model to the same facts and actions (with `cardActionsIn`). Dates
 * read in `clock` (UTC today when absent).
 */
export function slackRecordBlocks(reply: RecordReply, clock: Clock = { now: new Date(), timeZone: 'UTC' }): KnownBlock[] {
  return recordMessage(reply, clock).blocks;
}

/** The notification text of a record reply (raw: the caller escapes it). */
export function recordFallbackText(reply: RecordReply): string {
  switch (reply.kind) {
    case 'contact':
      return reply.headline ?? reply.contact.name;
    case 'company':
      return reply.headline ?? reply.company.name;
    case 'task':
      return reply.headline ?? `${reply.task.ref} ${reply.task.title}`;
    case 'tasks':
      return reply.headline ?? `${reply.list.heading}: ${`${formatCount(reply.list)} open`}`;
    case 'contacts':
    case 'companies':
      return `${reply.list.heading}: ${formatCount(reply.list)}`;
    case 'duplicate':
      return reply.message;
  }
}

/** `1 contact`, `1,204 contacts`. */
function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

const num = (n: number) => n.toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------
// Contacts

interface CardOptions extends RecordOptions {
  headline?: string;
  hint?: string;
}

export function contactCardBlocks(c: ContactCardView, opts: CardOptions): KnownBlock[] {
  const date = dateFormatter(opts);
  const blocks: KnownBlock[] = [];
  if (opts.headline) blocks.push(section(`:white_check_mark: ${escapeMrkdwn(opts.headline)}`));
  blocks.push(section(`:bust_in_silhouette: *${escapeMrkdwn(truncate(c.name, 200))}*${c.title ? `  ${escapeMrkdwn(truncate(c.title, 200))}` : ''}`));
  blocks.push(
    fieldsSection([
      ['Email', c.email ? escapeMrkdwn(c.email) : '—'],
      ['Phone', c.phone ? escapeMrkdwn(c.phone) : '—'],
      ['Company', c.company ? escapeMrkdwn(truncate(c.company.name, 200)) : '—'],
      ['Owner', personText(c.owner)],
      ['Next task', c.nextTask ? taskInline(c.nextTask, date) + moreTasks(c.openTaskCount) : 'none'],
    ]),
    ...customFieldSections(c.fields),
  );
  blocks.push(openDealsSection(c.openDeals, c.openDealCount, date));
  blocks.push(activitySection(c.recentActivity, opts, { showContact: false }));
  if (opts.hint) blocks.push(context(escapeControl(opts.hint)));
  const buttons = cardActionButtons(c.actions);
  if (buttons.length) blocks.push(actions(buttons));
  return blocks;
}

export function contactListBlocks(list: ContactListView, opts: { hint?: string } = {}): KnownBlock[] {
  return pagedList(list, { list: 'contacts', scope: list.source.scope }, RECORD_TEXT.noContacts, (c) => section(contactRowText(c), openButton(ACTIONS.openContact, c.id)), opts.hint);
}

/** `*Jane Doe*  VP Sales · Acme · jane@acme.com · +1 415 · owner` */
export function contactRowText(c: ContactSummaryView): string {
  const facts = [
    c.title ? escapeMrkdwn(truncate(c.title, RECORD_LIMITS.name)) : undefined,
    c.company ? escapeMrkdwn(truncate(c.company.name, RECORD_LIMITS.name)) : undefined,
    c.email ? escapeMrkdwn(truncate(c.email, RECORD_LIMITS.name)) : undefined,
    c.phone ? escapeMrkdwn(c.phone) : undefined,
    c.owner ? `owner ${personText(c.owner)}` : undefined,
  ].filter(Boolean);
  return `*${escapeMrkdwn(truncate(c.name, RECORD_LIMITS.name))}*${facts.length ? `\n${facts.join(' · ')}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Companies

export function companyCardBlocks(c: CompanyCardView, opts: CardOptions): KnownBlock[] {
  const date = dateFormatter(opts);
  const blocks: KnownBlock[] = [];
  if (opts.headline) blocks.push(section(`:white_check_mark: ${escapeMrkdwn(opts.headline)}`));
  blocks.push(section(`:office: *${escapeMrkdwn(truncate(c.name, 200))}*${c.domain ? `  ${escapeMrkdwn(c.domain)}` : ''}`));
  blocks.push(
    fieldsSection([
      ['Domain', c.domain ? escapeMrkdwn(c.domain) : '—'],
      ['Owner', personText(c.owner)],
      ['Contacts', num(c.contactCount)],
      ['Open deals', num(c.openDealCount)],
      ['Pipeline value', moneyText(c.pipelineValue)],
      ['Won revenue', moneyText(c.wonRevenue)],
    ]),
    ...customFieldSections(c.fields),
  );
  blocks.push(
    linesSection(
      `*Contacts* (${num(c.contactCount)})`,
      c.contacts.map((p) => `• ${contactRowText(p).replace('\n', ' — ')}`),
      { hidden: Math.max(0, c.contactCount - c.contacts.length), more: (n) => `…and ${plural(n, 'more contact')}.`, empty: RECORD_TEXT.noContacts },
    ),
  );
  blocks.push(openDealsSection(c.openDeals, c.openDealCount, date));
  blocks.push(activitySection(c.recentActivity, opts, { showContact: true }));
  if (opts.hint) blocks.push(context(escapeControl(opts.hint)));
  const buttons = cardActionButtons(c.actions);
  if (buttons.length) blocks.push(actions(buttons));
  return blocks;
}

export function companyListBlocks(list: CompanyListView, opts: { hint?: string } = {}): KnownBlock[] {
  return pagedList(list, { list: 'companies', scope: list.source.scope }, RECORD_TEXT.noCompanies, (c) => section(companyRowText(c), openButton(ACTIONS.openCompany, c.id)), opts.hint);
}

/** `*Acme*  acme.com · 3 contacts · 2 open deals · owner` */
export function companyRowText(c: CompanySummaryView): string {
  const facts = [
    c.domain ? escapeMrkdwn(c.domain) : undefined,
    plural(c.contactCount, 'contact'),
    plural(c.openDealCount, 'open deal'),
    c.owner ? `owner ${personText(c.owner)}` : undefined,
  ].filter(Boolean);
  return `*${escapeMrkdwn(truncate(c.name, RECORD_LIMITS.name * 2))}*\n${facts.join(' · ')}`;
}

// ---------------------------------------------------------------------------------------------
// Tasks

export function taskCardBlocks(task: TaskView, opts: CardOptions): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (opts.headline) blocks.push(section(`:white_check_mark: ${escapeMrkdwn(opts.headline)}`));
  blocks.push(section(taskText(task, opts)));
  if (opts.hint) blocks.push(context(escapeControl(opts.hint)));
  const buttons = cardActionButtons(task.actions, opts.taskOrigin ?? { in: 'task' }, task);
  if (buttons.length) blocks.push(actions(buttons));
  return blocks;
}

export function taskListBlocks(list: TaskListView, opts: Clock & { headline?: string; hint?: string }): KnownBlock[] {
  const head: KnownBlock[] = opts.headline ? [section(`:white_check_mark: ${escapeMrkdwn(opts.headline)}`)] : [];
  const cursor = { list: 'tasks' as const, scope: list.source.scope, page: list.page, pageSize: list.pageSize };
  const blocks = pagedList(
    list,
    { list: 'tasks', scope: list.source.scope },
    RECORD_TEXT.noTasks,
    (t) => taskBlocks(t, opts, { in: 'list', cursor }),
    opts.hint,
    RECORD_LIMITS.taskItems,
  );
  return [...head, ...blocks];
}

/** One task as a section and, for an open task, its buttons (Done, Snooze) below it. */
export function taskBlocks(task: TaskView, clock: Clock, origin: TaskButtonOrigin): KnownBlock[] {
  const buttons = cardActionButtons(task.actions, origin, task);
  return [section(taskText(task, clock)), ...(buttons.length ? [{ ...actions(buttons), block_id: `task:${task.ref}`.slice(0, SLACK_LIMITS.blockId) } satisfies ActionsBlock] : [])];
}

/** `*T-3*  Send the quote` then `:red_circle: overdue since Fri, Nov 27 · <@U1> · D-42 Acme renewal · Jane Doe`. */
export function taskText(task: TaskView, clock: Clock): string {
  const date = dateFormatter(clock);
  const title = `*${escapeMrkdwn(task.ref)}*  ${task.done ? `~${escapeMrkdwn(truncate(task.title, RECORD_LIMITS.taskTitle))}~` : escapeMrkdwn(truncate(task.title, RECORD_LIMITS.taskTitle))}`;
  const facts = [
    task.done ? `:white_check_mark: done${task.doneAt ? ` ${date(todayIn(clock.timeZone, task.doneAt))}` : ''}` : dueText(task, date),
    `assigned to ${personText(task.assignee)}`,
    task.deal ? `${escapeMrkdwn(task.deal.ref)} ${escapeMrkdwn(truncate(task.deal.title, RECORD_LIMITS.name))}` : undefined,
    task.contact ? escapeMrkdwn(truncate(task.contact.name, RECORD_LIMITS.name)) : undefined,
  ].filter(Boolean);
  return `${title}\n${facts.join(' · ')}`;
}

function dueText(task: TaskView, date: (d: string) => string): string {
  if (!task.due) return 'no due date';
  if (task.overdue) return `:red_circle: overdue since ${date(task.due)}`;
  if (task.dueToday) return ':alarm_clock: due today';
  return `due ${date(task.due)}`;
}

/** A task on one line, inside a card's field: `T-3 Send the quote (due Fri, Nov 27)`. */
function taskInline(task: TaskView, date: (d: string) => string): string {
  return `${escapeMrkdwn(task.ref)} ${escapeMrkdwn(truncate(task.title, RECORD_LIMITS.taskTitle))} (${dueText(task, date)})`;
}

const moreTasks = (open: number) => (open > 1 ? `\n_${plural(open - 1, 'more open task')}_` : '');

// ---------------------------------------------------------------------------------------------
// Duplicates

export function duplicateBlocks(reply: Extract<Reply, { kind: 'duplicate' }>, opts: { createAnyway?: CreateAnywayValue } = {}): KnownBlock[] {
  const existing = reply.existing;
  const row = existing.record === 'contact' ? contactRowText(existing.contact) : companyRowText(existing.company);
  const anyway = opts.createAnyway ?? (reply.createAnyway ? { cmd: reply.createAnyway } : undefined);
  const anywayValue = anyway ? encodeCreateAnyway(anyway) : undefined;
  const fits = anywayValue !== undefined && anywayValue.length <= SLACK_LIMITS.buttonValue;
  const existingId = existing.record === 'contact' ? existing.contact.id : existing.company.id;
  const blocks: KnownBlock[] = [
    section(`:warning: ${escapeMrkdwn(reply.message)}`),
    section(row),
    context(anyway ? RECORD_TEXT.duplicateNothingCreated : RECORD_TEXT.duplicateNoAnyway),
  ];
  // A command too long to carry in a button (it never is, in practice) is shown to copy instead.
  if (anyway && !fits && 'cmd' in anyway) blocks.push(context(escapeControl(RECORD_TEXT.copyCommand(anyway.cmd))));
  blocks.push(
    actions([
      button(RECORD_TEXT.useExisting, ACTIONS.useExisting, { value: encodeExisting({ record: existing.record, id: existingId }), style: 'primary' }),
      ...(fits ? [button(RECORD_TEXT.createAnyway, ACTIONS.createAnyway, { value: anywayValue })] : []),
    ]),
  );
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

/**
 * One button per action of a view, with the view's label. Contact and company buttons carry the
 * subject (an id); Done and Snooze carry the task, where it was shown (`origin`) and the due date
 * it was shown with (`task`: a Snooze clicked twice moves it once).
 */
export function cardActionButtons(list: CardAction[], origin: TaskButtonOrigin = { in: 'task' }, task?: TaskView): Button[] {
  return list.slice(0, SLACK_LIMITS.actionsElements).map((a) => {
    const isTask = a.id === 'task.done' || a.id === 'task.snooze';
    const shown = task && task.ref === a.subject ? { due: task.due } : {};
    const value = isTask ? encodeTaskValue({ task: a.subject, origin, ...shown }) : a.subject;
    return button(a.label, RECORD_ACTIONS[a.id], { value, ...(a.id === 'task.done' && { style: 'primary' as const }) });
  });
}

const BY_ACTION_ID = new Map<string, CardActionId>(Object.entries(RECORD_ACTIONS).map(([id, actionId]) => [actionId, id as CardActionId]));

/**
 * The view actions a rendering offers, read back from its buttons (label, what it does, its
 * subject): what a parity test compares with the Teams card's actions.
 */
export function cardActionsIn(blocks: KnownBlock[]): CardAction[] {
  const out: CardAction[] = [];
  for (const b of blocks) {
    const elements = b.type === 'actions' ? (b as ActionsBlock).elements : b.type === 'section' && (b as SectionBlock).accessory ? [(b as SectionBlock).accessory] : [];
    for (const e of elements) {
      if (!e || e.type !== 'button') continue;
      const id = BY_ACTION_ID.get(e.action_id ?? '');
      if (!id) continue;
      const subject = id === 'task.done' || id === 'task.snooze' ? parseTaskValue(e.value)?.task : e.value;
      out.push({ id, label: e.text.text, subject: subject ?? '' });
    }
  }
  return out;
}

/** `$25,000 + €3,000`, or `—`. Never added across currencies (the view gives one total each). */
export function moneyText(totals: MoneyTotal[]): string {
  return totals.length ? totals.map((t) => escapeMrkdwn(t.text)).join(' + ') : '—';
}

/** `• *D-42*  Acme renewal · $25,000 · Proposal`, in one section, with "…and n more". */
function openDealsSection(deals: DealView[], count: number, date: (d: string) => string): SectionBlock {
  const lines = deals.map((d) => {
    const facts = [d.amountText ? escapeMrkdwn(d.amountText) : 'no amount', stageText(d, 80), d.expectedCloseDate ? `close ${date(d.expectedCloseDate)}` : undefined].filter(Boolean);
    return `• *${escapeMrkdwn(d.ref)}*  ${escapeMrkdwn(truncate(d.title, RECORD_LIMITS.dealTitle))} · ${facts.join(' · ')}`;
  });
  return linesSection(`*Open deals* (${num(count)})`, lines, {
    hidden: Math.max(0, count - deals.length),
    more: (n) => `…and ${plural(n, 'more open deal')}.`,
    empty: RECORD_TEXT.noOpenDeals,
  });
}

/** `• Fri, Nov 27 · Alice Adams · call: Talked pricing (D-42, Jane Doe)`, as the deal card's timeline says. */
function activitySection(lines: ActivityLine[], clock: Clock, opts: { showContact: boolean }): SectionBlock {
  const date = dateFormatter(clock);
  const text = lines.map((a) => {
    const on = [a.deal ? escapeMrkdwn(a.deal.ref) : undefined, opts.showContact && a.contact ? escapeMrkdwn(truncate(a.contact.name, RECORD_LIMITS.name)) : undefined].filter(Boolean);
    const body = escapeMrkdwn(truncate(a.body.replace(/\s+/g, ' ').trim(), RECORD_LIMITS.activityBody));
    const what = `${escapeMrkdwn(a.type)}: ${body}${on.length ? ` (${on.join(', ')})` : ''}`;
    return `• ${[date(todayIn(clock.timeZone, a.at)), a.actor ? escapeMrkdwn(truncate(a.actor, RECORD_LIMITS.name)) : undefined, what].filter(Boolean).join(' · ')}`;
  });
  return linesSection('*Recent activity*', text, { more: (n) => `…and ${num(n)} more.`, empty: RECORD_TEXT.noActivity });
}

function openButton(actionId: string, id: string): Button {
  return button('Open', actionId, { value: id });
}

/** A page of a list: heading, rows, "Showing 1–20 of 153", Prev/Next, hint. */
function pagedList<T>(
  list: { heading: string; items: T[]; total: number; totalCapped: boolean; page: number; pageSize: number; hasMore: boolean },
  source: Omit<RecordCursor, 'page' | 'pageSize'>,
  empty: string,
  row: (item: T) => KnownBlock | KnownBlock[],
  hint: string | undefined,
  max: number = RECORD_LIMITS.listItems,
): KnownBlock[] {
  const blocks: KnownBlock[] = [section(`*${escapeMrkdwn(list.heading)}*`)];
  const paging = pageWindow(list, max);
  if (paging.shown === 0) blocks.push(section(empty));
  for (const item of list.items.slice(0, paging.shown)) blocks.push(...[row(item)].flat());
  if (paging.shown) blocks.push(context(`Showing ${paging.first}–${paging.first + paging.shown - 1} of ${formatCount(list)}`));
  const cursor = (p: { page: number; pageSize: number }) => encodeRecordCursor({ ...source, ...p } as RecordCursor);
  const buttons = [
    ...(paging.prev ? [button('Prev', ACTIONS.recordPagePrev, { value: cursor(paging.prev) })] : []),
    ...(paging.next ? [button('Next', ACTIONS.recordPageNext, { value: cursor(paging.next) })] : []),
  ];
  if (buttons.length) blocks.push(actions(buttons));
  if (hint) blocks.push(context(escapeControl(hint)));
  return blocks;
}
