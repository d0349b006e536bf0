/**
 * The buttons of contact, company and task messages, and the deal card's Contacts select. Each
 * acknowledges first (kit.ts: through the inbox, the clicker checked), never trusts a value (every
 * lookup is in the clicker's own workspace), and answers where it was clicked: in the message, in
 * the modal, or, in the App Home, by republishing it (task buttons) or opening a modal.
 *
 * A button pressed twice acts once: Done on a done task changes nothing (the domain's `changed`),
 * Snooze carries the due date it was shown (`from`), "Create anyway" carries one key per message,
 * and the Contacts select sets the deal's contacts to what is picked (a replay picks the same).
 */
import type { App, BasicElementAction, MultiExternalSelectAction } from '@slack/bolt';
import type { Actor } from '../../../../domain/index.js';
import { todayIn } from '../../../../domain/shared/dates.js';
import type { TaskView } from '../../../../domain/tasks/task.view.js';
import { executeCommand } from '../../../commands/execute.js';
import type { Reply } from '../../../commands/reply.js';
import { formatDateOnly } from '../../../format.js';
import { ANSWER_MODAL_TEXT } from '../../blocks/answer-modal.js';
import { dealContactsModal, editCompanyModal, editContactModal, logActivityModal, newContactModal, newTaskModal } from '../../blocks/modals.js';
import { parseCreateAnyway, parseExisting, parseRecordCursor, parseTaskValue, type RecordCursor, type TaskButtonValue } from '../../blocks/record-cursor.js';
import { replyBlocks } from '../../blocks/reply.js';
import { ACTIONS, DEAL_CONTACTS_BLOCK_PREFIX, RECORD_ACTIONS, TASK_SNOOZE_DAYS } from '../../ids.js';
import { replyOptions, writeMeta, type SlackDeps } from '../context.js';
import { RECORD_FORM_TEXT, setDealContacts } from '../views/records.js';
import { actionKit, placeOf, StaleButton, type ActionArgs, type ButtonArgs } from './kit.js';

/** What the clicker reads. Modal titles hold 24 characters. */
export const RECORD_BUTTON_TEXT = {
  done: (t: TaskView) => `Done: ${t.ref} ${t.title}.`,
  alreadyDone: (t: TaskView) => `${t.ref} is already done; nothing changed.`,
  snoozed: (t: TaskView, until: string) => `Snoozed ${t.ref} until ${until}.`,
  alreadySnoozed: (t: TaskView, until: string) => `${t.ref} has moved to ${until} since this was shown; nothing changed.`,
  staleRecordButton: 'This button is out of date. Look the record up again, e.g. /deal contact jane@acme.com or /deal tasks mine.',
  notACreateCommand: 'This button is out of date: type the command to create it again, with `anyway` at the end.',
  contactTitle: 'Contact',
  companyTitle: 'Company',
  tasksTitle: 'Tasks',
  listTitle: (list: RecordCursor['list']) => ({ contacts: 'Contacts', companies: 'Companies', tasks: 'Tasks' })[list],
} as const;

/** "Create anyway" runs only the command that creates a contact or company anyway. */
const CREATE_ANYWAY_COMMAND = /^(?:\/?deal\s+)?((?:contact|company)\s+new\s[\s\S]*\banyway)\s*$/i;

export function registerRecordButtons(app: App, deps: SlackDeps): void {
  const { on, answer, openForm } = actionKit(app, deps);
  const stale = () => new StaleButton(RECORD_BUTTON_TEXT.staleRecordButton);
  const subject = (a: ButtonArgs) => {
    const value = a.action.value?.trim();
    if (!value || value.length > 200) throw stale();
    return value;
  };
  /** Where a form's submission answers: the message the button was in (its response URL). */
  const formMeta = (a: ButtonArgs, ids: { contactId?: string; companyId?: string; dealId?: string }) =>
    writeMeta({ ...ids, ...(placeOf(a.body).kind === 'message' && { responseUrl: a.body.response_url }) });

  /** A reply shown where the button was, with the reader's clock. */
  const show = async (a: ActionArgs<BasicElementAction>, actor: Actor, reply: Reply, opts: { replace: boolean; title: string }) => {
    const options = { ...(await replyOptions(deps, actor)), shareable: placeOf(a.body).kind === 'message' };
    await answer(a, replyBlocks(reply, options), opts);
  };

  // --- Contact and company cards --------------------------------------------------------------

  on(RECORD_ACTIONS['contact.edit'], async (a, actor) => {
    const c = await deps.crm.contacts.get(actor, subject(a));
    await openForm(
      a,
      editContactModal({
        initial: { name: c.name, email: c.email, phone: c.phone, jobTitle: c.title, company: c.company },
        privateMetadata: formMeta(a, { contactId: c.id }),
      }),
    );
  });

  on(RECORD_ACTIONS['contact.new_task'], async (a, actor) => {
    const c = await deps.crm.contacts.get(actor, subject(a));
    await openForm(a, newTaskModal({ initial: { about: c.name, assigneeUserId: a.body.user.id }, privateMetadata: formMeta(a, { contactId: c.id }) }));
  });

  on(RECORD_ACTIONS['contact.log'], async (a, actor) => {
    const c = await deps.crm.contacts.get(actor, subject(a));
    await openForm(a, logActivityModal({ initial: { contact: c, type: 'call' }, privateMetadata: formMeta(a, {}) }));
  });

  on(RECORD_ACTIONS['company.edit'], async (a, actor) => {
    const c = await deps.crm.companies.get(actor, subject(a));
    await openForm(a, editCompanyModal({ initial: { name: c.name, domain: c.domain }, privateMetadata: formMeta(a, { companyId: c.id }) }));
  });

  on(RECORD_ACTIONS['company.new_contact'], async (a, actor) => {
    const c = await deps.crm.companies.get(actor, subject(a));
    await openForm(a, newContactModal({ initial: { company: { id: c.id, name: c.name } }, privateMetadata: formMeta(a, { companyId: c.id }) }));
  });

  /** On a deal (its reference or id): the deal's contacts in one multi-select. */
  on(RECORD_ACTIONS['deal.add_contact'], async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, subject(a), 0);
    await openForm(a, dealContactsModal({ initial: { deal, contacts: deal.contacts }, privateMetadata: formMeta(a, { dealId: deal.id }) }));
  });

  on(ACTIONS.newContact, async (a) => {
    await openForm(a, newContactModal({ privateMetadata: writeMeta({}) }));
  });

  on(ACTIONS.openContact, async (a, actor) => {
    const contact = await deps.crm.contacts.card(actor, subject(a));
    await show(a, actor, { kind: 'contact', contact }, { replace: false, title: RECORD_BUTTON_TEXT.contactTitle });
  });

  on(ACTIONS.openCompany, async (a, actor) => {
    const company = await deps.crm.companies.card(actor, subject(a));
    await show(a, actor, { kind: 'company', company }, { replace: false, title: RECORD_BUTTON_TEXT.companyTitle });
  });

  const page = async (a: ButtonArgs, actor: Actor) => {
    const cursor = parseRecordCursor(a.action.value);
    if (!cursor) throw stale();
    await show(a, actor, await listReply(deps, actor, cursor), { replace: true, title: RECORD_BUTTON_TEXT.listTitle(cursor.list) });
  };
  on(ACTIONS.recordPageNext, page);
  on(ACTIONS.recordPagePrev, page);

  // --- Tasks ----------------------------------------------------------------------------------

  /** Shows the place a task button was in again, as it is now, with what happened at the top. */
  const afterTask = async (a: ButtonArgs, actor: Actor, value: TaskButtonValue, task: TaskView, headline: string, changed: boolean) => {
    if (changed) deps.home.refresh(a.client, actor, placeOf(a.body).kind === 'home' ? [task.assignee?.externalId] : [a.body.user.id, task.assignee?.externalId]);
    if (placeOf(a.body).kind === 'home' || value.origin.in === 'home') {
      // The Home has no response URL: it is published again, saying what was done.
      await deps.home.publish(a.client, actor, a.body.user.id, headline);
      return;
    }
    const reply: Reply =
      value.origin.in === 'list'
        ? { kind: 'tasks', list: await deps.crm.tasks.list(actor, value.origin.cursor.scope, { page: value.origin.cursor.page, pageSize: value.origin.cursor.pageSize }), headline }
        : { kind: 'task', task, headline };
    await show(a, actor, reply, { replace: true, title: RECORD_BUTTON_TEXT.tasksTitle });
  };

  const taskValue = (a: ButtonArgs) => {
    const value = parseTaskValue(a.action.value);
    if (!value) throw stale();
    return value;
  };

  on(RECORD_ACTIONS['task.done'], async (a, actor) => {
    const value = taskValue(a);
    const { task, changed } = await deps.crm.tasks.complete(actor, value.task, { source: 'slack' });
    await afterTask(a, actor, value, task, changed ? RECORD_BUTTON_TEXT.done(task) : RECORD_BUTTON_TEXT.alreadyDone(task), changed);
  });

  on(RECORD_ACTIONS['task.snooze'], async (a, actor) => {
    const value = taskValue(a);
    const { task, changed, until } = await deps.crm.tasks.snooze(actor, value.task, TASK_SNOOZE_DAYS, value.due !== undefined ? { from: value.due } : {});
    const when = formatDateOnly(until, todayIn(actor.timeZone, deps.crm.clock.now()));
    await afterTask(a, actor, value, task, changed ? RECORD_BUTTON_TEXT.snoozed(task, when) : RECORD_BUTTON_TEXT.alreadySnoozed(task, when), changed);
  });

  // --- Duplicates -----------------------------------------------------------------------------

  on(ACTIONS.useExisting, async (a, actor) => {
    const existing = parseExisting(a.action.value);
    if (!existing) throw stale();
    const reply: Reply =
      existing.record === 'contact'
        ? { kind: 'contact', contact: await deps.crm.contacts.card(actor, existing.id) }
        : { kind: 'company', company: await deps.crm.companies.card(actor, existing.id) };
    await show(a, actor, reply, { replace: true, title: existing.record === 'contact' ? RECORD_BUTTON_TEXT.contactTitle : RECORD_BUTTON_TEXT.companyTitle });
  });

  on(ACTIONS.createAnyway, async (a, actor) => {
    const value = parseCreateAnyway(a.action.value);
    if (!value) throw stale();
    // One key per warning (its message or modal): a second click on the same warning creates nothing more.
    const where = a.body.container?.message_ts ?? a.body.view?.id ?? a.body.trigger_id;
    const key = `slack:anyway:${a.body.team?.id ?? ''}:${where}`;
    let reply: Reply;
    if ('cmd' in value) {
      const line = CREATE_ANYWAY_COMMAND.exec(value.cmd.trim());
      if (!line) throw new StaleButton(RECORD_BUTTON_TEXT.notACreateCommand);
      reply = await executeCommand({ crm: deps.crm, actor, surface: 'slack', log: deps.log, deliveryId: key }, line[1]!);
    } else {
      const { contact, created } = await deps.crm.contacts.create(actor, { ...value.contact, allowDuplicate: true, idempotencyKey: key });
      const card = await deps.crm.contacts.card(actor, contact.id);
      reply = {
        kind: 'contact',
        contact: card,
        headline: created ? `Added ${contact.name}${contact.company ? ` at ${contact.company.name}` : ''}.` : `${contact.name} was already added.`,
      };
    }
    await show(a, actor, reply, { replace: true, title: reply.kind === 'company' ? RECORD_BUTTON_TEXT.companyTitle : RECORD_BUTTON_TEXT.contactTitle });
  });

  // --- The deal card's Contacts select --------------------------------------------------------

  /**
   * Picking or removing a contact in the deal card's select: the deal gets exactly the contacts
   * picked (each change a timeline entry), and the card is shown again.
   */
  on<MultiExternalSelectAction>(ACTIONS.dealContacts, async (a, actor) => {
    const blockId = a.action.block_id ?? '';
    if (!blockId.startsWith(DEAL_CONTACTS_BLOCK_PREFIX)) throw stale();
    const picked = (a.action.selected_options ?? []).map((o) => o.value).filter((v): v is string => Boolean(v));
    const { deal, added, removed } = await setDealContacts(deps, actor, blockId.slice(DEAL_CONTACTS_BLOCK_PREFIX.length), picked);
    const headline = RECORD_FORM_TEXT.contactsChanged(deal.ref, added, removed);
    await show(a, actor, { kind: 'deal', deal, headline }, { replace: true, title: ANSWER_MODAL_TEXT.dealTitle(deal.ref) });
  });
}

/** A page of a contact, company or task list, as a reply. */
async function listReply(deps: SlackDeps, actor: Actor, cursor: RecordCursor): Promise<Reply> {
  const paging = { page: cursor.page, pageSize: cursor.pageSize };
  switch (cursor.list) {
    case 'contacts':
      return { kind: 'contacts', list: await deps.crm.contacts.list(actor, cursor.scope, paging) };
    case 'companies':
      return { kind: 'companies', list: await deps.crm.companies.list(actor, cursor.scope, paging) };
    case 'tasks':
      return { kind: 'tasks', list: await deps.crm.tasks.list(actor, cursor.scope, paging) };
  }
}
