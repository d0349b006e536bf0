/**
 * The words of a hand-over, the same on every surface (each escapes them its own way): what a
 * leaver owns, and what a hand-over did.
 */
import { totalOf, type HandoverResult, type LeaverSummary, type OwnedCounts } from './handover.service.js';

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "12 open deals, 30 contacts, 4 companies, 5 tasks" (`last` joins the final item: ", " or " and "). */
export function ownedText(c: OwnedCounts, last = ', '): string {
  const parts = [
    plural(c.deals, 'open deal', 'open deals'),
    plural(c.contacts, 'contact', 'contacts'),
    plural(c.companies, 'company', 'companies'),
    plural(c.tasks, 'open task', 'open tasks'),
  ];
  return `${parts.slice(0, -1).join(', ')}${last}${parts[parts.length - 1]}`;
}

/** "Maria Garcia left: 12 open deals, 30 contacts, 4 companies, 5 open tasks." */
export function leaverText(s: LeaverSummary): string {
  return `${s.member.displayName} ${s.member.deactivated ? 'left' : 'owns'}: ${ownedText(s)}.`;
}

/** What a hand-over did, or that there was nothing left (already handed over). */
export function handoverText(r: HandoverResult): string {
  if (!r.changed) {
    return `Already done: ${r.from.displayName} has no open deals, contacts, companies or open tasks left to hand over. Nothing changed.`;
  }
  return `Handed ${r.from.displayName}’s ${ownedText(r.moved, ' and ')} to ${r.to.displayName}.`;
}

export const hasAnything = (c: OwnedCounts) => totalOf(c) > 0;
