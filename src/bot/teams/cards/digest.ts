/**
 * Scheduled deliveries as cards: a channel's daily digest and an owner's morning nudge, from the
 * domain's DigestView and NudgeView (the same views Slack renders). Pure: view in, JSON out.
 */
import { DIGEST_SNOOZE_DAYS, type DealChangeView, type DigestSection, type DigestView, type NudgeView } from '../../../domain/digests/digest.view.js';
import type { DealView } from '../../../domain/deals/deal.view.js';
import { formatMoney } from '../../../domain/shared/money.js';
import { formatCount, formatDaysAgo, formatTotals, plural, pluralCount } from '../../format.js';
import { VERBS } from '../ids.js';
import { card, container, execute, facts, row, text, type CardElement } from './parts.js';
import { dealRowText } from './rows.js';
import type { TeamsMessage } from './reply.js';
import { dateFormatter, escapeMarkdown, ourText, truncate, type Clock } from './text.js';
import { fitRows, TEAMS_CARD_LIMITS } from './limits.js';

/**
 * A channel's digest. Each section lists its first deals (at most `sectionRows`, fewer when the
 * card would pass Teams' size limit) and counts the rest; the change lines likewise.
 */
export function digestCard(digest: DigestView): TeamsMessage {
  return fitRows(TEAMS_CARD_LIMITS.sectionRows, (rows) => digestCardWith(digest, rows));
}

function digestCardWith(digest: DigestView, rows: number): TeamsMessage {
  const clock: Clock = { now: digest.generatedAt, timeZone: digest.timeZone };
  const date = dateFormatter(clock);
  const title = `Pipeline digest · ${date(digest.date)}`;
  const body: CardElement[] = [text(`${escapeMarkdown(title)}`, { weight: 'Bolder', size: 'Medium' }), text(escapeMarkdown(digest.workspaceName), { subtle: true, spacing: 'None' })];
  if (digest.allClear) {
    body.push(text('✅ All clear: nothing stale, no next actions due, no deals moved.'));
  } else {
    // Each deal with Open (its card, with every button) and, when stale, Snooze.
    if (digest.due.total) body.push(section('Next actions due', digest.due, clock, rows, undefined, true));
    if (digest.stale.total) {
      const above = digest.stale.threshold && digest.stale.aboveThreshold ? `, ${digest.stale.aboveThreshold} at or above ${formatMoney(digest.stale.threshold)} first` : '';
      body.push(section(`No activity for ${digest.stale.days}+ days${above}`, digest.stale, clock, rows, (d) => `last activity ${formatDaysAgo(d.daysSinceActivity)}`, true, true));
    }
    if (digest.changes.total) body.push(changes(digest.changes, Math.min(rows, TEAMS_CARD_LIMITS.changeLines)));
  }
  const p = digest.pipeline;
  body.push(
    container(
      [
        text('**Open pipeline**'),
        facts([
          ...p.stages.map((s): [string, string] => [`${s.pipeline ? `${escapeMarkdown(s.pipeline.name)} · ` : ''}${escapeMarkdown(s.name)} (${s.probability}%)`, `${s.count} · ${formatTotals(s.totals)}`]),
          ['Total', `${plural(p.open.count, 'deal')} · ${formatTotals(p.open.totals)}`],
          ['Weighted forecast', formatTotals(p.open.weighted)],
        ]),
      ],
      { separator: true, spacing: 'Medium' },
    ),
  );
  const summary = digest.allClear
    ? `${title}: all clear`
    : `${title}: ${pluralCount(digest.due, 'next action')} due, ${pluralCount(digest.stale, 'stale deal')}, ${plural(digest.changes.total, 'change')}`;
  return { card: card(body, [], summary), summary };
}

export function nudgeCard(nudge: NudgeView): TeamsMessage {
  return fitRows(TEAMS_CARD_LIMITS.sectionRows, (rows) => nudgeCardWith(nudge, rows));
}

function nudgeCardWith(nudge: NudgeView, rows: number): TeamsMessage {
  const clock: Clock = { now: nudge.generatedAt, timeZone: nudge.member.timeZone };
  const first = nudge.member.displayName.split(/\s+/)[0] ?? nudge.member.displayName;
  const body: CardElement[] = [text(`Good morning, ${escapeMarkdown(first)}. Here is what needs you today.`, { weight: 'Bolder' })];
  // A personal chat: each deal with an Open button.
  if (nudge.due.total) body.push(section('Due today or overdue', nudge.due, clock, rows, undefined, true));
  if (nudge.noNextAction.total) body.push(section('Open deals without a next action', nudge.noNextAction, clock, rows, undefined, true));
  const tasks = nudge.tasksDue;
  if (tasks?.total) body.push(taskSection(tasks, clock, rows));
  const summary =
    `Today: ${pluralCount(nudge.due, 'next action')} due, ${pluralCount(nudge.noNextAction, 'deal')} without a next action` +
    (tasks?.total ? `, ${pluralCount(tasks, 'other task')} due` : '');
  return { card: card(body, [], summary), summary };
}

/** The member's other tasks due (not a deal's next action already listed): one line each, with how to close it. */
function taskSection(tasks: NonNullable<NudgeView['tasksDue']>, clock: Clock, rows: number): CardElement {
  const date = dateFormatter(clock);
  const shown = tasks.items.slice(0, rows);
  const count = tasks.total === shown.length && !tasks.totalCapped ? `${tasks.total}` : `${shown.length} of ${formatCount(tasks)}`;
  const lines = shown.map((t) => {
    const due = t.due ? (t.overdue ? `overdue since ${date(t.due)}` : 'due today') : '';
    const on = [t.deal?.ref, t.contact?.name].filter(Boolean).join(', ');
    return `- **${escapeMarkdown(t.ref)}** ${escapeMarkdown(truncate(t.title, TEAMS_CARD_LIMITS.changeTitle))}${due ? ` · ${due}` : ''}${on ? ` · ${escapeMarkdown(truncate(on, 80))}` : ''}`;
  });
  const more = tasks.total > shown.length ? `\n\n…and ${formatCount(tasks, shown.length)} more: \`deal tasks\`.` : '';
  return container(
    [
      text(`**Your other tasks due** (${count})`),
      text(lines.join('\n') + more, { spacing: 'None' }),
      text(ourText('Done: `deal done T-3`. Later: `deal snooze T-3`.'), { size: 'Small', subtle: true }),
    ],
    { separator: true, spacing: 'Medium' },
  );
}

/** Where the deals a digest leaves out are listed. */
const MORE_WHERE = '`deal report` lists them.';

function section(heading: string, s: DigestSection, clock: Clock, rows: number, extra?: (d: DealView) => string, open = false, snooze = false): CardElement {
  const date = dateFormatter(clock);
  const shown = s.items.slice(0, rows);
  const count = s.total === shown.length && !s.totalCapped ? `${s.total}` : `${shown.length} of ${formatCount(s)}`;
  const buttons = (d: DealView) => [
    execute('Open', VERBS.openDeal, { dealId: d.id }),
    ...(snooze ? [execute(`Snooze ${DIGEST_SNOOZE_DAYS} days`, VERBS.snoozeDeal, { dealId: d.id })] : []),
  ];
  const items = shown.map((d) => (open ? row(dealRowText(d, date, extra?.(d)), buttons(d)) : container(dealRowText(d, date, extra?.(d)))));
  const rest = s.total - shown.length;
  if (rest > 0 || s.totalCapped) items.push(text(ourText(`…and ${formatCount(s, shown.length)} more: ${MORE_WHERE}`), { size: 'Small', subtle: true }));
  return container([text(`**${escapeMarkdown(heading)}** (${count})`), ...items], { separator: true, spacing: 'Medium' });
}

function changes(c: DigestView['changes'], lines: number): CardElement {
  const title = (ch: DealChangeView) => escapeMarkdown(truncate(ch.deal.title, TEAMS_CARD_LIMITS.changeTitle));
  const reason = (r: string) => escapeMarkdown(truncate(r, TEAMS_CARD_LIMITS.reason));
  const line = (ch: DealChangeView, what: string) => `- **${escapeMarkdown(ch.deal.ref)}** ${title(ch)}: ${what}`;
  const all = [
    ...c.won.map((ch) => line(ch, `🏆 won${ch.deal.amountText ? ` (${escapeMarkdown(ch.deal.amountText)})` : ''}`)),
    ...c.lost.map((ch) => line(ch, `lost${ch.deal.lostReason ? ` (${reason(ch.deal.lostReason)})` : ''}`)),
    ...c.moved.map((ch) => line(ch, `${escapeMarkdown(truncate(ch.from ?? '—', 80))} → ${escapeMarkdown(truncate(ch.to, 80))}`)),
  ];
  const shown = all.slice(0, lines);
  const more = c.total > shown.length ? `\n\n…and ${plural(c.total - shown.length, 'more change')}` : '';
  return container([text(`**Since the last digest** (${c.total})`), text(shown.join('\n') + more, { spacing: 'None' })], { separator: true, spacing: 'Medium' });
}
