/**
 * Builders of the company views (company.view.ts): the rows they need and the functions from
 * those rows to the views.
 */
import type { Prisma } from '../../generated/sqlite/client.js';
import { toPersonView } from '../deals/deal.view.js';
import { formatMoney } from '../shared/money.js';
import type { CardAction, MoneyTotal } from '../shared/record.view.js';
import type { CompanySummaryView } from './company.view.js';

export const companySummaryInclude = {
  owner: { select: { id: true, displayName: true, handle: true, externalId: true } },
} satisfies Prisma.CompanyInclude;

export type CompanySummaryRow = Prisma.CompanyGetPayload<{ include: typeof companySummaryInclude }>;

export function toCompanySummaryView(c: CompanySummaryRow, counts: { contactCount: number; openDealCount: number }): CompanySummaryView {
  return {
    id: c.id,
    name: c.name,
    domain: c.domain,
    owner: c.owner ? toPersonView(c.owner) : null,
    contactCount: counts.contactCount,
    openDealCount: counts.openDealCount,
  };
}

/** How a company is named among others (a duplicate warning, an ambiguous match): "Acme (acme.com)". */
export function companyLabel(c: { name: string; domain: string | null }): string {
  return c.domain ? `${c.name} (${c.domain})` : c.name;
}

/** The buttons of a company card, in the order every surface shows them. */
export function companyCardActions(companyId: string): CardAction[] {
  return [
    { id: 'company.edit', label: 'Edit', subject: companyId },
    { id: 'company.new_contact', label: 'Add contact', subject: companyId },
  ];
}

/**
 * Sums per currency, as MoneyTotals: the workspace's currency first, then by code; a currency
 * whose deals have no amount (or add up to nothing) is left out.
 */
export function moneyTotals(sums: { currency: string; minor: bigint | null }[], firstCurrency: string): MoneyTotal[] {
  return sums
    .filter((s): s is { currency: string; minor: bigint } => s.minor !== null && s.minor !== 0n)
    .sort((a, b) => (a.currency === firstCurrency ? -1 : b.currency === firstCurrency ? 1 : a.currency.localeCompare(b.currency)))
    .map((s) => {
      const money = { minor: s.minor, currency: s.currency };
      return { money, text: formatMoney(money) };
    });
}
