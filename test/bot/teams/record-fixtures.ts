/** Hand-built contact, company and task views for the Teams renderer tests: no database. */
import type { ContactCardView, ContactListView, ContactSummaryView } from '../../../src/domain/contacts/contact.view.js';
import type { CompanyCardView, CompanyListView, CompanySummaryView } from '../../../src/domain/companies/company.view.js';
import type { TaskListView, TaskView } from '../../../src/domain/tasks/task.view.js';
import type { ActivityLine } from '../../../src/domain/shared/record.view.js';
import { deal } from '../slack/blocks/fixtures.js';

export { clock } from '../slack/blocks/fixtures.js';

export const alice = { id: 'm1', displayName: 'Alice Adams', handle: 'alice', externalId: 'aad-0000-alice' };

export function contactSummary(over: Partial<ContactSummaryView> = {}): ContactSummaryView {
  return {
    id: 'clx0contact00000000000001',
    name: 'Jane Doe',
    email: 'jane@acme.com',
    phone: '+1 415 555 0100',
    title: 'Head of Sales',
    company: { id: 'clx0company00000000000001', name: 'Acme' },
    owner: alice,
    ...over,
  };
}

export function task(over: Partial<TaskView> = {}): TaskView {
  const ref = over.ref ?? 'T-3';
  const done = over.done ?? false;
  return {
    id: 'clx0task0000000000000003',
    ref,
    title: 'Send the quote',
    due: '2026-11-18',
    overdue: true,
    dueToday: false,
    done,
    doneAt: null,
    assignee: alice,
    deal: { id: 'clx0deal000000000000000042', ref: 'D-42', title: 'Acme renewal' },
    contact: { id: 'clx0contact00000000000001', name: 'Jane Doe' },
    actions: done
      ? []
      : [
          { id: 'task.done', label: 'Done', subject: ref },
          { id: 'task.snooze', label: 'Snooze', subject: ref },
        ],
    ...over,
  };
}

export function activity(i: number, over: Partial<ActivityLine> = {}): ActivityLine {
  return {
    id: `act-${i}`,
    at: new Date(Date.UTC(2026, 10, 18 - i, 9)),
    type: 'call',
    body: `Call number ${i + 1}`,
    actor: 'Alice Adams',
    deal: { id: 'clx0deal000000000000000042', ref: 'D-42', title: 'Acme renewal' },
    contact: null,
    sourceUrl: null,
    ...over,
  };
}

export function contactCardView(over: Partial<ContactCardView> = {}): ContactCardView {
  const base = contactSummary(over);
  return {
    ...base,
    openDeals: [deal()],
    openDealCount: 1,
    recentActivity: [activity(0), activity(1)],
    nextTask: task(),
    openTaskCount: 2,
    fields: [],
    actions: [
      { id: 'contact.edit', label: 'Edit', subject: base.id },
      { id: 'contact.new_task', label: 'New task', subject: base.id },
      { id: 'contact.log', label: 'Log activity', subject: base.id },
    ],
    ...over,
  };
}

export function companySummary(over: Partial<CompanySummaryView> = {}): CompanySummaryView {
  return { id: 'clx0company00000000000001', name: 'Acme', domain: 'acme.com', owner: alice, contactCount: 2, openDealCount: 1, ...over };
}

export function companyCardView(over: Partial<CompanyCardView> = {}): CompanyCardView {
  const base = companySummary(over);
  return {
    ...base,
    contacts: [contactSummary(), contactSummary({ id: 'clx0contact00000000000002', name: 'John Roe', email: 'john@acme.com', title: 'CTO' })],
    openDeals: [deal()],
    pipelineValue: [
      { money: { minor: 2_500_000n, currency: 'USD' }, text: '$25,000.00' },
      { money: { minor: 400_000n, currency: 'EUR' }, text: '€4,000.00' },
    ],
    wonRevenue: [{ money: { minor: 1_000_000n, currency: 'USD' }, text: '$10,000.00' }],
    recentActivity: [activity(0, { contact: { id: 'clx0contact00000000000001', name: 'Jane Doe' } })],
    fields: [],
    actions: [
      { id: 'company.edit', label: 'Edit', subject: base.id },
      { id: 'company.new_contact', label: 'New contact', subject: base.id },
    ],
    ...over,
  };
}

export function contactList(over: Partial<ContactListView> = {}): ContactListView {
  const items = over.items ?? [contactSummary(), contactSummary({ id: 'clx0contact00000000000002', name: 'John Roe', email: 'john@acme.com' })];
  return { heading: 'Contacts at Acme', source: { scope: { type: 'company', company: 'Acme' } }, items, total: items.length, totalCapped: false, page: 1, pageSize: 10, hasMore: false, ...over };
}

export function companyList(over: Partial<CompanyListView> = {}): CompanyListView {
  const items = over.items ?? [companySummary(), companySummary({ id: 'clx0company00000000000002', name: 'Initech', domain: null, contactCount: 0, openDealCount: 0, owner: null })];
  return { heading: 'Companies', source: { scope: { type: 'all' } }, items, total: items.length, totalCapped: false, page: 1, pageSize: 10, hasMore: false, ...over };
}

export function taskList(over: Partial<TaskListView> = {}): TaskListView {
  const items = over.items ?? [task(), task({ id: 'clx0task0000000000000004', ref: 'T-4', title: 'Book the demo', due: null, overdue: false, deal: null })];
  return { heading: 'Your open tasks', source: { scope: { type: 'mine' } }, items, total: items.length, totalCapped: false, page: 1, pageSize: 10, hasMore: false, ...over };
}
