/** Platform-neutral views of deals: what every surface renders, each in its own way. */
import type { Prisma } from '../../generated/sqlite/client.js';
import type { StageInfo } from '../pipeline/pipeline.service.js';
import type { FieldLine } from '../fields/field.view.js';
import { toDateOnly, todayIn, DAY_MS } from '../shared/dates.js';
import { formatMoney, type Money } from '../shared/money.js';
import type { DealStatus, ListScope } from './deal.schema.js';

export interface PersonView {
  id: string;
  displayName: string;
  handle: string;
  /** The platform's user id (Slack `U…`, Teams AAD id, console handle). */
  externalId: string;
}

export interface NextActionView {
  text: string;
  due: string | null;
  overdue: boolean;
  dueToday: boolean;
}

export interface DealView {
  id: string;
  ref: string;
  title: string;
  status: DealStatus;
  amount: Money | null;
  amountText: string | null;
  stage: Pick<StageInfo, 'key' | 'name' | 'kind' | 'probability' | 'position'>;
  owner: PersonView | null;
  company: { id: string; name: string } | null;
  expectedCloseDate: string | null;
  nextAction: NextActionView | null;
  lastActivityAt: Date;
  /** Whole days since the last activity, in the reader's calendar. */
  daysSinceActivity: number;
  closedAt: Date | null;
  lostReason: string | null;
  createdAt: Date;
  archived: boolean;
}

export interface TimelineEntry {
  at: Date;
  actor: string | null;
  kind: 'event' | 'activity';
  /** For events: created, stage, owner, amount, next_action, close_date, title, company, won, lost, lost_reason, reopened, snoozed, archived. For activities: call, email, meeting, note. */
  type: string;
  /** The column that changed (`nextAction`): show it as `fieldLabel(field)` ("next action"). */
  field: string | null;
  from: string | null;
  to: string | null;
  body: string | null;
  sourceUrl: string | null;
}

export interface DealDetailView extends DealView {
  contacts: { id: string; name: string; email: string | null }[];
  timeline: TimelineEntry[];
  /** The workspace's custom deal fields, in order, with this deal's values (`value: null` where unset). */
  fields: FieldLine[];
}

export interface DealListView {
  /** What was listed, in words: "Your open deals", "Open deals in Proposal". */
  heading: string;
  /** What was listed, so a surface can ask for another page of the same. */
  source: { scope: ListScope } | { query: string };
  items: DealView[];
  /** All matches, or COUNT_CAP when there are more (then `totalCapped`). */
  total: number;
  totalCapped: boolean;
  page: number;
  pageSize: number;
  hasMore: boolean;
}

export const dealRef = (number: number) => `D-${number}`;

/** The words for each field a timeline entry records (the column names stay in the database). */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  title: 'title',
  amount: 'amount',
  company: 'company',
  expectedCloseDate: 'close date',
  stage: 'stage',
  owner: 'owner',
  nextAction: 'next action',
  lostReason: 'lost reason',
  snoozedUntil: 'snoozed until',
};

/**
 * A timeline event that changed no field, in words (every surface escapes and shows it):
 * `created in New`, `task done: T-3 Send the quote`, `won`, `reopened`.
 */
export function eventWords(e: Pick<TimelineEntry, 'type' | 'from' | 'to'>): string {
  switch (e.type) {
    case 'created':
      return `created in ${e.to ?? '—'}`;
    case 'task_done':
      return `task done: ${[e.from, e.to].filter(Boolean).join(' ')}`;
    default:
      return e.type.replace(/_/g, ' ');
  }
}

/** A timeline field in words: its label, or for a field without one, `someField` → `some field`. */
export function fieldLabel(field: string | null): string | null {
  if (field === null) return null;
  return FIELD_LABELS[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
}

export const dealViewInclude = {
  owner: true,
  company: { select: { id: true, name: true } },
} satisfies Prisma.DealInclude;

export type DealRow = Prisma.DealGetPayload<{ include: typeof dealViewInclude }>;

export function toPersonView(m: { id: string; displayName: string; handle: string; externalId: string }): PersonView {
  return { id: m.id, displayName: m.displayName, handle: m.handle, externalId: m.externalId };
}

export function toDealView(row: DealRow, stage: StageInfo, now: Date, timeZone: string): DealView {
  const today = todayIn(timeZone, now);
  const due = row.nextActionDueAt ? toDateOnly(row.nextActionDueAt) : null;
  const amount = row.amountCents === null ? null : { minor: row.amountCents, currency: row.currency };
  return {
    id: row.id,
    ref: dealRef(row.number),
    title: row.title,
    status: row.status as DealStatus,
    amount,
    amountText: amount ? formatMoney(amount) : null,
    stage: { key: stage.key, name: stage.name, kind: stage.kind, probability: stage.probability, position: stage.position },
    owner: row.owner ? toPersonView(row.owner) : null,
    company: row.company,
    expectedCloseDate: row.expectedCloseDate ? toDateOnly(row.expectedCloseDate) : null,
    // Closing clears it; a deal closed before that did keeps it in its row, never on show.
    nextAction:
      row.nextAction && row.status === 'open'
        ? { text: row.nextAction, due, overdue: due !== null && due < today, dueToday: due === today }
        : null,
    lastActivityAt: row.lastActivityAt,
    daysSinceActivity: Math.max(0, Math.floor((now.getTime() - row.lastActivityAt.getTime()) / DAY_MS)),
    closedAt: row.closedAt,
    lostReason: row.lostReason,
    createdAt: row.createdAt,
    archived: row.archivedAt !== null,
  };
}
