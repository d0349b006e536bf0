/**
 * Pieces shared by the contact, company and task views (what every surface renders, each its own
 * way): one line of an activity timeline, a button a card offers, a page of a list.
 */
import type { Money } from './money.js';

/** One entry of a contact's or company's recent activity. */
export interface ActivityLine {
  id: string;
  at: Date;
  /** call | email | meeting | note, or `merged` for a merge recorded on the survivor. */
  type: string;
  body: string;
  /** Who logged it (display name), or null. */
  actor: string | null;
  deal: { id: string; ref: string; title: string } | null;
  contact: { id: string; name: string } | null;
  sourceUrl: string | null;
}

/**
 * A button a card offers. Every surface shows each action of a view, with the same label, so the
 * Slack and Teams cards carry the same actions (the renderers are tested from the view).
 */
export interface CardAction {
  /** What it does, e.g. `contact.edit`, `contact.new_task`, `company.edit`, `task.done`, `task.snooze`. */
  id: CardActionId;
  label: string;
  /** The record it acts on: a contact or company id, or a task reference (`T-3`). */
  subject: string;
}

export type CardActionId =
  | 'contact.edit'
  | 'contact.new_task'
  | 'contact.log'
  | 'company.edit'
  | 'company.new_contact'
  | 'task.done'
  | 'task.snooze'
  | 'deal.add_contact';

/** A sum of money per currency (pipeline value, won revenue): never added across currencies. */
export interface MoneyTotal {
  money: Money;
  /** Formatted for people: "$25,000.00". */
  text: string;
}

/** A page of a list (contacts, companies, tasks), as deal lists are paged. */
export interface PageView<T> {
  /** What was listed, in words: "Your contacts", "Contacts at Acme", "Overdue tasks". */
  heading: string;
  items: T[];
  /** All matches, or the count cap when there are more (then `totalCapped`). */
  total: number;
  totalCapped: boolean;
  page: number;
  pageSize: number;
  hasMore: boolean;
}
