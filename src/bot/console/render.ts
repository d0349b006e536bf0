/** Renders replies as plain text for the terminal console. Pure: view model in, text out. */
import { fieldLines } from './fields.js';
import { eventWords, fieldLabel, type DealView, type DealDetailView, type DealListView } from '../../domain/deals/deal.view.js';
import type { DealQueueView } from '../../domain/reports/report.view.js';
import type { CitationView, SummaryPoint } from '../../domain/assistant/assistant.view.js';
import { todayIn } from '../../domain/shared/dates.js';
import type { Reply } from '../commands/execute.js';
import type { DigestSubscriptionView, DigestView } from '../../domain/digests/digest.view.js';
import { formatMoney } from '../../domain/shared/money.js';
import { formatCount, formatDateOnly, formatDaysAgo, formatPercent, formatTotals } from '../format.js';
import { renderRecord } from './records.js';
import { groupByPipeline } from '../pipeline-groups.js';
import { pipelineTitle, stageFacts } from '../pipeline-text.js';

/** The console command that shows the next page of the last list. */
export const MORE_COMMAND = 'more';

/** The command that shows page `page` of what a list showed: `/deal list all page 2`, `/deal show acme page 3`. */
export function pageCommand(source: DealListView['source'], page: number): string {
  if ('query' in source) return `/deal show ${source.query} page ${page}`;
  const scope = source.scope;
  const what = scope.type === 'stage' ? scope.stage : scope.type;
  // Custom-field filters go along (`source=partner`, `source="Trade show"`).
  const filters = (scope.filters ?? []).map((f) => ` ${f.key}${f.op}${/\s/.test(f.value) ? `"${f.value}"` : f.value}`).join('');
  return `/deal list ${what}${filters} page ${page}`;
}

export interface RenderContext {
  now: Date;
  timeZone: string;
  /** Terminal colours (off when not a TTY or NO_COLOR is set). */
  color: boolean;
}

const paint = (on: boolean, code: number) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function renderReply(reply: Reply, ctx: RenderContext): string {
  const bold = paint(ctx.color, 1);
  const dim = paint(ctx.color, 2);
  const red = paint(ctx.color, 31);
  const today = todayIn(ctx.timeZone, ctx.now);
  const date = (d: string) => formatDateOnly(d, today);

  const dealLines = (d: DealView): string[] => {
    const facts = [
      d.amountText ?? 'no amount',
      d.stage.name + (d.status === 'lost' && d.lostReason ? ` (${d.lostReason})` : ''),
      d.owner ? `owner ${d.owner.displayName}` : 'no owner',
      d.company?.name,
    ].filter(Boolean);
    const lines = [`${bold(d.ref)}  ${bold(d.title)}`, `  ${facts.join(' · ')}`];
    const plan = [
      d.expectedCloseDate ? `close ${date(d.expectedCloseDate)}` : undefined,
      d.nextAction
        ? `next: ${d.nextAction.text}` +
          (d.nextAction.due
            ? ` (${d.nextAction.overdue ? red(`overdue since ${date(d.nextAction.due)}`) : d.nextAction.dueToday ? 'due today' : `by ${date(d.nextAction.due)}`})`
            : '')
        : d.status === 'open'
          ? red('no next action')
          : undefined,
    ].filter(Boolean);
    if (plan.length) lines.push(`  ${plan.join(' · ')}`);
    lines.push(dim(`  last activity ${formatDaysAgo(d.daysSinceActivity)}`));
    return lines;
  };

  const row = (d: DealView) =>
    [
      d.ref.padEnd(7),
      truncate(d.title, 30).padEnd(30),
      (d.amountText ?? '—').padStart(12),
      d.stage.name.padEnd(12),
      d.expectedCloseDate ? `close ${date(d.expectedCloseDate)}`.padEnd(18) : ''.padEnd(18),
      d.nextAction ? `next: ${truncate(d.nextAction.text, 28)}${d.nextAction.overdue ? red(' (overdue)') : ''}` : d.status === 'open' ? red('no next action') : '',
    ].join(' ');

  const list = (l: DealListView | DealQueueView, heading = l.heading): string[] => {
    const shown = l.items.length;
    // A page after the first says which of the deals it shows: "(11–20 of 23)".
    const before = 'page' in l ? (l.page - 1) * l.pageSize : 0;
    const count =
      before > 0 && shown > 0
        ? `${before + 1}–${before + shown} of ${formatCount(l)}`
        : l.total === shown && !l.totalCapped
          ? String(shown)
          : `${shown} of ${formatCount(l)}`;
    const head = `${bold(heading)} ${dim(`(${count})`)}`;
    if (shown === 0) return [head, dim('  none')];
    const more =
      'hasMore' in l && l.hasMore
        ? [dim(`  … ${formatCount(l, before + shown)} more: \`${MORE_COMMAND}\` for the next page (or \`${pageCommand(l.source, l.page + 1)}\`)`)]
        : [];
    return [head, ...l.items.map((d) => `  ${row(d)}`), ...more];
  };

  switch (reply.kind) {
    case 'contact':
    case 'contacts':
    case 'company':
    case 'companies':
    case 'task':
    case 'tasks':
    case 'duplicate':
      return renderRecord(reply, { bold, dim, red, date });
    case 'pipeline': {
      const lines = reply.headline ? [`✓ ${reply.headline}`] : [];
      for (const p of reply.pipelines) {
        const title = pipelineTitle(p);
        lines.push(`${bold(title.name)} ${dim(`(${title.note.replaceAll('`', '')})`)}`);
        p.stages.forEach((s, i) => lines.push(`  ${`${i + 1}. ${s.name}`.padEnd(26)} ${stageFacts(s)}`));
      }
      if (reply.hint) lines.push(dim(`  ${reply.hint}`));
      return lines.join('\n');
    }
    case 'help':
      return reply.text;
    case 'error':
      return [`${red('✗')} ${reply.message}`, reply.hint ? dim(`  ${reply.hint}`) : ''].filter(Boolean).join('\n');
    case 'deal': {
      const lines = [...(reply.headline ? [`✓ ${reply.headline}`] : []), ...dealLines(reply.deal)];
      const detail = reply.deal as Partial<DealDetailView>;
      lines.push(...fieldLines(detail.fields));
      if (detail.contacts?.length) lines.push(`  contacts: ${detail.contacts.map((c) => c.name).join(', ')}`);
      if (detail.timeline?.length) {
        lines.push(dim('  timeline:'));
        for (const e of detail.timeline.slice(0, 5)) {
          const when = e.at.toISOString().slice(0, 10);
          const what =
            e.kind === 'activity'
              ? `${e.type}: ${truncate(e.body ?? '', 60)}`
              : e.field
                ? `${fieldLabel(e.field)}: ${e.from ?? '—'} → ${e.to ?? '—'}`
                : eventWords(e);
          lines.push(dim(`    ${[when, e.actor, what].filter(Boolean).join(' ')}`));
        }
      }
      if (reply.hint) lines.push(dim(`  ${reply.hint}`));
      return lines.join('\n');
    }
    case 'list':
      return [...list(reply.list), ...(reply.hint ? [dim(`  ${reply.hint}`)] : [])].join('\n');
    case 'report': {
      const s = reply.summary;
      const lines = [bold('Pipeline')];
      for (const st of s.stages) {
        if (st.pipeline && st.pipeline.key !== s.stages[s.stages.indexOf(st) - 1]?.pipeline?.key) lines.push(`  ${bold(st.pipeline.name)}`);
        const label = st.kind === 'open' ? `${st.name} (${st.probability}%)` : `${st.name} (last ${s.periodDays} days)`;
        lines.push(`  ${label.padEnd(26)} ${String(st.count).padStart(6)}  ${formatTotals(st.totals)}`);
      }
      lines.push(
        `  ${'Open pipeline'.padEnd(26)} ${String(s.open.count).padStart(6)}  ${formatTotals(s.open.totals)}`,
        `  ${'Weighted forecast'.padEnd(26)} ${''.padStart(6)}  ${formatTotals(s.open.weighted)}`,
        `  Win rate ${formatPercent(s.winRate)} · average won deal ${formatTotals(s.averageDealSize)} · average sales cycle ${
          s.averageCycleDays === null ? '—' : `${s.averageCycleDays} days`
        } ${dim(`(last ${s.periodDays} days)`)}`,
        '',
        ...list(reply.due),
        '',
        ...list(reply.noNextAction),
        '',
        ...list(reply.stale),
      );
      return lines.join('\n');
    }
    case 'draft': {
      const d = reply.draft;
      const rule = dim('─'.repeat(60));
      const lines = [bold(d.label), ...(d.note ? [dim(`  ${d.note}`)] : []), `${d.deal.ref}  ${d.deal.title}`];
      if (d.to.length) lines.push(`To: ${d.to.map((c) => (c.email ? `${c.name} <${c.email}>` : c.name)).join(', ')}`);
      lines.push(`Subject: ${d.subject}`, rule, d.body, rule);
      lines.push(...sourceLines(d.citations, d.droppedCitations, dim));
      lines.push(dim('  Only you can see this draft; nothing was sent.'));
      if (reply.hint) lines.push(dim(`  ${reply.hint}`));
      return lines.join('\n');
    }
    case 'digest': {
      const st = reply.settings;
      const lines = reply.headline ? [`✓ ${reply.headline}`] : [];
      const sub = (x: DigestSubscriptionView) =>
        `${x.days === 'daily' ? 'every day' : 'weekdays'} at ${x.time} (${x.timeZone}), ${x.whenEmpty === 'silent' ? 'nothing on quiet days' : 'an all-clear line on quiet days'}; next ${date(x.nextDate)}` +
        (x.last ? `; last ${date(x.last.date)} ${x.last.status}` : '');
      if (st.here) lines.push(`This channel: ${sub(st.here)}`);
      else if (st.conversationId) lines.push('This channel gets no digest.');
      lines.push(
        `Stale after ${st.staleDays} days${st.staleThreshold ? `; deals of ${formatMoney(st.staleThreshold)} or more first` : ''}.`,
      );
      if (st.others.length) lines.push(bold('Channels with a digest'), ...st.others.map((o) => `  ${o.platform} ${o.conversationId}: ${sub(o)}`));
      if (reply.hint) lines.push(dim(`  ${reply.hint}`));
      return lines.join('\n');
    }
    case 'digest_preview':
      return [dim('Preview of the digest a channel would get now:'), renderDigest(reply.digest, ctx)].join('\n');
    case 'nudges': {
      const st = reply.settings;
      const lines = reply.headline ? [`✓ ${reply.headline}`] : [];
      lines.push(
        `Your morning nudge: ${st.enabled ? `on, weekdays at ${st.time} (${st.timeZone})${st.quiet ? `, quiet hours ${st.quiet.start}–${st.quiet.end}` : ', no quiet hours'}` : 'off'}.`,
        dim('  /deal nudges on|off, /deal nudges at 8:30, /deal nudges quiet 19:00-08:00 (or quiet off)'),
      );
      return lines.join('\n');
    }
    case 'summary': {
      const m = reply.summary;
      const what = m.subject.type === 'deal' ? `${m.subject.ref}  ${m.subject.title}` : m.subject.name;
      const point = (p: SummaryPoint) => `  • ${p.text}${p.citations.length ? dim(` [${p.citations.join(', ')}]`) : ''}`;
      const lines = [bold(m.label), ...(m.note ? [dim(`  ${m.note}`)] : []), what, ...m.lines.map(point)];
      if (m.openQuestions.length) lines.push('Open questions:', ...m.openQuestions.map(point));
      const next = m.suggestedNextAction;
      if (next) {
        lines.push(
          `Suggested next action: ${next.text}${next.due ? ` (by ${date(next.due)})` : ''}${next.citations.length ? dim(` [${next.citations.join(', ')}]`) : ''}`,
        );
      }
      lines.push(...sourceLines(m.citations, m.droppedCitations, dim));
      if (reply.hint) lines.push(dim(`  ${reply.hint}`));
      return lines.join('\n');
    }
  }
}

/** A digest as text: the same sections as the Slack message, for the console's preview. */
export function renderDigest(d: DigestView, ctx: RenderContext): string {
  const bold = paint(ctx.color, 1);
  const dim = paint(ctx.color, 2);
  const date = (x: string) => formatDateOnly(x, d.date);
  const since = date(todayIn(d.timeZone, d.since));
  if (d.allClear) return `✓ All clear for ${date(d.date)}: no stale deals, no next actions due, nothing moved, won or lost since ${since}.`;
  const deal = (x: DealView) => `${x.ref}  ${truncate(x.title, 40)}${x.amountText ? ` · ${x.amountText}` : ''}`;
  const more = (of: { total: number; totalCapped: boolean }, shown: number) => (of.total > shown ? [dim(`  … ${formatCount(of, shown)} more`)] : []);
  const lines = [bold(`Pipeline digest · ${date(d.date)}`)];
  lines.push(
    bold(`Stale deals (${formatCount(d.stale)}): no activity for ${d.stale.days}+ days${d.stale.threshold ? `; ${formatMoney(d.stale.threshold)} or more first` : ''}`),
    ...d.stale.items.map((x) => `  ${deal(x)} · ${x.owner?.displayName ?? 'no owner'} · last activity ${formatDaysAgo(x.daysSinceActivity)}`),
    ...more(d.stale, d.stale.items.length),
    bold(`Next actions due today or overdue (${formatCount(d.due)})`),
    ...d.due.items.map((x) => `  ${deal(x)} · ${x.nextAction?.text ?? ''}${x.nextAction?.overdue ? ` (overdue since ${date(x.nextAction.due ?? '')})` : ' (due today)'}`),
    ...more(d.due, d.due.items.length),
    bold(`Since ${since} (${d.changes.total})`),
    ...d.changes.won.map((c) => `  won: ${deal(c.deal)}`),
    ...d.changes.lost.map((c) => `  lost: ${deal(c.deal)}${c.deal.lostReason ? ` (${c.deal.lostReason})` : ''}`),
    ...d.changes.moved.map((c) => `  moved: ${deal(c.deal)}: ${c.from ?? '—'} → ${c.to}`),
    bold('Pipeline'),
    ...groupByPipeline(d.pipeline.stages).flatMap((g) => [
      ...(g.name ? [`  ${bold(g.name)}`] : []),
      ...g.stages.map((s) => `  ${`${s.name} (${s.probability}%)`.padEnd(26)} ${String(s.count).padStart(6)}  ${formatTotals(s.totals)}`),
    ]),
    `  ${'Open pipeline'.padEnd(26)} ${String(d.pipeline.open.count).padStart(6)}  ${formatTotals(d.pipeline.open.totals)}`,
    `  ${'Weighted forecast'.padEnd(26)} ${''.padStart(6)}  ${formatTotals(d.pipeline.open.weighted)}`,
  );
  return lines.join('\n');
}

/** The activities an answer cites, and a note when citations to data it was not given were removed. */
function sourceLines(citations: CitationView[], dropped: string[], dim: (s: string) => string): string[] {
  const lines = citations.length
    ? [dim('  sources:'), ...citations.map((c) => dim(`    ${c.ref} ${c.date} ${c.type}: ${truncate(c.excerpt, 60)}`))]
    : [];
  if (dropped.length) {
    lines.push(dim(`  removed ${dropped.length === 1 ? 'a citation' : `${dropped.length} citations`} to data the AI was not given: ${dropped.join(', ')}`));
  }
  return lines;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
