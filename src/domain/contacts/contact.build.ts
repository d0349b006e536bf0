/**
 * Builders of the contact views (contact.view.ts): the rows they need (`include`s) and the
 * functions from those rows to the views.
 */
import type { Prisma } from '../../generated/sqlite/client.js';
import { toPersonView } from '../deals/deal.view.js';
import type { CardAction } from '../shared/record.view.js';
import type { ContactSummaryView } from './contact.view.js';

export const contactSummaryInclude = {
  company: { select: { id: true, name: true } },
  owner: { select: { id: true, displayName: true, handle: true, externalId: true } },
} satisfies Prisma.ContactInclude;

export type ContactSummaryRow = Prisma.ContactGetPayload<{ include: typeof contactSummaryInclude }>;

export function toContactSummaryView(c: ContactSummaryRow): ContactSummaryView {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    title: c.title,
    company: c.company,
    owner: c.owner ? toPersonView(c.owner) : null,
  };
}

/** How a contact is named among others (a duplicate warning, an ambiguous match): "Jane Doe (jane@acme.com)". */
export function contactLabel(c: { name: string; email: string | null; company?: { name: string } | null }): string {
  const hint = c.email ?? c.company?.name;
  return hint ? `${c.name} (${hint})` : c.name;
}

/** The buttons of a contact card, in the order every surface shows them. */
export function contactCardActions(contactId: string): CardAction[] {
  return [
    { id: 'contact.edit', label: 'Edit', subject: contactId },
    { id: 'contact.new_task', label: 'Add task', subject: contactId },
    { id: 'contact.log', label: 'Log activity', subject: contactId },
  ];
}

/** "1 task", "2 tasks". */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
