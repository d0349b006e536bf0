/**
 * The value of a list's Prev/Next buttons: what was listed (a scope or search words) and which
 * page to show, as small JSON (well under Slack's 2,000-character button value). It comes back
 * from Slack unauthenticated, so `parseListCursor` validates it; the handler lists within the
 * clicking person's own workspace, so a forged cursor can only page through what they may see.
 */
import { z } from 'zod';
import { listScopeSchema, searchSchema } from '../../../domain/deals/deal.schema.js';
import type { DealListView } from '../../../domain/deals/deal.view.js';

/** What a list shows (the domain's `DealListView.source`). */
export type ListSource = DealListView['source'];
export type ListCursor = ListSource & PageRef;

const paging = {
  page: z.number().int().min(1).max(10_000),
  pageSize: z.number().int().min(1).max(100),
};
const cursorSchema = z.union([
  z.object({ scope: listScopeSchema, ...paging }),
  z.object({ query: searchSchema, ...paging }),
]);

export function encodeListCursor(cursor: ListCursor): string {
  return JSON.stringify(cursor);
}

/** The cursor in a button value, or undefined when it is not one we could have made. */
export function parseListCursor(value: string | undefined): ListCursor | undefined {
  if (!value) return undefined;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface PageRef {
  page: number;
  pageSize: number;
}

/**
 * Which items of a page a message shows (`first` is 1-based), and where Prev and Next lead, when
 * only the first `maxShown` items fit. Normally the page is shown whole and these are simply
 * page ± 1. When a caller asked for a page bigger than a message can hold, paging continues in
 * steps of `maxShown` from the last item shown, rounding back so that no item is ever skipped (at
 * worst a few repeat). Any paged list works: deals, contacts, companies, tasks.
 */
export function pageWindow(list: Pick<DealListView, 'page' | 'pageSize' | 'hasMore'> & { items: readonly unknown[] }, maxShown: number): { first: number; shown: number; prev?: PageRef; next?: PageRef } {
  const shown = Math.min(list.items.length, maxShown);
  const step = Math.max(1, Math.min(list.pageSize, maxShown));
  const offset = (list.page - 1) * list.pageSize;
  const truncated = list.items.length > shown;
  const at = (start: number): PageRef => ({ page: Math.floor(start / step) + 1, pageSize: step });
  return {
    first: offset + 1,
    shown,
    ...(offset > 0 && { prev: at(Math.max(0, offset - step)) }),
    ...((list.hasMore || truncated) && { next: at(offset + step) }),
  };
}
