/** Platform-neutral views of tasks: what every surface renders, each in its own way. */
import type { Prisma } from '../../generated/sqlite/client.js';
import type { PersonRef } from '../shared/person.js';
import { dealRef, toPersonView, type PersonView } from '../deals/deal.view.js';
import { toDateOnly, todayIn } from '../shared/dates.js';
import type { CardAction, PageView } from '../shared/record.view.js';

export interface TaskView {
  id: string;
  /** Per-workspace reference, as deals have: `T-3`. */
  ref: string;
  title: string;
  /** `YYYY-MM-DD`, or null. */
  due: string | null;
  /** Open and due before today / today (in the reader's time zone). */
  overdue: boolean;
  dueToday: boolean;
  done: boolean;
  doneAt: Date | null;
  assignee: PersonView | null;
  deal: { id: string; ref: string; title: string } | null;
  contact: { id: string; name: string } | null;
  /** Done and Snooze for an open task; none for a done one. */
  actions: CardAction[];
}

export type TaskListScope =
  | { type: 'mine' }
  | { type: 'overdue' }
  | { type: 'person'; person: PersonRef }
  | { type: 'deal'; ref: string }
  | { type: 'contact'; contactId: string };

export interface TaskListView extends PageView<TaskView> {
  source: { scope: TaskListScope };
}

export const taskRef = (number: number) => `T-${number}`;
/** A task reference as people type it: T-3, t-3, t3. */
export const TASK_REF_PATTERN = /^t-?(\d{1,9})$/i;

/** How far the card's Snooze button moves a task (`task.snooze`). */
export const TASK_SNOOZE_BUTTON_DAYS = 1;

/** The buttons a task offers: Done and Snooze while open, none once done. */
export function taskActions(ref: string, done: boolean): CardAction[] {
  if (done) return [];
  return [
    { id: 'task.done', label: 'Done', subject: ref },
    { id: 'task.snooze', label: 'Snooze 1 day', subject: ref },
  ];
}

/** What a task row needs loaded for its view. */
export const taskViewInclude = {
  assignee: { select: { id: true, displayName: true, handle: true, externalId: true } },
  deal: { select: { id: true, number: true, title: true } },
  contact: { select: { id: true, name: true } },
} satisfies Prisma.TaskInclude;

export type TaskRow = Prisma.TaskGetPayload<{ include: typeof taskViewInclude }>;

/** A task as every surface shows it; overdue and due today are read in the reader's time zone. */
export function toTaskView(row: TaskRow, now: Date, timeZone: string): TaskView {
  const ref = taskRef(row.number);
  const due = row.dueAt ? toDateOnly(row.dueAt) : null;
  const done = row.doneAt !== null;
  const today = todayIn(timeZone, now);
  return {
    id: row.id,
    ref,
    title: row.title,
    due,
    overdue: !done && due !== null && due < today,
    dueToday: !done && due === today,
    done,
    doneAt: row.doneAt,
    assignee: row.assignee ? toPersonView(row.assignee) : null,
    deal: row.deal ? { id: row.deal.id, ref: dealRef(row.deal.number), title: row.deal.title } : null,
    contact: row.contact ? { id: row.contact.id, name: row.contact.name } : null,
    actions: taskActions(ref, done),
  };
}
