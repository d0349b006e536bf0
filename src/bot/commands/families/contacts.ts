/**
 * Contacts: `/deal contact new …`, `/deal contact <name, email or search>`, `/deal contact edit …`,
 * `/deal contacts [mine|all|<company>]`.
 */
import { DomainErrorCode, isDomainError } from '../../../domain/index.js';
import type { ContactListScope } from '../../../domain/contacts/contact.view.js';
import { defineCommand, deliveryKey } from '../command.js';
import type { CommandContext, Reply } from '../reply.js';
import { emailIn, lastWord, phoneAt } from '../grammar/records.js';
import { fail, LIMITS, ok, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { clip, rawText, word, type Token } from '../grammar/tokens.js';
import { didYouMean } from '../grammar/words.js';
import { duplicateReply, quoted } from './record-replies.js';
import { readFilters } from '../grammar/filters.js';

export type ContactField = 'name' | 'email' | 'phone' | 'title' | 'company';

export type ContactIntent =
  | {
      kind: 'contact';
      action: 'new';
      name: string;
      email?: string;
      phone?: string;
      title?: string;
      company?: string;
      /** `anyway`: create it even when one with the same name is at the same company. */
      allowDuplicate?: true;
    }
  | { kind: 'contact'; action: 'show'; query: string }
  /** `value: null` clears the field (`none`). */
  | { kind: 'contact'; action: 'edit'; query: string; field: ContactField; value: string | null };

export interface ContactsIntent {
  kind: 'contacts';
  scope: ContactListScope;
}

const USAGE = {
  contact:
    '/deal contact new <name> [email] [phone] [title] [at <company>] | /deal contact <name, email or search> | /deal contact edit <name or email> name|email|phone|title|company <value>',
  contacts: '/deal contacts [mine|all|<company>] [<field>=<value> …]',
} as const;
const NEW_USAGE = '/deal contact new <name> [email] [phone] [title] [at <company>]';
const EDIT_USAGE = '/deal contact edit <name or email> name|email|phone|title|company <value>';
const FIELDS: readonly ContactField[] = ['name', 'email', 'phone', 'title', 'company'];
const FIELD_WORDS: Readonly<Record<string, ContactField>> = { name: 'name', email: 'email', phone: 'phone', title: 'title', role: 'title', company: 'company' };
/** Words that clear a field in `edit`. */
const CLEAR_WORDS = new Set(['none', '-', 'clear', 'nothing']);

function parseContact(state: ParseState): ParseOutcome<ContactIntent> {
  const { tokens, s } = state;
  const sub = word(tokens[1]);
  if (sub === 'new' || sub === 'add' || sub === 'create') return parseNewContact(state, 2);
  if (sub === 'edit' || sub === 'change' || sub === 'update') return parseEditContact(state);
  const query = rawText(s, tokens, 1, tokens.length).replace(/\s+/g, ' ');
  if (query === '') {
    return fail('Which contact? Give a name or an email, e.g. `/deal contact jane@acme.com`, or add one with `/deal contact new Jane Doe jane@acme.com at Acme`.', USAGE.contact);
  }
  if (query.length > LIMITS.query) return fail(`That search is too long: keep it under ${LIMITS.query} characters.`, USAGE.contact);
  return ok({ kind: 'contact', action: 'show', query });
}

/**
 * `<name> [email] [phone] [title …] [at <company>] [anyway]`: `anyway` is the last word, `at` the
 * last `at` (the company is everything after it), the name runs to the first email or phone number
 * (or is the first "quoted" word), and the words after those are the title.
 */
function parseNewContact(state: ParseState, from: number): ParseOutcome<ContactIntent> {
  const { tokens, s } = state;
  let end = tokens.length;
  const intent: Extract<ContactIntent, { action: 'new' }> = { kind: 'contact', action: 'new', name: '' };
  if (end > from + 1 && word(tokens[end - 1]) === 'anyway') {
    intent.allowDuplicate = true;
    end--;
  }
  const at = lastWord(tokens, 'at', from + 1, end);
  if (at !== -1) {
    const company = rawText(s, tokens, at + 1, end).replace(/\s+/g, ' ');
    if (company === '') return fail('At which company? e.g. `/deal contact new Jane Doe jane@acme.com at Acme`.', NEW_USAGE);
    if (company.length > LIMITS.title) return fail(`That company name is too long: keep it under ${LIMITS.title} characters.`, NEW_USAGE);
    intent.company = company;
    end = at;
  }
  // The name: the first quoted word, or every word before the first email or phone number.
  let nameEnd = from;
  if (tokens[from]?.quoted) {
    nameEnd = from + 1;
  } else {
    while (nameEnd < end && emailIn(tokens[nameEnd]) === undefined && phoneAt(tokens.slice(0, end), nameEnd) === undefined) nameEnd++;
  }
  intent.name = rawText(s, tokens, from, nameEnd).replace(/\s+/g, ' ');
  let i = nameEnd;
  const titleWords: Token[] = [];
  while (i < end) {
    const email = emailIn(tokens[i]);
    if (email !== undefined) {
      if (intent.email !== undefined) return fail(`That has two emails (${intent.email} and ${email}). Give one; add the other later with \`/deal contact edit\`.`, NEW_USAGE);
      intent.email = email;
      i++;
      continue;
    }
    const phone = titleWords.length === 0 ? phoneAt(tokens.slice(0, end), i) : undefined;
    if (phone && intent.phone === undefined) {
      intent.phone = phone.phone;
      i += phone.used;
      continue;
    }
    const t = tokens[i];
    if (t) titleWords.push(t);
    i++;
  }
  if (titleWords.length > 0) {
    const first = titleWords[0];
    const last = titleWords[titleWords.length - 1];
    const title = first && last ? (titleWords.length === 1 && first.quoted ? first.text : s.slice(first.start, last.end).trim()) : '';
    if (title.length > LIMITS.title) return fail(`That job title is too long: keep it under ${LIMITS.title} characters.`, NEW_USAGE);
    intent.title = title.replace(/\s+/g, ' ');
  }
  if (intent.name === '') {
    return fail('Give the contact a name, e.g. `/deal contact new Jane Doe jane@acme.com at Acme`.', NEW_USAGE);
  }
  if (intent.name.length > LIMITS.title) return fail(`That name is too long: keep it under ${LIMITS.title} characters.`, NEW_USAGE);
  return ok(intent);
}

/** `edit <who> <field> <value>`: the first field word after the contact ends its name. */
function parseEditContact(state: ParseState): ParseOutcome<ContactIntent> {
  const { tokens, s } = state;
  let f = -1;
  for (let i = 3; i < tokens.length; i++) {
    const w = word(tokens[i]);
    if (w !== undefined && FIELD_WORDS[w] !== undefined) {
      f = i;
      break;
    }
  }
  if (tokens.length <= 2) return fail('Which contact, and what should change? e.g. `/deal contact edit jane@acme.com title VP Sales`.', EDIT_USAGE);
  if (f === -1) {
    const near = tokens.slice(3).map((t) => word(t) ?? '').find((w) => didYouMean(w, FIELDS) !== '');
    return fail(`Say what to change: ${FIELDS.join(', ')}.${near ? didYouMean(near, FIELDS) : ''} e.g. \`/deal contact edit jane@acme.com title VP Sales\`.`, EDIT_USAGE);
  }
  const query = rawText(s, tokens, 2, f).replace(/\s+/g, ' ');
  const field = FIELD_WORDS[word(tokens[f]) ?? ''] as ContactField;
  const valueText = rawText(s, tokens, f + 1, tokens.length).replace(/\s+/g, ' ');
  if (valueText === '') return fail(`What should the ${field} be? Put it after "${field}" (or \`none\` to clear it).`, EDIT_USAGE);
  const clear = tokens.length === f + 2 && CLEAR_WORDS.has(word(tokens[f + 1]) ?? '');
  if (clear && field === 'name') return fail('A contact always has a name: give the new one.', EDIT_USAGE);
  if (!clear && field === 'email' && (tokens.length !== f + 2 || emailIn(tokens[f + 1]) === undefined)) {
    return fail(`"${clip(valueText, 40)}" isn't an email address. Use one such as jane@acme.com.`, EDIT_USAGE);
  }
  if (!clear && field === 'phone' && phoneAt(tokens, f + 1)?.used !== tokens.length - f - 1) {
    return fail(`"${clip(valueText, 40)}" isn't a phone number. Use one such as +1 415 555 0100.`, EDIT_USAGE);
  }
  if (valueText.length > LIMITS.title) return fail(`That ${field} is too long: keep it under ${LIMITS.title} characters.`, EDIT_USAGE);
  const value = clear ? null : field === 'email' ? (emailIn(tokens[f + 1]) ?? valueText) : valueText;
  return ok({ kind: 'contact', action: 'edit', query, field, value });
}

function parseContacts(state: ParseState): ParseOutcome<ContactsIntent> {
  const { s } = state;
  // Custom-field filters (`tier=gold`) narrow whichever list it is.
  const read = readFilters(s, state.tokens, 1);
  if ('error' in read) return fail(read.error, USAGE.contacts);
  const filters = read.filters.length > 0 ? { filters: read.filters } : {};
  const tokens = [state.tokens[0]!, ...read.rest];
  const rest = (tokens.length > 1 ? s.slice(tokens[1]!.start, tokens[tokens.length - 1]!.end) : '').replace(/\s+/g, ' ').trim();
  const w = rest.toLowerCase();
  if (w === '' || w === 'mine' || w === 'my') return ok({ kind: 'contacts', scope: { type: 'mine', ...filters } });
  if (w === 'all') return ok({ kind: 'contacts', scope: { type: 'all', ...filters } });
  const unquoted = tokens.length === 2 && tokens[1]!.quoted ? tokens[1]!.text : rest;
  const company = /^(at|from|in)\s+/i.test(unquoted) ? unquoted.replace(/^\S+\s+/, '') : unquoted;
  if (company.length > LIMITS.title) return fail(`That company name is too long: keep it under ${LIMITS.title} characters.`, USAGE.contacts);
  return ok({ kind: 'contacts', scope: { type: 'company', company, ...filters } });
}

/** The command line that creates this contact even though it looks like a duplicate. */
function createAnywayLine(intent: Extract<ContactIntent, { action: 'new' }>): string {
  return [
    '/deal contact new',
    quoted(intent.name),
    intent.email,
    intent.phone,
    intent.title,
    intent.company ? `at ${intent.company}` : undefined,
    'anyway',
  ]
    .filter((p): p is string => !!p)
    .join(' ');
}

async function runContact(ctx: CommandContext, intent: ContactIntent, prefix: string): Promise<Reply> {
  const { crm, actor } = ctx;
  switch (intent.action) {
    case 'new': {
      try {
        const { contact, created } = await crm.contacts.create(actor, {
          name: intent.name,
          email: intent.email,
          phone: intent.phone,
          title: intent.title,
          companyName: intent.company,
          idempotencyKey: deliveryKey(ctx),
          allowDuplicate: intent.allowDuplicate,
        });
        const card = await crm.contacts.card(actor, contact.id);
        return {
          kind: 'contact',
          headline: created ? `Added ${contact.name}.` : `${contact.name} was already added.`,
          contact: card,
          hint: `Put them on a deal: \`${prefix} D-42 add ${contact.email ?? contact.name}\`; give them a task: \`${prefix} task ${contact.email ?? quoted(contact.name)} <title> by <date>\`.`,
        };
      } catch (err) {
        const dup = await duplicateReply(ctx, err, createAnywayLine(intent));
        if (dup) return dup;
        throw err;
      }
    }
    case 'show': {
      try {
        const found = await crm.contacts.resolve(actor, intent.query);
        return { kind: 'contact', contact: await crm.contacts.card(actor, found.id) };
      } catch (err) {
        if (isDomainError(err) && err.code === DomainErrorCode.Ambiguous) {
          const list = await crm.contacts.list(actor, { type: 'search', query: intent.query });
          return { kind: 'contacts', list, hint: 'Several match: use more of the name, or the email.' };
        }
        if (isDomainError(err) && err.code === DomainErrorCode.NotFound) {
          return { kind: 'error', message: err.message, hint: `Add them: \`${prefix} contact new ${intent.query} <email> at <company>\`.` };
        }
        throw err;
      }
    }
    case 'edit': {
      const found = await crm.contacts.resolve(actor, intent.query);
      const patch =
        intent.field === 'company' ? { companyName: intent.value } : intent.field === 'name' ? { name: intent.value ?? undefined } : { [intent.field]: intent.value };
      await crm.contacts.edit(actor, found.id, patch);
      const card = await crm.contacts.card(actor, found.id);
      const what = intent.value === null ? `Cleared ${card.name}’s ${intent.field}.` : `Saved ${card.name}’s ${intent.field}.`;
      return { kind: 'contact', headline: what, contact: card };
    }
  }
}

export const contactCommand = defineCommand<ContactIntent>({
  kind: 'contact',
  words: ['contact'],
  group: 'Contacts and companies',
  usage: USAGE.contact,
  summary: 'Add a contact, show one (details, company, open deals, recent activity, next task), or change one.',
  example: '/deal contact new Jane Doe jane@acme.com at Acme',
  details: [
    '`/deal contact new Jane Doe jane@acme.com +1 415 555 0100 VP Sales at Acme`: the name, then any of an email, a phone number and a job title, then `at <company>` (the company is made if it is new). Put a name in "quotes" when no email or phone follows it and a title does: `/deal contact new "Jane Doe" CTO at Acme`.',
    'A contact with the same email, or the same name at the same company, is caught: you can use the one that exists, or add `anyway` at the end to create another (never with the same email).',
    '`/deal contact jane@acme.com` or `/deal contact Jane` shows the card; several matches are listed.',
    '`/deal contact edit jane@acme.com title VP Sales` changes one field: name, email, phone, title or company (`none` clears it).',
    'Merge two records of one person: `/deal merge contact <a> into <b>`.',
  ],
  parse: parseContact,
  fits: (state) => (state.tokens.length >= 2 ? 1 : 0),
  run: runContact,
});

export const contactsCommand = defineCommand<ContactsIntent>({
  kind: 'contacts',
  words: ['contacts'],
  group: 'Contacts and companies',
  usage: USAGE.contacts,
  summary: 'List your contacts, everyone’s, or the contacts at one company.',
  example: '/deal contacts Acme',
  details: [
    '`mine` (the default) lists the contacts you own; `all` everyone’s; a company name or domain lists the people there.',
    'Custom-field filters narrow it: `/deal contacts all tier=gold` (`/deal fields contact` lists the fields).',
  ],
  parse: parseContacts,
  fits: (state) => (state.tokens.length <= 2 ? 1 : 0),
  async run(ctx, intent, prefix) {
    const list = await ctx.crm.contacts.list(ctx.actor, intent.scope);
    const hint =
      list.total > 0
        ? undefined
        : intent.scope.type === 'mine'
          ? `You own no contacts yet. Everyone’s: \`${prefix} contacts all\`. Add one: \`${prefix} contact new <name> <email> at <company>\`.`
          : `Add one: \`${prefix} contact new <name> <email> at <company>\`.`;
    return { kind: 'contacts', list, hint: list.total === 0 && intent.scope.type !== 'search' && intent.scope.filters ? `No contacts match. \`${prefix} fields contact\` lists the fields.` : hint };
  },
});
