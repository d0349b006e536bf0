/**
 * Contact, company and task cards from hand-built views (no database, no network): the facts the
 * view carries, one Teams action per view action (with its label), people's words escaped, and
 * every card under Teams' 28 KB with the longest inputs the domain accepts.
 */
import { describe, expect, it } from 'vitest';
import { replyCard } from '../../../src/bot/teams/cards/reply.js';
import { recordCard, MAX_RECORD_ROWS, type RecordReply } from '../../../src/bot/teams/cards/records.js';
import { dealCard } from '../../../src/bot/teams/cards/deal-card.js';
import { jsonBytes, TEAMS_CARD_LIMITS } from '../../../src/bot/teams/cards/limits.js';
import { attachment } from '../../../src/bot/teams/cards/parts.js';
import { DATASETS, DIALOGS, INPUTS, VERBS } from '../../../src/bot/teams/ids.js';
import type { Reply } from '../../../src/bot/commands/reply.js';
import type { DealView } from '../../../src/domain/deals/deal.view.js';
import { deal, detail } from '../slack/blocks/fixtures.js';
import { cardText } from './harness.js';
import {
  activity,
  alice,
  clock,
  companyCardView,
  companyList,
  companySummary,
  contactCardView,
  contactList,
  contactSummary,
  task,
  taskList,
} from './record-fixtures.js';
import { FIELD_LIMITS } from '../../../src/domain/fields/field.schema.js';
import type { FieldLine } from '../../../src/domain/fields/field.view.js';

/** Every object in a card with `type` = one of `types` (not inside fallbacks). */
function all(node: unknown, ...types: string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && types.includes(o.type)) out.push(o);
    for (const [k, v] of Object.entries(o)) if (k !== 'fallback') walk(v);
  };
  walk(node);
  return out;
}

/** The card's own actions as `[title, what]`: a verb, `dialog:<id>`, or `form:<verb inside>`. */
function actionsOf(actions: unknown[] | undefined): [string, string][] {
  return (actions ?? []).map((a) => {
    const o = a as { type: string; title: string; verb?: string; data?: { dialog?: string; msteams?: { type?: string } }; card?: unknown };
    if (o.type === 'Action.Execute') return [o.title, o.verb!];
    if (o.type === 'Action.Submit' && o.data?.msteams?.type === 'task/fetch') return [o.title, `dialog:${o.data.dialog}`];
    if (o.type === 'Action.ShowCard') return [o.title, `form:${all(o.card, 'Action.Execute').map((x) => x.verb).join(',')}`];
    return [o.title, o.type];
  });
}

describe('contact card', () => {
  const reply: Reply = { kind: 'contact', contact: contactCardView(), headline: 'Created Jane Doe.' };

  it('shows the details, company, owner, open deals with amount and stage, recent activity and the next task', () => {
    const { card, summary } = replyCard(reply, clock);
    const text = cardText(card);
    expect(text).toContain('Created Jane Doe.');
    expect(text).toContain('👤 Jane Doe');
    expect(text).toContain('👤 Jane Doe  Head of Sales');
    for (const fact of ['Company: Acme', 'Email: jane@acme.com', 'Phone: +1 415 555 0100', 'Owner: Alice Adams']) expect(text).toContain(fact);
    expect(text).toContain('Next task: T-3 Send the quote (🔴 overdue since Wed, Nov 18) (+1 more open task)');
    expect(text).toContain('Open deals (1)');
    expect(text).toContain('D-42 Acme renewal · $25,000 · Proposal · close Fri, Nov 27');
    expect(text).toContain('Recent activity');
    expect(text).toContain('Wed, Nov 18 · Alice Adams · call: Call number 1 (D-42)');
    expect(summary).toBe('Created Jane Doe.');
  });

  it('offers one action per view action, with its label: Edit and New task open dialogs, Log activity a form', () => {
    const { card } = replyCard(reply, clock);
    expect(actionsOf(card.actions)).toEqual([
      ['Edit', `dialog:${DIALOGS.editContact}`],
      ['New task', `dialog:${DIALOGS.createTask}`],
      ['Log activity', `form:${VERBS.logContact}`],
    ]);
    const dialogs = all(card.actions, 'Action.Submit').map((a) => a.data);
    expect(dialogs).toContainEqual({ msteams: { type: 'task/fetch' }, dialog: DIALOGS.editContact, contactId: contactCardView().id });
    const log = all(card.actions, 'Action.Execute').find((a) => a.verb === VERBS.logContact)!;
    expect(log.data).toEqual({ verb: VERBS.logContact, contactId: contactCardView().id });
    expect(log.fallback).toMatchObject({ type: 'Action.Submit', data: log.data });
  });

  it('says what is missing without inventing it', () => {
    const bare = contactCardView({ email: null, phone: null, title: null, company: null, owner: null, openDeals: [], openDealCount: 0, recentActivity: [], nextTask: null, openTaskCount: 0, actions: [] });
    const { card } = replyCard({ kind: 'contact', contact: bare }, clock);
    const text = cardText(card);
    for (const fact of ['Company: —', 'Email: —', 'Phone: —', 'Owner: no owner', 'Next task: none']) expect(text).toContain(fact);
    expect(text).not.toContain('Recent activity');
    expect(text).not.toContain('Open deals');
    expect(card.actions).toBeUndefined();
  });

  it('escapes what people typed', () => {
    const nasty = '**Big** [click](https://evil.example) {{DATE(2026-01-01T00:00:00Z, SHORT)}}';
    const { card } = replyCard({ kind: 'contact', contact: contactCardView({ name: nasty, title: nasty, recentActivity: [activity(0, { body: nasty })] }) }, clock);
    const json = JSON.stringify(card.body);
    expect(json).not.toContain('{{');
    expect(json).not.toContain('[click](');
    expect(cardText(card)).toContain('**Big**');
  });
});

describe('company card', () => {
  it('shows the domain, contacts, open deals, pipeline value and won revenue per currency, recent activity and the actions', () => {
    const { card } = replyCard({ kind: 'company', company: companyCardView() }, clock);
    const text = cardText(card);
    expect(text).toContain('🏢 Acme');
    for (const fact of ['Domain: acme.com', 'Owner: Alice Adams', 'Contacts: 2', 'Open deals: 1', 'Pipeline value: $25,000.00 + €4,000.00', 'Won revenue: $10,000.00'])
      expect(text).toContain(fact);
    expect(text).toContain('Jane Doe · Head of Sales · jane@acme.com');
    expect(text).toContain('John Roe · CTO · john@acme.com');
    expect(text).toContain('D-42 Acme renewal · $25,000 · Proposal');
    expect(text).toContain('call: Call number 1 (D-42, Jane Doe)');
    expect(actionsOf(card.actions)).toEqual([
      ['Edit', `dialog:${DIALOGS.editCompany}`],
      ['New contact', `dialog:${DIALOGS.createContact}`],
    ]);
    expect(all(card.actions, 'Action.Submit')[1]!.data).toMatchObject({ dialog: DIALOGS.createContact, companyId: companyCardView().id });
  });

  it('counts the contacts and deals it does not list', () => {
    const { card } = replyCard({ kind: 'company', company: companyCardView({ contactCount: 14, openDealCount: 12 }) }, clock);
    const text = cardText(card);
    expect(text).toContain('…and 12 more contacts');
    expect(text).toContain('…and 11 more open deals');
  });
});

describe('contact and company lists', () => {
  it('a contact list has a row per contact with an Open button, a count and paging', () => {
    const items = Array.from({ length: 10 }, (_, i) => contactSummary({ id: `c${i}`, name: `Person ${i}` }));
    const { card } = replyCard({ kind: 'contacts', list: contactList({ items, total: 25, hasMore: true }) }, clock);
    const text = cardText(card);
    expect(text).toContain('Contacts at Acme');
    expect(text).toContain('Person 9');
    expect(text).toContain('Head of Sales · Acme · jane@acme.com · +1 415 555 0100 · owner Alice Adams');
    expect(text).toContain('Showing 1–10 of 25');
    const opens = all(card.body, 'Action.Execute');
    expect(opens).toHaveLength(10);
    expect(opens[0]).toMatchObject({ title: 'Open', verb: VERBS.openContact, data: { contactId: 'c0' } });
    expect(actionsOf(card.actions)).toEqual([['Next', VERBS.recordPage]]);
    expect(all(card.actions, 'Action.Execute')[0]!.data).toEqual({
      verb: VERBS.recordPage,
      cursor: { list: 'contacts', scope: { type: 'company', company: 'Acme' }, page: 2, pageSize: 10 },
    });
  });

  it('a company list shows domain, counts and owner per company', () => {
    const { card } = replyCard({ kind: 'companies', list: companyList() }, clock);
    const text = cardText(card);
    expect(text).toContain('acme.com · 2 contacts · 1 open deal · owner Alice Adams');
    expect(text).toContain('Initech');
    expect(text).toContain('0 contacts · 0 open deals');
    expect(all(card.body, 'Action.Execute').map((a) => a.verb)).toEqual([VERBS.openCompany, VERBS.openCompany]);
  });

  it('says so when a list is empty', () => {
    expect(cardText(replyCard({ kind: 'contacts', list: contactList({ items: [], total: 0 }) }, clock).card)).toContain('No contacts here.');
    expect(cardText(replyCard({ kind: 'companies', list: companyList({ items: [], total: 0 }) }, clock).card)).toContain('No companies here.');
  });

  it('pages by the rows it shows when a page holds more than a card lists', () => {
    const items = Array.from({ length: 20 }, (_, i) => contactSummary({ id: `c${i}`, name: `Person ${i}` }));
    const { card } = replyCard({ kind: 'contacts', list: contactList({ items, total: 60, pageSize: 20, page: 2, hasMore: true }) }, clock);
    expect(cardText(card)).toContain(`Showing 21–${20 + MAX_RECORD_ROWS} of 60`);
    const cursors = all(card.actions, 'Action.Execute').map((a) => [a.title, (a.data as { cursor: { page: number; pageSize: number } }).cursor]);
    expect(cursors).toEqual([
      ['Prev', expect.objectContaining({ page: 2, pageSize: 10 })],
      ['Next', expect.objectContaining({ page: 4, pageSize: 10 })],
    ]);
  });
});

describe('tasks', () => {
  it('one open task: its facts, and Done and Snooze from its actions', () => {
    const { card } = replyCard({ kind: 'task', task: task(), headline: 'Created T-3.' }, clock);
    const text = cardText(card);
    expect(text).toContain('T-3  Send the quote');
    for (const fact of ['Status: open', 'Due: Wed, Nov 18 (🔴 overdue)', 'Assignee: Alice Adams', 'Deal: D-42 Acme renewal', 'Contact: Jane Doe']) expect(text).toContain(fact);
    expect(actionsOf(card.actions)).toEqual([
      ['Done', VERBS.taskDone],
      ['Snooze', VERBS.taskSnooze],
    ]);
    const [done, snooze] = all(card.actions, 'Action.Execute');
    expect(done!.data).toEqual({ verb: VERBS.taskDone, task: 'T-3', on: { card: 'task' } });
    // Snooze carries the due date shown: a replayed click moves the task once.
    expect(snooze!.data).toEqual({ verb: VERBS.taskSnooze, task: 'T-3', due: '2026-11-18', on: { card: 'task' } });
  });

  it('a done task says so and offers no buttons', () => {
    const { card } = replyCard({ kind: 'task', task: task({ done: true, doneAt: new Date('2026-11-19T10:00:00Z') }) }, clock);
    expect(cardText(card)).toContain('Status: done Thu, Nov 19');
    expect(cardText(card)).toContain('✅');
    expect(card.actions).toBeUndefined();
  });

  it('a task list: each open task with Done and Snooze, which redraw this list', () => {
    const { card } = replyCard({ kind: 'tasks', list: taskList() }, clock);
    const text = cardText(card);
    expect(text).toContain('Your open tasks');
    expect(text).toContain('T-3  Send the quote');
    expect(text).toContain('🔴 overdue since Wed, Nov 18 · assigned to Alice Adams · D-42 Acme renewal · Jane Doe');
    expect(text).toContain('T-4  Book the demo');
    expect(text).toContain('no due date · assigned to Alice Adams');
    const buttons = all(card.body, 'Action.Execute');
    expect(buttons.map((b) => [b.title, b.verb, (b.data as { task: string }).task])).toEqual([
      ['Done', VERBS.taskDone, 'T-3'],
      ['Snooze', VERBS.taskSnooze, 'T-3'],
      ['Done', VERBS.taskDone, 'T-4'],
      ['Snooze', VERBS.taskSnooze, 'T-4'],
    ]);
    expect((buttons[0]!.data as { on: unknown }).on).toEqual({ card: 'tasks', cursor: { list: 'tasks', scope: { type: 'mine' }, page: 1, pageSize: 10 } });
  });

  it('an empty task list says so', () => {
    expect(cardText(replyCard({ kind: 'tasks', list: taskList({ items: [], total: 0 }) }, clock).card)).toContain('No open tasks here.');
  });
});

describe('duplicate warning', () => {
  it('names the existing contact; Use existing opens it, Create anyway runs the command line', () => {
    const reply: Reply = {
      kind: 'duplicate',
      message: 'Jane Doe at Acme already exists (jane@acme.com).',
      existing: { record: 'contact', contact: contactSummary() },
      createAnyway: 'deal contact new Jane Doe at Acme anyway',
    };
    const { card, summary } = replyCard(reply, clock);
    const text = cardText(card);
    expect(text).toContain('Jane Doe at Acme already exists (jane@acme.com).');
    expect(text).toContain('Existing contact: Jane Doe');
    expect(summary).toBe('Jane Doe at Acme already exists (jane@acme.com).');
    const actions = all(card.actions, 'Action.Execute');
    expect(actions.map((a) => [a.title, a.data])).toEqual([
      ['Use existing', { verb: VERBS.openContact, contactId: contactSummary().id, replace: true }],
      ['Create anyway', { verb: VERBS.createAnyway, command: 'deal contact new Jane Doe at Acme anyway' }],
    ]);
  });

  it('offers no Create anyway when the email or domain is taken (always refused)', () => {
    const reply: Reply = { kind: 'duplicate', message: 'acme.com is already Acme.', existing: { record: 'company', company: companySummary() }, createAnyway: null };
    const { card } = replyCard(reply, clock);
    expect(cardText(card)).toContain('Existing company: Acme');
    expect(actionsOf(card.actions)).toEqual([['Use existing', VERBS.openCompany]]);
  });
});

describe('deal card contacts', () => {
  it('a view that offers deal.add_contact gets the contacts picker with its label', () => {
    const view = contactCardView({ actions: [{ id: 'deal.add_contact', label: 'Add contact', subject: 'clx0deal000000000000000042' }] });
    const { card } = replyCard({ kind: 'contact', contact: view }, clock);
    expect(actionsOf(card.actions)).toEqual([['Add contact', `form:${VERBS.dealContacts}`]]);
    expect(all(card.actions, 'Action.Execute')[0]!.data).toEqual({ verb: VERBS.dealContacts, dealId: 'clx0deal000000000000000042', shown: [] });
  });

  it('a detailed deal lists its contacts and offers a multi-select of them that searches more as the person types', () => {
    const d = detail({ contacts: [{ id: 'p1', name: 'Ana Lima', email: 'ana@acme.com' }, { id: 'p2', name: 'Bo Berg', email: null }] });
    const card = dealCard(d, clock);
    expect(cardText(card)).toContain('Contacts: Ana Lima (ana@acme.com), Bo Berg');
    const picker = all(card.actions, 'Input.ChoiceSet').find((i) => i.id === INPUTS.contacts)!;
    expect(picker).toMatchObject({
      isMultiSelect: true,
      value: 'p1,p2',
      choices: [
        { title: 'Ana Lima (ana@acme.com)', value: 'p1' },
        { title: 'Bo Berg', value: 'p2' },
      ],
      'choices.data': { type: 'Data.Query', dataset: DATASETS.contacts },
    });
    const save = all(card.actions, 'Action.Execute').find((a) => a.verb === VERBS.dealContacts)!;
    expect(save.data).toEqual({ verb: VERBS.dealContacts, dealId: d.id, shown: ['p1', 'p2'] });
  });
});

/** The schemas' maxima (src/domain/*\/*.schema.ts). */
const MAX = { name: 200, title: 200, company: 200, email: 320, phone: 31, taskTitle: 500, dealTitle: 200, body: 4000, url: 2000, domain: 253 } as const;
/** Text made only of what Adaptive Card Markdown treats as formatting (escaping doubles most of it). */
const markdown = (n: number) => '**[a](b)**_~`|<>{{#-*'.repeat(Math.ceil(n / 21)).slice(0, n);
const longEmail = (i: number) => `${`c${i}_`.padEnd(60, '_')}@${'d'.repeat(62)}.${'e'.repeat(62)}.${'f'.repeat(62)}.${'g'.repeat(60)}.com`.slice(0, MAX.email);
const person = { ...alice, displayName: markdown(200) };
const longDeal = (i: number): DealView =>
  deal({ id: `clx0deal${String(i).padStart(18, '0')}`, ref: `D-${100000 + i}`, title: markdown(MAX.dealTitle), amountText: '$1,000,000,000.00', stage: { key: 's', name: markdown(100), kind: 'open', probability: 10, position: 1 } });
const longContact = (i: number) =>
  contactSummary({ id: `clx0contact${String(i).padStart(14, '0')}`, name: markdown(MAX.name), email: longEmail(i), phone: '+'.padEnd(MAX.phone, '1'), title: markdown(MAX.title), company: { id: 'c', name: markdown(MAX.company) }, owner: person });
const longTask = (i: number) =>
  task({
    id: `clx0task${String(i).padStart(17, '0')}`,
    ref: `T-${100000 + i}`,
    title: markdown(MAX.taskTitle),
    assignee: person,
    deal: { id: 'd', ref: 'D-100000', title: markdown(MAX.dealTitle) },
    contact: { id: 'c', name: markdown(MAX.name) },
  });
const longActivity = (i: number) =>
  activity(i, { body: markdown(MAX.body), actor: markdown(200), contact: { id: 'c', name: markdown(MAX.name) }, sourceUrl: `https://teams.microsoft.com/l/message/${'x'.repeat(500)}` });
const money = (i: number) => ({ money: { minor: 10n ** 15n, currency: `C${i}` }, text: `C${i} 10,000,000,000,000.00` });

const envelope = {
  type: 'message',
  id: 'f:1234567890123456789',
  timestamp: '2026-11-19T11:00:00.000Z',
  serviceUrl: 'https://smba.trafficmanager.net/teams/',
  channelId: 'msteams',
  from: { id: '28:6f1c2b6e-0d1a-4c55-9a55-0c1f0e2d3a4b', name: 'CRM' },
  conversation: { id: `19:${'x'.repeat(120)}@thread.tacv2;messageid=1234567890123`, conversationType: 'channel', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
  recipient: { id: '29:alice-teams-id', name: 'Alice Adams', aadObjectId: 'aad-0000-alice' },
  replyToId: '1234567890123',
};

/** The most custom fields a record can have, each with the longest name and text value. */
const longFields = (): FieldLine[] =>
  Array.from({ length: FIELD_LIMITS.perEntity }, (_, i) => ({ key: `f${i}`, name: markdown(FIELD_LIMITS.name), type: 'text' as const, display: markdown(FIELD_LIMITS.text), value: markdown(FIELD_LIMITS.text) }));

/** The whole activity the connector receives, in bytes. */
const posted = (reply: Reply) => {
  const msg = replyCard(reply, clock);
  return jsonBytes({ ...envelope, summary: msg.summary, attachments: [attachment(msg.card)] });
};

describe('every record card stays under 28 KB with the longest inputs', () => {
  const LIMIT = TEAMS_CARD_LIMITS.messageBytes;
  const longest: [string, Reply][] = [
    [
      'a contact with 10 open deals of 200-character titles, 5 activities of 4,000 characters, a 500-character next task and 30 long custom fields',
      {
        kind: 'contact',
        headline: markdown(300),
        hint: markdown(300),
        contact: contactCardView({
          ...longContact(0),
          openDeals: Array.from({ length: 10 }, (_, i) => longDeal(i)),
          openDealCount: 5000,
          recentActivity: Array.from({ length: 5 }, (_, i) => longActivity(i)),
          nextTask: longTask(0),
          openTaskCount: 900,
          fields: longFields(),
        }),
      },
    ],
    [
      'a company with 10 long contacts, 10 long deals, 20 currencies, 5 long activities and 30 long custom fields',
      {
        kind: 'company',
        headline: markdown(300),
        company: companyCardView({
          name: markdown(MAX.company),
          domain: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`,
          owner: person,
          contacts: Array.from({ length: 10 }, (_, i) => longContact(i)),
          contactCount: 100_000,
          openDeals: Array.from({ length: 10 }, (_, i) => longDeal(i)),
          openDealCount: 100_000,
          pipelineValue: Array.from({ length: 20 }, (_, i) => money(i)),
          wonRevenue: Array.from({ length: 20 }, (_, i) => money(i)),
          recentActivity: Array.from({ length: 5 }, (_, i) => longActivity(i)),
          fields: longFields(),
        }),
      },
    ],
    ['a page of 50 long contacts', { kind: 'contacts', hint: markdown(300), list: contactList({ heading: markdown(200), items: Array.from({ length: 50 }, (_, i) => longContact(i)), total: 100_000, totalCapped: true, pageSize: 50, hasMore: true }) }],
    [
      'a page of 50 long companies',
      {
        kind: 'companies',
        list: companyList({ heading: markdown(200), items: Array.from({ length: 50 }, (_, i) => companySummary({ id: `clx0company${String(i).padStart(14, '0')}`, name: markdown(MAX.company), domain: 'x'.repeat(250) + '.com', owner: person, contactCount: 99_999, openDealCount: 99_999 })), total: 20_000, totalCapped: false, pageSize: 50, hasMore: true }),
      },
    ],
    ['one long task', { kind: 'task', headline: markdown(300), hint: markdown(300), task: longTask(0) }],
    ['a page of 50 long tasks', { kind: 'tasks', headline: markdown(300), list: taskList({ heading: markdown(200), items: Array.from({ length: 50 }, (_, i) => longTask(i)), total: 1000, totalCapped: true, pageSize: 50, page: 3, hasMore: true }) }],
    [
      'a page of long tasks of a person named by a long id and handle (every button carries the list)',
      {
        kind: 'tasks',
        headline: markdown(300),
        list: taskList({
          heading: markdown(200),
          source: { scope: { type: 'person', person: { userId: `29:${'u'.repeat(197)}`, handle: 'h'.repeat(200) } } },
          items: Array.from({ length: 10 }, (_, i) => longTask(i)),
          total: 1000,
          totalCapped: true,
          pageSize: 10,
          hasMore: true,
        }),
      },
    ],
    [
      'a duplicate warning about a long contact',
      { kind: 'duplicate', message: markdown(600), existing: { record: 'contact', contact: longContact(1) }, createAnyway: `deal contact new ${markdown(1000)}` },
    ],
  ];

  it.each(longest)('%s', (_what, reply) => {
    const size = posted(reply);
    expect(size).toBeLessThanOrEqual(LIMIT);
    // And the card alone within its share, leaving room for the envelope of any conversation.
    expect(jsonBytes(replyCard(reply, clock).card)).toBeLessThanOrEqual(TEAMS_CARD_LIMITS.cardBytes);
    console.info(`${reply.kind}: ${size} bytes (limit ${LIMIT})`);
  });

  it('a deal with 50 long contacts keeps its Contacts form under the limit too', () => {
    const d = detail({ ...longDeal(1), contacts: Array.from({ length: 50 }, (_, i) => ({ id: `clx0contact${String(i).padStart(14, '0')}`, name: markdown(MAX.name), email: longEmail(i) })) });
    const size = posted({ kind: 'deal', deal: d, headline: markdown(300) });
    expect(size).toBeLessThanOrEqual(LIMIT);
  });

  it('recordCard is what replyCard shows for each record kind', () => {
    for (const [, reply] of longest) expect(replyCard(reply, clock).card).toEqual(recordCard(reply as RecordReply, clock).card);
  });
});
