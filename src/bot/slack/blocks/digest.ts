/**
 * Digests, nudges and their settings as Slack messages. Pure: view model in, Block Kit out.
 *
 * Per-deal button rows carry `block_id`s starting with DELIVERED_BLOCK_PREFIX, so that the
 * buttons answer the clicker privately instead of replacing a message the whole channel shares.
 */
import type { Button, KnownBlock } from '@slack/types';
import type { DealView } from '../../../domain/deals/deal.view.js';
import type {
  DealChangeView,
  DigestSettingsView,
  DigestSubscriptionView,
  DigestView,
  NudgeSettingsView,
  NudgeView,
} from '../../../domain/digests/digest.view.js';
import { todayIn } from '../../../domain/shared/dates.js';
import { formatMoney } from '../../../domain/shared/money.js';
import { formatCount, formatDateOnly, formatDaysAgo, formatTotals, plural, pluralCount } from '../../format.js';
import { ACTIONS, DELIVERED_BLOCK_PREFIX, SNOOZE_DAYS } from '../ids.js';
import { dateFormatter, dealTitleLine, nextActionText, personText, stageText, type Clock } from './deal-text.js';
import { escapeControl, escapeMrkdwn, SLACK_LIMITS, truncate, truncateMrkdwn } from './escape.js';
import { button, capBlocks, context, divider, header, linesSection, section } from './parts.js';
import { taskText } from './records.js';
import type { SlackMessage } from './reply.js';
import { groupByPipeline } from '../../pipeline-groups.js';

/** The channel digest; a day with nothing to report is one line. */
export function digestMessage(d: DigestView): SlackMessage {
  const clock: Clock = { now: d.generatedAt, timeZone: d.timeZone };
  const date = dateFormatter(clock);
  const today = date(d.date);
  const since = formatDateOnly(todayIn(d.timeZone, d.since), d.date);
  if (d.allClear) {
    const line = `:white_check_mark: All clear for ${today}: no stale deals, no next actions due, nothing moved, won or lost since ${since}.`;
    return message(line, [section(line)]);
  }

  const blocks: KnownBlock[] = [header(`Pipeline digest · ${today}`)];

  // Stale deals, each with its buttons.
  const threshold = d.stale.threshold ? `; ${escapeMrkdwn(formatMoney(d.stale.threshold))} or more first` : '';
  blocks.push(section(`:hourglass: *Stale deals* (${formatCount(d.stale)}): no activity for ${d.stale.days}+ days${threshold}`));
  if (d.stale.items.length === 0) blocks.push(context('None. Every open deal has had activity recently.'));
  for (const deal of d.stale.items) {
    const facts = [
      deal.amountText ? escapeMrkdwn(deal.amountText) : 'no amount',
      stageText(deal, 60),
      personText(deal.owner),
      `last activity ${formatDaysAgo(deal.daysSinceActivity)}`,
      deal.nextAction ? `next: ${nextActionText(deal.nextAction, date, 100)}` : ':warning: no next action',
    ];
    blocks.push(section(`${dealTitleLine(deal, 120)}\n${facts.join(' · ')}`));
    blocks.push({ type: 'actions', block_id: deliveredBlockId('stale', deal), elements: staleButtons(deal) });
  }
  if (d.stale.total > d.stale.items.length) blocks.push(context(more(d.stale, d.stale.items.length, 'stale deal')));

  // Next actions due today or overdue.
  const dueLines = d.due.items.map((deal) => `• ${dealTitleLine(deal, 80)} — ${deal.nextAction ? nextActionText(deal.nextAction, date, 120) : ''} · ${personText(deal.owner)}`);
  blocks.push(
    linesSection(`:alarm_clock: *Next actions due today or overdue* (${formatCount(d.due)})`, dueLines, {
      hidden: Math.max(0, d.due.total - d.due.items.length),
      more: (n) => moreText(n, d.due.totalCapped, 'next action'),
      empty: '_None._',
    }),
  );

  // Moved, won, lost since the last digest.
  const c = d.changes;
  const changeLines = [
    ...c.won.map((x) => `:trophy: Won: ${changeText(x)}`),
    ...c.lost.map((x) => `:x: Lost: ${changeText(x)}${x.deal.lostReason ? ` (${escapeMrkdwn(truncate(x.deal.lostReason, 80))})` : ''}`),
    ...c.moved.map((x) => `:arrow_right: Moved: ${changeText(x)}: ${escapeMrkdwn(x.from ?? '—')} → ${escapeMrkdwn(x.to)}`),
  ];
  const listed = c.won.length + c.lost.length + c.moved.length;
  blocks.push(
    linesSection(`:bar_chart: *Since ${since}* (${plural(c.total, 'change')})`, changeLines, {
      hidden: Math.max(0, c.total - listed),
      more: (n) => moreText(n, false, 'change'),
      empty: '_Nothing moved, won or lost._',
    }),
  );

  // Pipeline per stage, weighted forecast.
  blocks.push(divider());
  const p = d.pipeline;
  const stageLines = groupByPipeline(p.stages).flatMap((g) => [
    ...(g.name ? [`_${escapeMrkdwn(g.name)}_`] : []),
    ...g.stages.map((s) => `• ${escapeMrkdwn(s.name)} (${s.probability}%): ${s.count} · ${formatTotals(s.totals)}`),
  ]);
  blocks.push(
    section(
      `*Pipeline*\n${stageLines.join('\n')}\n*Open:* ${plural(p.open.count, 'deal')} · ${formatTotals(p.open.totals)}  ·  *Weighted forecast:* ${formatTotals(p.open.weighted)}`,
    ),
  );
  blocks.push(context(escapeControl('Change or stop this digest: `/deal digest` in this channel.')));

  const summary = [
    pluralCount(d.stale, 'stale deal'),
    `${pluralCount(d.due, 'next action')} due`,
    `${c.won.length} won, ${c.lost.length} lost, ${c.moved.length} moved`,
  ].join(', ');
  return message(`Pipeline digest for ${today}: ${summary}`, blocks);
}

/** One owner's morning DM: deals without a next action and next actions due, each with buttons. */
export function nudgeMessage(n: NudgeView): SlackMessage {
  const clock: Clock = { now: n.generatedAt, timeZone: n.member.timeZone };
  const date = dateFormatter(clock);
  const blocks: KnownBlock[] = [section(`:wave: Good morning, ${escapeMrkdwn(n.member.displayName)}. Here is what needs you today.`)];
  if (n.noNextAction.total > 0) {
    blocks.push(section(`:warning: *Your open deals with no next action* (${formatCount(n.noNextAction)})`));
    for (const deal of n.noNextAction.items) {
      blocks.push(section(dealLine(deal, date)));
      blocks.push({
        type: 'actions',
        block_id: deliveredBlockId('nonext', deal),
        elements: [button('Set next action', ACTIONS.setNextAction, { value: deal.id, style: 'primary' }), button('Log activity', ACTIONS.logActivity, { value: deal.id })],
      });
    }
    if (n.noNextAction.total > n.noNextAction.items.length) blocks.push(context(more(n.noNextAction, n.noNextAction.items.length, 'deal', '`/deal list mine`')));
  }
  if (n.due.total > 0) {
    blocks.push(section(`:alarm_clock: *Your next actions due today or overdue* (${formatCount(n.due)})`));
    for (const deal of n.due.items) {
      blocks.push(section(`${dealLine(deal, date)}\n${deal.nextAction ? nextActionText(deal.nextAction, date, 200) : ''}`));
      blocks.push({
        type: 'actions',
        block_id: deliveredBlockId('due', deal),
        elements: [button('Log activity', ACTIONS.logActivity, { value: deal.id, style: 'primary' }), button('Set next action', ACTIONS.setNextAction, { value: deal.id })],
      });
    }
    if (n.due.total > n.due.items.length) blocks.push(context(more(n.due, n.due.items.length, 'next action', '`/deal list mine`')));
  }
  const tasks = n.tasksDue;
  if (tasks && tasks.total > 0) {
    // One section, not a block per task: the deals above already spend most of the 50 blocks.
    blocks.push(
      linesSection(
        `:ballot_box_with_check: *Your other tasks due today or overdue* (${formatCount(tasks)})`,
        tasks.items.map((t) => taskText(t, clock)),
        { hidden: tasks.total - tasks.items.length, more: (k) => moreText(k, tasks.totalCapped, 'task', '`/deal tasks`') },
      ),
    );
    blocks.push(context(escapeControl('Done: `/deal done T-3` · later: `/deal snooze T-3` · all yours: `/deal tasks`')));
  }
  blocks.push(context(escapeControl('One message a working day. Change the time or turn it off: `/deal nudges`.')));
  const parts = [
    n.noNextAction.total ? `${pluralCount(n.noNextAction, 'deal')} with no next action` : undefined,
    n.due.total ? `${pluralCount(n.due, 'next action')} due` : undefined,
    tasks?.total ? `${pluralCount(tasks, 'other task')} due` : undefined,
  ].filter(Boolean);
  return message(`Today: ${parts.join(', ')}`, blocks);
}

/** `/deal digest`: this channel's subscription, the workspace's settings, the other channels. */
export function digestSettingsBlocks(s: DigestSettingsView, clock: Clock, opts: { headline?: string; hint?: string } = {}): SlackMessage {
  const date = dateFormatter(clock);
  const blocks: KnownBlock[] = [];
  if (opts.headline) blocks.push(section(`:white_check_mark: ${escapeMrkdwn(opts.headline)}`));
  const here = s.here
    ? `*This channel:* ${subscriptionText(s.here, date)}`
    : s.conversationId
      ? `*This channel* gets no digest. ${escapeControl('Subscribe it: `/deal digest here [at 9:00] [weekdays|daily] [all-clear|silent]`.')}`
      : undefined;
  if (here) blocks.push(section(here));
  const threshold = s.staleThreshold ? `; stale deals of ${escapeMrkdwn(formatMoney(s.staleThreshold))} or more are listed first` : '';
  blocks.push(
    section(
      `*Workspace:* deals with no activity for ${plural(s.staleDays, 'day')} are stale${threshold}. ${escapeControl('Change: `/deal digest stale <days>`, `/deal digest threshold <amount>|off`.')}`,
    ),
  );
  if (s.others.length) {
    const lines = s.others.map((o) => `• ${channelText(o.conversationId)}: ${subscriptionText(o, date)}`);
    blocks.push(linesSection('*Other channels with a digest*', lines, { more: (n) => `…and ${plural(n, 'more channel')}.` }));
  }
  if (opts.hint) blocks.push(context(escapeControl(opts.hint)));
  return message(escapeMrkdwn(opts.headline ?? 'Digest settings'), blocks);
}

export function nudgeSettingsBlocks(s: NudgeSettingsView, opts: { headline?: string } = {}): SlackMessage {
  const state = s.enabled
    ? `on, weekdays at ${s.time} (${escapeMrkdwn(s.timeZone)})${s.quiet ? `; quiet hours ${s.quiet.start}–${s.quiet.end}` : '; no quiet hours'}`
    : 'off';
  const blocks: KnownBlock[] = [];
  if (opts.headline) blocks.push(section(`:white_check_mark: ${escapeMrkdwn(opts.headline)}`));
  blocks.push(section(`*Your morning nudge:* ${state}. It lists your open deals with no next action and your next actions due, and skips days with nothing to do.`));
  blocks.push(context(escapeControl('`/deal nudges on|off`, `/deal nudges at 8:30`, `/deal nudges quiet 19:00-08:00` (or `quiet off`).')));
  return message(escapeMrkdwn(opts.headline ?? `Your morning nudge: ${s.enabled ? 'on' : 'off'}`), blocks);
}

/** Snooze 7 days, Log activity, Set next action, Mark lost: values are deal ids. */
function staleButtons(deal: DealView): Button[] {
  return [
    button(`Snooze ${SNOOZE_DAYS} days`, ACTIONS.snoozeDeal, { value: deal.id }),
    button('Log activity', ACTIONS.logActivity, { value: deal.id }),
    button('Set next action', ACTIONS.setNextAction, { value: deal.id }),
    button('Mark lost', ACTIONS.markLost, { value: deal.id, style: 'danger' }),
  ];
}

function deliveredBlockId(section: string, deal: DealView): string {
  return `${DELIVERED_BLOCK_PREFIX}${section}:${deal.id}`.slice(0, 255);
}

function dealLine(deal: DealView, date: (d: string) => string): string {
  const facts = [deal.amountText ? escapeMrkdwn(deal.amountText) : 'no amount', stageText(deal, 60), deal.expectedCloseDate ? `close ${date(deal.expectedCloseDate)}` : undefined];
  return `${dealTitleLine(deal, 120)}\n${facts.filter(Boolean).join(' · ')}`;
}

function changeText(x: DealChangeView): string {
  return `${dealTitleLine(x.deal, 80)}${x.deal.amountText ? ` · ${escapeMrkdwn(x.deal.amountText)}` : ''}`;
}

function subscriptionText(s: DigestSubscriptionView, date: (d: string) => string): string {
  const when = `${s.days === 'daily' ? 'every day' : 'weekdays'} at ${s.time} (${escapeMrkdwn(s.timeZone)})`;
  const empty = s.whenEmpty === 'silent' ? 'nothing on quiet days' : 'an all-clear line on quiet days';
  const last = s.last ? ` Last: ${date(s.last.date)}, ${escapeMrkdwn(s.last.status)}${s.last.detail && s.last.status !== 'sent' ? ` (${escapeMrkdwn(truncate(s.last.detail, 80))})` : ''}.` : '';
  return `${when}, ${empty}. Next: ${date(s.nextDate)}.${last}`;
}

const SLACK_CONVERSATION = /^[CGD][A-Z0-9]+$/;
const channelText = (id: string) => (SLACK_CONVERSATION.test(id) ? `<#${id}>` : escapeMrkdwn(id));

function more(of: { total: number; totalCapped: boolean }, shown: number, what: string, where = '`/deal report`'): string {
  return moreText(of.total - shown, of.totalCapped, what, where);
}

/** `…and 12 more stale deals: /deal report`; `capped`: the count stopped at the domain's cap (`990+`). */
function moreText(n: number, capped: boolean, what: string, where = '`/deal report`'): string {
  const one = n === 1 && !capped;
  return escapeControl(`…and ${n.toLocaleString('en-US')}${capped ? '+' : ''} more ${one ? what : `${what}s`}: ${where}`);
}

function message(text: string, blocks: KnownBlock[]): SlackMessage {
  return { text: truncateMrkdwn(text, SLACK_LIMITS.fallbackText), blocks: capBlocks(blocks, SLACK_LIMITS.messageBlocks) };
}
