/**
 * Who is on a deal, and merging two records of one person or company:
 * `/deal D-42 add <contact>`, `/deal D-42 remove <contact>`, `/deal merge contact|company <a> into <b>`.
 */
import { defineCommand } from '../command.js';
import { REF_HELP } from '../help-topics.js';
import { lastWord } from '../grammar/records.js';
import { dealRefIn, fail, LIMITS, ok, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { rawText, word } from '../grammar/tokens.js';
import { plural } from '../../format.js';

export interface LinkIntent {
  kind: 'link';
  ref: string;
  action: 'add' | 'remove';
  /** A contact's name, email or search text. */
  contact: string;
}

export interface MergeIntent {
  kind: 'merge';
  record: 'contact' | 'company';
  from: string;
  into: string;
}

const USAGE = {
  link: '/deal <ref> add <contact> | /deal <ref> remove <contact>',
  merge: '/deal merge contact <a> into <b> | /deal merge company <a> into <b>',
} as const;

const ADD_WORDS = new Set(['add', 'attach', 'link']);
const REMOVE_WORDS = new Set(['remove', 'detach', 'unlink']);

function parseLink(state: ParseState): ParseOutcome<LinkIntent> {
  const { tokens, s } = state;
  const ref = dealRefIn(tokens[0]) ?? '';
  const action = ADD_WORDS.has(word(tokens[1]) ?? '') ? 'add' : 'remove';
  const contact = rawText(s, tokens, 2, tokens.length).replace(/\s+/g, ' ');
  if (contact === '') {
    return fail(`Who? e.g. \`/deal ${ref} ${action} jane@acme.com\` (a contact's name or email).`, USAGE.link);
  }
  if (contact.length > LIMITS.query) return fail(`That name is too long: keep it under ${LIMITS.query} characters.`, USAGE.link);
  return ok({ kind: 'link', ref, action, contact });
}

function parseMerge(state: ParseState): ParseOutcome<MergeIntent> {
  const { tokens, s } = state;
  const what = word(tokens[1]);
  const record = what === 'contact' || what === 'contacts' ? 'contact' : what === 'company' || what === 'companies' ? 'company' : undefined;
  if (!record) return fail('Merge what? `/deal merge contact <a> into <b>` or `/deal merge company <a> into <b>`.', USAGE.merge);
  const into = lastWord(tokens, 'into', 3);
  const from = into === -1 ? '' : rawText(s, tokens, 2, into).replace(/\s+/g, ' ');
  const to = into === -1 ? '' : rawText(s, tokens, into + 1, tokens.length).replace(/\s+/g, ' ');
  if (from === '' || to === '') {
    return fail(
      `Name both, the one that goes first: \`/deal merge ${record} ${record === 'contact' ? 'jane.d@acme.com into jane@acme.com' : 'Acme Inc into Acme'}\` (the second one stays).`,
      USAGE.merge,
    );
  }
  if (from.length > LIMITS.query || to.length > LIMITS.query) return fail(`That is too long: keep each under ${LIMITS.query} characters.`, USAGE.merge);
  return ok({ kind: 'merge', record, from, into: to });
}

export const linkCommand = defineCommand<LinkIntent>({
  kind: 'link',
  words: [],
  group: 'Contacts and companies',
  usage: USAGE.link,
  summary: 'Put a contact on a deal, or take them off it.',
  example: '/deal D-42 add Jane Doe',
  details: ['The contact is found by name or email; several matches are named so you can be precise.', ...REF_HELP],
  claims: ({ tokens }) =>
    dealRefIn(tokens[0]) !== undefined && (ADD_WORDS.has(word(tokens[1]) ?? '') || REMOVE_WORDS.has(word(tokens[1]) ?? '')),
  parse: parseLink,
  async run(ctx, intent, prefix) {
    const { crm, actor } = ctx;
    const contact = await crm.contacts.resolve(actor, intent.contact);
    const { deal, changed } =
      intent.action === 'add' ? await crm.deals.addContact(actor, intent.ref, contact.id) : await crm.deals.removeContact(actor, intent.ref, contact.id);
    const headline =
      intent.action === 'add'
        ? changed
          ? `${contact.name} is now on ${deal.ref}.`
          : `${contact.name} was already on ${deal.ref}. Nothing changed.`
        : changed
          ? `${contact.name} is no longer on ${deal.ref}.`
          : `${contact.name} wasn’t on ${deal.ref}. Nothing changed.`;
    return { kind: 'deal', headline, deal, hint: changed && intent.action === 'add' ? `Their card: \`${prefix} contact ${contact.email ?? contact.name}\`.` : undefined };
  },
});

export const mergeCommand = defineCommand<MergeIntent>({
  kind: 'merge',
  words: ['merge'],
  group: 'Contacts and companies',
  usage: USAGE.merge,
  summary: 'Merge two records of one person or company: the first one’s deals, activities and tasks move to the second, which stays.',
  example: '/deal merge contact jane.d@acme.com into jane@acme.com',
  details: [
    'The second record keeps its own details; empty ones are filled from the first. The first is deleted, and the second’s timeline says what was merged.',
    'Companies: their contacts and deals move too: `/deal merge company Acme Inc into Acme`.',
  ],
  parse: parseMerge,
  fits: (state) => (['contact', 'company'].includes(word(state.tokens[1]) ?? '') ? 2 : 0),
  async run(ctx, intent) {
    const { crm, actor } = ctx;
    if (intent.record === 'contact') {
      const [from, into] = await Promise.all([crm.contacts.resolve(actor, intent.from), crm.contacts.resolve(actor, intent.into)]);
      const { contact, moved } = await crm.contacts.merge(actor, from.id, into.id);
      const what = [plural(moved.deals, 'deal'), plural(moved.activities, 'activity', 'activities'), plural(moved.tasks, 'task')].join(', ');
      return { kind: 'contact', headline: `Merged ${from.name}${from.email ? ` (${from.email})` : ''} into ${contact.name}: ${what} moved.`, contact };
    }
    const [from, into] = await Promise.all([crm.companies.resolve(actor, intent.from), crm.companies.resolve(actor, intent.into)]);
    const { company, moved } = await crm.companies.merge(actor, from.id, into.id);
    const what = [plural(moved.contacts, 'contact'), plural(moved.deals, 'deal'), plural(moved.activities, 'activity', 'activities')].join(', ');
    return { kind: 'company', headline: `Merged ${from.name} into ${company.name}: ${what} moved.`, company };
  },
});
