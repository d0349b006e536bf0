/**
 * Renders every `deal …` reply as an Adaptive Card plus the plain text Teams shows in
 * notifications (`summary`). Carries the same facts as Slack's Block Kit renderer and the
 * console's. Pure: view model in, JSON out. A reply kind this file does not know yet is shown as
 * its plain text, so a new kind added to the executor never breaks Teams.
 */
import { dealAssistantButtons } from '../../../domain/assistant/assistant.view.js';
import type { CitationView, DraftView, SummaryPoint, SummaryView } from '../../../domain/assistant/assistant.view.js';
import type { DealListView, DealView } from '../../../domain/deals/deal.view.js';
import type { DealQueueView, PipelineSummaryView } from '../../../domain/reports/report.view.js';
import type { DigestSettingsView, DigestSubscriptionView, NudgeSettingsView } from '../../../domain/digests/digest.view.js';
import { formatMoney } from '../../../domain/shared/money.js';
import type { Reply } from '../../commands/execute.js';
import { formatCount, formatDaysAgo, formatPercent, formatTotals, plural } from '../../format.js';
import { DIALOGS, VERBS } from '../ids.js';
import { assistantActions, dealCard } from './deal-card.js';
import { digestCard } from './digest.js';
import { recordCard } from './records.js';
import { pipelineCard } from './pipeline.js';
import { dealRowText } from './rows.js';
import { card, container, execute, facts, openDialog, row, text, type AdaptiveCard, type CardAction, type CardElement } from './parts.js';
import { dateFormatter, escapeMarkdown, ourText, truncate, type Clock } from './text.js';

export interface ReplyOptions extends Clock {
  /** The workspace has the assistant on: deal cards get Draft follow-up and Summarise. */
  assistant?: boolean;
}

export interface TeamsMessage {
  card: AdaptiveCard;
  /** Plain text for notifications and clients that cannot draw cards. */
  summary: string;
}

/** At most this many deals in one list card (Teams caps a card at about 28 KB). */
export const MAX_LIST_ITEMS = 20;

export function replyCard(reply: Reply, opts: ReplyOptions): TeamsMessage {
  switch (reply.kind) {
    case 'help': {
      const paragraphs = reply.text.split('\n').map((l) => l.trim()).filter(Boolean);
      const body = paragraphs.map((p, i) => text(ourText(p), i === 0 ? { weight: 'Bolder' } : { spacing: p.startsWith('e.g.') ? 'None' : 'Small', ...(p.startsWith('e.g.') && { subtle: true }) }));
      return message(paragraphs[0] ?? 'Help', card(body, newRecordButtons(), reply.text.slice(0, 500)));
    }
    case 'error': {
      const shown = errorCard(reply.message, reply.hint);
      // A stage gate refused a move: the dialog that asks for exactly what is missing.
      if (reply.gate) shown.card.actions = [openDialog('Give what’s missing', { dialog: DIALOGS.stageGate, dealId: reply.gate.deal, stageId: reply.gate.stage.id })];
      return shown;
    }
    case 'deal': {
      const { deal } = reply;
      return message(
        reply.headline ?? `${deal.ref} ${deal.title}`,
        dealCard(deal, { ...opts, headline: reply.headline, hint: reply.hint, assistantButtons: dealAssistantButtons(deal, opts.assistant ?? false) }),
      );
    }
    case 'list':
      return listCard(reply.list, opts, reply.hint);
    case 'report':
      return reportCard(reply, opts);
    case 'draft':
      return message(`Follow-up draft for ${reply.draft.deal.ref}: ${reply.draft.subject}`, draftCard(reply.draft, opts, reply.hint));
    case 'summary': {
      const s = reply.summary.subject;
      return message(`Summary of ${s.type === 'deal' ? s.ref : s.name}`, summaryCard(reply.summary, opts, reply.hint));
    }
    case 'digest':
      return digestSettingsCard(reply.settings, reply.headline, reply.hint);
    case 'digest_preview':
      return digestCard(reply.digest);
    case 'nudges':
      return nudgeSettingsCard(reply.settings, reply.headline);
    case 'contact':
    case 'contacts':
    case 'company':
    case 'companies':
    case 'task':
    case 'tasks':
    case 'duplicate':
      return recordCard(reply, opts);
    case 'pipeline':
      return pipelineCard(reply.pipelines, reply.headline, reply.hint);
    default: {
      // Every kind is handled above (the compiler checks it); a kind from a newer executor that
      // this build does not know is still shown as its plain text, never a failure.
      const unknown: never = reply;
      return plainCard(fallbackText(unknown));
    }
  }
}

/** What a person can create from a dialog, wherever the CRM offers it (help, the welcome card). */
export function newRecordButtons(): CardAction[] {
  return [openDialog('New deal', { dialog: DIALOGS.createDeal }), openDialog('New contact', { dialog: DIALOGS.createContact })];
}

/** `deal digest`: this conversation's digest, the other subscribed conversations, the workspace's stale rules. */
function digestSettingsCard(s: DigestSettingsView, headline?: string, hint?: string): TeamsMessage {
  const when = (v: DigestSubscriptionView) =>
    `${v.days === 'daily' ? 'every day' : 'weekdays'} at ${v.time} (${escapeMarkdown(v.timeZone)})${v.whenEmpty === 'silent' ? ', silent when empty' : ''}`;
  const last = (v: DigestSubscriptionView) => (v.last ? ` · last ${escapeMarkdown(v.last.date)}: ${escapeMarkdown(v.last.status)}` : '');
  const body: CardElement[] = [];
  if (headline) body.push(text(`✅ ${escapeMarkdown(headline)}`, { color: 'Good' }));
  body.push(text('Pipeline digest', { weight: 'Bolder', size: 'Medium' }));
  const list: [string, string][] = [];
  if (s.conversationId) list.push(['Here', s.here ? `${when(s.here)} · next ${escapeMarkdown(s.here.nextDate)}${last(s.here)}` : 'no digest']);
  list.push(
    ['Other channels', s.others.length ? String(s.others.length) : 'none'],
    ['Stale after', `${s.staleDays} days without activity`],
    ['Listed first', s.staleThreshold ? `stale deals of ${escapeMarkdown(formatMoney(s.staleThreshold))} or more` : '—'],
  );
  body.push(facts(list));
  if (hint) body.push(text(ourText(hint), { size: 'Small', subtle: true }));
  const summary = headline ?? (s.here ? `Digest here: ${s.here.time}` : 'No digest in this conversation');
  return message(summary, card(body, [], summary));
}

/** `deal nudges`: the person's morning nudge settings. */
function nudgeSettingsCard(s: NudgeSettingsView, headline?: string): TeamsMessage {
  const body: CardElement[] = [];
  if (headline) body.push(text(`✅ ${escapeMarkdown(headline)}`, { color: 'Good' }));
  body.push(
    text('Morning nudges', { weight: 'Bolder', size: 'Medium' }),
    facts([
      ['Nudges', s.enabled ? 'on' : 'off'],
      ['Time', `${s.time} on weekdays`],
      ['Quiet hours', s.quiet ? `${s.quiet.start}–${s.quiet.end}` : 'none'],
      ['Time zone', escapeMarkdown(s.timeZone)],
    ]),
  );
  const summary = headline ?? `Morning nudges ${s.enabled ? `on at ${s.time}` : 'off'}`;
  return message(summary, card(body, [], summary));
}

/** A short card for a mistake or a failure, with the nearest correct usage. */
export function errorCard(messageText: string, hint?: string): TeamsMessage {
  const body = [text(`⚠️ ${escapeMarkdown(messageText)}`, { color: 'Attention' })];
  if (hint) body.push(text(ourText(hint), { size: 'Small', subtle: true }));
  return message(messageText, card(body, [], messageText));
}

/** Any text as a card (our own words; `code` spans show in bold). */
export function plainCard(value: string, title?: string): TeamsMessage {
  const body = [...(title ? [text(escapeMarkdown(title), { weight: 'Bolder' })] : []), text(ourText(value))];
  return message(title ?? value, card(body, [], value.slice(0, 500)));
}

/** What a reply kind this renderer does not know says, in plain words. */
function fallbackText(reply: unknown): string {
  const r = reply as { text?: unknown; message?: unknown; fallbackText?: unknown; headline?: unknown };
  for (const v of [r.text, r.fallbackText, r.message, r.headline]) if (typeof v === 'string' && v.trim()) return v;
  return 'Done.';
}

/** What a list card listed and which page, carried by its Prev/Next buttons. */
export type ListCursor = DealListView['source'] & { page: number; pageSize: number };

/** A page of deals: one row with an Open button per deal, "Showing 1–10 of 153", and Prev/Next. */
export function listCard(list: DealListView, opts: Clock, hint?: string): TeamsMessage {
  const date = dateFormatter(opts);
  const shown = list.items.slice(0, MAX_LIST_ITEMS);
  const first = (list.page - 1) * list.pageSize + 1;
  const showing = `Showing ${shown.length ? `${first}–${first + shown.length - 1}` : '0'} of ${formatCount(list)}`;
  const body: CardElement[] = [text(escapeMarkdown(list.heading), { weight: 'Bolder', size: 'Medium' })];
  if (!shown.length) body.push(text('_No deals here._'));
  for (const deal of shown) body.push(row(dealRowText(deal, date), execute('Open', VERBS.openDeal, { dealId: deal.id })));
  if (shown.length) body.push(text(showing, { size: 'Small', subtle: true }));
  if (hint) body.push(text(ourText(hint), { size: 'Small', subtle: true }));
  const pageSize = Math.min(list.pageSize, MAX_LIST_ITEMS);
  const at = (page: number): ListCursor => ({ ...list.source, page, pageSize });
  const actions: CardAction[] = [
    ...(list.page > 1 ? [execute('Prev', VERBS.page, { cursor: at(list.page - 1) })] : []),
    ...(list.hasMore ? [execute('Next', VERBS.page, { cursor: at(list.page + 1) })] : []),
  ];
  return message(`${list.heading}: ${showing.toLowerCase()}`, card(body, actions, `${list.heading}: ${showing.toLowerCase()}`));
}

/** The pipeline summary, then the queues (due, without next action, stale). */
function reportCard(reply: Extract<Reply, { kind: 'report' }>, clock: Clock): TeamsMessage {
  const s = reply.summary;
  const body: CardElement[] = [...pipelineSummary(s)];
  body.push(queue(reply.due, clock), queue(reply.noNextAction, clock), queue(reply.stale, clock, (d) => `last activity ${formatDaysAgo(d.daysSinceActivity)}`));
  const summary = `Pipeline: ${plural(s.open.count, 'open deal')}, ${formatTotals(s.open.totals)}`;
  return message(summary, card(body, [], summary));
}

export function pipelineSummary(s: PipelineSummaryView): CardElement[] {
  const stageFacts: [string, string][] = s.stages.map((st) => [
    (st.pipeline ? `${escapeMarkdown(st.pipeline.name)} · ` : '') +
      (st.kind === 'open' ? `${escapeMarkdown(st.name)} (${st.probability}%)` : `${escapeMarkdown(st.name)} (last ${s.periodDays} days)`),
    `${st.count} · ${formatTotals(st.totals)}`,
  ]);
  return [
    text('Pipeline', { weight: 'Bolder', size: 'Medium' }),
    facts(stageFacts),
    facts([
      ['Open pipeline', `${plural(s.open.count, 'deal')} · ${formatTotals(s.open.totals)}`],
      ['Weighted forecast', formatTotals(s.open.weighted)],
      [`Win rate (last ${s.periodDays} days)`, `${formatPercent(s.winRate)} (${s.won.count} won, ${s.lost.count} lost)`],
      ['Average won deal', formatTotals(s.averageDealSize)],
      ['Average sales cycle', s.averageCycleDays === null ? '—' : plural(s.averageCycleDays, 'day')],
    ]),
  ];
}

/** A queue: its heading, "(n of total)", and one row per deal (at most `max`). */
export function queue(q: DealQueueView, clock: Clock, extra?: (d: DealView) => string, max = 5): CardElement {
  const date = dateFormatter(clock);
  const items = q.items.slice(0, max);
  const count = q.total === items.length && !q.totalCapped ? `${q.total}` : `${items.length} of ${formatCount(q)}`;
  const rows = items.length ? items.flatMap((d) => dealRowText(d, date, extra?.(d))) : [text('_none_', { subtle: true })];
  return container([text(`**${escapeMarkdown(q.heading)}** (${count})`), ...rows], { separator: true, spacing: 'Medium' });
}

const CITATIONS_SHOWN = 6;

/** A follow-up draft: where it came from, who it is for, the text to copy, sources, buttons. */
export function draftCard(draft: DraftView, clock: Clock, hint?: string): AdaptiveCard {
  const to = draft.to.length ? draft.to.map((p) => escapeMarkdown(p.email ? `${p.name} <${p.email}>` : p.name)).join(', ') : '_no contacts on this deal_';
  const body: CardElement[] = [
    ...meta(draft),
    text(`**Follow-up for ${escapeMarkdown(draft.deal.ref)}**  ${escapeMarkdown(truncate(draft.deal.title, 200))}`),
    text(`**To:** ${to}`, { spacing: 'None' }),
    // The copyable text, never parsed for Markdown: a RichTextBlock's runs are shown as written.
    { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: truncate(draft.copyText, 8000), fontType: 'Monospace' }] },
    ...citations(draft.citations, clock),
    ...(hint ? [text(ourText(hint), { size: 'Small', subtle: true })] : []),
  ];
  return card(body, assistantActions(draft.buttons, { secondary: false }), `Follow-up draft for ${draft.deal.ref}: ${draft.subject}`);
}

export function summaryCard(summary: SummaryView, clock: Clock, hint?: string): AdaptiveCard {
  const s = summary.subject;
  const title = s.type === 'deal' ? `**Summary of ${escapeMarkdown(s.ref)}**  ${escapeMarkdown(truncate(s.title, 200))}` : `**Summary of ${escapeMarkdown(truncate(s.name, 200))}**`;
  const body: CardElement[] = [...meta(summary), text(title), text(points(summary.lines), { spacing: 'None' })];
  if (summary.openQuestions.length) body.push(text('**Open questions**'), text(points(summary.openQuestions), { spacing: 'None' }));
  const next = summary.suggestedNextAction;
  if (next) {
    const due = next.due && /^\d{4}-\d{2}-\d{2}$/.test(next.due) ? ` (by ${dateFormatter(clock)(next.due)})` : '';
    body.push(text(`**Suggested next action:** ${escapeMarkdown(next.text)}${due}${refs(next.citations)}`));
  }
  body.push(...citations(summary.citations, clock), ...(hint ? [text(ourText(hint), { size: 'Small', subtle: true })] : []));
  return card(body, assistantActions(summary.buttons, { secondary: false }), `Summary of ${s.type === 'deal' ? s.ref : s.name}`);
}

/** Where the answer came from, always first: "AI draft (model): check it before sending". */
function meta(answer: DraftView | SummaryView): CardElement[] {
  const label = `✨ ${escapeMarkdown(answer.label)}${answer.cached ? ' · cached' : ''}`;
  return [text(label, { size: 'Small', subtle: true }), ...(answer.note ? [text(escapeMarkdown(answer.note), { size: 'Small', subtle: true, spacing: 'None' })] : [])];
}

const refs = (c: string[]) => (c.length ? ` _\\[${c.map(escapeMarkdown).join(', ')}\\]_` : '');
const points = (list: SummaryPoint[]) => list.map((p) => `- ${escapeMarkdown(p.text)}${refs(p.citations)}`).join('\n');

function citations(list: CitationView[], clock: Clock): CardElement[] {
  if (!list.length) return [];
  const date = dateFormatter(clock);
  const lines = list.slice(0, CITATIONS_SHOWN).map((c) => {
    const when = /^\d{4}-\d{2}-\d{2}$/.test(c.date) ? date(c.date) : escapeMarkdown(c.date);
    return `${escapeMarkdown(c.ref)} · ${escapeMarkdown(c.type)} · ${when}: ${escapeMarkdown(truncate(c.excerpt.replace(/\s+/g, ' '), 100))}`;
  });
  const more = list.length > CITATIONS_SHOWN ? `\n\n…and ${list.length - CITATIONS_SHOWN} more` : '';
  return [text('**Sources**', { size: 'Small' }), text(lines.join('\n\n') + more, { size: 'Small', subtle: true, spacing: 'None' })];
}

function message(summary: string, content: AdaptiveCard): TeamsMessage {
  return { card: content, summary: truncate(summary, 500) };
}
