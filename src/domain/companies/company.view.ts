/** Platform-neutral views of companies: what every surface renders, each in its own way. */
import type { ContactSummaryView } from '../contacts/contact.view.js';
import type { DealView, PersonView } from '../deals/deal.view.js';
import type { FieldLine } from '../fields/field.view.js';
import type { FieldFilter } from '../fields/field.lines.js';
import type { ActivityLine, CardAction, MoneyTotal, PageView } from '../shared/record.view.js';

/** A company in a list, a typeahead or a duplicate warning. */
export interface CompanySummaryView {
  id: string;
  name: string;
  /** Lower case, no scheme or www: `acme.com`. */
  domain: string | null;
  owner: PersonView | null;
  contactCount: number;
  openDealCount: number;
}

/** `/deal company <name or domain>`: the company card. */
export interface CompanyCardView extends CompanySummaryView {
  /** Its contacts by name, at most 10 (`contactCount` counts them all). */
  contacts: ContactSummaryView[];
  /** Its open deals, newest first, at most 10 (`openDealCount` counts them all). */
  openDeals: DealView[];
  /** The open deals' amounts, per currency. */
  pipelineValue: MoneyTotal[];
  /** Won deals' amounts, per currency (all time). */
  wonRevenue: MoneyTotal[];
  /** The latest activities on it, its contacts or its deals, newest first, at most 5. */
  recentActivity: ActivityLine[];
  /** The workspace's custom company fields, in order, with this company's values (`value: null` where unset). */
  fields: FieldLine[];
  actions: CardAction[];
}

/** `filters`: custom-field filters (`employees>100`), all of which must hold (not with a search). */
export type CompanyListScope = { type: 'all'; filters?: FieldFilter[] } | { type: 'search'; query: string };

export interface CompanyListView extends PageView<CompanySummaryView> {
  source: { scope: CompanyListScope };
}
