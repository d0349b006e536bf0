/** Hand-built contact, company and task views for the Slack renderer tests: no database. */
import type { ContactCardView, ContactListView, ContactSummaryView } from '../../../../src/domain/contacts/contact.view.js';
import type { CompanyCardView, CompanyListView, CompanySummaryView } from '../../../../src/domain/companies/company.view.js';
import type { ActivityLine, CardAction } from '../../../../src/domain/shared/record.view.js';
import type { TaskListView, TaskView } from '../../../../src/domain/tasks/task.view.js';
import { deal } from './fixtures.js';

const alice = { id: 'm1', displayName: 'Alice Adams', handle: 'alice', externalId: 'U012ABCDEF' };
const usd = (major: number) => ({ minor: BigInt(major * 100), currency: 'USD' });

export function taskView(over: Partial<TaskView> = {}): TaskView {
  const ref = over.ref ?? 'T-3';
  const done = over.done ?? false;
  return {
    id: `task-${ref}`,
    ref,
    title: 'Send the quote',
    due: '2026-11-18',
    overdue: true,
    dueToday: false,
    done,
    doneAt: null,
    assignee: alice,
    deal: { id: 'clx0deal000000000000000042', ref: 'D-42', title: 'Acme renewal' },
    contact: { id: 'p1', name: 'Ana Lima' },
    actions: done
      ? []
      : [
          { id: 'task.done', label: 'Done', subject: ref },
          { id: 'task.snooze', label: 'Snooze 1 day', subject: ref },
        ],
    ...over,
  };
}

export function activity(i: number, over: Partial<ActivityLine> = {}): ActivityLine {
  return {
    id: `a${i}`,
    at: new Date(Date.UTC(2026, 10, 18 - i, 9)),
    type: 'call',
    body: `Call number ${i + 1}`,
    actor: 'Alice Adams',
    deal: { id: 'clx0deal000000000000000042', ref: 'D-42', title: 'Acme renewal' },
    contact: { id: 'p1', name: 'Ana Lima' },
    sourceUrl: null,
    ...over,
  };
}

export function contactSummary(over: Partial<ContactSummaryView> = {}): ContactSummaryView {
  return {
    id: 'p1',
    name: 'Ana Lima',
    email: 'ana@acme.com',
    phone: '+1 415 555 0100',
    title: 'VP Sales',
    company: { id: 'c1', name: 'Acme Corp' },
    owner: alice,
    ...over,
  };
}

export const contactActions = (id = 'p1'): CardAction[] => [
  { id: 'contact.edit', label: 'Edit', subject: id },
  { id: 'contact.new_task', label: 'New task', subject: id },
  { id: 'contact.log', label: 'Log activity', subject: id },
];

export function contactCard(over: Partial<ContactCardView> = {}): ContactCardView {
  return {
    ...contactSummary(),
    openDeals: [deal(), deal({ id: 'd2', ref: 'D-43', title: 'Acme expansion', amountText: '€3,000', stage: { key: 'new', name: 'New', kind: 'open', probability: 10, position: 0 } })],
    openDealCount: 2,
    recentActivity: [0, 1, 2].map((i) => activity(i)),
    nextTask: taskView(),
    openTaskCount: 3,
    fields: [],
    actions: contactActions(),
    ...over,
  };
}

export function companySummary(over: Partial<CompanySummaryView> = {}): CompanySummaryView {
  return { id: 'c1', name: 'Acme Corp', domain: 'acme.com', owner: alice, contactCount: 2, openDealCount: 2, ...over };
}

export function companyCard(over: Partial<CompanyCardView> = {}): CompanyCardView {
  return {
    ...companySummary(),
    contacts: [contactSummary(), contactSummary({ id: 'p2', name: 'Bo Chen', email: 'bo@acme.com', title: null, phone: null })],
    openDeals: [deal()],
    pipelineValue: [
      { money: usd(25_000), text: '$25,000.00' },
      { money: { minor: 300_000n, currency: 'EUR' }, text: '€3,000.00' },
    ],
    wonRevenue: [{ money: usd(10_000), text: '$10,000.00' }],
    recentActivity: [activity(0)],
    fields: [],
    actions: [
      { id: 'company.edit', label: 'Edit', subject: 'c1' },
      { id: 'company.new_contact', label: 'New contact', subject: 'c1' },
    ],
    ...over,
  };
}

export function taskList(over: Partial<TaskListView> = {}): TaskListView {
  const items = over.items ?? [taskView(), taskView({ ref: 'T-4', title: 'Call back', due: null, overdue: false, deal: null })];
  return { heading: 'Your open tasks', source: { scope: { type: 'mine' } }, items, total: items.length, totalCapped: false, page: 1, pageSize: 10, hasMore: false, ...over };
}

export function contactList(over: Partial<ContactListView> = {}): ContactListView {
  const items = over.items ?? [contactSummary(), contactSummary({ id: 'p2', name: 'Bo Chen', email: null })];
  return { heading: 'Contacts at Acme Corp', source: { scope: { type: 'company', company: 'Acme Corp' } }, items, total: items.length, totalCapped: false, page: 1, pageSize: 10, hasMore: false, ...over };
}

export function companyList(over: Partial<CompanyListView> = {}): CompanyListView {
  const items = over.items ?? [companySummary(), companySummary({ id: 'c2', name: 'Globex', domain: null, contactCount: 1, openDealCount: 0 })];
  return { heading: 'Companies', source: { scope: { type: 'all' } }, items, total: items.length, totalCapped: false, page: 1, pageSize: 10, hasMore: false, ...over };
}
