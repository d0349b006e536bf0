/** The words deal answers share across commands and surfaces. */
import type { DealView } from '../../../domain/deals/deal.view.js';
import type { DealChange } from '../../../domain/deals/deal.service.js';

/** The house rule: every open deal has a next action. Say so when one is missing. */
export function nextActionHint(deal: DealView, prefix: string): string | undefined {
  if (deal.status !== 'open' || deal.nextAction) return undefined;
  return `${deal.ref} has no next action yet: \`${prefix} next ${deal.ref} <action> by <date>\``;
}

/** Closing a deal clears its next action (a closed deal has none): the answer says which one. */
export function closedNote(headline: string, { deal, before, changed }: DealChange): string {
  const cleared = changed && deal.status !== 'open' ? before.nextAction : null;
  return cleared ? `${headline} Its next action (“${cleared.text}”) is cleared.` : headline;
}

/** A deal marked lost, lost already (nothing changed), or lost already with its reason replaced (every surface's words). */
export function lostHeadline(change: DealChange): string {
  const { deal, before, changed } = change;
  if (!changed) {
    return deal.status === 'lost'
      ? `${deal.ref} is already lost (“${deal.lostReason ?? ''}”). Nothing changed.`
      : `${deal.ref} changed meanwhile and is in ${deal.stage.name}. Nothing changed.`;
  }
  if (before.status === 'lost') return `${deal.ref} was already lost; its lost reason is now “${deal.lostReason ?? ''}”.`;
  return closedNote(`${deal.ref} is marked lost.`, change);
}
