/**
 * Dialogs for contacts, companies and tasks (opened from cards, answered like the deal dialogs in
 * dialogs.ts): new contact (from help, the welcome card and a company card), edit contact, edit
 * company, and a new task on a contact. A form with a mistake comes back with it on top and what
 * was typed kept; nothing is written. A new contact that looks like an existing one comes back
 * with the warning and the two choices: Use existing (its card) or Create anyway. A submission
 * Teams delivers twice creates one record (keyed by the activity).
 */
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { DomainErrorCode, isDomainError, type Actor } from '../../../domain/index.js';
import type { ContactSummaryView } from '../../../domain/contacts/contact.view.js';
import { errorReply } from '../../messages.js';
import { editCompanyDialog, editContactDialog, newContactDialog, newTaskDialog, ASSIGNEE_CHOICES, type ContactValues } from '../cards/record-forms.js';
import type { DialogInfo } from '../cards/forms.js';
import { contactChoice } from '../cards/records.js';
import { replyCard } from '../cards/reply.js';
import { DIALOGS } from '../ids.js';
import type { Reply } from '../../commands/reply.js';
import { asActivity, audienceFor, PREFIX, replyOptions, sendReply, STALE_BUTTON, type TeamsDeps } from './context.js';
import type { DialogOutcome } from './dialogs.js';

const text = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));
const id = z.string().trim().min(1).max(64);

const contactFields = { name: text, email: text, phone: text, jobTitle: text, company: text };

const recordDialogSchema = z.discriminatedUnion('dialog', [
  z.object({ dialog: z.literal(DIALOGS.createContact), ...contactFields, anyway: z.boolean().optional(), useExisting: id.optional() }),
  z.object({ dialog: z.literal(DIALOGS.editContact), contactId: id, ...contactFields }),
  z.object({ dialog: z.literal(DIALOGS.editCompany), companyId: id, name: text, domain: text }),
  z.object({ dialog: z.literal(DIALOGS.createTask), contactId: id, title: text, due: text, assignee: text }),
]);

const RECORD_DIALOGS = new Set<string>([DIALOGS.createContact, DIALOGS.editContact, DIALOGS.editCompany, DIALOGS.createTask]);

/** Whether a `task/fetch` or `task/submit` is one of these dialogs. */
export function isRecordDialog(data: unknown): boolean {
  return typeof data === 'object' && data !== null && RECORD_DIALOGS.has((data as { dialog?: unknown }).dialog as string);
}

/** The dialog a card button asked for. */
export async function fetchRecordDialog(deps: TeamsDeps, actor: Actor, data: unknown): Promise<DialogInfo | undefined> {
  const d = z.object({ dialog: z.string(), contactId: id.optional(), companyId: id.optional() }).safeParse(data);
  if (!d.success) return undefined;
  const { crm } = deps;
  switch (d.data.dialog) {
    case DIALOGS.createContact: {
      // From a company card: that company, filled in.
      const company = d.data.companyId ? await crm.companies.resolve(actor, d.data.companyId) : undefined;
      return newContactDialog({ values: company ? { company: company.name } : {} });
    }
    case DIALOGS.editContact:
      return d.data.contactId ? editContactDialog(await crm.contacts.resolve(actor, d.data.contactId)) : undefined;
    case DIALOGS.editCompany:
      return d.data.companyId ? editCompanyDialog(await crm.companies.resolve(actor, d.data.companyId)) : undefined;
    case DIALOGS.createTask: {
      if (!d.data.contactId) return undefined;
      const contact = await crm.contacts.resolve(actor, d.data.contactId);
      return newTaskDialog({ contact, members: await members(deps, actor), assigneeId: actor.memberId });
    }
  }
  return undefined;
}

async function members(deps: TeamsDeps, actor: Actor): Promise<{ id: string; displayName: string }[]> {
  const list = await deps.crm.identity.listMembers(actor.workspaceId);
  return list.slice(0, ASSIGNEE_CHOICES).map((m) => ({ id: m.id, displayName: m.displayName }));
}

/** Runs a submitted dialog. Never throws for a person's mistake: the form comes back with it. */
export async function submitRecordDialog(deps: TeamsDeps, context: TurnContext, actor: Actor, data: unknown): Promise<DialogOutcome> {
  const parsed = recordDialogSchema.safeParse(data);
  if (!parsed.success) return { kind: 'done', message: STALE_BUTTON };
  const form = parsed.data;
  const { crm } = deps;
  const key = context.activity.id ? { idempotencyKey: `teams:${context.activity.id}` } : {};

  const again = async (error: string): Promise<DialogOutcome> => {
    switch (form.dialog) {
      case DIALOGS.createContact:
        return { kind: 'again', dialog: newContactDialog({ error, values: contactValues(form) }) };
      case DIALOGS.editContact:
        return { kind: 'again', dialog: editContactDialog(await crm.contacts.resolve(actor, form.contactId), { error, values: contactValues(form, '') }) };
      case DIALOGS.editCompany:
        return { kind: 'again', dialog: editCompanyDialog(await crm.companies.resolve(actor, form.companyId), { error, values: { name: form.name ?? '', domain: form.domain ?? '' } }) };
      case DIALOGS.createTask: {
        const contact = await crm.contacts.resolve(actor, form.contactId);
        return { kind: 'again', dialog: newTaskDialog({ contact, members: await members(deps, actor), assigneeId: actor.memberId, error, values: defined({ title: form.title, due: form.due, assignee: form.assignee }) }) };
      }
    }
  };

  try {
    switch (form.dialog) {
      case DIALOGS.createContact: {
        if (form.useExisting) {
          const contact = await crm.contacts.card(actor, form.useExisting);
          await sendReply(deps, context, actor, { kind: 'contact', contact });
          return { kind: 'done' };
        }
        try {
          const { contact, created } = await crm.contacts.create(actor, {
            name: form.name ?? '',
            ...(form.email && { email: form.email }),
            ...(form.phone && { phone: form.phone }),
            ...(form.jobTitle && { title: form.jobTitle }),
            ...(form.company && { companyName: form.company }),
            ...(form.anyway && { allowDuplicate: true }),
            ...key,
          });
          const card = await crm.contacts.card(actor, contact.id);
          await sendReply(deps, context, actor, { kind: 'contact', contact: card, headline: created ? `Created ${contact.name}.` : `${contact.name} was already created.` });
          return { kind: 'done' };
        } catch (err) {
          const duplicate = await duplicateOf(deps, actor, err);
          if (!duplicate) throw err;
          return { kind: 'again', dialog: newContactDialog({ values: contactValues(form), duplicate: { message: duplicate.message, existing: duplicate.existing, canCreateAnyway: duplicate.canCreateAnyway } }) };
        }
      }
      case DIALOGS.editContact: {
        const edited = await crm.contacts.edit(actor, form.contactId, {
          ...(form.name !== undefined && { name: form.name }),
          // An emptied field clears it.
          email: form.email ?? null,
          phone: form.phone ?? null,
          title: form.jobTitle ?? null,
          companyName: form.company ?? null,
        });
        const contact = await crm.contacts.card(actor, edited.id);
        await showInPlace(deps, context, actor, { kind: 'contact', contact, headline: `${contact.name} updated.` });
        return { kind: 'done' };
      }
      case DIALOGS.editCompany: {
        const edited = await crm.companies.edit(actor, form.companyId, { ...(form.name !== undefined && { name: form.name }), domain: form.domain ?? null });
        const company = await crm.companies.card(actor, edited.id);
        await showInPlace(deps, context, actor, { kind: 'company', company, headline: `${company.name} updated.` });
        return { kind: 'done' };
      }
      case DIALOGS.createTask: {
        const { task, created } = await crm.tasks.create(actor, {
          title: form.title ?? '',
          contactId: form.contactId,
          ...(form.due && { due: form.due }),
          ...(form.assignee && { assigneeId: form.assignee }),
          ...key,
        });
        const who = task.assignee && task.assignee.id !== actor.memberId ? ` for ${task.assignee.displayName}` : '';
        await sendReply(deps, context, actor, { kind: 'task', task, headline: created ? `Added ${task.ref}${who}.` : `${task.ref} was already added.` });
        // The contact card it was opened from now shows it as the next task.
        if (created && context.activity.replyToId && (await audienceFor(deps, context, actor)).kind === 'own') {
          const contact = await crm.contacts.card(actor, form.contactId);
          await context.updateActivity({ ...asActivity(replyCard({ kind: 'contact', contact }, await replyOptions(deps, actor))), id: context.activity.replyToId });
        }
        return { kind: 'done' };
      }
    }
  } catch (err) {
    const reply = errorReply(err, deps.log, PREFIX);
    return again(reply.hint ? `${reply.message} ${reply.hint}` : reply.message);
  }
}

/**
 * Opened from the record's card: that card shows the new facts (unless outsiders read the
 * conversation: then the person's own chat does); otherwise a new message does.
 */
async function showInPlace(deps: TeamsDeps, context: TurnContext, actor: Actor, reply: Reply): Promise<void> {
  if (context.activity.replyToId && (await audienceFor(deps, context, actor)).kind === 'own') {
    await context.updateActivity({ ...asActivity(replyCard(reply, await replyOptions(deps, actor))), id: context.activity.replyToId });
  } else {
    await sendReply(deps, context, actor, reply);
  }
}

/** A Duplicate from creating a contact: the existing one, and whether creating anyway can work. */
async function duplicateOf(deps: TeamsDeps, actor: Actor, err: unknown): Promise<{ message: string; existing: ContactSummaryView; canCreateAnyway: boolean } | undefined> {
  if (!isDomainError(err) || err.code !== DomainErrorCode.Duplicate) return undefined;
  const details = err.details as { existingId?: string; record?: string; emailTaken?: boolean; field?: string };
  if (!details.existingId || (details.record && details.record !== 'contact')) return undefined;
  const existing = await deps.crm.contacts.resolve(actor, details.existingId);
  // The same email is always refused; the same name at the same company may be created anyway.
  return { message: err.message, existing, canCreateAnyway: !(details.emailTaken || details.field === 'email') };
}

function contactValues(form: { name?: string; email?: string; phone?: string; jobTitle?: string; company?: string }, empty?: string): ContactValues {
  // Editing: an emptied field stays empty in the form shown again (not refilled from the record).
  const v = (s: string | undefined) => s ?? empty;
  return defined({ name: v(form.name), email: v(form.email), phone: v(form.phone), jobTitle: v(form.jobTitle), company: v(form.company) });
}

/** Contact choices for a typeahead as the person types (`application/search`, dataset contacts). */
export async function searchContacts(deps: TeamsDeps, actor: Actor, query: string): Promise<{ title: string; value: string }[]> {
  const q = query.trim();
  const found = q ? await deps.crm.contacts.search(actor, q, 15) : (await deps.crm.contacts.list(actor, { type: 'all' }, { pageSize: 15 })).items;
  return found.map(contactChoice);
}

function defined<T extends Record<string, string | undefined>>(o: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, string>>;
}
