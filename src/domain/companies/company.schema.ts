import { z } from 'zod';
import { lineText } from '../shared/text.js';

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
});
export type CreateCompanyInput = z.input<typeof createCompanySchema>;
