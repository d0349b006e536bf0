/**
 * Slack's Block Kit limits (src/bot/slack/blocks/limits.ts): the checker finds each broken limit,
 * and every Slack renderer, fed the longest inputs the domain accepts (lengths read from the
 * domain's zod schemas, many deals, Markdown characters, emoji, text outside ASCII), produces
 * nothing Slack would refuse, and says so where it had to cut ("…", "and N more").
 */
import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { draftBlocks, summaryBlocks } from '../../../../src/bot/slack/blocks/assistant.js';
import { digestMessage, digestSettingsBlocks, nudgeMessage, nudgeSettingsBlocks } from '../../../../src/bot/slack/blocks/digest.js';
import { appHomeView } from '../../../../src/bot/slack/blocks/home.js';
import { blockKitViolations, describeViolations, type BlockKitSurface } from '../../../../src/bot/slack/blocks/limits.js';
import {
  createDealModal,
  editDealModal,
  logActivityModal,
  lostReasonModal,
  newCompanyOption,
  newContactModal,
  nextActionModal,
} from '../../../../src/bot/slack/blocks/modals.js';
import { capBlocks, linesSection } from '../../../../src/bot/slack/blocks/parts.js';
import { replyBlocks } from '../../../../src/bot/slack/blocks/reply.js';
import { helpText } from '../../../../src/bot/commands/help.js';
import type { Reply } from '../../../../src/bot/commands/execute.js';
import { writeMeta } from '../../../../src/bot/slack/listeners/context.js';
import { button as assistantButton, type DraftView, type SummaryView } from '../../../../src/domain/assistant/assistant.view.js';
import { draftOutputSchema, summaryOutputSchema } from '../../../../src/domain/assistant/assistant.schema.js';
import { logActivitySchema } from '../../../../src/domain/activities/activity.schema.js';
import { createCompanySchema } from '../../../../src/domain/companies/company.schema.js';
import { createContactSchema } from '../../../../src/domain/contacts/contact.schema.js';
import { lostReasonSchema, nextActionSchema, titleSchema } from '../../../../src/domain/deals/deal.schema.js';
import type { DealDetailView, DealListView, DealView } from '../../../../src/domain/deals/deal.view.js';
import type { DigestSettingsView, DigestSubscriptionView, DigestView, NudgeView } from '../../../../src/domain/digests/digest.view.js';
import { DIGEST_LIMITS } from '../../../../src/domain/digests/digest.service.js';
import { NUDGE_LIMITS } from '../../../../src/domain/digests/nudge.service.js';
import { subscribeDigestSchema } from '../../../../src/domain/digests/digest.schema.js';
import { ensureMemberSchema } from '../../../../src/domain/identity/identity.schema.js';
import type { DealQueueView, PipelineSummaryView } from '../../../../src/domain/reports/report.view.js';
import { clock, NOW } from './fixtures.js';
import { task as recordTask } from '../../teams/record-fixtures.js';
import { FIELD_LIMITS } from '../../../../src/domain/fields/field.schema.js';
import type { FieldLine } from '../../../../src/domain/fields/field.view.js';

// ---------------------------------------------------------------------------------------------
// The longest inputs, from the domain's own schemas.

/** A zod string's `max`, so that raising a limit in the domain raises it here too. */
const maxOf = (schema: unknown): number => {
  const n = (schema as { maxLength?: number | null }).maxLength;
  if (typeof n !== 'number') throw new Error('schema without a max length');
  return n;
};

const MAX = {
  title: maxOf(titleSchema),
  nextAction: maxOf(nextActionSchema),
  lostReason: maxOf(lostReasonSchema),
  company: maxOf(createCompanySchema.shape.name),
  contactName: maxOf(createContactSchema.shape.name),
  email: maxOf(createContactSchema.shape.email.unwrap()),
  activityBody: maxOf(logActivitySchema.shape.body),
  sourceUrl: maxOf(logActivitySchema.shape.sourceUrl.unwrap()),
  displayName: maxOf(ensureMemberSchema.shape.displayName),
  conversationId: maxOf(subscribeDigestSchema.shape.conversationId),
  draftSubject: maxOf(draftOutputSchema.shape.subject),
  draftBody: maxOf(draftOutputSchema.shape.body),
};

/**
 * Text of exactly `n` UTF-16 units made of what grows most when escaped (`&` becomes `&amp;`,
 * `*` gets a zero-width space on each side) and what is easiest to split badly (emoji, accents).
 */
type Flavour = 'markup' | 'ampersands' | 'emoji';
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

const FLAVOURS: Flavour[] = ['markup', 'ampersands', 'emoji'];
const money = (major: number, currency: string) => ({ minor: BigInt(major) * 100n, currency });
/** Every currency the runtime knows: a workspace can hold deals in all of them. */
const CURRENCIES = Intl.supportedValuesOf('currency');
const manyTotals = CURRENCIES.map((c) => money(999_999_999, c));

function deal(i: number, f: Flavour, over: Partial<DealView> = {}): DealView {
  return {
    id: `clx${String(i).padStart(22, '0')}`,
    ref: `D-${100_000 + i}`,
    title: text(MAX.title, f, `Deal ${i} `),
    status: 'open',
    amount: money(999_999_999_999, 'USD'),
    amountText: '$999,999,999,999.00',
    stage: { key: 'proposal', name: 'Proposal', kind: 'open', probability: 50, position: 2 },
    owner: { id: 'm1', displayName: text(MAX.displayName, f), handle: 'owner', externalId: 'teams:29:1abc' },
    company: { id: 'c1', name: text(MAX.company, f) },
    expectedCloseDate: '2026-12-31',
    nextAction: { text: text(MAX.nextAction, f), due: '2026-11-18', overdue: true, dueToday: false },
    lastActivityAt: new Date('2026-01-01T00:00:00Z'),
    daysSinceActivity: 999,
    closedAt: null,
    lostReason: null,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    archived: false,
    ...over,
  };
}

function detail(f: Flavour, over: Partial<DealView> = {}): DealDetailView {
  return {
    ...deal(1, f, over),
    contacts: Array.from({ length: 50 }, (_, i) => ({ id: `p${i}`, name: text(MAX.contactName, f), email: `${'a'.repeat(64)}@${'b'.repeat(MAX.email - 70)}.com`.slice(0, MAX.email) })),
    timeline: Array.from({ length: 10 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 10, 18 - i)),
      actor: text(MAX.displayName, f),
      kind: i % 2 ? ('event' as const) : ('activity' as const),
      type: i % 2 ? 'next_action' : 'note',
      field: i % 2 ? 'nextAction' : null,
      from: i % 2 ? text(MAX.nextAction, f) : null,
      to: i % 2 ? text(MAX.nextAction, f) : null,
      body: i % 2 ? null : text(MAX.activityBody, f),
      sourceUrl: i % 2 ? null : `https://acme.slack.com/archives/C1/p1?x=${'&|>'.repeat(600)}`.slice(0, MAX.sourceUrl),
    })),
    fields: maxFields(f),
  };
}

const deals = (n: number, f: Flavour, over: Partial<DealView> = {}) => Array.from({ length: n }, (_, i) => deal(i + 1, f, over));
const queue = (heading: string, items: DealView[], total = 100_000): DealQueueView => ({ heading, items, total, totalCapped: true });

function pipeline(f: Flavour): PipelineSummaryView {
  const stageNames = ['New', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost'];
  return {
    currency: 'USD',
    stages: stageNames.map((name, i) => ({
      key: name.toLowerCase(),
      name: `${name} ${text(30, f)}`,
      kind: name === 'Won' ? 'won' : name === 'Lost' ? 'lost' : 'open',
      probability: i * 20,
      count: 1_000_000,
      totals: manyTotals,
    })),
    open: { count: 1_000_000, totals: manyTotals, weighted: manyTotals },
    periodDays: 90,
    won: { count: 1_000_000, totals: manyTotals },
    lost: { count: 1_000_000 },
    winRate: 0.5,
    averageDealSize: manyTotals,
    averageCycleDays: 9999,
  };
}

function subscription(i: number): DigestSubscriptionView {
  return {
    platform: 'slack',
    conversationId: i % 2 ? `C${String(i).padStart(10, '0')}` : text(MAX.conversationId, 'markup'),
    minuteOfDay: 540,
    time: '9:00',
    days: 'weekdays',
    timeZone: 'America/Argentina/ComodRivadavia',
    whenEmpty: 'all_clear',
    nextDate: '2026-11-20',
    last: { date: '2026-11-19', status: 'failed', detail: text(2000, 'markup'), at: NOW },
  };
}

function digest(f: Flavour): DigestView {
  const change = (i: number) => ({ deal: deal(i, f, { lostReason: text(MAX.lostReason, f) }), from: text(40, f), to: text(40, f), at: NOW });
  return {
    workspaceName: text(200, f),
    date: '2026-11-19',
    timeZone: 'Europe/Berlin',
    generatedAt: NOW,
    since: new Date('2026-11-18T08:00:00Z'),
    allClear: false,
    stale: { items: deals(DIGEST_LIMITS.stale, f), total: 100_000, totalCapped: true, days: 365, threshold: money(999_999_999, 'USD'), aboveThreshold: 5 },
    due: { items: deals(DIGEST_LIMITS.due, f), total: 100_000, totalCapped: true },
    changes: {
      moved: Array.from({ length: DIGEST_LIMITS.changes }, (_, i) => change(i)),
      won: Array.from({ length: DIGEST_LIMITS.changes }, (_, i) => change(i)),
      lost: Array.from({ length: DIGEST_LIMITS.changes }, (_, i) => change(i)),
      total: 100_000,
    },
    pipeline: { currency: 'USD', stages: pipeline(f).stages, open: pipeline(f).open },
  };
}

function nudge(f: Flavour): NudgeView {
  return {
    member: { id: 'm1', displayName: text(MAX.displayName, f), externalId: 'U0ALICE', timeZone: 'Europe/Berlin' },
    date: '2026-11-19',
    generatedAt: NOW,
    noNextAction: { items: deals(NUDGE_LIMITS.noNextAction, f, { nextAction: null }), total: 100_000, totalCapped: true },
    due: { items: deals(NUDGE_LIMITS.due, f), total: 100_000, totalCapped: true },
    tasksDue: {
      items: Array.from({ length: NUDGE_LIMITS.tasksDue }, (_, i) =>
        recordTask({ ref: `T-${999_999_990 + i}`, title: text(500, f), due: '2026-11-01', overdue: true, contact: { id: `c${i}`, name: text(200, f) } }),
      ),
      total: 100_000,
      totalCapped: true,
    },
  };
}

const settings = (): DigestSettingsView => ({
  conversationId: 'C0SALES',
  here: subscription(1),
  others: Array.from({ length: 50 }, (_, i) => subscription(i)),
  staleDays: 365,
  staleThreshold: money(999_999_999, 'USD'),
});

const citations = (f: Flavour) =>
  Array.from({ length: 50 }, (_, i) => ({ ref: `A${i + 1}`, activityId: `a${i}`, type: 'meeting', date: '2026-11-01', excerpt: text(MAX.activityBody, f), sourceUrl: null }));

function draft(f: Flavour): DraftView {
  const subject = text(MAX.draftSubject, f);
  const body = text(MAX.draftBody, f);
  return {
    kind: 'draft',
    id: 'abcdef0123456789',
    deal: { id: 'd1', ref: 'D-100001', title: text(MAX.title, f) },
    to: Array.from({ length: 50 }, () => ({ name: text(MAX.contactName, f), email: 'a@b.co' })),
    subject,
    body,
    copyText: `Subject: ${subject}\n\n${body}`,
    source: 'model',
    label: `AI draft (${text(100, f)}): check it before sending`,
    note: text(300, f),
    offlineReason: null,
    model: text(100, f),
    cached: true,
    citations: citations(f),
    droppedCitations: [],
    visibility: 'private',
    buttons: [
      assistantButton('Log as email activity', { type: 'log_draft', ref: 'D-100001', draftId: 'abcdef0123456789' }, 'primary'),
      assistantButton('Regenerate', { type: 'draft', ref: 'D-100001', regenerate: true }),
    ],
  };
}

function summaryView(f: Flavour, subject: SummaryView['subject']): SummaryView {
  const pointMax = maxOf(summaryOutputSchema.shape.summary.in.element.shape.text);
  const point = () => ({ text: text(pointMax, f), citations: Array.from({ length: 50 }, (_, i) => `A${i}`) });
  const nextText = text(MAX.nextAction, f);
  return {
    kind: 'summary',
    subject,
    lines: Array.from({ length: 6 }, point),
    openQuestions: Array.from({ length: 5 }, point),
    suggestedNextAction: { ...point(), text: nextText, due: '2026-12-01' },
    source: 'model',
    label: text(200, f),
    note: text(300, f),
    offlineReason: null,
    model: 'm',
    cached: false,
    citations: citations(f),
    droppedCitations: [],
    visibility: 'private',
    buttons: [
      assistantButton('Set as next action', { type: 'accept_next_action', ref: 'D-100001', action: nextText, due: '2026-12-01' }, 'primary'),
      assistantButton('Regenerate', { type: 'summary', ref: 'D-100001', regenerate: true }),
    ],
  };
}

const list = (f: Flavour, n = 100): DealListView => ({
  heading: text(300, f),
  source: { query: text(200, f) },
  items: deals(n, f),
  total: 1_000,
  totalCapped: true,
  page: 5,
  pageSize: n,
  hasMore: true,
});

// ---------------------------------------------------------------------------------------------

function expectWithinLimits(surface: BlockKitSurface, payload: unknown) {
  expect(describeViolations(blockKitViolations(surface, payload))).toBe('');
}

const allText = (blocks: unknown) => JSON.stringify(blocks);

describe('the limits checker', () => {
  const section = (t: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: t } });
  const btn = (over: Record<string, unknown> = {}) => ({ type: 'button', text: { type: 'plain_text', text: 'Go' }, action_id: 'go', ...over });

  it('finds nothing in a small valid message, modal, home tab and options answer', () => {
    expect(blockKitViolations('message', { text: 'hi', blocks: [section('hi')] })).toEqual([]);
    expect(blockKitViolations('modal', { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [section('x')] })).toEqual([]);
    expect(blockKitViolations('home', { type: 'home', blocks: [section('x')] })).toEqual([]);
    expect(blockKitViolations('options', { options: [{ text: { type: 'plain_text', text: 'A' }, value: 'a' }] })).toEqual([]);
  });

  it('finds every kind of broken limit', () => {
    const rules = (surface: BlockKitSurface, payload: unknown) => blockKitViolations(surface, payload).map((v) => v.rule);
    const opt = (t: number, v: number) => ({ text: { type: 'plain_text', text: 'x'.repeat(t) }, value: 'v'.repeat(v) });
    expect(rules('message', { blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) })).toEqual(['blocks in a message']);
    expect(rules('home', { type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) })).toEqual(['blocks in a home']);
    expect(rules('message', [section('x'.repeat(3001))])).toEqual(['section text']);
    expect(rules('message', [section('')])).toEqual(['section text (at least)']);
    expect(rules('message', [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }])).toEqual(['section fields']);
    expect(rules('message', [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }])).toEqual(['section field']);
    expect(rules('message', [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }])).toEqual(['header text']);
    expect(rules('message', [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }])).toEqual(['context elements']);
    expect(rules('message', [{ type: 'actions', elements: [btn({ text: { type: 'plain_text', text: 'b'.repeat(76) } })] }])).toEqual(['button text']);
    expect(rules('message', [{ type: 'actions', elements: [btn({ value: 'v'.repeat(2001) })] }])).toEqual(['button value']);
    expect(rules('message', [{ type: 'actions', elements: [btn({ action_id: 'a'.repeat(256) })] }])).toEqual(['action_id']);
    expect(rules('message', [{ type: 'actions', elements: Array.from({ length: 26 }, () => btn()) }])).toEqual(['actions elements']);
    expect(rules('message', [{ type: 'actions', block_id: 'b'.repeat(256), elements: [btn()] }])).toEqual(['block_id']);
    const confirm = { title: { type: 'plain_text', text: 't' }, text: { type: 'plain_text', text: 't' }, confirm: { type: 'plain_text', text: 'c'.repeat(31) }, deny: { type: 'plain_text', text: 'd' } };
    expect(rules('message', [{ type: 'actions', elements: [btn({ confirm })] }])).toEqual(['confirm button']);
    expect(rules('options', { options: [opt(76, 1), opt(1, 151)] })).toEqual(['option text', 'option value']);
    expect(rules('options', { options: Array.from({ length: 101 }, () => opt(1, 1)) })).toEqual(['options in an external select answer']);
    const modal = (over: Record<string, unknown>) => ({ type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [], ...over });
    expect(rules('modal', modal({ title: { type: 'plain_text', text: 't'.repeat(25) } }))).toEqual(['modal title']);
    expect(rules('modal', modal({ private_metadata: 'm'.repeat(3001) }))).toEqual(['private_metadata']);
    expect(rules('modal', modal({ callback_id: 'c'.repeat(256) }))).toEqual(['callback_id']);
    expect(rules('modal', modal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }))).toEqual(['blocks in a modal']);
    const select = { type: 'static_select', action_id: 's', options: [opt(1, 151)], placeholder: { type: 'plain_text', text: 'p'.repeat(151) } };
    expect(rules('modal', modal({ blocks: [{ type: 'input', label: { type: 'plain_text', text: 'L' }, element: select }] }))).toEqual(['placeholder', 'option value']);
  });
});

describe('capping says what it left out', () => {
  it('linesSection shows the lines that fit and counts the rest, the ones it was never given included', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `• line ${i} ${'x'.repeat(90)}`);
    const block = linesSection('*Heading*', lines, { hidden: 900, more: (n) => `…and ${n} more` });
    const body = block.text!.text;
    expect(body.length).toBeLessThanOrEqual(3000);
    const shown = body.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(shown).toBeGreaterThan(20);
    expect(body.endsWith(`…and ${100 - shown + 900} more`)).toBe(true);
  });

  it('capBlocks keeps a message at 50 blocks, the last one saying how many more there were', () => {
    const blocks = Array.from({ length: 60 }, (): KnownBlock => ({ type: 'divider' }));
    const capped = capBlocks(blocks, 50);
    expect(capped).toHaveLength(50);
    expect(allText(capped.at(-1))).toContain('…and 11 more items not shown');
  });
});

describe('every Slack renderer, with the longest inputs the app accepts, stays within Slack’s limits', () => {
  for (const f of FLAVOURS) {
    describe(`text full of ${f}`, () => {
      const opts = { ...clock, shareable: true, assistant: true };

      it('deal cards: open, lost and won, with 50 contacts and long activities', () => {
        for (const over of [{}, { status: 'lost' as const, lostReason: text(MAX.lostReason, f), nextAction: null }, { status: 'won' as const, archived: true }]) {
          for (const d of [deal(1, f, over), detail(f, over)]) {
            const reply: Reply = { kind: 'deal', deal: d, headline: text(500, f), hint: text(500, f) };
            expectWithinLimits('message', replyBlocks(reply, opts));
          }
        }
      });

      it('the deal card says where it cut the contacts', () => {
        const msg = replyBlocks({ kind: 'deal', deal: detail(f) }, opts);
        expect(allText(msg.blocks)).toMatch(/…|and \d+ more/);
      });

      it('lists: 100 deals on a page, 1,000+ in all, a long search', () => {
        const msg = replyBlocks({ kind: 'list', list: list(f), hint: text(500, f) }, opts);
        expectWithinLimits('message', msg);
        expect(allText(msg.blocks)).toContain('1,000+');
      });

      it('the pipeline report', () => {
        const reply: Reply = {
          kind: 'report',
          summary: pipeline(f),
          stale: { ...queue(text(300, f), deals(100, f)), days: 365 },
          due: queue(text(300, f), deals(100, f)),
          noNextAction: queue(text(300, f), deals(100, f, { nextAction: null })),
        };
        expectWithinLimits('message', replyBlocks(reply, opts));
      });

      it('digests, their preview, nudges and their settings', () => {
        const d = digest(f);
        expectWithinLimits('message', digestMessage(d));
        expectWithinLimits('message', replyBlocks({ kind: 'digest_preview', digest: d }, opts));
        expectWithinLimits('message', nudgeMessage(nudge(f)));
        expectWithinLimits('message', digestSettingsBlocks(settings(), clock, { headline: text(500, f), hint: text(500, f) }));
        expectWithinLimits('message', replyBlocks({ kind: 'digest', settings: settings(), headline: text(500, f), hint: text(500, f) }, opts));
        const nudges = { enabled: true, minuteOfDay: 510, time: '8:30', quiet: { start: '19:00', end: '08:00' }, timeZone: 'America/Argentina/ComodRivadavia' };
        expectWithinLimits('message', nudgeSettingsBlocks(nudges, { headline: text(500, f) }));
        expectWithinLimits('message', replyBlocks({ kind: 'nudges', settings: nudges, headline: text(500, f) }, opts));
      });

      it('digests and settings say how many more there are wherever they cut a list', () => {
        const text = allText(digestMessage(digest(f)).blocks);
        expect(text).toMatch(/…and 99,99\d\+ more stale deals/);
        expect(text).toMatch(/…and 99,99\d\+ more next actions/);
        expect(text).toMatch(/…and 99,9\d\d more changes/);
        expect(allText(digestSettingsBlocks(settings(), clock).blocks)).toMatch(/…and \d+ more channels/);
        expect(allText(nudgeMessage(nudge(f)).blocks)).toMatch(/…and [\d,]+\+? more tasks/);
      });

      it('the App Home tab', () => {
        const home = appHomeView({
          ...clock,
          myDeals: list(f),
          due: queue(text(300, f), deals(100, f)),
          noNextAction: queue(text(300, f), deals(100, f, { nextAction: null })),
          summary: pipeline(f),
        });
        expectWithinLimits('home', home);
      });

      it('assistant answers: a draft, a deal summary and a contact summary', () => {
        expectWithinLimits('message', replyBlocks({ kind: 'draft', draft: draft(f), hint: text(500, f) }, opts));
        const deal = summaryView(f, { type: 'deal', id: 'd1', ref: 'D-100001', title: text(MAX.title, f) });
        expectWithinLimits('message', replyBlocks({ kind: 'summary', summary: deal, hint: text(500, f) }, opts));
        const contact = summaryView(f, { type: 'contact', id: 'p1', name: text(MAX.contactName, f) });
        expectWithinLimits('message', replyBlocks({ kind: 'summary', summary: contact }, opts));
        expectWithinLimits('message', draftBlocks(draft(f), clock));
        expectWithinLimits('message', summaryBlocks(deal, clock));
      });

      it('errors and help', () => {
        expectWithinLimits('message', replyBlocks({ kind: 'error', message: text(MAX.activityBody, f), hint: text(MAX.activityBody, f) }, opts));
        for (const topic of [undefined, 'deals', 'amounts', 'dates', 'digest', 'nudges', text(50, f)]) {
          expectWithinLimits('message', replyBlocks({ kind: 'help', text: helpText(topic) }, opts));
        }
      });

      it('modals, filled in with the longest values', () => {
        const company = { id: 'c1', name: text(MAX.company, f) };
        const dealRef = { id: 'd1', ref: 'D-100001', title: text(MAX.title, f) };
        const contact = { id: 'p1', name: text(MAX.contactName, f), email: 'a'.repeat(64) + '@example.com' };
        const stages = Array.from({ length: 120 }, (_, i) => ({ key: `s${i}`, name: text(100, f), kind: 'open' as const }));
        const meta = writeMeta({ dealId: 'clx0000000000000000000000', channelId: 'C0SALES', keepOriginal: true });
        const modals = [
          createDealModal({ stages, privateMetadata: meta, initial: { title: text(MAX.title, f), amount: text(50, f), stage: 's119', ownerUserId: 'U0ALICE', company, closeDate: '2026-12-31' } }),
          editDealModal({ privateMetadata: meta, initial: { title: text(MAX.title, f), amount: text(50, f), company, closeDate: '2026-12-31' } }),
          logActivityModal({ privateMetadata: meta, initial: { deal: dealRef, contact, type: 'meeting', body: text(MAX.activityBody, f) } }),
          nextActionModal({ privateMetadata: meta, initial: { deal: dealRef, action: text(MAX.nextAction, f), due: '2026-12-01' } }),
          lostReasonModal({ privateMetadata: meta, initial: { deal: dealRef, reason: text(MAX.lostReason, f) } }),
          newContactModal({ privateMetadata: meta, initial: { name: text(MAX.contactName, f), email: 'a'.repeat(64) + '@example.com', phone: '+1 415 555 0100', jobTitle: text(200, f), company } }),
        ];
        for (const m of modals) expectWithinLimits('modal', m);
      });

      it('the company typeahead’s "Create" option for names of every length the CRM accepts', () => {
        for (let n = 1; n <= MAX.company; n++) expectWithinLimits('options', { options: [newCompanyOption(text(n, f))] });
      });
    });
  }

});
