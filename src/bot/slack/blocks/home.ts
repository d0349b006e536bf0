/** The App Home tab: what needs doing first, then the person's deals, then the team's pipeline. */
import type { HomeView, KnownBlock } from '@slack/types';
import type { DealListView, DealView } from '../../../domain/deals/deal.view.js';
import type { DealQueueView, PipelineSummaryView } from '../../../domain/reports/report.view.js';
import type { TaskListView } from '../../../domain/tasks/task.view.js';
import { ACTIONS } from '../ids.js';
import { encodeListCursor, pageWindow } from './cursor.js';
import { dateFormatter, dealRowBlock, type Clock } from './deal-text.js';
import { escapeControl, escapeMrkdwn, SLACK_LIMITS } from './escape.js';
import { actions, button, context, divider, header, section } from './parts.js';
import { taskBlocks } from './records.js';
import { pipelineSummaryBlocks } from './summary.js';
import { formatCount } from '../../format.js';

export interface AppHomeInput extends Clock {
  myDeals: DealListView;
  due: DealQueueView;
  noNextAction: DealQueueView;
  summary: PipelineSummaryView;
  /** The person's open tasks (the first few are shown, each with Done and Snooze). */
  tasks?: TaskListView;
  /** What a button in the Home just did ("Done: T-3 Send the quote."), shown at the top. */
  notice?: string;
}

/**
 * Rows per section. One block per deal and two per task (the task, its buttons): 5 tasks and
 * 10 + 10 + 20 deals plus headings, dividers and the snapshot stay near 70 blocks, well inside a
 * home tab's 100 however large the inputs are.
 */
export const HOME_LIMITS = { tasks: 5, due: 10, noNextAction: 10, myDeals: 20 } as const;

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

  const tasks = input.tasks ? input.tasks.items.slice(0, HOME_LIMITS.tasks) : [];
  const taskSection: KnownBlock[] = input.tasks
    ? [
        header('Your open tasks'),
        ...(tasks.length ? tasks.flatMap((t) => taskBlocks(t, input, { in: 'home' })) : [context('No open tasks. :tada:')]),
        ...more(tasks.length, input.tasks, '`/deal tasks mine` lists them all.'),
        divider(),
      ]
    : [];

  const blocks: KnownBlock[] = [
    ...(input.notice ? [section(`:white_check_mark: ${escapeMrkdwn(input.notice)}`)] : []),
    actions([button('New deal', ACTIONS.newDeal, { style: 'primary' }), button('New contact', ACTIONS.newContact)]),
    ...taskSection,
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
