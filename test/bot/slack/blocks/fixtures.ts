/** Hand-built view models for the Slack renderer tests: no database. */
import type { DealDetailView, DealListView, DealView } from '../../../../src/domain/deals/deal.view.js';
import type { DealQueueView, PipelineSummaryView } from '../../../../src/domain/reports/report.view.js';

/** Thursday 19 November 2026, noon in Berlin. */
export const NOW = new Date('2026-11-19T11:00:00Z');
export const TZ = 'Europe/Berlin';
export const clock = { now: NOW, timeZone: TZ };

const usd = (major: number) => ({ minor: BigInt(major * 100), currency: 'USD' });

export function deal(over: Partial<DealView> = {}): DealView {
  return {
    id: 'clx0deal000000000000000042',
    ref: 'D-42',
    title: 'Acme renewal',
    status: 'open',
    amount: usd(25_000),
    amountText: '$25,000',
    stage: { key: 'proposal', name: 'Proposal', kind: 'open', probability: 50, position: 2 },
    owner: { id: 'm1', displayName: 'Alice Adams', handle: 'alice', externalId: 'U012ABCDEF' },
    company: { id: 'c1', name: 'Acme Corp' },
    expectedCloseDate: '2026-11-27',
    nextAction: { text: 'Send the proposal', due: '2026-11-18', overdue: true, dueToday: false },
    lastActivityAt: new Date('2026-11-16T10:00:00Z'),
    daysSinceActivity: 3,
    closedAt: null,
    lostReason: null,
    createdAt: new Date('2026-10-01T10:00:00Z'),
    archived: false,
    ...over,
  };
}

export function detail(over: Partial<DealDetailView> = {}): DealDetailView {
  return {
    ...deal(),
    contacts: [{ id: 'p1', name: 'Ana Lima', email: 'ana@acme.com' }],
    timeline: Array.from({ length: 8 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 10, 18 - i, 9)),
      actor: 'Alice Adams',
      kind: 'activity' as const,
      type: 'call',
      field: null,
      from: null,
      to: null,
      body: `Call number ${i + 1}`,
      sourceUrl: null,
    })),
    fields: [],
    ...over,
  };
}

export function deals(n: number): DealView[] {
  return Array.from({ length: n }, (_, i) => deal({ id: `deal-${i + 1}`, ref: `D-${i + 1}`, title: `Deal number ${i + 1}` }));
}

export function list(over: Partial<DealListView> = {}): DealListView {
  const items = over.items ?? deals(10);
  return { heading: 'Your open deals', source: { scope: { type: 'mine' } }, items, total: items.length, totalCapped: false, page: 1, pageSize: 10, hasMore: false, ...over };
}

export function queue(heading: string, items: DealView[], total = items.length, totalCapped = false): DealQueueView {
  return { heading, items, total, totalCapped };
}

export function summary(over: Partial<PipelineSummaryView> = {}): PipelineSummaryView {
  return {
    currency: 'USD',
    stages: [
      { key: 'new', name: 'New', kind: 'open', probability: 10, count: 3, totals: [usd(30_000)] },
      { key: 'proposal', name: 'Proposal', kind: 'open', probability: 50, count: 2, totals: [usd(50_000)] },
      { key: 'won', name: 'Won', kind: 'won', probability: 100, count: 1, totals: [usd(10_000)] },
      { key: 'lost', name: 'Lost', kind: 'lost', probability: 0, count: 1, totals: [] },
    ],
    open: { count: 5, totals: [usd(80_000)], weighted: [usd(28_000)] },
    periodDays: 90,
    won: { count: 1, totals: [usd(10_000)] },
    lost: { count: 1 },
    winRate: 0.5,
    averageDealSize: [usd(10_000)],
    averageCycleDays: 42,
    ...over,
  };
}

/** Every text a person could see in some blocks, as one string (for "does it say X" checks). */
export function visibleText(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      for (const [k, x] of Object.entries(o)) if (!(k === 'text' && typeof x === 'string')) walk(x);
    }
  };
  walk(value);
  return out.join('\n').replaceAll('\u200B', '');
}
