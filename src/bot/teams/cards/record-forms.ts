/**
 * Dialog (task module) forms for contacts, companies and tasks: new contact, edit contact, edit
 * company, new task on a contact. As the deal dialogs: each submit button carries `dialog` and the
 * little context the handler needs; a form with a mistake comes back with it on top and what was
 * typed kept. A new contact that looks like an existing one comes back with the warning and the
 * two choices (Use existing, Create anyway) instead of Create.
 */
import type { ContactSummaryView } from '../../../domain/contacts/contact.view.js';
import type { CompanySummaryView } from '../../../domain/companies/company.view.js';
import { DIALOGS, INPUTS } from '../ids.js';
import type { DialogInfo } from './forms.js';
import { card, choices, inputDate, inputText, submit, text, type CardAction, type CardElement } from './parts.js';
import { escapeMarkdown, truncate } from './text.js';

/** The most people an assignee picker lists (members who have used the CRM, by name). */
export const ASSIGNEE_CHOICES = 50;

/** What a contact form holds, as typed (strings; the domain checks them). */
export type ContactValues = Partial<Record<'name' | 'email' | 'phone' | 'jobTitle' | 'company', string>>;

export interface NewContactInitial {
  error?: string;
  values?: ContactValues;
  /**
   * The form was refused as a duplicate: the warning, the existing contact, and whether creating
   * anyway is possible (not when the email is taken).
   */
  duplicate?: { message: string; existing: ContactSummaryView; canCreateAnyway: boolean };
}

function contactInputs(v: ContactValues): CardElement[] {
  return [
    inputText(INPUTS.name, { label: 'Name', value: v.name, maxLength: 200, required: true, errorMessage: 'A contact needs a name.' }),
    inputText(INPUTS.email, { label: 'Email', value: v.email, maxLength: 320, placeholder: 'jane@acme.com' }),
    inputText(INPUTS.phone, { label: 'Phone', value: v.phone, maxLength: 31, placeholder: '+1 415 555 0100' }),
    inputText(INPUTS.jobTitle, { label: 'Title', value: v.jobTitle, maxLength: 200, placeholder: 'Head of Sales' }),
    inputText(INPUTS.company, { label: 'Company', value: v.company, maxLength: 200 }),
  ];
}

export function newContactDialog(initial: NewContactInitial = {}): DialogInfo {
  const v = initial.values ?? {};
  const dup = initial.duplicate;
  const body: CardElement[] = [...errorLine(initial.error)];
  let actions: CardAction[] = [submit('Create', { dialog: DIALOGS.createContact })];
  if (dup) {
    const c = dup.existing;
    const who = [c.name, c.title, c.company?.name, c.email].filter(Boolean).join(' · ');
    body.push(
      text(`⚠️ ${escapeMarkdown(dup.message)}`, { color: 'Warning', weight: 'Bolder' }),
      text(`Existing contact: ${escapeMarkdown(truncate(who, 300))}`, { size: 'Small' }),
      text(
        dup.canCreateAnyway
          ? 'Nothing was created. Use the existing contact, or create a new one anyway.'
          : 'Nothing was created. Use the existing contact, or change the email to create a new one.',
        { size: 'Small', subtle: true },
      ),
    );
    actions = [
      submit('Use existing', { dialog: DIALOGS.createContact, useExisting: c.id }, { style: 'positive' }),
      dup.canCreateAnyway ? submit('Create anyway', { dialog: DIALOGS.createContact, anyway: true }) : submit('Create', { dialog: DIALOGS.createContact }),
    ];
  }
  body.push(...contactInputs(v));
  return { title: 'New contact', width: 'medium', card: card(body, actions) };
}

export function editContactDialog(contact: ContactSummaryView, initial: { error?: string; values?: ContactValues } = {}): DialogInfo {
  const v = initial.values ?? {};
  const body: CardElement[] = [
    ...errorLine(initial.error),
    ...contactInputs({
      name: v.name ?? contact.name,
      email: v.email ?? contact.email ?? undefined,
      phone: v.phone ?? contact.phone ?? undefined,
      jobTitle: v.jobTitle ?? contact.title ?? undefined,
      company: v.company ?? contact.company?.name,
    }),
    text('Leave a field empty to clear it.', { size: 'Small', subtle: true }),
  ];
  return { title: truncate(`Edit ${contact.name}`, 60), width: 'medium', card: card(body, [submit('Save', { dialog: DIALOGS.editContact, contactId: contact.id })]) };
}

export function editCompanyDialog(company: CompanySummaryView, initial: { error?: string; values?: Partial<Record<'name' | 'domain', string>> } = {}): DialogInfo {
  const v = initial.values ?? {};
  const body: CardElement[] = [
    ...errorLine(initial.error),
    inputText(INPUTS.name, { label: 'Name', value: v.name ?? company.name, maxLength: 200, required: true, errorMessage: 'A company needs a name.' }),
    inputText(INPUTS.domain, { label: 'Domain', value: v.domain ?? company.domain ?? undefined, maxLength: 253, placeholder: 'acme.com' }),
  ];
  return { title: truncate(`Edit ${company.name}`, 60), width: 'medium', card: card(body, [submit('Save', { dialog: DIALOGS.editCompany, companyId: company.id })]) };
}

export interface NewTaskInitial {
  /** Whom the task is about. */
  contact: { id: string; name: string };
  /** Who can do it (members of the workspace), and who is picked unless told (the person asking). */
  members: { id: string; displayName: string }[];
  assigneeId: string;
  error?: string;
  values?: Partial<Record<'title' | 'due' | 'assignee', string>>;
}

export function newTaskDialog(initial: NewTaskInitial): DialogInfo {
  const v = initial.values ?? {};
  const members = initial.members.slice(0, ASSIGNEE_CHOICES);
  const picked = v.assignee ?? initial.assigneeId;
  const body: CardElement[] = [
    text(`New task about **${escapeMarkdown(truncate(initial.contact.name, 120))}**`),
    ...errorLine(initial.error),
    inputText(INPUTS.title, { label: 'Task', value: v.title, maxLength: 500, required: true, errorMessage: 'Say what needs doing.', placeholder: 'Send the quote' }),
    inputDate(INPUTS.due, { label: 'Due', value: v.due }),
    choices(INPUTS.assignee, {
      label: 'Assignee',
      value: members.some((m) => m.id === picked) ? picked : undefined,
      choices: members.map((m) => ({ title: truncate(m.displayName, 100), value: m.id })),
    }),
  ];
  return { title: 'New task', width: 'medium', card: card(body, [submit('Create', { dialog: DIALOGS.createTask, contactId: initial.contact.id })]) };
}

function errorLine(error: string | undefined): CardElement[] {
  return error ? [text(`⚠️ ${escapeMarkdown(error)}`, { color: 'Attention' })] : [];
}
