/** Deal facts as escaped mrkdwn, shared by the card, lists, the report and the App Home. */
import type { Button, SectionBlock } from '@slack/types';
import type { DealView, NextActionView, PersonView } from '../../../domain/deals/deal.view.js';
import { todayIn } from '../../../domain/shared/dates.js';
import { formatDateOnly, formatDaysAgo } from '../../format.js';
import { ACTIONS } from '../ids.js';
import { escapeMrkdwn, truncate } from './escape.js';
import { button, section } from './parts.js';

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

const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;

/** How much of a person's name a line shows (names may be 200 characters), ending with `…` when cut. */
export const PERSON_NAME_MAX = 60;

/** A Slack mention when the owner's id is a Slack user id (the name shows for everyone), else the name. */
export function personText(person: PersonView | null): string {
  if (!person) return 'no owner';
  return SLACK_USER_ID.test(person.externalId) ? `<@${person.externalId}>` : escapeMrkdwn(truncate(person.displayName, PERSON_NAME_MAX));
}

/** `Call Ana (:red_circle: overdue since Fri, Nov 27)`; the action text is truncated to `max`. */
export function nextActionText(next: NextActionView, date: (d: string) => string, max = 500): string {
  const text = escapeMrkdwn(truncate(next.text, max));
  if (!next.due) return text;
  const when = next.overdue
    ? `:red_circle: overdue since ${date(next.due)}`
    : next.dueToday
      ? ':alarm_clock: due today'
      : `by ${date(next.due)}`;
  return `${text} (${when})`;
}

/** The stage name, with the reason when the deal was lost: `Lost (went with a competitor)`. */
export function stageText(deal: DealView, max = 200): string {
  const name = escapeMrkdwn(deal.stage.name);
  return deal.status === 'lost' && deal.lostReason ? `${name} (${escapeMrkdwn(truncate(deal.lostReason, max))})` : name;
}

/** `*D-42*  Acme renewal` */
export function dealTitleLine(deal: DealView, maxTitle = 200): string {
  return `*${escapeMrkdwn(deal.ref)}*  ${escapeMrkdwn(truncate(deal.title, maxTitle))}`;
}

/**
 * Two lines per deal for lists and queues: the title line, then amount · stage · close date ·
 * next action (or a warning when an open deal has none), as the console's list rows say.
 */
export function dealSummaryText(deal: DealView, date: (d: string) => string, extra?: string): string {
  const facts = [
    deal.amountText ? escapeMrkdwn(deal.amountText) : 'no amount',
    stageText(deal, 80),
    deal.expectedCloseDate ? `close ${date(deal.expectedCloseDate)}` : undefined,
    deal.nextAction
      ? `next: ${nextActionText(deal.nextAction, date, 120)}`
      : deal.status === 'open'
        ? ':warning: no next action'
        : undefined,
    extra,
  ].filter(Boolean);
  return `${dealTitleLine(deal, 120)}\n${facts.join(' · ')}`;
}

/** A compact deal row with an "Open" button that shows the full card. */
export function dealRowBlock(deal: DealView, date: (d: string) => string, extra?: string): SectionBlock {
  return section(dealSummaryText(deal, date, extra), openButton(deal));
}

export function openButton(deal: DealView): Button {
  return button('Open', ACTIONS.openDeal, { value: deal.id });
}

export const lastActivityText = (deal: DealView) => `last activity ${formatDaysAgo(deal.daysSinceActivity)}`;
