/** Platform-neutral views of digests, nudges and their settings: what every surface renders. */
import type { DealView } from '../deals/deal.view.js';
import type { TaskView } from '../tasks/task.view.js';
import type { StageSummary } from '../reports/report.view.js';
import type { Money } from '../shared/money.js';
import type { DigestDays } from './schedule.js';

export type WhenEmpty = 'all_clear' | 'silent';

/** A deal that moved, was won or was lost since the last digest. */
export interface DealChangeView {
  deal: DealView;
  /** The stage it left (moved: the first stage it left in the period). */
  from: string | null;
  /** The stage it is in now. */
  to: string;
  at: Date;
}

/** How long a digest's "Snooze" keeps a stale deal off the stale lists (Slack and Teams). */
export const DIGEST_SNOOZE_DAYS = 7;

export interface DigestSection {
  items: DealView[];
  /** How many there are in all (items holds the first few), or COUNT_CAP when there are more. */
  total: number;
  totalCapped: boolean;
}

/** One channel's daily digest. */
export interface DigestView {
  workspaceName: string;
  /** The local date it is for (YYYY-MM-DD) and the zone it was read in. */
  date: string;
  timeZone: string;
  generatedAt: Date;
  /** Changes are listed from here (the previous digest) to `generatedAt`. */
  since: Date;
  /** Nothing stale, nothing due, nothing moved, won or lost. */
  allClear: boolean;
  /** Open deals with no activity for `days`, the ones at or above `threshold` first. */
  stale: DigestSection & { days: number; threshold: Money | null; aboveThreshold: number };
  /** Next actions due today or overdue, in the digest's time zone. */
  due: DigestSection;
  changes: { moved: DealChangeView[]; won: DealChangeView[]; lost: DealChangeView[]; total: number };
  /** Open stages: deals and value now, and the weighted forecast. */
  pipeline: { currency: string; stages: StageSummary[]; open: { count: number; totals: Money[]; weighted: Money[] } };
}

/** One owner's morning direct message. */
export interface NudgeView {
  member: { id: string; displayName: string; externalId: string; timeZone: string };
  date: string;
  generatedAt: Date;
  /** Their open deals with no next action. */
  noNextAction: DigestSection;
  /** Their next actions due today or overdue. */
  due: DigestSection;
  /**
   * Their open tasks due today or overdue that `due` does not already show as the next action of
   * one of their open deals (tasks on no deal, on someone else's deal, second tasks on a deal),
   * due first. Absent from nudges built before tasks (renderers: treat absent as none).
   */
  tasksDue?: { items: TaskView[]; total: number; totalCapped: boolean };
}

export interface DigestSubscriptionView {
  platform: string;
  conversationId: string;
  /** Minutes after local midnight, and the same as `9:00`. */
  minuteOfDay: number;
  time: string;
  days: DigestDays;
  timeZone: string;
  whenEmpty: WhenEmpty;
  /** The next local date it goes out. */
  nextDate: string;
  /** The most recent delivery, if any: when, and how it went. */
  last: { date: string; status: string; detail: string | null; at: Date } | null;
}

/** `/deal digest`: this conversation's subscription, the workspace's settings, the other channels. */
export interface DigestSettingsView {
  /** The conversation the command came from (absent in the console). */
  conversationId: string | null;
  here: DigestSubscriptionView | null;
  others: DigestSubscriptionView[];
  staleDays: number;
  staleThreshold: Money | null;
}

/** `/deal nudges`: one person's settings. */
export interface NudgeSettingsView {
  enabled: boolean;
  minuteOfDay: number;
  time: string;
  quiet: { start: string; end: string } | null;
  timeZone: string;
}
