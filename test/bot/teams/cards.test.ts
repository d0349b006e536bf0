/** The Adaptive Card renderers, from hand-built view models (no database, no network). */
import { describe, expect, it } from 'vitest';
import { dealCard } from '../../../src/bot/teams/cards/deal-card.js';
import { digestCard, nudgeCard } from '../../../src/bot/teams/cards/digest.js';
import { createDealDialog, logMessageDialog } from '../../../src/bot/teams/cards/forms.js';
import { listCard, replyCard } from '../../../src/bot/teams/cards/reply.js';
import { escapeMarkdown, ourText } from '../../../src/bot/teams/cards/text.js';
import { DIALOGS, VERBS } from '../../../src/bot/teams/ids.js';
import type { Reply } from '../../../src/bot/commands/execute.js';
import type { DigestView, NudgeView } from '../../../src/domain/digests/digest.view.js';
import { clock, deal, deals, detail, list } from '../slack/blocks/fixtures.js';
import { cardText } from './harness.js';

/** Every object in a card with `type` = one of `types`. */
function all(node: unknown, ...types: string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && types.includes(o.type)) out.push(o);
    Object.values(o).forEach(walk);
  };
  walk(node);
  return out;
}

describe('escaping people’s words', () => {
  const nasty = '**Big** [click](https://evil.example) _x_ ~y~ `z` <at>Bob</at> {{DATE(2026-01-01T00:00:00Z, SHORT)}}';

  it('leaves no Markdown, link, mention or date function a person typed', () => {
    const out = escapeMarkdown(nasty);
    expect(out).not.toMatch(/(^|[^\\])\*\*/);
    expect(out).not.toMatch(/(^|[^\\])\[/);
    expect(out).not.toMatch(/(^|[^\\])<at>/);
    expect(out).not.toContain('{{');
    expect(out.replace(/\\(.)/g, '$1').replace(/\u200B/g, '')).toBe(nasty);
  });

  it('escapes list markers and headings at the start of a line only', () => {
    expect(escapeMarkdown('- one\n# two\n3. three\nfour-five')).toBe('\\- one\n\\# two\n3\\. three\nfour-five');
  });

  it('shows our own `code` in bold, escaped inside', () => {
    expect(ourText('Try `deal new <title>` now')).toBe('Try **deal new \\<title\\>** now');
  });

  it('applies to every place a deal’s fields appear on its card', () => {
    const card = dealCard(detail({ title: nasty, company: { id: 'c', name: nasty }, nextAction: { text: nasty, due: null, overdue: false, dueToday: false } }), clock);
    const texts = JSON.stringify(card.body);
    expect(texts).not.toContain('{{');
    expect(texts).not.toContain('[click](');
  });
});

describe('deal card', () => {
  it('is an Adaptive Card 1.5 whose buttons are Action.Execute with an Action.Submit fallback carrying the same data', () => {
    const card = dealCard(deal(), clock);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    const executes = all(card, 'Action.Execute');
    expect(executes.length).toBeGreaterThanOrEqual(5);
    for (const a of executes) {
      expect(a.fallback).toMatchObject({ type: 'Action.Submit', title: a.title, data: a.data });
      expect((a.data as { verb: string }).verb).toBe(a.verb);
    }
  });

  it('advance carries the stage the card shows, so a repeated click cannot move the deal twice', () => {
    const advance = all(dealCard(deal(), clock), 'Action.Execute').find((a) => a.verb === VERBS.advanceStage)!;
    expect(advance.data).toEqual({ verb: VERBS.advanceStage, dealId: deal().id, stage: 'proposal' });
  });

  it('unfolds forms for lost (a required reason), next action (prefilled) and logging', () => {
    const card = dealCard(deal(), clock);
    const inputs = all(card, 'Input.Text', 'Input.Date', 'Input.ChoiceSet');
    expect(inputs.find((i) => i.id === 'reason')).toMatchObject({ isRequired: true });
    expect(inputs.find((i) => i.id === 'nextAction')).toMatchObject({ value: 'Send the proposal', isRequired: true });
    expect(inputs.find((i) => i.id === 'due')).toMatchObject({ value: '2026-11-18' });
    expect(inputs.find((i) => i.id === 'body')).toMatchObject({ isMultiline: true, isRequired: true });
  });

  it('shows the recent timeline and contacts of a detailed deal, at most five entries', () => {
    const text = cardText(dealCard(detail(), clock));
    expect(text).toContain('Ana Lima (ana@acme.com)');
    expect(text).toContain('Call number 5');
    expect(text).not.toContain('Call number 6');
  });

  it('warns about a missing next action on open deals only', () => {
    expect(cardText(dealCard(deal({ nextAction: null }), clock))).toContain('Next action: ⚠️ none yet');
    expect(cardText(dealCard(deal({ nextAction: null, status: 'won' }), clock))).toContain('Next action: —');
  });
});

describe('replies', () => {
  it('renders a list with Open buttons, a count and paging', () => {
    const { card } = listCard(list({ items: deals(10), total: 25, hasMore: true }), clock);
    expect(cardText(card)).toContain('Showing 1–10 of 25');
    expect(all(card, 'Action.Execute').filter((a) => a.verb === VERBS.openDeal)).toHaveLength(10);
    const next = all(card.actions, 'Action.Execute').find((a) => a.title === 'Next')!;
    expect(next.data).toMatchObject({ verb: VERBS.page, cursor: { scope: { type: 'mine' }, page: 2, pageSize: 10 } });
  });

  it('keeps a long list well inside Teams’ 28 KB card limit', () => {
    const long = deals(40).map((d) => ({ ...d, title: 'x'.repeat(200) }));
    const { card } = listCard(list({ items: long, total: 40, pageSize: 40 }), clock);
    expect(JSON.stringify(card).length).toBeLessThan(28_000);
  });

  it('shows a reply kind it does not know as its plain text instead of failing', () => {
    const future = { kind: 'forecast', text: 'Q4 forecast: $1.2M' } as unknown as Reply;
    expect(cardText(replyCard(future, clock).card)).toContain('Q4 forecast: $1.2M');
  });

  it('answers errors with the message and the hint', () => {
    const { card, summary } = replyCard({ kind: 'error', message: 'I can’t find D-9.', hint: 'Find a deal with `deal <words>`.' }, clock);
    expect(summary).toBe('I can’t find D-9.');
    expect(cardText(card)).toContain('deal <words>');
  });
});

describe('digest and nudge cards', () => {
  const base: DigestView = {
    workspaceName: 'Acme Sales',
    date: '2026-11-19',
    timeZone: 'Europe/Berlin',
    generatedAt: clock.now,
    since: new Date('2026-11-18T08:00:00Z'),
    allClear: false,
    stale: { items: [deal({ id: 's1', ref: 'D-7', title: 'Quiet deal', daysSinceActivity: 20 })], total: 1, totalCapped: false, days: 14, threshold: null, aboveThreshold: 0 },
    due: { items: [deal()], total: 3, totalCapped: false },
    changes: {
      moved: [{ deal: deal({ ref: 'D-9', title: 'Moving deal' }), from: 'New', to: 'Proposal', at: clock.now }],
      won: [{ deal: deal({ ref: 'D-10', title: 'Won deal', status: 'won' }), from: 'Proposal', to: 'Won', at: clock.now }],
      lost: [],
      total: 2,
    },
    pipeline: { currency: 'USD', stages: [{ key: 'new', name: 'New', kind: 'open', probability: 10, count: 2, totals: [{ minor: 2_000_000n, currency: 'USD' }] }], open: { count: 2, totals: [{ minor: 2_000_000n, currency: 'USD' }], weighted: [{ minor: 200_000n, currency: 'USD' }] } },
  };

  it('lists what is due, what is stale, what changed and the pipeline', () => {
    const { card, summary } = digestCard(base);
    const text = cardText(card);
    expect(text).toContain('Pipeline digest · Thu, Nov 19');
    expect(text).toContain('Next actions due (1 of 3)');
    expect(text).toContain('No activity for 14+ days (1)');
    expect(text).toContain('last activity 20 days ago');
    expect(text).toContain('D-9 Moving deal: New → Proposal');
    expect(text).toContain('D-10 Won deal: 🏆 won');
    expect(text).toContain('Total: 2 deals · $20,000');
    expect(summary).toContain('3 next actions due');
  });

  it('gives each due deal an Open button, and each stale deal Open and Snooze 7 days', () => {
    const { card } = digestCard(base);
    const buttons = all(card, 'Action.Execute').map((a) => [a.title, a.verb, (a.data as { dealId?: string }).dealId]);
    const [due, stale] = [base.due.items[0]!.id, base.stale.items[0]!.id];
    expect(buttons).toEqual([
      ['Open', VERBS.openDeal, due],
      ['Open', VERBS.openDeal, stale],
      ['Snooze 7 days', VERBS.snoozeDeal, stale],
    ]);
  });

  it('says all clear in one line when nothing needs attention', () => {
    const text = cardText(digestCard({ ...base, allClear: true, due: { items: [], total: 0, totalCapped: false }, stale: { ...base.stale, items: [], total: 0 }, changes: { moved: [], won: [], lost: [], total: 0 } }).card);
    expect(text).toContain('All clear');
    expect(text).not.toContain('Next actions due');
  });

  it('greets the owner with their deals, each with an Open button', () => {
    const nudge: NudgeView = {
      member: { id: 'm1', displayName: 'Alice Adams', externalId: 'aad', timeZone: 'Europe/Berlin' },
      date: '2026-11-19',
      generatedAt: clock.now,
      due: { items: [deal()], total: 1, totalCapped: false },
      noNextAction: { items: [deal({ id: 'd2', ref: 'D-2', nextAction: null })], total: 1, totalCapped: false },
    };
    const { card } = nudgeCard(nudge);
    expect(cardText(card)).toContain('Good morning, Alice.');
    expect(all(card, 'Action.Execute').map((a) => a.verb)).toEqual([VERBS.openDeal, VERBS.openDeal]);
  });
});

describe('dialogs', () => {
  it('create deal offers the open stages and submits as the create dialog', () => {
    const stages = [
      { key: 'new', name: 'New', kind: 'open' as const },
      { key: 'won', name: 'Won', kind: 'won' as const },
    ];
    const { card } = createDealDialog(stages);
    const stage = all(card, 'Input.ChoiceSet')[0]!;
    expect(stage.choices).toEqual([{ title: 'New', value: 'new' }]);
    expect(card.actions?.[0]).toMatchObject({ type: 'Action.Submit', data: { dialog: DIALOGS.createDeal } });
  });

  it('log to CRM offers deals and contacts in one picker that searches both as the person types', () => {
    const { card } = logMessageDialog({ body: 'text', deals: deals(2), contacts: [{ id: 'p1', name: 'Ana Lima', email: 'ana@acme.com' }], origin: { conversationId: 'c', messageId: 'm' } });
    expect(all(card, 'Input.ChoiceSet')[0]).toMatchObject({
      id: 'deal',
      label: 'Deal or contact',
      choices: [
        { title: 'D-1 Deal number 1', value: 'deal-1' },
        { title: 'D-2 Deal number 2', value: 'deal-2' },
        { title: '👤 Ana Lima (ana@acme.com)', value: 'contact:p1' },
      ],
      'choices.data': { type: 'Data.Query', dataset: 'records' },
    });
  });
});
