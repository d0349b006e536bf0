/**
 * The assistant's answers (a follow-up draft, a summary) as private Slack messages. Their text
 * came from a language model or from people's activities: untrusted, so it is escaped like any
 * person's words, except the copyable draft, which goes in a `rich_text` preformatted block
 * (rich text is never parsed for markup or mentions, so it copies out exactly as written).
 */
import type { Button, KnownBlock, RichTextBlock } from '@slack/types';
import type { AssistantButton, CitationView, DraftView, SummaryPoint, SummaryView } from '../../../domain/assistant/assistant.view.js';
import { ASSISTANT_ACTIONS } from '../ids.js';
import { escapeControl, escapeMrkdwn, truncate } from './escape.js';
import { dateFormatter, type Clock } from './deal-text.js';
import { actions, button, context, section } from './parts.js';

const CITATIONS_SHOWN = 6;
/** Slack does not document a rich text limit; keep each piece to a section's size. */
const RICH_TEXT_CHUNK = 3000;

export function draftBlocks(draft: DraftView, clock: Clock, hint?: string): KnownBlock[] {
  const to = draft.to.length
    ? draft.to.map((p) => escapeMrkdwn(p.email ? `${p.name} <${p.email}>` : p.name)).join(', ')
    : '_no contacts on this deal_';
  return [
    ...meta(draft),
    section(`*Follow-up for ${escapeMrkdwn(draft.deal.ref)}*  ${escapeMrkdwn(truncate(draft.deal.title, 200))}\n*To:* ${to}`),
    preformatted(draft.copyText),
    ...citations(draft.citations, clock),
    ...(hint ? [context(escapeControl(hint))] : []),
    ...buttons(draft.buttons),
  ];
}

export function summaryBlocks(summary: SummaryView, clock: Clock, hint?: string): KnownBlock[] {
  const s = summary.subject;
  const title =
    s.type === 'deal'
      ? `*Summary of ${escapeMrkdwn(s.ref)}*  ${escapeMrkdwn(truncate(s.title, 200))}`
      : `*Summary of ${escapeMrkdwn(truncate(s.name, 200))}*`;
  const blocks: KnownBlock[] = [...meta(summary), section(`${title}\n${points(summary.lines)}`)];
  if (summary.openQuestions.length) blocks.push(section(`*Open questions*\n${points(summary.openQuestions)}`));
  const next = summary.suggestedNextAction;
  if (next) {
    const due = next.due && /^\d{4}-\d{2}-\d{2}$/.test(next.due) ? ` (by ${dateFormatter(clock)(next.due)})` : '';
    blocks.push(section(`*Suggested next action:* ${escapeMrkdwn(next.text)}${due}${refs(next.citations)}`));
  }
  return [...blocks, ...citations(summary.citations, clock), ...(hint ? [context(escapeControl(hint))] : []), ...buttons(summary.buttons)];
}

/** The assistant's buttons for a deal card (Draft follow-up, Summarise), from the domain's list. */
export function assistantButtons(list: AssistantButton[]): Button[] {
  return list.map((b) => button(b.label, ASSISTANT_ACTIONS[b.action.type], { value: b.value, ...(b.style && { style: b.style }) }));
}

/** Where the answer came from, always first: "AI draft (model): check it before sending". */
function meta(answer: DraftView | SummaryView): KnownBlock[] {
  const label = `:sparkles: ${escapeMrkdwn(answer.label)}${answer.cached ? ' · cached' : ''} · only you can see this`;
  return [context(label, ...(answer.note ? [escapeMrkdwn(answer.note)] : []))];
}

const refs = (c: string[]) => (c.length ? ` _[${c.map(escapeMrkdwn).join(', ')}]_` : '');
const points = (list: SummaryPoint[]) => list.map((p) => `• ${escapeMrkdwn(p.text)}${refs(p.citations)}`).join('\n');

function citations(list: CitationView[], clock: Clock): KnownBlock[] {
  if (!list.length) return [];
  const date = dateFormatter(clock);
  const lines = list.slice(0, CITATIONS_SHOWN).map((c) => {
    const when = /^\d{4}-\d{2}-\d{2}$/.test(c.date) ? date(c.date) : escapeMrkdwn(c.date);
    return `${escapeMrkdwn(c.ref)} · ${escapeMrkdwn(c.type)} · ${when}: ${escapeMrkdwn(truncate(c.excerpt.replace(/\s+/g, ' '), 100))}`;
  });
  const more = list.length > CITATIONS_SHOWN ? `\n…and ${list.length - CITATIONS_SHOWN} more` : '';
  return [context(`*Sources*\n${lines.join('\n')}${more}`)];
}

function preformatted(text: string): RichTextBlock {
  const chunks: string[] = [];
  for (let i = 0; i < text.length && chunks.length < 5; i += RICH_TEXT_CHUNK) chunks.push(text.slice(i, i + RICH_TEXT_CHUNK));
  return {
    type: 'rich_text',
    elements: [{ type: 'rich_text_preformatted', elements: (chunks.length ? chunks : ['']).map((t) => ({ type: 'text', text: t })) }],
  };
}

function buttons(list: AssistantButton[]): KnownBlock[] {
  return list.length ? [actions(assistantButtons(list))] : [];
}
