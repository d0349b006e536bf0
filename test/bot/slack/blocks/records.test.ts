/**
 * Contact, company and task replies in Slack, from hand-built view models: every fact of the view
 * is shown, every action of the view is one button with the view's label, lists page, and people's
 * words stay inert text.
 */
import type { ActionsBlock, Button, KnownBlock, MultiExternalSelect, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { appHomeView } from '../../../../src/bot/slack/blocks/home.js';
import { dealCardBlocks } from '../../../../src/bot/slack/blocks/deal-card.js';
import {
  parseCreateAnyway,
  parseExisting,
  parseRecordCursor,
  parseTaskValue,
} from '../../../../src/bot/slack/blocks/record-cursor.js';
import { cardActionsIn, RECORD_LIMITS, slackRecordBlocks } from '../../../../src/bot/slack/blocks/records.js';
import { replyBlocks } from '../../../../src/bot/slack/blocks/reply.js';
import { ACTIONS, DEAL_CONTACTS_BLOCK_PREFIX, RECORD_ACTIONS } from '../../../../src/bot/slack/ids.js';
import type { Reply } from '../../../../src/bot/commands/reply.js';
import { clock, detail, list, queue, summary, visibleText } from './fixtures.js';
import { companyCard, companyList, companySummary, contactCard, contactList, contactSummary, taskList, taskView } from './record-fixtures.js';

const buttons = (blocks: KnownBlock[]): Button[] =>
  blocks.flatMap((b) =>
    b.type === 'actions'
      ? ((b as ActionsBlock).elements.filter((e) => e.type === 'button') as Button[])
      : b.type === 'section' && (b as SectionBlock).accessory?.type === 'button'
        ? [(b as SectionBlock).accessory as Button]
        : [],
  );
const byAction = (blocks: KnownBlock[], actionId: string) => buttons(blocks).filter((b) => b.action_id === actionId);

describe('the contact card', () => {
  const blocks = slackRecordBlocks({ kind: 'contact', contact: contactCard(), headline: 'Added Ana Lima at Acme Corp.', hint: 'Try `/deal contacts Acme`' }, clock);
  const shown = visibleText(blocks);

  it('shows the details, company, owner, open deals, recent activity and next task', () => {
    expect(shown).toContain('Added Ana Lima at Acme Corp.');
    expect(shown).toContain('*Ana Lima*  VP Sales');
    expect(shown).toContain('*Email*\nana@acme.com');
    expect(shown).toContain('*Phone*\n+1 415 555 0100');
    expect(shown).toContain('*Company*\nAcme Corp');
    expect(shown).toContain('*Owner*\n<@U012ABCDEF>');
    expect(shown).toContain('*Open deals* (2)');
    expect(shown).toContain('• *D-42*  Acme renewal · $25,000 · Proposal · close Fri, Nov 27');
    expect(shown).toContain('• *D-43*  Acme expansion · €3,000 · New');
    expect(shown).toContain('• Wed, Nov 18 · Alice Adams · call: Call number 1 (D-42)');
    expect(shown).toContain('Call number 3');
    expect(shown).toContain('*Next task*\nT-3 Send the quote (:red_circle: overdue since Wed, Nov 18)\n_2 more open tasks_');
    expect(shown).toContain('`/deal contacts Acme`');
  });

  it('has one button per action of the view, with its label and subject', () => {
    expect(cardActionsIn(blocks)).toEqual(contactCard().actions);
    expect(buttons(blocks).map((b) => [b.action_id, b.text.text, b.value])).toEqual([
      [RECORD_ACTIONS['contact.edit'], 'Edit', 'p1'],
      [RECORD_ACTIONS['contact.new_task'], 'New task', 'p1'],
      [RECORD_ACTIONS['contact.log'], 'Log activity', 'p1'],
    ]);
  });

  it('says so when there is nothing to show, and counts open deals it could not list', () => {
    const bare = visibleText(
      slackRecordBlocks(
        { kind: 'contact', contact: contactCard({ email: null, phone: null, title: null, company: null, owner: null, openDeals: [], openDealCount: 0, recentActivity: [], nextTask: null, openTaskCount: 0, actions: [] }) },
        clock,
      ),
    );
    expect(bare).toContain('*Email*\n—');
    expect(bare).toContain('*Owner*\nno owner');
    expect(bare).toContain('_No open deals._');
    expect(bare).toContain('_Nothing logged yet._');
    expect(bare).toContain('*Next task*\nnone');
    const many = visibleText(slackRecordBlocks({ kind: 'contact', contact: contactCard({ openDealCount: 12 }) }, clock));
    expect(many).toContain('*Open deals* (12)');
    expect(many).toContain('…and 10 more open deals.');
  });
});

describe('the company card', () => {
  const blocks = slackRecordBlocks({ kind: 'company', company: companyCard() }, clock);
  const shown = visibleText(blocks);

  it('shows contacts, open deals, pipeline value and won revenue per currency, and recent activity', () => {
    expect(shown).toContain('*Acme Corp*  acme.com');
    expect(shown).toContain('*Contacts* (2)');
    expect(shown).toContain('• *Ana Lima* — VP Sales · Acme Corp · ana@acme.com');
    expect(shown).toContain('• *Bo Chen* — Acme Corp · bo@acme.com');
    expect(shown).toContain('*Pipeline value*\n$25,000.00 + €3,000.00');
    expect(shown).toContain('*Won revenue*\n$10,000.00');
    expect(shown).toContain('• *D-42*  Acme renewal · $25,000 · Proposal');
    expect(shown).toContain('call: Call number 1 (D-42, Ana Lima)');
  });

  it('has one button per action', () => {
    expect(cardActionsIn(blocks)).toEqual(companyCard().actions);
  });

  it('counts contacts it could not list', () => {
    const text = visibleText(slackRecordBlocks({ kind: 'company', company: companyCard({ contactCount: 40 }) }, clock));
    expect(text).toContain('…and 38 more contacts.');
    expect(text).toContain('*Won revenue*');
    expect(visibleText(slackRecordBlocks({ kind: 'company', company: companyCard({ wonRevenue: [], pipelineValue: [] }) }, clock))).toContain('*Won revenue*\n—');
  });
});

describe('tasks', () => {
  it('a task shows when it is due, who has it and what it is for, with Done and Snooze', () => {
    const blocks = slackRecordBlocks({ kind: 'task', task: taskView(), headline: 'Created T-3.' }, clock);
    expect(visibleText(blocks)).toContain('*T-3*  Send the quote\n:red_circle: overdue since Wed, Nov 18 · assigned to <@U012ABCDEF> · D-42 Acme renewal · Ana Lima');
    expect(cardActionsIn(blocks)).toEqual(taskView().actions);
    const done = byAction(blocks, RECORD_ACTIONS['task.done'])[0]!;
    expect(done.text.text).toBe('Done');
    expect(parseTaskValue(done.value)).toEqual({ task: 'T-3', origin: { in: 'task' }, due: '2026-11-18' });
  });

  it('a done task has no buttons and says it is done', () => {
    const blocks = slackRecordBlocks({ kind: 'task', task: taskView({ done: true, doneAt: new Date('2026-11-19T09:00:00Z') }) }, clock);
    expect(buttons(blocks)).toEqual([]);
    expect(visibleText(blocks)).toContain(':white_check_mark: done Thu, Nov 19');
  });

  it('a task list gives each open task its Done and Snooze, which know the page they were on', () => {
    const l = taskList({ total: 30, page: 2, pageSize: 2, hasMore: true });
    const blocks = slackRecordBlocks({ kind: 'tasks', list: l }, clock);
    const shown = visibleText(blocks);
    expect(shown).toContain('*Your open tasks*');
    expect(shown).toContain('*T-4*  Call back\nno due date');
    expect(shown).toContain('Showing 3–4 of 30');
    expect(cardActionsIn(blocks).map((a) => `${a.id} ${a.subject}`)).toEqual(['task.done T-3', 'task.snooze T-3', 'task.done T-4', 'task.snooze T-4']);
    const value = parseTaskValue(byAction(blocks, RECORD_ACTIONS['task.done'])[1]!.value);
    expect(value).toEqual({ task: 'T-4', origin: { in: 'list', cursor: { list: 'tasks', scope: { type: 'mine' }, page: 2, pageSize: 2 } }, due: null });
    expect(parseRecordCursor(byAction(blocks, ACTIONS.recordPageNext)[0]!.value)).toEqual({ list: 'tasks', scope: { type: 'mine' }, page: 3, pageSize: 2 });
    expect(parseRecordCursor(byAction(blocks, ACTIONS.recordPagePrev)[0]!.value)).toEqual({ list: 'tasks', scope: { type: 'mine' }, page: 1, pageSize: 2 });
  });

  it('an empty task list says so', () => {
    expect(visibleText(slackRecordBlocks({ kind: 'tasks', list: taskList({ items: [], total: 0 }) }, clock))).toContain('No open tasks here.');
  });

  it(`a page of 100 tasks shows ${RECORD_LIMITS.taskItems} in one message, and Next goes on from there`, () => {
    const items = Array.from({ length: 100 }, (_, i) => taskView({ ref: `T-${i + 1}` }));
    const blocks = slackRecordBlocks({ kind: 'tasks', list: taskList({ items, total: 500, pageSize: 100, hasMore: true }) }, clock);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(byAction(blocks, RECORD_ACTIONS['task.done'])).toHaveLength(RECORD_LIMITS.taskItems);
    const next = parseRecordCursor(byAction(blocks, ACTIONS.recordPageNext)[0]!.value)!;
    expect((next.page - 1) * next.pageSize).toBe(RECORD_LIMITS.taskItems);
  });
});

describe('contact and company lists', () => {
  it('one row per contact with an Open button, paged', () => {
    const blocks = slackRecordBlocks({ kind: 'contacts', list: contactList({ total: 25, hasMore: true }) }, clock);
    const shown = visibleText(blocks);
    expect(shown).toContain('*Contacts at Acme Corp*');
    expect(shown).toContain('*Ana Lima*\nVP Sales · Acme Corp · ana@acme.com · +1 415 555 0100 · owner <@U012ABCDEF>');
    expect(shown).toContain('Showing 1–2 of 25');
    expect(byAction(blocks, ACTIONS.openContact).map((b) => b.value)).toEqual(['p1', 'p2']);
    expect(parseRecordCursor(byAction(blocks, ACTIONS.recordPageNext)[0]!.value)).toEqual({
      list: 'contacts',
      scope: { type: 'company', company: 'Acme Corp' },
      page: 2,
      pageSize: 10,
    });
  });

  it('one row per company with an Open button', () => {
    const blocks = slackRecordBlocks({ kind: 'companies', list: companyList() }, clock);
    expect(visibleText(blocks)).toContain('*Acme Corp*\nacme.com · 2 contacts · 2 open deals');
    expect(visibleText(blocks)).toContain('*Globex*\n1 contact · 0 open deals');
    expect(byAction(blocks, ACTIONS.openCompany).map((b) => b.value)).toEqual(['c1', 'c2']);
    expect(byAction(blocks, ACTIONS.recordPageNext)).toEqual([]);
  });

  it('an empty list says so', () => {
    expect(visibleText(slackRecordBlocks({ kind: 'contacts', list: contactList({ items: [], total: 0 }) }, clock))).toContain('No contacts here.');
  });
});

describe('duplicate warnings', () => {
  const reply: Extract<Reply, { kind: 'duplicate' }> = {
    kind: 'duplicate',
    message: 'Ana Lima at Acme Corp already exists (ana@acme.com).',
    existing: { record: 'contact', contact: contactSummary() },
    createAnyway: '/deal contact new Ana Lima at Acme Corp anyway',
  };

  it('names the existing record, with "Use existing" and "Create anyway"', () => {
    const { text, blocks } = replyBlocks(reply, clock);
    expect(text).toBe('Ana Lima at Acme Corp already exists (ana@acme.com).');
    expect(visibleText(blocks)).toContain('Nothing was created.');
    expect(visibleText(blocks)).toContain('*Ana Lima*');
    const [use, anyway] = buttons(blocks);
    expect([use!.text.text, anyway!.text.text]).toEqual(['Use existing', 'Create anyway']);
    expect(parseExisting(use!.value)).toEqual({ record: 'contact', id: 'p1' });
    expect(parseCreateAnyway(anyway!.value)).toEqual({ cmd: '/deal contact new Ana Lima at Acme Corp anyway' });
  });

  it('offers only "Use existing" when it cannot be created again (the same email or domain)', () => {
    const blocks = slackRecordBlocks({ ...reply, createAnyway: null }, clock);
    expect(buttons(blocks).map((b) => b.text.text)).toEqual(['Use existing']);
    expect(visibleText(blocks)).toContain('belongs to one record only');
  });

  it('a company duplicate', () => {
    const blocks = slackRecordBlocks({ kind: 'duplicate', message: 'Acme Corp already exists (acme.com).', existing: { record: 'company', company: companySummary() }, createAnyway: null }, clock);
    expect(parseExisting(buttons(blocks)[0]!.value)).toEqual({ record: 'company', id: 'c1' });
  });
});

describe('people’s words stay text', () => {
  it('in every record reply', () => {
    const evil = '<!channel> *bold* <https://evil|click>';
    const person = { id: 'm', displayName: '<!everyone>', handle: 'x', externalId: 'not-slack' };
    const replies: Reply[] = [
      { kind: 'contact', headline: evil, contact: contactCard({ name: evil, title: evil, email: evil, company: { id: 'c', name: '<!here>' }, owner: person, nextTask: taskView({ title: evil }) }) },
      { kind: 'company', company: companyCard({ name: evil, contacts: [contactSummary({ name: evil })], pipelineValue: [{ money: { minor: 1n, currency: 'USD' }, text: evil }] }) },
      { kind: 'task', task: taskView({ title: evil, assignee: person, contact: { id: 'p', name: '<@U999>' } }) },
      { kind: 'tasks', list: taskList({ heading: evil }) },
      { kind: 'contacts', list: contactList({ items: [contactSummary({ name: evil })] }) },
      { kind: 'duplicate', message: evil, existing: { record: 'contact', contact: contactSummary({ name: evil }) }, createAnyway: null },
    ];
    for (const r of replies) {
      const json = JSON.stringify(replyBlocks(r, clock));
      for (const control of ['<!channel>', '<!here>', '<!everyone>', '<https://evil', '<@U999>']) expect(json).not.toContain(control);
      expect(json).not.toContain('*bold*');
    }
  });
});

describe('the App Home and the deal card', () => {
  it('the Home starts with the person’s open tasks, each with Done, which knows it is in the Home', () => {
    const view = appHomeView({
      ...clock,
      myDeals: list({ items: [] }),
      due: queue('due', []),
      noNextAction: queue('none', []),
      summary: summary(),
      tasks: taskList({ items: Array.from({ length: 8 }, (_, i) => taskView({ ref: `T-${i + 1}` })), total: 8 }),
      notice: 'Done: T-9 Call back.',
    });
    const headers = view.blocks.filter((b) => b.type === 'header').map((b) => (b as { text: { text: string } }).text.text);
    expect(headers[0]).toBe('Your open tasks');
    expect(visibleText(view.blocks)).toContain('Done: T-9 Call back.');
    const done = byAction(view.blocks as KnownBlock[], RECORD_ACTIONS['task.done']);
    expect(done).toHaveLength(5);
    expect(parseTaskValue(done[0]!.value)).toEqual({ task: 'T-1', origin: { in: 'home' }, due: '2026-11-18' });
    expect(visibleText(view.blocks)).toContain('…and 3 more. `/deal tasks mine` lists them all.');
  });

  it('the deal card lists its contacts beside a Contacts multi-select that starts with them', () => {
    const blocks = dealCardBlocks(detail({ contacts: [{ id: 'p1', name: 'Ana Lima', email: 'ana@acme.com' }, { id: 'p2', name: 'Bo Chen', email: null }] }), clock);
    const section = blocks.find((b) => b.block_id === `${DEAL_CONTACTS_BLOCK_PREFIX}clx0deal000000000000000042`) as SectionBlock;
    expect(section.text?.text).toBe('*Contacts:* Ana Lima (ana@acme.com), Bo Chen');
    const select = section.accessory as MultiExternalSelect;
    expect(select.type).toBe('multi_external_select');
    expect(select.action_id).toBe(ACTIONS.dealContacts);
    expect(select.initial_options?.map((o) => [o.text.text, o.value])).toEqual([
      ['Ana Lima (ana@acme.com)', 'p1'],
      ['Bo Chen', 'p2'],
    ]);
    const none = dealCardBlocks(detail({ contacts: [] }), clock);
    expect(visibleText(none)).toContain('*Contacts:* _none yet_');
  });
});
