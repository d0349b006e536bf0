/** Platform-neutral views of tasks: what every surface renders, each in its own way. */
import type { PersonRef } from '../shared/person.js';
import type { PersonView } from '../deals/deal.view.js';
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
