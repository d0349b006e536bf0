/** Deals as compact rows, shared by lists, the report's queues, digests and nudges. */
import type { DealView } from '../../../domain/deals/deal.view.js';
import { text, type CardElement } from './parts.js';
import { dealTitleLine, escapeMarkdown, nextActionText, stageText } from './text.js';

/**
 * Two lines per deal for lists and queues: the title line, then amount · stage · close date ·
 * next action (or a warning when an open deal has none), as Slack's and the console's rows say.
 */
export function dealRowText(deal: DealView, date: (d: string) => string, extra?: string): CardElement[] {
  const factsLine = [
    deal.amountText ? escapeMarkdown(deal.amountText) : 'no amount',
    stageText(deal, 80),
    deal.expectedCloseDate ? `close ${date(deal.expectedCloseDate)}` : undefined,
    deal.nextAction ? `next: ${nextActionText(deal.nextAction, date, 120)}` : deal.status === 'open' ? '⚠️ no next action' : undefined,
    extra,
  ].filter(Boolean);
  return [text(`**${dealTitleLine(deal, 120)}**`), text(factsLine.join(' · '), { size: 'Small', subtle: true, spacing: 'None' })];
}

