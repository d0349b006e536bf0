/** The grammar of the contact, company, linking, merge and task commands: what each form reads as, and each refusal. */
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../../src/bot/commands/intent.js';
import { parseCommand } from '../../../src/bot/commands/parse.js';

// Tuesday 24 November 2026, 11:00 in Berlin.
const ctx: ParseContext = { now: new Date('2026-11-24T10:00:00Z'), timeZone: 'Europe/Berlin', defaultCurrency: 'USD' };

const intentOf = (text: string) => {
  const r = parseCommand(text, ctx);
  if (!r.ok) throw new Error(`expected "${text}" to parse, got: ${r.error.message}`);
  return r.intent;
};
const errorOf = (text: string) => {
  const r = parseCommand(text, ctx);
  if (r.ok) throw new Error(`expected "${text}" to be refused, got ${JSON.stringify(r.intent)}`);
  return r.error;
};

describe('contacts', () => {
  it.each<[string, object]>([
    ['contact new Jane Doe jane@acme.com at Acme', { action: 'new', name: 'Jane Doe', email: 'jane@acme.com', company: 'Acme' }],
    ['/deal contact new Jane Doe Jane@ACME.com +1 415 555 0100 VP Sales at Acme Corp', { name: 'Jane Doe', email: 'jane@acme.com', phone: '+1 415 555 0100', title: 'VP Sales', company: 'Acme Corp' }],
    ['contact new "Jane Doe" CTO at Acme', { name: 'Jane Doe', title: 'CTO', company: 'Acme' }],
    ['contact new Jane Doe', { name: 'Jane Doe' }],
    ['contact new Jane Doe at Acme anyway', { name: 'Jane Doe', company: 'Acme', allowDuplicate: true }],
    ['contact add Ana <mailto:ana@globex.example|ana@globex.example> at Globex', { name: 'Ana', email: 'ana@globex.example', company: 'Globex' }],
    ['contact new Li 2026', { name: 'Li 2026' }],
    ['contact jane@acme.com', { action: 'show', query: 'jane@acme.com' }],
    ['contact Jane   Doe', { action: 'show', query: 'Jane Doe' }],
    ['contact edit jane@acme.com title VP Sales', { action: 'edit', query: 'jane@acme.com', field: 'title', value: 'VP Sales' }],
    ['contact edit Jane Doe company none', { action: 'edit', query: 'Jane Doe', field: 'company', value: null }],
    ['contact edit Jane Doe email JANE@acme.com', { action: 'edit', query: 'Jane Doe', field: 'email', value: 'jane@acme.com' }],
    ['contact edit jane@acme.com phone +44 20 7946 0958', { action: 'edit', field: 'phone', value: '+44 20 7946 0958' }],
  ])('%s', (text, expected) => {
    expect(intentOf(text)).toMatchObject({ kind: 'contact', ...expected });
  });

  it.each<[string, object]>([
    ['contacts', { type: 'mine' }],
    ['contacts mine', { type: 'mine' }],
    ['contacts all', { type: 'all' }],
    ['contacts Acme', { type: 'company', company: 'Acme' }],
    ['contacts at Acme Corp', { type: 'company', company: 'Acme Corp' }],
  ])('%s', (text, scope) => {
    expect(intentOf(text)).toEqual({ kind: 'contacts', scope });
  });

  it.each<[string, string]>([
    ['contact', 'Which contact?'],
    ['contact new', 'Give the contact a name'],
    ['contact new jane@acme.com', 'Give the contact a name'],
    ['contact new Jane at', 'At which company?'],
    ['contact new Jane a@x.com b@y.com', 'two emails'],
    ['contact edit', 'Which contact, and what should change?'],
    ['contact edit Jane titel CTO', 'Did you mean `title`?'],
    ['contact edit Jane email not-an-email', "isn't an email address"],
    ['contact edit Jane phone call me', "isn't a phone number"],
    ['contact edit Jane name none', 'always has a name'],
    ['contact edit Jane title', 'What should the title be?'],
  ])('%s is refused: %s', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toContain(message);
    expect(error.usage).toMatch(/^\/deal contact/);
  });
});

describe('companies', () => {
  it.each<[string, object]>([
    ['company new Acme acme.com', { action: 'new', name: 'Acme', domain: 'acme.com' }],
    ['company new Acme Corp https://www.Acme.com/', { name: 'Acme Corp', domain: 'acme.com' }],
    ['company new Acme', { name: 'Acme' }],
    ['company new acme.com', { name: 'acme.com' }],
    ['company new Acme acme.com anyway', { name: 'Acme', domain: 'acme.com', allowDuplicate: true }],
    ['company new Acme <http://acme.com|acme.com>', { name: 'Acme', domain: 'acme.com' }],
    ['company Acme', { action: 'show', query: 'Acme' }],
    ['company acme.com', { action: 'show', query: 'acme.com' }],
    ['company edit Acme domain acme.io', { action: 'edit', query: 'Acme', field: 'domain', value: 'acme.io' }],
    ['company edit Acme Inc name Acme', { action: 'edit', query: 'Acme Inc', field: 'name', value: 'Acme' }],
    ['company edit Acme domain none', { field: 'domain', value: null }],
  ])('%s', (text, expected) => {
    expect(intentOf(text)).toMatchObject({ kind: 'company', ...expected });
  });

  it('companies lists all, or those matching', () => {
    expect(intentOf('companies')).toEqual({ kind: 'companies', scope: { type: 'all' } });
    expect(intentOf('companies acme')).toEqual({ kind: 'companies', scope: { type: 'search', query: 'acme' } });
  });

  it.each<[string, string]>([
    ['company', 'Which company?'],
    ['company new', 'Give the company a name'],
    ['company edit Acme domain not a domain', "isn't a web domain"],
    ['company edit Acme size big', 'Say what to change: name or domain.'],
  ])('%s is refused: %s', (text, message) => {
    expect(errorOf(text).message).toContain(message);
  });
});

describe('linking and merging', () => {
  it.each<[string, object]>([
    ['D-42 add Jane Doe', { kind: 'link', ref: 'D-42', action: 'add', contact: 'Jane Doe' }],
    ['d42 attach jane@acme.com', { kind: 'link', ref: 'D-42', action: 'add', contact: 'jane@acme.com' }],
    ['#42 remove Jane', { kind: 'link', ref: 'D-42', action: 'remove', contact: 'Jane' }],
    ['merge contact jane.d@acme.com into jane@acme.com', { kind: 'merge', record: 'contact', from: 'jane.d@acme.com', into: 'jane@acme.com' }],
    ['merge company Acme Inc into Acme', { kind: 'merge', record: 'company', from: 'Acme Inc', into: 'Acme' }],
  ])('%s', (text, expected) => {
    expect(intentOf(text)).toEqual(expected);
  });

  it('a deal reference followed by other words is still a deal search', () => {
    expect(intentOf('D-42 addendum')).toEqual({ kind: 'show', query: 'D-42 addendum' });
  });

  it.each<[string, string]>([
    ['D-42 add', 'Who?'],
    ['merge Jane into Ana', 'Merge what?'],
    ['merge contact Jane', 'Name both'],
    ['merge contact into Ana', 'Name both'],
  ])('%s is refused: %s', (text, message) => {
    expect(errorOf(text).message).toContain(message);
  });
});

describe('tasks', () => {
  it.each<[string, object]>([
    ['task D-42 Send the quote by 2027-01-15', { subject: { deal: 'D-42' }, title: 'Send the quote', due: '2027-01-15' }],
    ['task call back by friday', { subject: {}, title: 'call back', due: '2026-11-27' }],
    ['task jane@acme.com call back by friday @maria', { subject: { contact: 'jane@acme.com' }, title: 'call back', due: '2026-11-27', assignee: { handle: 'maria' } }],
    ['task "Jane Doe" send the deck', { subject: { contact: 'Jane Doe' }, title: 'send the deck' }],
    ['task D-4 reply by email', { subject: { deal: 'D-4' }, title: 'reply by email' }],
    ['todo D-4 book the demo <@U123ABC|maria>', { subject: { deal: 'D-4' }, title: 'book the demo', assignee: { userId: 'U123ABC', handle: 'maria' } }],
  ])('%s', (text, expected) => {
    expect(intentOf(text)).toEqual({ kind: 'task', ...expected });
  });

  it.each<[string, object]>([
    ['tasks', { type: 'mine' }],
    ['tasks mine', { type: 'mine' }],
    ['tasks overdue', { type: 'overdue' }],
    ['tasks @maria', { type: 'person', person: { handle: 'maria' } }],
    ['tasks D-42', { type: 'deal', ref: 'D-42' }],
    ['tasks jane@acme.com', { type: 'contact', query: 'jane@acme.com' }],
  ])('%s', (text, scope) => {
    expect(intentOf(text)).toEqual({ kind: 'tasks', scope });
  });

  it.each<[string, object]>([
    ['done T-3', { kind: 'done', ref: 'T-3' }],
    ['done t3', { kind: 'done', ref: 'T-3' }],
    ['snooze T-3', { kind: 'snooze', ref: 'T-3', days: 1 }],
    ['snooze T-3 3', { kind: 'snooze', ref: 'T-3', days: 3 }],
    ['snooze T-3 2 days', { kind: 'snooze', ref: 'T-3', days: 2 }],
  ])('%s', (text, expected) => {
    expect(intentOf(text)).toEqual(expected);
  });

  it('a past due date is kept, with a note', () => {
    const r = parseCommand('task D-4 call by 2026-11-01', ctx);
    expect(r.ok && r.notes?.[0]).toContain('in the past');
  });

  it.each<[string, string]>([
    ['task', "What's the task?"],
    ['task D-42', "What's the task? e.g. `/deal task D-42"],
    ['task D-42 call by someday', 'I can\'t read "someday" as a due date'],
    ['done', 'Which task?'],
    ['done D-42', 'D-42 is a deal'],
    ['done T-3 T-4', 'takes just the task reference'],
    ['snooze T-3 forever', 'How many days?'],
    ['snooze T-3 45', 'How many days?'],
  ])('%s is refused: %s', (text, message) => {
    expect(errorOf(text).message).toContain(message);
  });

  it.each<[string, string]>([
    ['tsak D-4 call Ana', '/deal task D-4 call Ana'],
    ['doen T-3', '/deal done T-3'],
    ['snoze T-3', '/deal snooze T-3'],
    ['cotnact jane@acme.com', '/deal contact jane@acme.com'],
    ['mrege contact a@x.com into b@x.com', '/deal merge contact a@x.com into b@x.com'],
  ])('the typo %s suggests %s', (text, suggestion) => {
    expect(errorOf(text).message).toContain(`Did you mean \`${suggestion}\`?`);
  });
});
