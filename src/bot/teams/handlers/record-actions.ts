/**
 * The buttons on contact, company and task cards, the duplicate warning's two choices, and the
 * deal card's Contacts form. They arrive as card-actions.ts's do (an `Action.Execute` invoke, or
 * its `Action.Submit` fallback as a message) and answer the same way: the card redrawn in place,
 * a new message, or a line for the clicker. Data is parsed with zod and every lookup is scoped to
 * the clicker's workspace by the domain. A redelivered click writes nothing twice: Done completes
 * once (the domain's guarded update), Snooze carries the due date it was shown, logging is keyed
 * by the activity, attaching contacts changes only the difference, and Create anyway is keyed by
 * the card it was on.
 */
import { createHash } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { fieldFiltersSchema } from '../../../domain/fields/field.schema.js';
import type { Actor } from '../../../domain/index.js';
import { ACTIVITY_TYPES } from '../../../domain/activities/activity.schema.js';
import { dealAssistantButtons } from '../../../domain/assistant/assistant.view.js';
import type { DealDetailView } from '../../../domain/deals/deal.view.js';
import { todayIn } from '../../../domain/shared/dates.js';
import { executeCommand } from '../../commands/execute.js';
import type { Reply } from '../../commands/reply.js';
import { formatDateOnly } from '../../format.js';
import { errorReply, type ErrorReply } from '../../messages.js';
import { dealCard } from '../cards/deal-card.js';
import { MAX_RECORD_ROWS, companyCard, contactCard, taskCard, taskListCard, type RecordCursor, type TaskOrigin } from '../cards/records.js';
import { replyCard } from '../cards/reply.js';
import { VERBS } from '../ids.js';
import type { CardActionResult } from './card-actions.js';
import { commandContext, PREFIX, replyOptions, sendReply, STALE_BUTTON, type TeamsDeps } from './context.js';

const id = z.string().trim().min(1).max(64);
const ref = z.string().trim().min(1).max(64);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));
const page = { page: z.number().int().min(1).max(10_000), pageSize: z.number().int().min(1).max(MAX_RECORD_ROWS) };
const line = z.string().trim().min(1).max(200);
const personRef = z.object({ userId: z.string().max(200).optional(), handle: z.string().max(200).optional() });

const cursorSchema = z.discriminatedUnion('list', [
  z.object({
    list: z.literal('contacts'),
    scope: z.discriminatedUnion('type', [
      z.object({ type: z.literal('mine'), filters: fieldFiltersSchema }),
      z.object({ type: z.literal('all'), filters: fieldFiltersSchema }),
      z.object({ type: z.literal('company'), company: line, filters: fieldFiltersSchema }),
      z.object({ type: z.literal('search'), query: line }),
    ]),
    ...page,
  }),
  z.object({
    list: z.literal('companies'),
    scope: z.discriminatedUnion('type', [z.object({ type: z.literal('all'), filters: fieldFiltersSchema }), z.object({ type: z.literal('search'), query: line })]),
    ...page,
  }),
  z.object({
    list: z.literal('tasks'),
    scope: z.discriminatedUnion('type', [
      z.object({ type: z.literal('mine') }),
      z.object({ type: z.literal('overdue') }),
      z.object({ type: z.literal('person'), person: personRef }),
      z.object({ type: z.literal('deal'), ref: line }),
      z.object({ type: z.literal('contact'), contactId: id }),
    ]),
    ...page,
  }),
]);
const originSchema = z.union([z.object({ card: z.literal('task') }), z.object({ card: z.literal('tasks'), cursor: cursorSchema })]).catch({ card: 'task' as const });

/** The most contacts one Save may attach or detach (a multi-select, not an import). */
const MAX_CONTACT_CHANGES = 50;
const idList = z.array(id).max(MAX_CONTACT_CHANGES);

/** `deal contact new …` / `deal company new …` (the only command a Create anyway button runs). */
const CREATE_COMMAND = /^\/?deal\s+(contact|company)\s+new\s/i;

const recordActionSchema = z.discriminatedUnion('verb', [
  // The multi-select answers a comma-separated string of ids (empty: none selected).
  z.object({ verb: z.literal(VERBS.dealContacts), dealId: id, shown: idList.default([]), contacts: z.string().max(5000).optional() }),
  z.object({ verb: z.literal(VERBS.openContact), contactId: id, replace: z.boolean().optional() }),
  z.object({ verb: z.literal(VERBS.openCompany), companyId: id, replace: z.boolean().optional() }),
  z.object({ verb: z.literal(VERBS.logContact), contactId: id, activityType: z.enum(ACTIVITY_TYPES).catch('note'), body: optionalText }),
  z.object({ verb: z.literal(VERBS.taskDone), task: ref, on: originSchema }),
  z.object({ verb: z.literal(VERBS.taskSnooze), task: ref, due: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().optional(), on: originSchema }),
  z.object({ verb: z.literal(VERBS.createAnyway), command: z.string().trim().min(1).max(2000) }),
  z.object({ verb: z.literal(VERBS.recordPage), cursor: cursorSchema }),
]);

const RECORD_VERBS = new Set<string>(recordActionSchema.options.map((o) => o.shape.verb.value));

/** Whether a button's data is one of these (contact, company, task, duplicate, deal contacts). */
export function isRecordAction(data: unknown): boolean {
  return typeof data === 'object' && data !== null && RECORD_VERBS.has((data as { verb?: unknown }).verb as string);
}

export async function runRecordAction(deps: TeamsDeps, context: TurnContext, actor: Actor, data: unknown): Promise<CardActionResult> {
  const parsed = recordActionSchema.safeParse(data);
  if (!parsed.success) return { kind: 'note', text: STALE_BUTTON };
  const action = parsed.data;
  const { crm } = deps;
  const clock = { now: crm.clock.now(), timeZone: actor.timeZone };
  const date = (d: string) => formatDateOnly(d, todayIn(actor.timeZone, clock.now));

  /** The task's card or list this button was on, redrawn with what happened (or went wrong). */
  const redrawTask = async (on: TaskOrigin, ref: string, headline?: string, notice?: ErrorReply): Promise<CardActionResult> => {
    const opts = { ...(headline && { headline }), ...(notice && { notice: notice.message, ...(notice.hint && { hint: notice.hint }) }) };
    if (on.card === 'tasks' && on.cursor.list === 'tasks') {
      const list = await crm.tasks.list(actor, on.cursor.scope, { page: on.cursor.page, pageSize: on.cursor.pageSize });
      return { kind: 'replace', card: taskListCard(list, clock, opts).card };
    }
    const task = await crm.tasks.get(actor, ref);
    return { kind: 'replace', card: taskCard(task, clock, opts).card };
  };

  try {
    switch (action.verb) {
      case VERBS.dealContacts:
        return await saveDealContacts(deps, actor, action);
      case VERBS.openContact: {
        const contact = await crm.contacts.card(actor, action.contactId);
        if (action.replace) return { kind: 'replace', card: contactCard(contact, clock).card };
        await sendReply(deps, context, actor, { kind: 'contact', contact });
        return { kind: 'posted', text: `Opened ${contact.name}.` };
      }
      case VERBS.openCompany: {
        const company = await crm.companies.card(actor, action.companyId);
        if (action.replace) return { kind: 'replace', card: companyCard(company, clock).card };
        await sendReply(deps, context, actor, { kind: 'company', company });
        return { kind: 'posted', text: `Opened ${company.name}.` };
      }
      case VERBS.logContact: {
        try {
          const { created } = await crm.activities.log(actor, {
            contactId: action.contactId,
            type: action.activityType,
            body: action.body ?? '',
            source: 'teams',
            ...(context.activity.id && { idempotencyKey: `teams:${context.activity.id}` }),
          });
          const contact = await crm.contacts.card(actor, action.contactId);
          const what = action.activityType === 'email' ? 'an email' : `a ${action.activityType}`;
          return { kind: 'replace', card: contactCard(contact, clock, { headline: created ? `Logged ${what} on ${contact.name}.` : `That was already logged on ${contact.name}.` }).card };
        } catch (err) {
          const reply = errorReply(err, deps.log, PREFIX);
          const contact = await crm.contacts.card(actor, action.contactId).catch(() => undefined);
          return contact ? { kind: 'replace', card: contactCard(contact, clock, { notice: reply.message, ...(reply.hint && { hint: reply.hint }) }).card } : { kind: 'note', text: reply.message };
        }
      }
      case VERBS.taskDone: {
        try {
          const { task, changed } = await crm.tasks.complete(actor, action.task, { source: 'teams' });
          return await redrawTask(action.on, task.ref, changed ? `Done: ${task.ref} “${task.title}”.` : `${task.ref} was already done. Nothing changed.`);
        } catch (err) {
          return await taskFailure(err, action.on, action.task);
        }
      }
      case VERBS.taskSnooze: {
        try {
          const { task, changed, until } = await crm.tasks.snooze(actor, action.task, 1, action.due !== undefined ? { from: action.due } : {});
          return await redrawTask(
            action.on,
            task.ref,
            changed ? `${task.ref} is now due ${date(until)}.` : `${task.ref} was already moved${task.due ? `: it is due ${date(task.due)}` : ''}. Nothing changed.`,
          );
        } catch (err) {
          return await taskFailure(err, action.on, action.task);
        }
      }
      case VERBS.createAnyway:
        return await createAnyway(deps, context, actor, action.command);
      case VERBS.recordPage:
        return { kind: 'replace', card: replyCard(await listReply(deps, actor, action.cursor), clock).card };
    }
  } catch (err) {
    return { kind: 'note', text: errorReply(err, deps.log, PREFIX).message };
  }

  /** A task button that could not run: the card redrawn with why, or the reason alone. */
  async function taskFailure(err: unknown, on: TaskOrigin, ref: string): Promise<CardActionResult> {
    const reply = errorReply(err, deps.log, PREFIX);
    try {
      return await redrawTask(on, ref, undefined, reply);
    } catch {
      return { kind: 'note', text: reply.message };
    }
  }
}

/** A list page asked for by Prev/Next. */
async function listReply(deps: TeamsDeps, actor: Actor, cursor: RecordCursor): Promise<Reply> {
  const p = { page: cursor.page, pageSize: cursor.pageSize };
  switch (cursor.list) {
    case 'contacts':
      return { kind: 'contacts', list: await deps.crm.contacts.list(actor, cursor.scope, p) };
    case 'companies':
      return { kind: 'companies', list: await deps.crm.companies.list(actor, cursor.scope, p) };
    case 'tasks':
      return { kind: 'tasks', list: await deps.crm.tasks.list(actor, cursor.scope, p) };
  }
}

/**
 * The deal card's Contacts form: attaches what was selected and not shown, detaches what was shown
 * and is no longer selected. Contacts the card did not show stay as they are, so someone else's
 * change made meanwhile is kept; a redelivered Save changes nothing more.
 */
async function saveDealContacts(
  deps: TeamsDeps,
  actor: Actor,
  action: { dealId: string; shown: string[]; contacts?: string | undefined },
): Promise<CardActionResult> {
  const { crm } = deps;
  const selected = [...new Set((action.contacts ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
  const shown = new Set(action.shown);
  const add = selected.filter((c) => !shown.has(c));
  const remove = action.shown.filter((c) => !selected.includes(c));
  const before = await crm.deals.get(actor, action.dealId);
  const show = async (deal: DealDetailView, headline?: string, notice?: ErrorReply): Promise<CardActionResult> => {
    const opts = await replyOptions(deps, actor);
    const card = dealCard(deal, {
      ...opts,
      ...(headline && { headline }),
      ...(notice && { notice: notice.message, ...(notice.hint && { hint: notice.hint }) }),
      assistantButtons: dealAssistantButtons(deal, opts.assistant ?? false),
    });
    return { kind: 'replace', card };
  };
  if (add.length + remove.length > MAX_CONTACT_CHANGES) {
    return show(before, undefined, { kind: 'error', message: `Change at most ${MAX_CONTACT_CHANGES} contacts at once.` });
  }
  const added: string[] = [];
  const removed: string[] = [];
  let deal = before;
  try {
    for (const contactId of add) {
      const change = await crm.deals.addContact(actor, action.dealId, contactId);
      deal = change.deal;
      if (change.changed) added.push(change.deal.contacts.find((c) => c.id === contactId)?.name ?? 'a contact');
    }
    for (const contactId of remove) {
      const change = await crm.deals.removeContact(actor, action.dealId, contactId);
      deal = change.deal;
      if (change.changed) removed.push(before.contacts.find((c) => c.id === contactId)?.name ?? 'a contact');
    }
  } catch (err) {
    const reply = errorReply(err, deps.log, PREFIX);
    const now = await crm.deals.get(actor, action.dealId).catch(() => deal);
    return show(now, changeHeadline(now.ref, added, removed), reply);
  }
  return show(deal, changeHeadline(deal.ref, added, removed) ?? `The contacts on ${deal.ref} were already as chosen. Nothing changed.`);
}

/** `Added Jane Doe and John Roe to D-42; removed Ana Lima.` */
function changeHeadline(ref: string, added: string[], removed: string[]): string | undefined {
  const names = (list: string[]) => (list.length <= 3 ? list.join(list.length === 2 ? ' and ' : ', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`);
  const parts = [added.length ? `Added ${names(added)} to ${ref}` : undefined, removed.length ? `${added.length ? 'removed' : 'Removed'} ${names(removed)} from ${ref}` : undefined].filter(Boolean);
  return parts.length ? `${parts.join('; ')}.` : undefined;
}

/**
 * "Create anyway" on a duplicate warning: runs the command line the warning carried, as the
 * person who clicked (exactly as if they had typed it). Only `contact new` and `company new`
 * lines run. Keyed by the card it was on: clicked twice, it creates one record.
 */
async function createAnyway(deps: TeamsDeps, context: TurnContext, actor: Actor, command: string): Promise<CardActionResult> {
  if (!CREATE_COMMAND.test(command)) return { kind: 'note', text: STALE_BUTTON };
  const card = context.activity.replyToId ?? context.activity.id ?? '';
  const key = createHash('sha256').update(`${card}\n${command}`).digest('hex').slice(0, 32);
  const ctx = { ...commandContext(deps, actor, context), deliveryId: `anyway:${key}` };
  const reply = await executeCommand(ctx, command);
  return { kind: 'replace', card: replyCard(reply, await replyOptions(deps, actor)).card };
}
