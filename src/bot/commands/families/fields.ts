/**
 * Custom fields: `/deal field add deal "Source" choice Inbound, Outbound, Partner`, `/deal field
 * remove deal source` (admins), `/deal fields [deal|contact|company]`, and `/deal set D-42 source
 * partner` (also `/deal set contact jane@acme.com tier gold`, `/deal set company acme.com employees
 * 120`). The domain reads the values (src/domain/fields); the grammar only finds the words.
 */
import { FIELD_ENTITIES, fieldKey, TYPE_WORDS, type FieldEntity, type FieldType } from '../../../domain/fields/field.schema.js';
import type { FieldChange, FieldDefinitionView } from '../../../domain/fields/field.view.js';
import { exampleValue } from '../../../domain/fields/field.lines.js';
import { defineCommand } from '../command.js';
import type { CommandContext, Reply } from '../reply.js';
import { domainIn, emailIn } from '../grammar/records.js';
import { dealRefIn, fail, LIMITS, ok, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { clip, rawText, word, type Token } from '../grammar/tokens.js';
import { didYouMean } from '../grammar/words.js';

export type FieldIntent =
  | { kind: 'field'; action: 'add'; entity: FieldEntity; name: string; type: FieldType; choices: string[] }
  | { kind: 'field'; action: 'remove'; entity: FieldEntity; key: string };

export interface FieldsIntent {
  kind: 'fields';
  entity?: FieldEntity;
}

/**
 * `/deal set <record> <field> <value>`: `words` are what follows the kind of record (its reference,
 * email or name, then the field, then the value). Where a contact's or company's name ends is
 * decided against the workspace's fields when the command runs (`/deal set contact Jane Doe tier
 * gold`).
 */
export interface SetIntent {
  kind: 'set';
  entity: FieldEntity;
  words: { text: string; quoted: boolean }[];
}

const ENTITY_LIST = 'deal|contact|company';
const USAGES = {
  field: `/deal field add ${ENTITY_LIST} <name> text|number|money|date|person | /deal field add ${ENTITY_LIST} <name> choice <choice>, <choice>, … | /deal field remove ${ENTITY_LIST} <field>`,
  add: `/deal field add ${ENTITY_LIST} <name> text|number|money|date|choice|person [<choice>, <choice>, …]`,
  remove: `/deal field remove ${ENTITY_LIST} <field>`,
  fields: `/deal fields [${ENTITY_LIST}]`,
  set: '/deal set <ref> <field> <value> | /deal set contact <email or "name"> <field> <value> | /deal set company <domain or "name"> <field> <value>',
} as const;

/** The words of each kind of record, as people type them. */
const ENTITY_WORDS: Readonly<Record<string, FieldEntity>> = {
  deal: 'deal',
  deals: 'deal',
  contact: 'contact',
  contacts: 'contact',
  person: 'contact',
  people: 'contact',
  company: 'company',
  companies: 'company',
  account: 'company',
  accounts: 'company',
  org: 'company',
  organisation: 'company',
  organization: 'company',
};

/** The words of each type. */
const TYPE_INPUT: Readonly<Record<string, FieldType>> = {
  text: 'text',
  string: 'text',
  words: 'text',
  number: 'number',
  numeric: 'number',
  num: 'number',
  integer: 'number',
  money: 'money',
  amount: 'money',
  currency: 'money',
  price: 'money',
  date: 'date',
  day: 'date',
  choice: 'choice',
  choices: 'choice',
  select: 'choice',
  pick: 'choice',
  picklist: 'choice',
  dropdown: 'choice',
  options: 'choice',
  person: 'person',
  people: 'person',
  user: 'person',
  member: 'person',
};
const TYPE_CHOICES = ['text', 'number', 'money', 'date', 'choice', 'person'];

const ADD_WORDS = new Set(['add', 'new', 'create']);
const REMOVE_WORDS = new Set(['remove', 'delete', 'rm', 'drop']);
const LIST_WORDS = new Set(['list', 'show', 'all']);

const EXAMPLE_ADD = '`/deal field add deal "Source" choice Inbound, Outbound, Partner`';

function entityAt(state: ParseState, i: number, usage: string, what: string): { entity: FieldEntity } | { error: { ok: false; error: { message: string; usage: string } } } {
  const typed = word(state.tokens[i]);
  const entity = typed === undefined ? undefined : ENTITY_WORDS[typed];
  if (entity) return { entity };
  const head =
    typed === undefined
      ? `${what} on which kind of record? Say \`deal\`, \`contact\` or \`company\`.`
      : `"${clip(state.tokens[i]?.text ?? '', 30)}" isn't a kind of record;${didYouMean(typed, ['deal', 'contact', 'company'])} say \`deal\`, \`contact\` or \`company\`.`;
  return { error: fail(head, usage) };
}

function parseField(state: ParseState): ParseOutcome<FieldIntent | FieldsIntent> {
  const sub = word(state.tokens[1]);
  if (sub === undefined || LIST_WORDS.has(sub) || ENTITY_WORDS[sub] !== undefined) {
    // `/deal field`, `/deal field list contact`, `/deal field contact`: the list.
    return parseFieldsFrom(state, sub !== undefined && LIST_WORDS.has(sub) ? 2 : 1);
  }
  if (ADD_WORDS.has(sub)) return parseAdd(state);
  if (REMOVE_WORDS.has(sub)) return parseRemove(state);
  return fail(
    `\`/deal field\` adds or removes a custom field: "${clip(state.tokens[1]?.text ?? '', 30)}" isn't one of add, remove.${didYouMean(sub, ['add', 'remove', 'list'])} e.g. ${EXAMPLE_ADD}.`,
    USAGES.field,
  );
}

/**
 * `add <entity> <name> <type> [choices]`: the name is a "quoted" word, or the words up to the type
 * (the last word for most types, since a name may hold a type's word: `Renewal date date`; the
 * first `choice` for a choice field, its choices after it).
 */
function parseAdd(state: ParseState): ParseOutcome<FieldIntent> {
  const { tokens, s } = state;
  const e = entityAt(state, 2, USAGES.add, 'A custom field');
  if ('error' in e) return e.error;
  const { entity } = e;
  if (tokens.length <= 3) return fail(`What is the field called, and what type is it? e.g. ${EXAMPLE_ADD}.`, USAGES.add);
  let typeAt = -1;
  if (tokens[3]?.quoted) typeAt = 4;
  else {
    for (let i = 4; i < tokens.length; i++) {
      const type = TYPE_INPUT[word(tokens[i]) ?? ''];
      if (type === 'choice' || (type !== undefined && i === tokens.length - 1)) {
        typeAt = i;
        break;
      }
    }
  }
  const name = tokens[3]?.quoted ? (tokens[3].text ?? '') : rawText(s, tokens, 3, typeAt === -1 ? tokens.length : typeAt).replace(/\s+/g, ' ');
  if (name === '') return fail(`The field needs a name, e.g. ${EXAMPLE_ADD}.`, USAGES.add);
  if (name.length > LIMITS.title) return fail('That name is too long for a field.', USAGES.add);
  const typeWord = word(tokens[typeAt]);
  const type = typeWord === undefined ? undefined : TYPE_INPUT[typeWord];
  if (typeAt === -1 || type === undefined) {
    const typed = typeAt === -1 ? undefined : tokens[typeAt]?.text;
    const what = typed
      ? `"${clip(typed, 30)}" isn't a type;${didYouMean(typed, TYPE_CHOICES)}`
      : `What type is ${clip(name, 40)}?`;
    return fail(`${what} Say text, number, money, date, choice or person at the end, e.g. \`/deal field add ${entity} ${quoteName(name)} date\`.`, USAGES.add);
  }
  const after = tokens.slice(typeAt + 1);
  if (type !== 'choice') {
    if (after.length > 0) {
      return fail(`A ${type} field takes nothing after its type: put the name in "quotes" if it has more words, e.g. \`/deal field add ${entity} "${clip(name, 40)}" ${type}\`.`, USAGES.add);
    }
    return ok({ kind: 'field', action: 'add', entity, name, type, choices: [] });
  }
  const choices = readChoices(s, tokens, typeAt + 1);
  if (choices.length === 0) {
    return fail(`What are ${clip(name, 40)}’s choices? List them after \`choice\`, e.g. ${EXAMPLE_ADD}.`, USAGES.add);
  }
  return ok({ kind: 'field', action: 'add', entity, name, type, choices });
}

/** `Inbound, Outbound, Partner` (commas), or `Inbound Outbound "Trade show"` (one word or quoted run each). */
function readChoices(s: string, tokens: readonly Token[], from: number): string[] {
  if (from >= tokens.length) return [];
  const text = rawText(s, tokens, from, tokens.length);
  const parts = text.includes(',') ? text.split(',') : tokens.slice(from).map((t) => t.text);
  return parts.map((c) => c.trim().replace(/^["“”]|["“”]$/g, '').trim()).filter((c) => c !== '');
}

function parseRemove(state: ParseState): ParseOutcome<FieldIntent> {
  const e = entityAt(state, 2, USAGES.remove, 'Remove a field');
  if ('error' in e) return e.error;
  const key = rawText(state.s, state.tokens, 3, state.tokens.length).replace(/\s+/g, ' ');
  if (key === '') {
    return fail(`Which ${e.entity} field? e.g. \`/deal field remove ${e.entity} source\`; \`/deal fields ${e.entity}\` lists them.`, USAGES.remove);
  }
  return ok({ kind: 'field', action: 'remove', entity: e.entity, key });
}

function parseFieldsFrom(state: ParseState, at: number): ParseOutcome<FieldsIntent> {
  if (state.tokens.length <= at) return ok({ kind: 'fields' });
  const e = entityAt(state, at, USAGES.fields, 'Fields');
  if ('error' in e) return e.error;
  if (state.tokens.length > at + 1) return fail('`/deal fields` takes at most the kind of record: deal, contact or company.', USAGES.fields);
  return ok({ kind: 'fields', entity: e.entity });
}

function parseSet(state: ParseState): ParseOutcome<SetIntent> {
  const { tokens } = state;
  const first = word(tokens[1]);
  let entity: FieldEntity;
  let from: number;
  if (dealRefIn(tokens[1]) !== undefined) {
    entity = 'deal';
    from = 1;
  } else if (first !== undefined && ENTITY_WORDS[first] !== undefined) {
    entity = ENTITY_WORDS[first]!;
    from = 2;
    if (entity === 'deal' && dealRefIn(tokens[2]) === undefined) {
      return fail('Which deal? e.g. `/deal set D-42 source partner`.', USAGES.set);
    }
  } else {
    const typed = clip(rawText(state.s, tokens, 0, tokens.length).replace(/\s+/g, ' '), 60);
    return fail(
      `Set a field on what? Start with a deal reference, \`contact\` or \`company\`, e.g. \`/deal set D-42 source partner\` or \`/deal set contact jane@acme.com tier gold\`. To search for "${typed}", use \`/deal show ${typed}\`.`,
      USAGES.set,
    );
  }
  const words = tokens.slice(from).map((t) => ({ text: t.text, quoted: t.quoted }));
  const target = words[0];
  if (!target) {
    const example = entity === 'contact' ? 'jane@acme.com' : 'acme.com';
    return fail(`Which ${entity}? e.g. \`/deal set ${entity} ${example} <field> <value>\`.`, USAGES.set);
  }
  const keyValue = words.slice(1);
  const inlineValue = keyValue.length === 1 && !keyValue[0]!.quoted && keyValue[0]!.text.includes('=');
  if (keyValue.length < 2 && !inlineValue) {
    const ref = entity === 'deal' ? target.text : quoteWord(target);
    const key = keyValue[0]?.text;
    return fail(
      key === undefined
        ? `Which field, and what value? e.g. \`/deal set ${entity === 'deal' ? '' : `${entity} `}${ref} source partner\`; \`/deal fields ${entity}\` lists the fields.`
        : `What should ${clip(key, 40)} be? e.g. \`/deal set ${entity === 'deal' ? '' : `${entity} `}${ref} ${clip(key, 40)} <value>\`, or \`-\` to clear it.`,
      USAGES.set,
    );
  }
  if (words.reduce((n, w) => n + w.text.length, 0) > LIMITS.reason + LIMITS.title) return fail('That is too long to set a field to.', USAGES.set);
  return ok({ kind: 'set', entity, words });
}

const quoteWord = (w: { text: string; quoted: boolean }) => (w.quoted || /\s/.test(w.text) ? `"${w.text}"` : w.text);
const quoteName = (name: string) => (/\s/.test(name) ? `"${name}"` : name);

/**
 * Where the record's words end and the field's begin: a deal's reference, a contact's email or a
 * company's domain, or a "quoted" name, is one word; otherwise the record runs up to the first
 * word that names one of its fields (`Jane Doe tier gold`), or is one word when none does.
 */
export function splitSet(intent: SetIntent, defs: readonly FieldDefinitionView[]): { target: string; key: string; value: string } {
  const { words } = intent;
  const first = words[0]!;
  const isKey = (w: { text: string; quoted: boolean }): boolean => {
    const text = !w.quoted && w.text.includes('=') ? w.text.slice(0, w.text.indexOf('=')) : w.text;
    const key = fieldKey(text);
    return key !== '' && defs.some((d) => d.key === key || fieldKey(d.name) === key);
  };
  const token = { text: first.text, quoted: first.quoted, start: 0, end: 0 };
  const oneWord = intent.entity === 'deal' || first.quoted || emailIn(token) !== undefined || domainIn(token) !== undefined;
  let at = 1;
  if (!oneWord) {
    const found = words.findIndex((w, i) => i >= 1 && i < words.length - (w.text.includes('=') ? 0 : 1) && isKey(w));
    if (found !== -1) at = found;
  }
  const target = words.slice(0, at).map((w) => w.text).join(' ');
  const keyWord = words[at]!;
  if (!keyWord.quoted && keyWord.text.includes('=')) {
    const eq = keyWord.text.indexOf('=');
    return { target, key: keyWord.text.slice(0, eq), value: [keyWord.text.slice(eq + 1), ...words.slice(at + 1).map((w) => w.text)].join(' ').trim() };
  }
  return { target, key: keyWord.text, value: words.slice(at + 1).map((w) => w.text).join(' ') };
}

const ENTITY_PLURAL: Readonly<Record<FieldEntity, string>> = { deal: 'deals', contact: 'contacts', company: 'companies' };

/** How to set and filter a field, for answers: `/deal set D-42 source partner`, `/deal list source=partner`. */
function howToUse(field: FieldDefinitionView, prefix: string): string {
  const value = exampleValue(field);
  const record = field.entity === 'deal' ? 'D-42' : field.entity === 'contact' ? 'contact jane@acme.com' : 'company acme.com';
  const list = field.entity === 'deal' ? 'list' : field.entity === 'contact' ? 'contacts' : 'companies';
  return `Set it: \`${prefix} set ${record} ${field.key} ${value}\`. Filter by it: \`${prefix} ${list} ${field.key}=${value}\`.`;
}

function describeField(field: FieldDefinitionView): string {
  return `${field.name} (\`${field.key}\`): ${field.type}${field.choices.length ? `: ${field.choices.join(', ')}` : ''}`;
}

async function fieldsReply(ctx: CommandContext, entity: FieldEntity | undefined, prefix: string): Promise<Reply> {
  const defs = await ctx.crm.fields.list(ctx.actor, entity);
  const kinds = entity ? [entity] : [...FIELD_ENTITIES];
  const text: string[] = [];
  for (const kind of kinds) {
    const mine = defs.filter((d) => d.entity === kind);
    if (mine.length === 0) {
      if (entity) text.push(`${capitalise(ENTITY_PLURAL[kind])} have no custom fields yet.`);
      continue;
    }
    text.push(`*Custom fields on ${ENTITY_PLURAL[kind]}* (${mine.length}):`, ...mine.map((d) => `• ${describeField(d)}`));
  }
  if (defs.length === 0 && !entity) text.push('No custom fields yet.');
  const first = defs[0];
  if (first) text.push(howToUse(first, prefix));
  text.push(`Admins add one: \`${prefix} field add deal "Source" choice Inbound, Outbound, Partner\`, \`${prefix} field add contact Birthday date\`.`);
  return { kind: 'help', text: text.join('\n') };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const fieldCommand = defineCommand<FieldIntent | FieldsIntent>({
  kind: 'field',
  words: ['field'],
  group: 'Digests and settings',
  usage: USAGES.field,
  summary: 'Add a custom field to deals, contacts or companies, or remove one (admins only).',
  example: '/deal field add deal "Source" choice Inbound, Outbound, Partner',
  details: [
    'Types: `text`, `number`, `money`, `date`, `choice` (its choices after it, separated by commas) and `person`. The field’s key is its name in lower case, with `_` for spaces (`Renewal date` → `renewal_date`).',
    'A name of more than one word goes in "quotes", or before the type: `/deal field add contact Birthday date`, `/deal field add deal "Renewal date" date`.',
    'Removing a field removes its values everywhere (and a stage gate that asked for it). `/deal fields` lists the fields.',
  ],
  parse: parseField,
  fits(state) {
    const sub = word(state.tokens[1]) ?? '';
    return ADD_WORDS.has(sub) || REMOVE_WORDS.has(sub) ? 2 : 0;
  },
  async run(ctx, intent, prefix): Promise<Reply> {
    if (intent.kind === 'fields') return fieldsReply(ctx, intent.entity, prefix);
    if (intent.action === 'remove') {
      const { field, values } = await ctx.crm.fields.remove(ctx.actor, intent.entity, intent.key);
      const gone = values === 0 ? 'No record had a value.' : `Its value on ${values} ${values === 1 ? intent.entity : ENTITY_PLURAL[intent.entity]} went with it.`;
      return { kind: 'help', text: `Removed ${field.name} (\`${field.key}\`) from ${ENTITY_PLURAL[intent.entity]}. ${gone}` };
    }
    const { field, created } = await ctx.crm.fields.define(ctx.actor, { entity: intent.entity, name: intent.name, type: intent.type, choices: intent.choices });
    const head = created
      ? `Added ${field.name} (\`${field.key}\`), ${TYPE_WORDS[field.type]} on ${ENTITY_PLURAL[field.entity]}${field.choices.length ? `: ${field.choices.join(', ')}` : ''}.`
      : `${capitalise(ENTITY_PLURAL[field.entity])} already have ${field.name} (\`${field.key}\`), just like that: nothing changed.`;
    return { kind: 'help', text: `${head}\n${howToUse(field, prefix)}` };
  },
});

export const fieldsCommand = defineCommand<FieldsIntent>({
  kind: 'fields',
  words: ['fields'],
  group: 'Digests and settings',
  usage: USAGES.fields,
  summary: 'The custom fields of deals, contacts and companies: their keys, types and choices.',
  example: '/deal fields deal',
  parse: (state) => parseFieldsFrom(state, 1),
  fits: (state) => (state.tokens.length === 1 || ENTITY_WORDS[word(state.tokens[1]) ?? ''] !== undefined ? 1 : 0),
  run: (ctx, intent, prefix) => fieldsReply(ctx, intent.entity, prefix),
});

/** "Source on D-42 is now Partner." and its kin. */
function setHeadline(change: FieldChange): string {
  const { line, before, label } = change;
  if (!change.changed) {
    return line.value === null ? `${label} has no ${line.name}: nothing changed.` : `${line.name} on ${label} is already ${line.display}: nothing changed.`;
  }
  if (line.value === null) return `${line.name} on ${label} is cleared (it was ${before.display}).`;
  return `${line.name} on ${label} is now ${line.display}${before.value === null ? '' : ` (was ${before.display})`}.`;
}

export const setCommand = defineCommand<SetIntent>({
  kind: 'set',
  words: ['set'],
  group: 'Deals',
  usage: USAGES.set,
  summary: 'Set a custom field of a deal, contact or company to a value, typed as you would say it (`-` clears it).',
  example: '/deal set D-42 source partner',
  details: [
    'Values read as elsewhere: money `1,500`, `€2,000`, `25k EUR`; dates `2027-01-15`, `next friday`, `end of month`; people `@maria` or `me`; a choice by its name, in any case.',
    'A contact by email or by "quoted name", a company by domain or name: `/deal set contact jane@acme.com tier gold`, `/deal set company "Acme Corp" employees 120`.',
    '`/deal fields` lists the fields and their keys.',
  ],
  parse: parseSet,
  fits(state) {
    const first = word(state.tokens[1]) ?? '';
    return dealRefIn(state.tokens[1]) !== undefined || ENTITY_WORDS[first] !== undefined ? 1 : 0;
  },
  async run(ctx, intent, prefix): Promise<Reply> {
    const defs = await ctx.crm.fields.definitions(ctx.actor.workspaceId, intent.entity, { fresh: true });
    const { target, key, value } = splitSet(intent, defs);
    const change = await ctx.crm.fields.set(ctx.actor, { entity: intent.entity, ref: target }, key, value);
    const headline = setHeadline(change);
    const { actor, crm } = ctx;
    if (intent.entity === 'deal') {
      return { kind: 'deal', headline, deal: await crm.deals.get(actor, change.recordId) };
    }
    const hint = `\`${prefix} fields ${intent.entity}\` lists the fields.`;
    if (intent.entity === 'contact') return { kind: 'contact', headline, contact: await crm.contacts.card(actor, change.recordId), hint };
    return { kind: 'company', headline, company: await crm.companies.card(actor, change.recordId), hint };
  },
});
