/** Platform-neutral views of contacts: what every surface renders, each in its own way. */
import type { DealView, PersonView } from '../deals/deal.view.js';
import type { FieldLine } from '../fields/field.view.js';
import type { FieldFilter } from '../fields/field.lines.js';
import type { ActivityLine, CardAction, PageView } from '../shared/record.view.js';
import type { TaskView } from '../tasks/task.view.js';

/** A contact in a list, a typeahead or a duplicate warning. */
export interface ContactSummaryView {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  company: { id: string; name: string } | null;
  owner: PersonView | null;
}

/** `/deal contact <name or email>`: the contact card. */
export interface ContactCardView extends ContactSummaryView {
  /** Their open deals, newest first, at most 10 (`openDealCount` counts them all). */
  openDeals: DealView[];
  openDealCount: number;
  /** Their latest activities (on them or on their deals), newest first, at most 5. */
  recentActivity: ActivityLine[];
  /** Their first open task (due first), if any; `openTaskCount` counts them all. */
  nextTask: TaskView | null;
  openTaskCount: number;
  /** The workspace's custom contact fields, in order, with this contact's values (`value: null` where unset). */
  fields: FieldLine[];
  actions: CardAction[];
}

/** `filters`: custom-field filters (`tier=gold`), all of which must hold (not with a search). */
export type ContactListScope =
  | { type: 'mine'; filters?: FieldFilter[] }
  | { type: 'all'; filters?: FieldFilter[] }
  | { type: 'company'; company: string; filters?: FieldFilter[] }
  | { type: 'search'; query: string };

export interface ContactListView extends PageView<ContactSummaryView> {
  source: { scope: ContactListScope };
}
