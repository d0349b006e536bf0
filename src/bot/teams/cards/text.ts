/**
 * Making people's words safe to show in an Adaptive Card, and the shared text pieces of deal
 * facts (dates, next actions, stages) so every Teams card says them the same way.
 *
 * The approach, in one place:
 * - Teams renders a subset of Markdown in `TextBlock`s and `FactSet` values (bold, italics,
 *   strike-through, links, lists) and expands `{{DATE(…)}}` / `{{TIME(…)}}` functions. Text from
 *   people (titles, companies, names, next actions, activity bodies) goes through `escapeMarkdown`:
 *   a backslash before every character that can open markup, a list marker or a heading at the
 *   start of a line, and a zero-width space that breaks `{{`, so nothing a person typed can become
 *   a link, formatting or a date function.
 * - Our own text that uses `code` on purpose (help, hints) goes through `ourText`: escaped the
 *   same way, with each `code` span shown in bold (cards have no inline code).
 * - Lengths: cards are capped at 28 KB by Teams; people's text is cut with `truncate` first.
 */
import type { DealView, NextActionView, PersonView } from '../../../domain/deals/deal.view.js';
import { todayIn } from '../../../domain/shared/dates.js';
import { formatDateOnly } from '../../format.js';

const ZWSP = '\u200B';

/** Makes a person's words inert inside card Markdown: no links, formatting or date functions. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_~[\]<>|]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-+#]|\d+(?=[.)]))/gm, (_m, space: string, marker: string) =>
      /\d/.test(marker) ? `${space}${marker}\\` : `${space}\\${marker}`,
    )
    .replaceAll('{{', `{${ZWSP}{`);
}

/** Our own text with `code` spans (help, hints): escaped, each code span in bold. */
export function ourText(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') && part.endsWith('`') && part.length >= 2 ? `**${escapeMarkdown(part.slice(1, -1))}**` : escapeMarkdown(part)))
    .join('');
}

/** Shortens raw (unescaped) text to at most `max` UTF-16 units, ending with `…` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = text.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** A Markdown link for http(s) URLs only; empty for anything else. */
export function link(url: string, label: string): string {
  if (!/^https?:\/\//i.test(url)) return '';
  try {
    const href = new URL(url).href.replace(/[()\s]/g, (c) => encodeURIComponent(c));
    return `[${escapeMarkdown(label)}](${href})`;
  } catch {
    return '';
  }
}

/** What every renderer needs to say dates the way the reader's calendar does. */
export interface Clock {
  now: Date;
  timeZone: string;
}

/** Formats a YYYY-MM-DD date for the reader: `Fri, Nov 27`. */
export function dateFormatter(clock: Clock): (date: string) => string {
  const today = todayIn(clock.timeZone, clock.now);
  return (date) => formatDateOnly(date, today);
}

export function personText(person: PersonView | null): string {
  return person ? escapeMarkdown(person.displayName) : 'no owner';
}

/** `Call Ana (🔴 overdue since Fri, Nov 27)`; the action text is cut to `max`. */
export function nextActionText(next: NextActionView, date: (d: string) => string, max = 500): string {
  const text = escapeMarkdown(truncate(next.text, max));
  if (!next.due) return text;
  const when = next.overdue ? `🔴 overdue since ${date(next.due)}` : next.dueToday ? '⏰ due today' : `by ${date(next.due)}`;
  return `${text} (${when})`;
}

/** The stage name, with the reason when the deal was lost: `Lost (went with a competitor)`. */
export function stageText(deal: DealView, max = 200): string {
  const name = escapeMarkdown(deal.stage.name);
  return deal.status === 'lost' && deal.lostReason ? `${name} (${escapeMarkdown(truncate(deal.lostReason, max))})` : name;
}

/** `D-42  Acme renewal`, escaped (for a bold TextBlock). */
export function dealTitleLine(deal: DealView, maxTitle = 200): string {
  return `${escapeMarkdown(deal.ref)}  ${escapeMarkdown(truncate(deal.title, maxTitle))}`;
}
