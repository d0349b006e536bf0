/** The App Home tab: what needs doing first, then the person's deals, then the team's pipeline. */
import type { HomeView, KnownBlock } from '@slack/types';
import type { DealListView, DealView } from '../../../domain/deals/deal.view.js';
import type { DealQueueView, PipelineSummaryView } from '../../../domain/reports/report.view.js';
import { ACTIONS } from '../ids.js';
import { encodeListCursor, pageWindow } from './cursor.js';
import { dateFormatter, dealRowBlock, type Clock } from './deal-text.js';
import { escapeControl, SLACK_LIMITS } from './escape.js';
import { actions, button, context, divider, header } from './parts.js';
import { pipelineSummaryBlocks } from './summary.js';
import { formatCount } from '../../format.js';

export interface AppHomeInput extends Clock {
  myDeals: DealListView;
  due: DealQueueView;
  noNextAction: DealQueueView;
  summary: PipelineSummaryView;
}

/**
 * Rows per section. One block per deal: 10 + 10 + 20 rows plus headings, dividers and the
 * snapshot stay near 55 blocks, well inside a home tab's 100 however large the inputs are.
 */
export const HOME_LIMITS = { due: 10, noNextAction: 10, myDeals: 20 } as const;

/** The button under "Your open deals" when there are more: it opens the next page in a modal. */
export const HOME_MORE_DEALS = 'More deals';

export function appHomeView(input: AppHomeInput): HomeView {
  const date = dateFormatter(input);
  const rows = (items: DealView[], max: number) => items.slice(0, max).map((d) => dealRowBlock(d, date));
  const more = (shown: number, of: { total: number; totalCapped: boolean }, what: string) =>
    of.total > shown ? [context(`…and ${formatCount(of, shown)} more. ${what}`)] : [];

  const due = rows(input.due.items, HOME_LIMITS.due);
  const missing = rows(input.noNextAction.items, HOME_LIMITS.noNextAction);
  const mine = rows(input.myDeals.items, HOME_LIMITS.myDeals);

  const blocks: KnownBlock[] = [
    actions([button('New deal', ACTIONS.newDeal, { style: 'primary' })]),
    header('Your next actions due today or overdue'),
    ...(due.length ? due : [context('Nothing due. :tada:')]),
    ...more(due.length, input.due, '`/deal report` shows the team’s.'),
    divider(),
    header('Your deals with no next action'),
    ...(missing.length ? missing : [context('Every open deal of yours has a next action. :white_check_mark:')]),
    ...more(missing.length, input.noNextAction, 'Open one and set its next action.'),
    divider(),
    header('Your open deals'),
    ...(mine.length ? mine : [context(escapeControl('No open deals. Create one with `/deal new <title> [amount]`.'))]),
    ...more(mine.length, input.myDeals, '`/deal list` pages through them all.'),
    ...moreButton(input.myDeals),
    divider(),
    header('Pipeline snapshot'),
    ...pipelineSummaryBlocks(input.summary),
  ];
  return { type: 'home', blocks: blocks.slice(0, SLACK_LIMITS.viewBlocks) };
}

/** "More deals": the next page of the person's open deals, opened in a modal (see deal-buttons.ts). */
function moreButton(list: DealListView): KnownBlock[] {
  const next = pageWindow(list, HOME_LIMITS.myDeals).next;
  return next && list.source ? [actions([button(HOME_MORE_DEALS, ACTIONS.pageNext, { value: encodeListCursor({ ...list.source, ...next }) })])] : [];
}
