/**
 * Contact, company and task replies, the App Home's tasks, the deal card's contacts and the new
 * modals, fed the longest inputs the domain accepts (lengths from the domain's own limits), stay
 * inside Slack's Block Kit limits (src/bot/slack/blocks/limits.ts), and say where they cut.
 */
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../../src/bot/commands/reply.js';
import { dealCardBlocks } from '../../../../src/bot/slack/blocks/deal-card.js';
import { appHomeView } from '../../../../src/bot/slack/blocks/home.js';
import { blockKitViolations, describeViolations, type BlockKitSurface } from '../../../../src/bot/slack/blocks/limits.js';
import {
  dealContactsModal,
  editCompanyModal,
  editContactModal,
  logActivityModal,
  logToCrmModal,
  newTaskModal,
  subjectContactOption,
  subjectDealOption,
  subjectPairOption,
} from '../../../../src/bot/slack/blocks/modals.js';
import { answerModal } from '../../../../src/bot/slack/blocks/answer-modal.js';
import { duplicateBlocks } from '../../../../src/bot/slack/blocks/records.js';
import { replyBlocks } from '../../../../src/bot/slack/blocks/reply.js';
import { writeMeta } from '../../../../src/bot/slack/listeners/context.js';
import { ACTIVITY_BODY_MAX } from '../../../../src/domain/activities/activity.schema.js';
import { COMPANY_NAME_MAX } from '../../../../src/domain/companies/company.schema.js';
import type { CompanyCardView, CompanySummaryView } from '../../../../src/domain/companies/company.view.js';
import { CONTACT_TEXT_LIMITS } from '../../../../src/domain/contacts/contact.schema.js';
import type { ContactCardView, ContactSummaryView } from '../../../../src/domain/contacts/contact.view.js';
import type { DealDetailView, DealView } from '../../../../src/domain/deals/deal.view.js';
import type { ActivityLine } from '../../../../src/domain/shared/record.view.js';
import { TASK_TITLE_MAX } from '../../../../src/domain/tasks/task.schema.js';
import type { TaskListView, TaskView } from '../../../../src/domain/tasks/task.view.js';
import { clock, list, queue, summary } from './fixtures.js';
import { FIELD_LIMITS } from '../../../../src/domain/fields/field.schema.js';
import type { FieldLine } from '../../../../src/domain/fields/field.view.js';

const MAX = {
  name: CONTACT_TEXT_LIMITS.name,
  jobTitle: CONTACT_TEXT_LIMITS.title,
  company: COMPANY_NAME_MAX,
  email: 320,
  body: ACTIVITY_BODY_MAX,
  task: TASK_TITLE_MAX,
  /** Deal titles and display names: 200 (deal.schema, identity.schema). */
  title: 200,
  displayName: 200,
};

type Flavour = 'markup' | 'ampersands' | 'emoji';
const FLAVOURS: Flavour[] = ['markup', 'ampersands', 'emoji'];

/** Text of exactly `n` UTF-16 units of what grows most when escaped, or splits badly. */
function text(n: number, flavour: Flavour, start = ''): string {
  const unit = { markup: '*_~`<>&|é ', ampersands: '&', emoji: '🚀é*' }[flavour];
  let s = start;
  while (s.length < n) s += unit;
  s = s.slice(0, n);
  const last = s.charCodeAt(s.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? `${s.slice(0, -1)}x` : s;
}

/** The most custom fields a record can have (FIELD_LIMITS), each with the longest name and text value. */
const maxFields = (f: Flavour): FieldLine[] =>
  Array.from({ length: FIELD_LIMITS.perEntity }, (_, i) => ({
    key: `field_${i}`,
    name: text(FIELD_LIMITS.name, f),
    type: 'text' as const,
    display: text(FIELD_LIMITS.text, f),
    value: text(FIELD_LIMITS.text, f),
  }));

const email = `${'a'.repeat(64)}@${'b'.repeat(MAX.email - 70)}.com`.slice(0, MAX.email);
const person = (f: Flavour) => ({ id: 'm1', displayName: text(MAX.displayName, f), handle: 'h', externalId: 'teams:29:1abc' });
const id = (i: number) => `clx${String(i).padStart(22, '0')}`;
const currencies = Intl.supportedValuesOf('currency');
const totals = (f: Flavour) => currencies.map((c) => ({ money: { minor: 999_999_999_999n, currency: c }, text: `${c} 9,999,999,999.99 ${text(20, f)}` }));

function deal(i: number, f: Flavour): DealView {
  return {
    id: id(i),
    ref: `D-${100_000 + i}`,
    title: text(MAX.title, f),
    status: 'open',
    amount: { minor: 999_999_999_999n, currency: 'USD' },
    amountText: '$9,999,999,999.99',
    stage: { key: 'proposal', name: text(100, f), kind: 'open', probability: 50, position: 2 },
    owner: person(f),
    company: { id: 'c1', name: text(MAX.company, f) },
    expectedCloseDate: '2026-12-31',
    nextAction: { text: text(500, f), due: '2026-11-18', overdue: true, dueToday: false },
    lastActivityAt: new Date('2026-01-01T00:00:00Z'),
    daysSinceActivity: 999,
    closedAt: null,
    lostReason: null,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    archived: false,
  };
}

function task(i: number, f: Flavour): TaskView {
  const ref = `T-${100_000_000 + i}`;
  return {
    id: id(i),
    ref,
    title: text(MAX.task, f),
    due: '2026-11-18',
    overdue: true,
    dueToday: false,
    done: false,
    doneAt: null,
    assignee: person(f),
    deal: { id: id(i), ref: `D-${100_000 + i}`, title: text(MAX.title, f) },
    contact: { id: id(i), name: text(MAX.name, f) },
    actions: [
      { id: 'task.done', label: text(100, f), subject: ref },
      { id: 'task.snooze', label: text(100, f), subject: ref },
    ],
  };
}

function activity(i: number, f: Flavour): ActivityLine {
  return {
    id: id(i),
    at: new Date(Date.UTC(2026, 10, 18 - i)),
    type: 'meeting',
    body: text(MAX.body, f),
    actor: text(MAX.displayName, f),
    deal: { id: id(i), ref: `D-${100_000 + i}`, title: text(MAX.title, f) },
    contact: { id: id(i), name: text(MAX.name, f) },
    sourceUrl: `https://acme.slack.com/archives/C1/p1?x=${'&|>'.repeat(600)}`.slice(0, 2000),
  };
}

function contact(i: number, f: Flavour): ContactSummaryView {
  return {
    id: id(i),
    name: text(MAX.name, f),
    email,
    phone: '+1 (415) 555-0100 12345678901234',
    title: text(MAX.jobTitle, f),
    company: { id: 'c1', name: text(MAX.company, f) },
    owner: person(f),
  };
}

const contactCard = (f: Flavour): ContactCardView => ({
  ...contact(1, f),
  openDeals: Array.from({ length: 10 }, (_, i) => deal(i, f)),
  openDealCount: 100_000,
  recentActivity: Array.from({ length: 5 }, (_, i) => activity(i, f)),
  nextTask: task(1, f),
  openTaskCount: 100_000,
  fields: maxFields(f),
  actions: (['contact.edit', 'contact.new_task', 'contact.log', 'deal.add_contact'] as const).map((a) => ({ id: a, label: text(100, f), subject: id(1) })),
});

const company = (i: number, f: Flavour): CompanySummaryView => ({
  id: id(i),
  name: text(MAX.company, f),
  domain: `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.${'g'.repeat(60)}.com`,
  owner: person(f),
  contactCount: 100_000,
  openDealCount: 100_000,
});

const companyCard = (f: Flavour): CompanyCardView => ({
  ...company(1, f),
  contacts: Array.from({ length: 10 }, (_, i) => contact(i, f)),
  openDeals: Array.from({ length: 10 }, (_, i) => deal(i, f)),
  pipelineValue: totals(f),
  wonRevenue: totals(f),
  recentActivity: Array.from({ length: 5 }, (_, i) => activity(i, f)),
  fields: maxFields(f),
  actions: (['company.edit', 'company.new_contact'] as const).map((a) => ({ id: a, label: text(100, f), subject: id(1) })),
});

const page = <T,>(f: Flavour, items: T[]) => ({ heading: text(300, f), items, total: 1_000, totalCapped: true, page: 5, pageSize: items.length, hasMore: true });

const taskList = (f: Flavour): TaskListView => ({ ...page(f, Array.from({ length: 100 }, (_, i) => task(i, f))), source: { scope: { type: 'person', person: { handle: text(200, 'ampersands') } } } });

function expectWithinLimits(surface: BlockKitSurface, payload: unknown) {
  expect(describeViolations(blockKitViolations(surface, payload))).toBe('');
}
const allText = (v: unknown) => JSON.stringify(v);

describe('contact, company and task renderings, with the longest inputs, stay within Slack’s limits', () => {
  for (const f of FLAVOURS) {
    describe(`text full of ${f}`, () => {
      it('a contact card, and it counts the deals and tasks it could not list', () => {
        const msg = replyBlocks({ kind: 'contact', contact: contactCard(f), headline: text(500, f), hint: text(500, f) }, clock);
        expectWithinLimits('message', msg);
        expect(allText(msg.blocks)).toMatch(/…and 99,99\d more open deals/);
        expect(allText(msg.blocks)).toContain('99,999 more open tasks');
        expectWithinLimits('modal', answerModal('Contact', msg));
      });

      it('a company card with totals in every currency', () => {
        const msg = replyBlocks({ kind: 'company', company: companyCard(f), headline: text(500, f), hint: text(500, f) }, clock);
        expectWithinLimits('message', msg);
        expect(allText(msg.blocks)).toMatch(/…and 99,99\d more contacts/);
      });

      it('a task, and a page of 100 tasks', () => {
        expectWithinLimits('message', replyBlocks({ kind: 'task', task: task(1, f), headline: text(500, f), hint: text(500, f) }, clock));
        const msg = replyBlocks({ kind: 'tasks', list: taskList(f), headline: text(500, f), hint: text(500, f) }, clock);
        expectWithinLimits('message', msg);
        expect(allText(msg.blocks)).toContain('1,000+');
      });

      it('pages of 100 contacts and 100 companies', () => {
        const contacts: Reply = {
          kind: 'contacts',
          list: { ...page(f, Array.from({ length: 100 }, (_, i) => contact(i, f))), source: { scope: { type: 'company', company: text(200, f) } } },
          hint: text(500, f),
        };
        expectWithinLimits('message', replyBlocks(contacts, clock));
        const companies: Reply = {
          kind: 'companies',
          list: { ...page(f, Array.from({ length: 100 }, (_, i) => company(i, f))), source: { scope: { type: 'search', query: text(200, f) } } },
        };
        expectWithinLimits('message', replyBlocks(companies, clock));
      });

      it('duplicate warnings, from a command and from the new-contact modal', () => {
        const reply: Extract<Reply, { kind: 'duplicate' }> = {
          kind: 'duplicate',
          message: text(1000, f),
          existing: { record: 'contact', contact: contact(1, f) },
          createAnyway: `/deal contact new ${text(MAX.name, f)} ${email} at ${text(MAX.company, f)} anyway`,
        };
        expectWithinLimits('message', replyBlocks(reply, clock));
        expectWithinLimits('message', replyBlocks({ ...reply, existing: { record: 'company', company: company(1, f) }, createAnyway: null }, clock));
        const fromModal = duplicateBlocks(reply, {
          createAnyway: { contact: { name: text(MAX.name, f), email, phone: '+1 415 555 0100', title: text(MAX.jobTitle, f), companyName: text(MAX.company, f) } },
        });
        expectWithinLimits('message', fromModal);
        expectWithinLimits('modal', answerModal('Possible duplicate', { blocks: fromModal }));
        // The form's values always fit in the button: "Create anyway" is there.
        expect(allText(fromModal)).toContain('Create anyway');
      });

      it('the App Home with tasks, and a deal card with 100 contacts in its select', () => {
        const home = appHomeView({
          ...clock,
          myDeals: { ...list(), items: Array.from({ length: 100 }, (_, i) => deal(i, f)), total: 1000, totalCapped: true, hasMore: true, pageSize: 100 },
          due: queue(text(300, f), Array.from({ length: 100 }, (_, i) => deal(i, f)), 100_000, true),
          noNextAction: queue(text(300, f), Array.from({ length: 100 }, (_, i) => ({ ...deal(i, f), nextAction: null })), 100_000, true),
          summary: summary(),
          tasks: taskList(f),
          notice: text(500, f),
        });
        expectWithinLimits('home', home);
        const detail: DealDetailView = {
          ...deal(1, f),
          contacts: Array.from({ length: 150 }, (_, i) => ({ id: id(i), name: text(MAX.name, f), email })),
          timeline: [],
          fields: maxFields(f),
        };
        expectWithinLimits('message', { blocks: dealCardBlocks(detail, { ...clock, headline: text(500, f), hint: text(500, f) }) });
      });

      it('the new modals and the "Log to CRM" typeahead, filled in with the longest values', () => {
        const meta = writeMeta({ dealId: id(1), channelId: 'C0SALES', responseUrl: `https://hooks.slack.com/actions/T0ACME/${'1'.repeat(20)}/${'x'.repeat(24)}` });
        const companyRef = { id: id(1), name: text(MAX.company, f) };
        const contactRef = { id: id(2), name: text(MAX.name, f), email };
        const dealRef = { id: id(3), ref: 'D-100000001', title: text(MAX.title, f) };
        for (const m of [
          editContactModal({ privateMetadata: meta, initial: { name: text(MAX.name, f), email, phone: '+1 415 555 0100', jobTitle: text(MAX.jobTitle, f), company: companyRef } }),
          editCompanyModal({ privateMetadata: meta, initial: { name: text(MAX.company, f), domain: company(1, f).domain } }),
          newTaskModal({ privateMetadata: meta, initial: { about: text(MAX.name, f), title: text(MAX.task, f), due: '2026-12-01', assigneeUserId: 'U0ALICE' } }),
          dealContactsModal({ privateMetadata: meta, initial: { deal: dealRef, contacts: Array.from({ length: 150 }, () => contactRef) } }),
          logActivityModal({ privateMetadata: meta, initial: { contact: contactRef, type: 'call' } }),
          logToCrmModal({ privateMetadata: meta, initial: { body: text(ACTIVITY_BODY_MAX, f) } }),
        ]) {
          expectWithinLimits('modal', m);
        }
        expectWithinLimits('options', { options: [subjectDealOption(dealRef), subjectContactOption(contactRef), subjectPairOption(dealRef, contactRef)] });
      });
    });
  }
});
