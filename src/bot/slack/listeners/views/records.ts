/**
 * The record forms: new contact (with the duplicate choice), edit contact, edit company, new task,
 * a deal's contacts, and "Log to CRM" (one typeahead for a deal, a contact, or both). Each is
 * checked and written before the acknowledgement when nothing needs Slack (views/index.ts), so a
 * mistake comes back on its field; each write carries the view's id as its idempotency key, so a
 * submission Slack delivers again writes once.
 */
import type { Actor } from '../../../../domain/index.js';
import { DomainErrorCode, isDomainError } from '../../../../domain/errors.js';
import type { DealDetailView } from '../../../../domain/deals/deal.view.js';
import type { Reply } from '../../../commands/reply.js';
import { answerModal, ANSWER_MODAL_TEXT } from '../../blocks/answer-modal.js';
import { parseSubject } from '../../blocks/modals.js';
import type { CreateAnywayValue } from '../../blocks/record-cursor.js';
import { duplicateBlocks } from '../../blocks/records.js';
import { BLOCKS, VIEWS } from '../../ids.js';
import { fieldErrors, type SlackDeps } from '../context.js';
import { companyChoice, COMPANY_TOO_LONG, fieldError, type Errors, type ViewArgs, type ViewKit, type WorkResult } from './form.js';
import { blocksOf, date, field, selected, text, user } from './read.js';

/** What the person reads after a record form; modal titles hold 24 characters. */
export const RECORD_FORM_TEXT = {
  contactTitle: 'Contact',
  companyTitle: 'Company',
  taskTitle: 'Task',
  duplicateTitle: 'Already there?',
  added: (name: string, company: string | undefined) => `Added ${name}${company ? ` at ${company}` : ''}.`,
  alreadyAdded: (name: string) => `${name} was already added.`,
  contactUpdated: (name: string) => `${name} updated.`,
  companyUpdated: (name: string) => `${name} updated.`,
  taskCreated: (ref: string, title: string) => `Created ${ref}: ${title}.`,
  taskAlreadyCreated: (ref: string) => `${ref} was already created.`,
  contactsChanged: (ref: string, added: string[], removed: string[]) =>
    [added.length ? `Added ${added.join(', ')} to ${ref}.` : '', removed.length ? `Took ${removed.join(', ')} off ${ref}.` : ''].filter(Boolean).join(' ') ||
    `${ref}’s contacts are as they were; nothing changed.`,
  logged: (type: string, on: string) => `Logged ${type === 'email' ? 'an email' : `a ${type}`} on ${on}.`,
  alreadyLogged: (on: string) => `That was already logged on ${on}.`,
  pickSubject: 'Pick a deal or a contact: type a deal’s reference (D-42), its title, or a contact’s name or email.',
  contactNotOnDeal: (name: string, ref: string) => `${name} isn’t on ${ref}: pick the deal or the contact alone, or add them to the deal first.`,
} as const;

/** A contact's `title` is its job title; its `companyName` the company select; a company's `domain` its own field. */
const CONTACT_FIELDS = { title: BLOCKS.jobTitle, companyName: BLOCKS.company, companyId: BLOCKS.company };
const COMPANY_FIELDS = { domain: BLOCKS.domain };

/** Field errors a record form shows before anything else: the company must fit in the select's value. */
const companyFits = (a: ViewArgs): Errors | undefined =>
  companyChoice(selected(a.view, 'company')).tooLong ? fieldError(BLOCKS.company, COMPANY_TOO_LONG) : undefined;

/** Runs `write`; a domain error about one of the form's fields comes back on that field. */
async function onFields(a: ViewArgs, overrides: Record<string, string>, write: () => Promise<WorkResult>): Promise<WorkResult> {
  try {
    return await write();
  } catch (err) {
    const errors = fieldErrors(err, blocksOf(a.view), overrides);
    if (errors) return errors;
    throw err;
  }
}

export function registerRecordViews(kit: ViewKit, deps: SlackDeps): void {
  const { submit, show } = kit;
  const card = async (actor: Actor, contactId: string, headline: string): Promise<Reply> => ({
    kind: 'contact',
    contact: await deps.crm.contacts.card(actor, contactId),
    headline,
  });

  /**
   * New contact: created, and its card shown where the form came from. A duplicate (same email;
   * same name at the same company) replaces the form with the choice: "Use existing" shows the
   * contact that is there, "Create anyway" creates this one (never for the same email).
   */
  submit(
    VIEWS.newContact,
    async (a, actor, meta) => {
      const { tooLong, ...company } = companyChoice(selected(a.view, 'company'));
      if (tooLong) return fieldError(BLOCKS.company, COMPANY_TOO_LONG);
      const input = {
        name: text(a.view, 'name') ?? '',
        email: text(a.view, 'email'),
        phone: text(a.view, 'phone'),
        title: text(a.view, 'jobTitle'),
        ...company,
      };
      try {
        const { contact, created } = await deps.crm.contacts.create(actor, { ...input, idempotencyKey: `slack:view:${a.view.id}` });
        const headline = created ? RECORD_FORM_TEXT.added(contact.name, contact.company?.name) : RECORD_FORM_TEXT.alreadyAdded(contact.name);
        return async () => show(a, actor, meta, await card(actor, contact.id, headline), { replace: false, title: RECORD_FORM_TEXT.contactTitle });
      } catch (err) {
        if (!isDomainError(err) || err.code !== DomainErrorCode.Duplicate || !err.details.existingId) {
          const errors = fieldErrors(err, blocksOf(a.view), CONTACT_FIELDS);
          if (errors) return errors;
          throw err;
        }
        const details = err.details as { existingId: string; emailTaken?: boolean };
        const existing = await deps.crm.contacts.get(actor, details.existingId);
        const anyway: CreateAnywayValue | undefined = details.emailTaken ? undefined : { contact: definedOnly(input) };
        const reply = { kind: 'duplicate' as const, message: err.message, existing: { record: 'contact' as const, contact: existing }, createAnyway: null };
        const blocks = duplicateBlocks(reply, { createAnyway: anyway });
        return {
          update: answerModal(RECORD_FORM_TEXT.duplicateTitle, { blocks }),
          // The form has closed already: the same choice, as a message.
          orElse: () => kit.post(a, meta, { text: err.message, blocks }),
        };
      }
    },
    companyFits,
  );

  submit(
    VIEWS.editContact,
    async (a, actor, meta) => {
      const { tooLong, ...company } = companyChoice(selected(a.view, 'company'));
      if (tooLong) return fieldError(BLOCKS.company, COMPANY_TOO_LONG);
      return onFields(a, CONTACT_FIELDS, async () => {
        const companyName = company.companyName ?? (company.companyId ? (await deps.crm.companies.get(actor, company.companyId)).name : null);
        const contact = await deps.crm.contacts.edit(actor, meta.contactId ?? '', {
          name: text(a.view, 'name'),
          email: text(a.view, 'email') ?? null,
          phone: text(a.view, 'phone') ?? null,
          title: text(a.view, 'jobTitle') ?? null,
          companyName,
        });
        return async () =>
          show(a, actor, meta, await card(actor, contact.id, RECORD_FORM_TEXT.contactUpdated(contact.name)), { replace: true, title: RECORD_FORM_TEXT.contactTitle });
      });
    },
    companyFits,
  );

  submit(VIEWS.editCompany, async (a, actor, meta) =>
    onFields(a, COMPANY_FIELDS, async () => {
      const company = await deps.crm.companies.edit(actor, meta.companyId ?? '', { name: text(a.view, 'name'), domain: text(a.view, 'domain') ?? null });
      return async () =>
        show(
          a,
          actor,
          meta,
          { kind: 'company', company: await deps.crm.companies.card(actor, company.id), headline: RECORD_FORM_TEXT.companyUpdated(company.name) },
          { replace: true, title: RECORD_FORM_TEXT.companyTitle },
        );
    }),
  );

  /** New task (from a contact card, or a deal): shown as the task, with its Done and Snooze. */
  submit(VIEWS.newTask, async (a, actor, meta, lookups) => {
    const assigneeUser = user(a.view, 'assignee');
    // Every lookup before the write: before `ack` a lookup may stop the work to run it later.
    const assigneeId = assigneeUser ? await lookups.member(actor, assigneeUser) : undefined;
    return onFields(a, { due: BLOCKS.due, assigneeId: BLOCKS.assignee, assignee: BLOCKS.assignee }, async () => {
      const { task, created } = await deps.crm.tasks.create(actor, {
        title: text(a.view, 'title') ?? '',
        due: date(a.view, 'due'),
        ...(meta.contactId && { contactId: meta.contactId }),
        ...(meta.dealId && { deal: meta.dealId }),
        assigneeId,
        idempotencyKey: `slack:view:${a.view.id}`,
      });
      const headline = created ? RECORD_FORM_TEXT.taskCreated(task.ref, task.title) : RECORD_FORM_TEXT.taskAlreadyCreated(task.ref);
      return async () => {
        deps.home.refresh(a.client, actor, [a.body.user.id, task.assignee?.externalId]);
        await show(a, actor, meta, { kind: 'task', task, headline }, { replace: false, title: RECORD_FORM_TEXT.taskTitle });
      };
    });
  });

  /** A deal's contacts, picked in one multi-select: the new ones are added, the removed ones taken off. */
  submit(VIEWS.dealContacts, async (a, actor, meta) => {
    const picked = (field(a.view, 'contacts')?.selected_options ?? []).map((o) => o.value);
    const { deal, added, removed } = await setDealContacts(deps, actor, meta.dealId ?? '', picked);
    return async () => {
      const headline = RECORD_FORM_TEXT.contactsChanged(deal.ref, added, removed);
      await show(a, actor, meta, { kind: 'deal', deal, headline }, { replace: true, title: ANSWER_MODAL_TEXT.dealTitle(deal.ref) });
    };
  });

  /**
   * "Log to CRM": the message logged on what the typeahead picked (a deal, a contact, or a deal
   * with one of its contacts: on both), with its permalink; the same message on the same record
   * is logged once.
   */
  submit(VIEWS.logToCrm, async (a, actor, meta, lookups) => {
    const subject = parseSubject(selected(a.view, 'subject'));
    if (!subject) return fieldError(BLOCKS.subject, RECORD_FORM_TEXT.pickSubject);
    if (subject.deal && subject.contactId) {
      const deal = await deps.crm.deals.get(actor, subject.deal, 0);
      const contact = deal.contacts.find((c) => c.id === subject.contactId);
      if (!contact) return fieldError(BLOCKS.subject, RECORD_FORM_TEXT.contactNotOnDeal((await deps.crm.contacts.get(actor, subject.contactId)).name, deal.ref));
    }
    const sourceUrl = meta.channelId && meta.messageTs ? await lookups.permalink(meta) : undefined;
    const type = (selected(a.view, 'activityType') ?? 'note') as 'note';
    const target = [subject.deal, subject.contactId].filter(Boolean).join('+');
    const { created } = await deps.crm.activities.log(actor, {
      deal: subject.deal,
      contactId: subject.contactId,
      type,
      body: text(a.view, 'body') ?? '',
      source: 'slack',
      sourceUrl,
      idempotencyKey: meta.channelId && meta.messageTs ? `slack:msg:${meta.channelId}:${meta.messageTs}:${target}` : `slack:view:${a.view.id}`,
    });
    return async () => {
      if (subject.deal) {
        const deal = await deps.crm.deals.get(actor, subject.deal);
        const on = subject.contactId ? `${deal.ref} and ${deal.contacts.find((c) => c.id === subject.contactId)?.name ?? 'the contact'}` : deal.ref;
        const headline = created ? RECORD_FORM_TEXT.logged(type, on) : RECORD_FORM_TEXT.alreadyLogged(on);
        deps.home.refresh(a.client, actor, [a.body.user.id, deal.owner?.externalId]);
        await show(a, actor, meta, { kind: 'deal', deal, headline }, { replace: false, title: ANSWER_MODAL_TEXT.dealTitle(deal.ref) });
        return;
      }
      const contact = await deps.crm.contacts.card(actor, subject.contactId!);
      const headline = created ? RECORD_FORM_TEXT.logged(type, contact.name) : RECORD_FORM_TEXT.alreadyLogged(contact.name);
      await show(a, actor, meta, { kind: 'contact', contact, headline }, { replace: false, title: RECORD_FORM_TEXT.contactTitle });
    };
  });
}

/**
 * Makes a deal's contacts exactly `picked`: adds the new ones, takes off the ones no longer
 * picked (each a timeline entry). A replayed selection changes nothing.
 */
export async function setDealContacts(
  deps: SlackDeps,
  actor: Actor,
  dealRef: string,
  picked: string[],
): Promise<{ deal: DealDetailView; added: string[]; removed: string[] }> {
  let deal = await deps.crm.deals.get(actor, dealRef, 0);
  const before = new Map(deal.contacts.map((c) => [c.id, c.name]));
  const wanted = new Set(picked);
  const added: string[] = [];
  const removed: string[] = [];
  for (const id of wanted) {
    if (before.has(id)) continue;
    const change = await deps.crm.deals.addContact(actor, deal.id, id);
    deal = change.deal;
    if (change.changed) added.push(deal.contacts.find((c) => c.id === id)?.name ?? id);
  }
  for (const [id, name] of before) {
    if (wanted.has(id)) continue;
    const change = await deps.crm.deals.removeContact(actor, deal.id, id);
    deal = change.deal;
    if (change.changed) removed.push(name);
  }
  return { deal: await deps.crm.deals.get(actor, deal.id), added, removed };
}

/** The form's values without the empty ones (a button value carries only what was typed). */
function definedOnly(input: { name: string; email?: string; phone?: string; title?: string; companyId?: string; companyName?: string }) {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== '')) as typeof input;
}
