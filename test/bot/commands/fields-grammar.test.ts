/**
 * Custom fields in the grammar: `/deal field add|remove …`, `/deal fields [kind]`, `/deal set …`
 * and the `key=value` filters of `/deal list`. Every way a person writes them, and friendly errors
 * with the nearest usage. `set` must not take `settings` (or its typos) away.
 */
import { describe, expect, it } from 'vitest';
import { splitSet, type SetIntent } from '../../../src/bot/commands/families/fields.js';
import type { ParseContext } from '../../../src/bot/commands/intent.js';
import { parseCommand, USAGE } from '../../../src/bot/commands/parse.js';
import type { FieldDefinitionView } from '../../../src/domain/fields/field.view.js';

const ctx: ParseContext = { now: new Date('2026-11-24T10:00:00Z'), timeZone: 'Europe/Berlin', defaultCurrency: 'USD' };
const parse = (text: string) => parseCommand(text, ctx);
const intentOf = (text: string) => {
  const result = parse(text);
  if (!result.ok) throw new Error(`expected an intent for "${text}", got: ${result.error.message}`);
  return result.intent;
};
const errorOf = (text: string) => {
  const result = parse(text);
  if (!result.ok) return result.error;
  throw new Error(`expected an error for "${text}", got ${JSON.stringify(result.intent)}`);
};

describe('/deal field add', () => {
  it.each<[string, object]>([
    ['field add deal "Source" choice Inbound, Outbound, Partner', { entity: 'deal', name: 'Source', type: 'choice', choices: ['Inbound', 'Outbound', 'Partner'] }],
    ['/deal field add deal Source choice Inbound,Outbound,Partner', { entity: 'deal', name: 'Source', type: 'choice', choices: ['Inbound', 'Outbound', 'Partner'] }],
    ['field add deal Source choice Inbound Outbound "Trade show"', { entity: 'deal', name: 'Source', type: 'choice', choices: ['Inbound', 'Outbound', 'Trade show'] }],
    ['field add deal "Lead source" choice Web, "Trade show", Referral', { entity: 'deal', name: 'Lead source', type: 'choice', choices: ['Web', 'Trade show', 'Referral'] }],
    ['field add contact Birthday date', { entity: 'contact', name: 'Birthday', type: 'date', choices: [] }],
    ['field add deal Renewal date date', { entity: 'deal', name: 'Renewal date', type: 'date', choices: [] }],
    ['field add deal "Renewal date" date', { entity: 'deal', name: 'Renewal date', type: 'date', choices: [] }],
    ['field add company Employees number', { entity: 'company', name: 'Employees', type: 'number', choices: [] }],
    ['field add deals Setup fee money', { entity: 'deal', name: 'Setup fee', type: 'money', choices: [] }],
    ['field add deal Setup fee amount', { entity: 'deal', name: 'Setup fee', type: 'money', choices: [] }],
    ['field new account "Account manager" person', { entity: 'company', name: 'Account manager', type: 'person', choices: [] }],
    ['FIELD ADD Contact Nickname TEXT', { entity: 'contact', name: 'Nickname', type: 'text', choices: [] }],
    ['field add deal Tier dropdown Gold, Silver', { entity: 'deal', name: 'Tier', type: 'choice', choices: ['Gold', 'Silver'] }],
  ])('%s', (text, intent) => {
    expect(intentOf(text)).toEqual({ kind: 'field', action: 'add', ...intent });
  });

  it.each<[string, string]>([
    ['field add', 'A custom field on which kind of record? Say `deal`, `contact` or `company`.'],
    ['field add dael Source text', '"dael" isn\'t a kind of record; Did you mean `deal`? say `deal`, `contact` or `company`.'],
    ['field add deal', 'What is the field called, and what type is it?'],
    ['field add deal Source', 'What type is Source? Say text, number, money, date, choice or person at the end'],
    ['field add deal "Source" txt', '"txt" isn\'t a type; Did you mean `text`?'],
    ['field add deal Source choice', 'What are Source’s choices?'],
    ['field add deal "Source" text extra', 'A text field takes nothing after its type'],
  ])('%s: %s', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toContain(message);
    expect(error.usage).toContain('/deal field add deal|contact|company <name>');
  });
});

describe('/deal field remove and /deal fields', () => {
  it.each<[string, object]>([
    ['field remove deal source', { kind: 'field', action: 'remove', entity: 'deal', key: 'source' }],
    ['field delete contact "Renewal date"', { kind: 'field', action: 'remove', entity: 'contact', key: 'Renewal date' }],
    ['field rm company Account manager', { kind: 'field', action: 'remove', entity: 'company', key: 'Account manager' }],
    ['fields', { kind: 'fields' }],
    ['fields deal', { kind: 'fields', entity: 'deal' }],
    ['fields contacts', { kind: 'fields', entity: 'contact' }],
    ['field', { kind: 'fields' }],
    ['field list company', { kind: 'fields', entity: 'company' }],
    ['field contact', { kind: 'fields', entity: 'contact' }],
  ])('%s', (text, intent) => {
    expect(intentOf(text)).toEqual(intent);
  });

  it('refuses what it cannot read, with the usage', () => {
    expect(errorOf('field remove deal').message).toContain('Which deal field? e.g. `/deal field remove deal source`');
    expect(errorOf('fields deal please').message).toContain('takes at most the kind of record');
    expect(errorOf('fields stuff').message).toContain('"stuff" isn\'t a kind of record');
    expect(errorOf('field rename deal source').message).toContain('isn\'t one of add, remove');
  });
});

describe('/deal set', () => {
  const words = (...w: (string | [string])[]) => w.map((x) => (Array.isArray(x) ? { text: x[0], quoted: true } : { text: x, quoted: false }));
  it.each<[string, SetIntent]>([
    ['set D-42 source partner', { kind: 'set', entity: 'deal', words: words('D-42', 'source', 'partner') }],
    ['/deal set d42 source partner', { kind: 'set', entity: 'deal', words: words('d42', 'source', 'partner') }],
    ['set deal #42 setup_fee €2,000', { kind: 'set', entity: 'deal', words: words('#42', 'setup_fee', '€2,000') }],
    ['set D-42 source=partner', { kind: 'set', entity: 'deal', words: words('D-42', 'source=partner') }],
    ['set D-42 "Renewal date" next friday', { kind: 'set', entity: 'deal', words: words('D-42', ['Renewal date'], 'next', 'friday') }],
    ['set D-42 source -', { kind: 'set', entity: 'deal', words: words('D-42', 'source', '-') }],
    ['set contact jane@acme.com tier gold', { kind: 'set', entity: 'contact', words: words('jane@acme.com', 'tier', 'gold') }],
    ['set contact "Jane Doe" tier gold', { kind: 'set', entity: 'contact', words: words(['Jane Doe'], 'tier', 'gold') }],
    ['set contact Jane Doe tier gold', { kind: 'set', entity: 'contact', words: words('Jane', 'Doe', 'tier', 'gold') }],
    ['set company acme.com employees 1,200', { kind: 'set', entity: 'company', words: words('acme.com', 'employees', '1,200') }],
    ['set company "Acme Corp" account_manager <@U123ABC|maria>', { kind: 'set', entity: 'company', words: words(['Acme Corp'], 'account_manager', '<@U123ABC|maria>') }],
  ])('%s', (text, intent) => {
    expect(intentOf(text)).toEqual(intent);
  });

  it.each<[string, string]>([
    ['set', 'Set a field on what? Start with a deal reference, `contact` or `company`'],
    ['set top box', 'To search for "set top box", use `/deal show set top box`.'],
    ['set deal acme source partner', 'Which deal? e.g. `/deal set D-42 source partner`.'],
    ['set D-42', 'Which field, and what value? e.g. `/deal set D-42 source partner`'],
    ['set D-42 source', 'What should source be? e.g. `/deal set D-42 source <value>`, or `-` to clear it.'],
    ['set contact', 'Which contact? e.g. `/deal set contact jane@acme.com <field> <value>`.'],
    ['set contact "Jane Doe" tier', 'What should tier be? e.g. `/deal set contact "Jane Doe" tier <value>`'],
  ])('%s: %s', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toContain(message);
    expect(error.usage).toBe(USAGE.set);
  });

  const def = (key: string, name: string): FieldDefinitionView => ({ id: key, entity: 'contact', key, name, type: 'text', choices: [], position: 0 });
  const defs = [def('tier', 'Tier'), def('renewal_date', 'Renewal date')];
  it.each<[string, { target: string; key: string; value: string }]>([
    ['set D-42 source partner', { target: 'D-42', key: 'source', value: 'partner' }],
    ['set D-42 source=partner', { target: 'D-42', key: 'source', value: 'partner' }],
    ['set D-42 "Renewal date" next friday', { target: 'D-42', key: 'Renewal date', value: 'next friday' }],
    ['set D-42 source -', { target: 'D-42', key: 'source', value: '-' }],
    ['set contact Jane Doe tier gold', { target: 'Jane Doe', key: 'tier', value: 'gold' }],
    ['set contact Jane Doe Tier=gold', { target: 'Jane Doe', key: 'Tier', value: 'gold' }],
    ['set contact Jane Doe renewal_date end of month', { target: 'Jane Doe', key: 'renewal_date', value: 'end of month' }],
    ['set contact jane@acme.com tier tier 2', { target: 'jane@acme.com', key: 'tier', value: 'tier 2' }],
    // No word names a field: the record is the first word, and the domain names the fields.
    ['set contact Jane Doe level gold', { target: 'Jane', key: 'Doe', value: 'level gold' }],
  ])('%s is split as %j once the fields are known', (text, split) => {
    expect(splitSet(intentOf(text) as SetIntent, defs)).toEqual(split);
  });
});

describe('`set` and `settings` keep apart', () => {
  it.each(['settings', 'setting', 'settings guests on', 'settings decimal comma', '/deal settings shared-channels off'])('%s is settings', (text) => {
    expect(intentOf(text).kind).toBe('settings');
  });

  it.each(['setings guests on', 'settigns guests on', 'setttings decimal comma', 'stetings'])('%s is a typo of settings, not set', (text) => {
    const error = errorOf(text);
    expect(error.message).toContain('Did you mean `/deal settings');
    expect(error.usage).toBe(USAGE.settings);
  });

  it.each([
    ['sett D-42 source partner', 'Did you mean `/deal set D-42 source partner`?'],
    ['st contact jane@acme.com tier gold', 'Did you mean `/deal set contact jane@acme.com tier gold`?'],
  ])('%s is a typo of set', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toContain(message);
    expect(error.usage).toBe(USAGE.set);
  });

  it('a typo of set whose words fit nothing is still a search', () => {
    expect(intentOf('sett top box')).toEqual({ kind: 'show', query: 'sett top box' });
  });
});

describe('/deal list with filters', () => {
  it.each<[string, object]>([
    ['list source=partner', { scope: { type: 'mine' }, filters: [{ key: 'source', op: '=', value: 'partner' }] }],
    ['list all source=partner', { scope: { type: 'all' }, filters: [{ key: 'source', op: '=', value: 'partner' }] }],
    ['list proposal source=partner seats>10', { scope: { type: 'stage', stage: 'proposal' }, filters: [{ key: 'source', op: '=', value: 'partner' }, { key: 'seats', op: '>', value: '10' }] }],
    ['list all renewal_date<=2027-01-01', { scope: { type: 'all' }, filters: [{ key: 'renewal_date', op: '<=', value: '2027-01-01' }] }],
    ['list all source="Trade show"', { scope: { type: 'all' }, filters: [{ key: 'source', op: '=', value: 'Trade show' }] }],
    ['list all source = partner', { scope: { type: 'all' }, filters: [{ key: 'source', op: '=', value: 'partner' }] }],
    ['list all source= "Trade show"', { scope: { type: 'all' }, filters: [{ key: 'source', op: '=', value: 'Trade show' }] }],
    ['list source=-', { scope: { type: 'mine' }, filters: [{ key: 'source', op: '=', value: '-' }] }],
    // Slack escapes `<` and `>`: the grammar reads them back.
    ['list all seats&gt;10', { scope: { type: 'all' }, filters: [{ key: 'seats', op: '>', value: '10' }] }],
    ['list all', { scope: { type: 'all' } }],
  ])('%s', (text, intent) => {
    expect(intentOf(text)).toEqual({ kind: 'list', ...intent });
  });

  it('refuses a filter with no value, and words that are neither a scope nor a filter', () => {
    expect(errorOf('list source=').message).toContain('What should source be?');
    expect(errorOf('list all partners source=partner').message).toContain('I can\'t list "all partners"');
  });

  it('a typo of list with filters is suggested', () => {
    expect(errorOf('lsit source=partner').message).toContain('Did you mean `/deal list source=partner`?');
  });
});

describe('/deal contacts and /deal companies with filters', () => {
  it.each<[string, object]>([
    ['contacts tier=gold', { kind: 'contacts', scope: { type: 'mine', filters: [{ key: 'tier', op: '=', value: 'gold' }] } }],
    ['contacts all tier=gold birthday<2000-01-01', { kind: 'contacts', scope: { type: 'all', filters: [{ key: 'tier', op: '=', value: 'gold' }, { key: 'birthday', op: '<', value: '2000-01-01' }] } }],
    ['contacts Acme Corp tier=gold', { kind: 'contacts', scope: { type: 'company', company: 'Acme Corp', filters: [{ key: 'tier', op: '=', value: 'gold' }] } }],
    ['contacts at Acme', { kind: 'contacts', scope: { type: 'company', company: 'Acme' } }],
    ['contacts "Acme Corp"', { kind: 'contacts', scope: { type: 'company', company: 'Acme Corp' } }],
    ['contacts all', { kind: 'contacts', scope: { type: 'all' } }],
    ['companies employees>100', { kind: 'companies', scope: { type: 'all', filters: [{ key: 'employees', op: '>', value: '100' }] } }],
    ['companies all employees>=100', { kind: 'companies', scope: { type: 'all', filters: [{ key: 'employees', op: '>=', value: '100' }] } }],
    ['companies acme', { kind: 'companies', scope: { type: 'search', query: 'acme' } }],
    ['companies', { kind: 'companies', scope: { type: 'all' } }],
  ])('%s', (text, intent) => {
    expect(intentOf(text)).toEqual(intent);
  });

  it('a company search takes no filters', () => {
    expect(errorOf('companies acme employees>100').message).toContain('Filters narrow the whole list, not a search');
  });
});

