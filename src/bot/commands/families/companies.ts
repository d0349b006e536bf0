/**
 * Companies: `/deal company new <name> [domain]`, `/deal company <name or domain>`,
 * `/deal company edit …`, `/deal companies [search]`.
 */
import { DomainErrorCode, isDomainError } from '../../../domain/index.js';
import type { CompanyListScope } from '../../../domain/companies/company.view.js';
import { readFilters } from '../grammar/filters.js';
import { defineCommand, deliveryKey } from '../command.js';
import type { CommandContext, Reply } from '../reply.js';
import { domainIn } from '../grammar/records.js';
import { fail, LIMITS, ok, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { clip, rawText, word } from '../grammar/tokens.js';
import { didYouMean } from '../grammar/words.js';
import { duplicateReply, quoted } from './record-replies.js';

export type CompanyField = 'name' | 'domain';

export type CompanyIntent =
  | { kind: 'company'; action: 'new'; name: string; domain?: string; allowDuplicate?: true }
  | { kind: 'company'; action: 'show'; query: string }
  | { kind: 'company'; action: 'edit'; query: string; field: CompanyField; value: string | null };

export interface CompaniesIntent {
  kind: 'companies';
  scope: CompanyListScope;
}

const USAGE = {
  company: '/deal company new <name> [domain] | /deal company <name or domain> | /deal company edit <name or domain> name|domain <value>',
  companies: '/deal companies [search text] | /deal companies <field>=<value> …',
} as const;
const NEW_USAGE = '/deal company new <name> [domain]';
const EDIT_USAGE = '/deal company edit <name or domain> name|domain <value>';
const FIELDS: readonly CompanyField[] = ['name', 'domain'];

function parseCompany(state: ParseState): ParseOutcome<CompanyIntent> {
  const { tokens, s } = state;
  const sub = word(tokens[1]);
  if (sub === 'new' || sub === 'add' || sub === 'create') return parseNewCompany(state);
  if (sub === 'edit' || sub === 'change' || sub === 'update') return parseEditCompany(state);
  const query = rawText(s, tokens, 1, tokens.length).replace(/\s+/g, ' ');
  if (query === '') return fail('Which company? Give its name or domain, e.g. `/deal company Acme`, or add one with `/deal company new Acme acme.com`.', USAGE.company);
  if (query.length > LIMITS.query) return fail(`That search is too long: keep it under ${LIMITS.query} characters.`, USAGE.company);
  return ok({ kind: 'company', action: 'show', query });
}

/** `<name> [domain] [anyway]`: the domain is the last word when it is one (acme.com, https://www.acme.com). */
function parseNewCompany(state: ParseState): ParseOutcome<CompanyIntent> {
  const { tokens, s } = state;
  let end = tokens.length;
  const intent: Extract<CompanyIntent, { action: 'new' }> = { kind: 'company', action: 'new', name: '' };
  if (end > 3 && word(tokens[end - 1]) === 'anyway') {
    intent.allowDuplicate = true;
    end--;
  }
  const domain = end > 3 ? domainIn(tokens[end - 1]) : undefined;
  if (domain !== undefined) {
    intent.domain = domain;
    end--;
  }
  intent.name = rawText(s, tokens, 2, end).replace(/\s+/g, ' ');
  if (intent.name === '') return fail('Give the company a name, e.g. `/deal company new Acme acme.com`.', NEW_USAGE);
  if (intent.name.length > LIMITS.title) return fail(`That name is too long: keep it under ${LIMITS.title} characters.`, NEW_USAGE);
  return ok(intent);
}

function parseEditCompany(state: ParseState): ParseOutcome<CompanyIntent> {
  const { tokens, s } = state;
  if (tokens.length <= 2) return fail('Which company, and what should change? e.g. `/deal company edit Acme domain acme.io`.', EDIT_USAGE);
  let f = -1;
  for (let i = 3; i < tokens.length; i++) {
    const w = word(tokens[i]);
    if (w === 'name' || w === 'domain' || w === 'website') {
      f = i;
      break;
    }
  }
  if (f === -1) {
    const near = tokens.slice(3).map((t) => word(t) ?? '').find((w) => didYouMean(w, FIELDS) !== '');
    return fail(`Say what to change: name or domain.${near ? didYouMean(near, FIELDS) : ''} e.g. \`/deal company edit Acme domain acme.io\`.`, EDIT_USAGE);
  }
  const query = rawText(s, tokens, 2, f).replace(/\s+/g, ' ');
  const field: CompanyField = word(tokens[f]) === 'name' ? 'name' : 'domain';
  const valueText = rawText(s, tokens, f + 1, tokens.length).replace(/\s+/g, ' ');
  if (valueText === '') return fail(`What should the ${field} be? Put it after "${field}"${field === 'domain' ? ' (or `none` to clear it)' : ''}.`, EDIT_USAGE);
  if (field === 'domain') {
    if (/^(none|-|clear)$/i.test(valueText)) return ok({ kind: 'company', action: 'edit', query, field, value: null });
    const domain = tokens.length === f + 2 ? domainIn(tokens[f + 1]) : undefined;
    if (domain === undefined) return fail(`"${clip(valueText, 40)}" isn't a web domain. Use one such as acme.com.`, EDIT_USAGE);
    return ok({ kind: 'company', action: 'edit', query, field, value: domain });
  }
  if (valueText.length > LIMITS.title) return fail(`That name is too long: keep it under ${LIMITS.title} characters.`, EDIT_USAGE);
  return ok({ kind: 'company', action: 'edit', query, field, value: valueText });
}

async function runCompany(ctx: CommandContext, intent: CompanyIntent, prefix: string): Promise<Reply> {
  const { crm, actor } = ctx;
  switch (intent.action) {
    case 'new': {
      try {
        const { company, created } = await crm.companies.create(actor, {
          name: intent.name,
          domain: intent.domain,
          idempotencyKey: deliveryKey(ctx),
          allowDuplicate: intent.allowDuplicate,
        });
        return {
          kind: 'company',
          headline: created ? `Added ${company.name}.` : `${company.name} was already added.`,
          company: await crm.companies.card(actor, company.id),
          hint: `Add someone there: \`${prefix} contact new <name> <email> at ${company.name}\`.`,
        };
      } catch (err) {
        const line = ['/deal company new', quoted(intent.name), intent.domain, 'anyway'].filter((p): p is string => !!p).join(' ');
        const dup = await duplicateReply(ctx, err, line);
        if (dup) return dup;
        throw err;
      }
    }
    case 'show': {
      try {
        const found = await crm.companies.resolve(actor, intent.query);
        return { kind: 'company', company: await crm.companies.card(actor, found.id) };
      } catch (err) {
        if (isDomainError(err) && err.code === DomainErrorCode.Ambiguous) {
          const list = await crm.companies.list(actor, { type: 'search', query: intent.query });
          return { kind: 'companies', list, hint: 'Several match: use more of the name, or the domain.' };
        }
        if (isDomainError(err) && err.code === DomainErrorCode.NotFound) {
          return { kind: 'error', message: err.message, hint: `Add it: \`${prefix} company new ${intent.query} <domain>\`.` };
        }
        throw err;
      }
    }
    case 'edit': {
      const found = await crm.companies.resolve(actor, intent.query);
      await crm.companies.edit(actor, found.id, intent.field === 'name' ? { name: intent.value ?? undefined } : { domain: intent.value });
      const card = await crm.companies.card(actor, found.id);
      return { kind: 'company', headline: intent.value === null ? `Cleared ${card.name}’s ${intent.field}.` : `Saved ${card.name}’s ${intent.field}.`, company: card };
    }
  }
}

export const companyCommand = defineCommand<CompanyIntent>({
  kind: 'company',
  words: ['company'],
  group: 'Contacts and companies',
  usage: USAGE.company,
  summary: 'Add a company, show one (contacts, open deals and their value, won revenue, recent activity), or change one.',
  example: '/deal company new Acme acme.com',
  details: [
    '`/deal company new Acme Corp acme.com`: the name, then its web domain if you know it (contacts with emails at that domain join it).',
    'A company with the same domain, or the same name, is caught: use the one that exists, or add `anyway` at the end to create another with the same name (never with the same domain).',
    '`/deal company Acme` or `/deal company acme.com` shows the card; `/deal company edit Acme domain acme.io` changes the name or domain.',
    'Merge two records of one company: `/deal merge company <a> into <b>`.',
  ],
  parse: parseCompany,
  fits: (state) => (state.tokens.length >= 2 ? 1 : 0),
  run: runCompany,
});

export const companiesCommand = defineCommand<CompaniesIntent>({
  kind: 'companies',
  words: ['companies'],
  group: 'Contacts and companies',
  usage: USAGE.companies,
  summary: 'List the companies, or those whose name matches.',
  example: '/deal companies',
  parse(state) {
    // Custom-field filters (`employees>100`) narrow the whole list; a search takes none.
    const read = readFilters(state.s, state.tokens, 1);
    if ('error' in read) return fail(read.error, USAGE.companies);
    if (read.filters.length > 0) {
      if (read.rest.length > 0 && !(read.rest.length === 1 && word(read.rest[0]) === 'all')) {
        return fail('Filters narrow the whole list, not a search: e.g. `/deal companies employees>100`; search with `/deal companies <search text>`.', USAGE.companies);
      }
      return ok<CompaniesIntent>({ kind: 'companies', scope: { type: 'all', filters: read.filters } });
    }
    const query = rawText(state.s, state.tokens, 1, state.tokens.length).replace(/\s+/g, ' ');
    if (query.length > LIMITS.query) return fail(`That search is too long: keep it under ${LIMITS.query} characters.`, USAGE.companies);
    return ok<CompaniesIntent>({ kind: 'companies', scope: query === '' ? { type: 'all' } : { type: 'search', query } });
  },
  fits: (state) => (state.tokens.length <= 2 ? 1 : 0),
  async run(ctx, intent, prefix) {
    const list = await ctx.crm.companies.list(ctx.actor, intent.scope);
    const filtered = intent.scope.type === 'all' && intent.scope.filters;
    const empty = filtered ? `No companies match. \`${prefix} fields company\` lists the fields.` : `Add one: \`${prefix} company new <name> <domain>\`.`;
    return { kind: 'companies', list, hint: list.total === 0 ? empty : undefined };
  },
});
