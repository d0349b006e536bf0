/** The pipeline summary and deal queues as blocks, shared by the `/deal report` reply and the App Home. */
import type { KnownBlock } from '@slack/types';
import type { DealView } from '../../../domain/deals/deal.view.js';
import type { DealQueueView, PipelineSummaryView } from '../../../domain/reports/report.view.js';
import { formatCount, formatPercent, formatTotals, plural } from '../../format.js';
import { escapeMrkdwn } from './escape.js';
import { dateFormatter, dealSummaryText, type Clock } from './deal-text.js';
import { fieldsSection, section } from './parts.js';
import { groupByPipeline } from '../../pipeline-groups.js';

/** Two blocks: deals and value per stage, then the headline numbers. */
export function pipelineSummaryBlocks(s: PipelineSummaryView): KnownBlock[] {
  const stageLines = groupByPipeline(s.stages).flatMap((g) => [
    ...(g.name ? [`_${escapeMrkdwn(g.name)}_`] : []),
    ...g.stages.map((st) => {
      const label = st.kind === 'open' ? `${escapeMrkdwn(st.name)} (${st.probability}%)` : `${escapeMrkdwn(st.name)} (last ${s.periodDays} days)`;
      return `• ${label}: ${st.count} · ${formatTotals(st.totals)}`;
    }),
  ]);
  return [
    section(`*Pipeline*\n${stageLines.join('\n')}`),
    fieldsSection([
      ['Open pipeline', `${plural(s.open.count, 'deal')} · ${formatTotals(s.open.totals)}`],
      ['Weighted forecast', formatTotals(s.open.weighted)],
      [`Win rate (last ${s.periodDays} days)`, `${formatPercent(s.winRate)} (${s.won.count} won, ${s.lost.count} lost)`],
      ['Average won deal', formatTotals(s.averageDealSize)],
      ['Average sales cycle', s.averageCycleDays === null ? '—' : plural(s.averageCycleDays, 'day')],
    ]),
  ];
}

/**
 * A queue in one section: its heading, "(n of total)", and one compact line per deal (at most
 * `max`). One block per queue keeps a report well inside a message's 50 blocks.
 */
export function queueSection(
  q: DealQueueView,
  clock: Clock,
  opts: { max?: number; extra?: (d: DealView) => string } = {},
): KnownBlock {
  const date = dateFormatter(clock);
  const items = q.items.slice(0, opts.max ?? 5);
  const count = q.total === items.length && !q.totalCapped ? `${q.total}` : `${items.length} of ${formatCount(q)}`;
  const lines = items.length
    ? items.map((d) => `• ${dealSummaryText(d, date, opts.extra?.(d)).replace('\n', ' — ')}`)
    : ['_none_'];
  return section(`*${escapeMrkdwn(q.heading)}* (${count})\n${lines.join('\n')}`);
}
