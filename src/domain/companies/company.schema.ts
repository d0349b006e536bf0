import { z } from 'zod';
import { lineText } from '../shared/text.js';
import { fieldFiltersSchema } from '../fields/field.schema.js';

/** How long a company's name may be, counted after cleaning. */
export const COMPANY_NAME_MAX = 200;

/** `https://www.Acme.com/about` → `acme.com`; undefined when it is not a domain. */
export function normaliseDomain(input: string): string | undefined {
  let text = input.trim().toLowerCase();
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^www\./, '');
  text = text.split(/[/?#:]/)[0] ?? '';
  return /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(text) ? text : undefined;
}

export const domainSchema = z
  .string()
  .transform((v, ctx) => {
    const d = normaliseDomain(v);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: 'a web domain such as acme.com' });
      return z.NEVER;
    }
    return d;
  });

export const createCompanySchema = z.object({
  name: lineText(COMPANY_NAME_MAX, 'a company needs a name'),
  domain: domainSchema.optional(),
  ownerId: z.string().min(1).optional(),
  /** A retried delivery with the same key creates nothing new. */
  idempotencyKey: z.string().trim().min(1).max(300).optional(),
  /** Create it even when a company with the same name exists (never with the same domain). */
  allowDuplicate: z.boolean().optional(),
});
export type CreateCompanyInput = z.input<typeof createCompanySchema>;

/** A change to a company: only what is given changes; `domain: null` clears it. */
export const editCompanySchema = z.object({
  name: lineText(COMPANY_NAME_MAX, 'a company needs a name').optional(),
  domain: domainSchema.nullable().optional(),
  ownerId: z.string().min(1).optional(),
});
export type EditCompanyInput = z.input<typeof editCompanySchema>;

export const companyQuerySchema = lineText(COMPANY_NAME_MAX, 'type a company name or its domain');

export const companyListScopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all'), filters: fieldFiltersSchema }),
  z.object({ type: z.literal('search'), query: companyQuerySchema }),
]);
