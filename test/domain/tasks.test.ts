/**
 * Tasks (issue 14): per-workspace references, every list, idempotent creation, done and snooze
 * once however often they are clicked, and the rule that a deal's next action IS its first open
 * task. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL set (where the Promise.all
 * below really runs writes side by side).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainErrorCode } from '../../src/domain/index.js';
import { createTestDb, TEST_NOW, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let other: TestWorkspace;
let seeded = 0;

beforeAll(async () => {
  t = await createTestDb();
  other = await seedWorkspace(t.crm, 'T-OTHER', 'Other Co');
});
afterAll(async () => t.cleanup());
beforeEach(() => t.clock.set(TEST_NOW)); // 2026-11-24 for Alice (Berlin) and Bob (New York)

const DAY = 24 * 3600 * 1000;

/** A workspace of its own (Alice and Bob), so that numbering and lists start empty. */
const fresh = () => seedWorkspace(t.crm, `T-TASKS-${++seeded}`, `Tasks ${seeded}`);

/** A contact row (fixture: the contact service is tested elsewhere). */
const contactIn = (ws: TestWorkspace, name: string) =>
  t.handle.db.contact.create({ data: { workspaceId: ws.workspaceId, name, nameKey: name.toLowerCase() } });

const activitiesOf = (where: { dealId?: string; contactId?: string }) =>
  t.handle.db.activity.findMany({ where: { ...where, type: 'task' }, include: { author: true } });

const eventsOf = (dealId: string, kind: string) => t.handle.db.dealEvent.findMany({ where: { dealId, kind } });

describe('references', () => {
  it('numbers tasks T-1, T-2, … in each workspace, and finds them only there', async () => {
    const a = await fresh();
    const b = await fresh();
    const first = await t.crm.tasks.create(a.alice, { title: 'Send the deck', due: '2026-11-30' });
    const second = await t.crm.tasks.create(a.alice, { title: 'Book the demo' });
    const theirs = await t.crm.tasks.create(b.alice, { title: 'Their task' });
    expect([first.task.ref, second.task.ref, theirs.task.ref]).toEqual(['T-1', 'T-2', 'T-1']);
    expect(first).toMatchObject({
      created: true,
      task: {
        title: 'Send the deck',
        due: '2026-11-30',
        overdue: false,
        dueToday: false,
        done: false,
        assignee: { displayName: 'Alice Adams' },
        deal: null,
        contact: null,
        actions: [
          { id: 'task.done', label: 'Done', subject: 'T-1' },
          { id: 'task.snooze', label: 'Snooze 1 day', subject: 'T-1' },
        ],
      },
    });
    expect((await t.crm.tasks.get(a.alice, 't2')).title).toBe('Book the demo');
    expect((await t.crm.tasks.get(b.alice, 'T-1')).title).toBe('Their task');
    await expect(t.crm.tasks.get(b.alice, 'T-2')).rejects.toMatchObject({ code: DomainErrorCode.NotFound, message: 'I can’t find T-2.' });
    // An id from another workspace (a forged button) is not found either.
    await expect(t.crm.tasks.get(b.alice, first.task.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
  });

  it('puts a task on a deal and a contact, for a person named in chat; names a person it does not know', async () => {
    const a = await fresh();
    const { deal } = await t.crm.deals.create(a.alice, { title: 'Big one' });
    const jane = await contactIn(a, 'Jane Doe');
    const { task } = await t.crm.tasks.create(a.alice, { title: 'Call Jane', deal: deal.ref, contactId: jane.id, assignee: { handle: 'bob' } });
    expect(task).toMatchObject({
      assignee: { displayName: 'Bob Brown' },
      deal: { id: deal.id, ref: deal.ref, title: 'Big one' },
      contact: { id: jane.id, name: 'Jane Doe' },
    });
    await expect(t.crm.tasks.create(a.alice, { title: 'x', assignee: { handle: 'zed' } })).rejects.toMatchObject({
      code: DomainErrorCode.UnknownMember,
      message: expect.stringContaining('@zed'),
    });
    await expect(t.crm.tasks.create(a.alice, { title: 'x', assigneeId: other.alice.memberId })).rejects.toMatchObject({
      code: DomainErrorCode.UnknownMember,
    });
  });

  it('refuses a deal or contact of another workspace as not found, and writes nothing', async () => {
    const a = await fresh();
    const theirDeal = (await t.crm.deals.create(other.alice, { title: 'Not yours' })).deal;
    const theirContact = await contactIn(other, 'Their Contact');
    await expect(t.crm.tasks.create(a.alice, { title: 'Sneaky', deal: theirDeal.id })).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(t.crm.tasks.create(a.alice, { title: 'Sneaky', deal: 'D-999' })).rejects.toMatchObject({
      code: DomainErrorCode.NotFound,
      message: 'I can’t find D-999.',
    });
    await expect(t.crm.tasks.create(a.alice, { title: 'Sneaky', contactId: theirContact.id })).rejects.toMatchObject({
      code: DomainErrorCode.NotFound,
      message: 'I can’t find that contact.',
    });
    expect(await t.handle.db.task.count({ where: { workspaceId: a.workspaceId } })).toBe(0);
    // No number was used up by the refusals.
    expect((await t.crm.tasks.create(a.alice, { title: 'Fine' })).task.ref).toBe('T-1');
  });

  it('creates once under racing retries of one delivery, and a later retry gets the same task', async () => {
    const a = await fresh();
    const input = { title: 'Once only', idempotencyKey: 'slack:cmd:T1:abc' };
    const results = await Promise.all([1, 2, 3].map(() => t.crm.tasks.create(a.alice, input)));
    expect(new Set(results.map((r) => r.task.ref))).toEqual(new Set(['T-1']));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await t.crm.tasks.create(a.alice, input)).toMatchObject({ created: false, task: { ref: 'T-1' } });
    // The same key in another workspace is another delivery.
    expect(await t.crm.tasks.create(other.alice, input)).toMatchObject({ created: true });
    expect(await t.handle.db.task.count({ where: { workspaceId: a.workspaceId } })).toBe(1);
    expect((await t.crm.tasks.create(a.alice, { title: 'Next' })).task.ref).toBe('T-2');
  });
});

describe('lists', () => {
  it('lists each scope’s open tasks, due first, undated last, then by number, with a heading in words', async () => {
    const a = await fresh();
    const { deal } = await t.crm.deals.create(a.alice, { title: 'Listed deal' });
    const jane = await contactIn(a, 'Jane Doe');
    const mk = (title: string, extra: Record<string, unknown> = {}) => t.crm.tasks.create(a.alice, { title, ...extra });
    await mk('Undated'); // T-1
    await mk('Later', { due: '2026-12-10' }); // T-2
    await mk('Overdue', { due: '2026-11-20', deal: deal.ref }); // T-3
    await mk('Today', { due: '2026-11-24', contactId: jane.id }); // T-4
    await mk('Also later', { due: '2026-12-10' }); // T-5
    await mk('Bob’s', { assignee: { handle: 'bob' }, deal: deal.ref }); // T-6
    const done = await mk('Done already', { due: '2026-11-01' }); // T-7
    await t.crm.tasks.complete(a.alice, done.task.ref);

    const mine = await t.crm.tasks.list(a.alice, { type: 'mine' });
    expect(mine.heading).toBe('Your open tasks');
    expect(mine.items.map((x) => `${x.ref} ${x.title}`)).toEqual(['T-3 Overdue', 'T-4 Today', 'T-2 Later', 'T-5 Also later', 'T-1 Undated']);
    expect(mine.items.map((x) => [x.overdue, x.dueToday])).toEqual([[true, false], [false, true], [false, false], [false, false], [false, false]]);
    expect(mine).toMatchObject({ total: 5, totalCapped: false, page: 1, hasMore: false, source: { scope: { type: 'mine' } } });

    const overdue = await t.crm.tasks.list(a.alice, { type: 'overdue' });
    expect(overdue.heading).toBe('Overdue tasks');
    expect(overdue.items.map((x) => x.ref)).toEqual(['T-3']);

    const bobs = await t.crm.tasks.list(a.alice, { type: 'person', person: { handle: 'bob' } });
    expect(bobs.heading).toBe('Bob Brown’s open tasks');
    expect(bobs.items.map((x) => x.ref)).toEqual(['T-6']);
    expect((await t.crm.tasks.list(a.alice, { type: 'person', person: { handle: 'alice' } })).heading).toBe('Your open tasks');
    await expect(t.crm.tasks.list(a.alice, { type: 'person', person: { handle: 'zed' } })).rejects.toMatchObject({
      code: DomainErrorCode.UnknownMember,
      message: expect.stringContaining('@zed'),
    });

    const onDeal = await t.crm.tasks.list(a.alice, { type: 'deal', ref: deal.ref });
    expect(onDeal.heading).toBe(`Open tasks on ${deal.ref}`);
    expect(onDeal.items.map((x) => x.ref)).toEqual(['T-3', 'T-6']);

    const forJane = await t.crm.tasks.list(a.alice, { type: 'contact', contactId: jane.id });
    expect(forJane.heading).toBe('Open tasks for Jane Doe');
    expect(forJane.items.map((x) => x.ref)).toEqual(['T-4']);

    // Paged like deal lists.
    const page1 = await t.crm.tasks.list(a.alice, { type: 'mine' }, { pageSize: 2 });
    const page3 = await t.crm.tasks.list(a.alice, { type: 'mine' }, { page: 3, pageSize: 2 });
    expect(page1).toMatchObject({ total: 5, hasMore: true, pageSize: 2 });
    expect(page1.items.map((x) => x.ref)).toEqual(['T-3', 'T-4']);
    expect(page3).toMatchObject({ total: 5, hasMore: false, page: 3 });
    expect(page3.items.map((x) => x.ref)).toEqual(['T-1']);
  });

  it('reads overdue in the reader’s own calendar', async () => {
    const a = await fresh();
    await t.crm.tasks.create(a.alice, { title: 'Alice’s', due: '2026-11-24' });
    await t.crm.tasks.create(a.bob, { title: 'Bob’s', due: '2026-11-24' });
    // 03:00 UTC on the 25th: already the 25th in Berlin, still the 24th in New York.
    t.clock.set('2026-11-25T03:00:00.000Z');
    expect((await t.crm.tasks.list(a.alice, { type: 'overdue' })).items.map((x) => x.title)).toEqual(['Alice’s']);
    expect((await t.crm.tasks.list(a.bob, { type: 'overdue' })).items).toEqual([]);
    expect((await t.crm.tasks.get(a.bob, 'T-2')).dueToday).toBe(true);
  });

  it('shows another workspace nothing', async () => {
    const a = await fresh();
    const { deal } = await t.crm.deals.create(a.alice, { title: 'Private' });
    const jane = await contactIn(a, 'Jane Private');
    const { task } = await t.crm.tasks.create(a.alice, { title: 'Secret', deal: deal.ref, contactId: jane.id, due: '2026-11-01' });
    const b = await fresh();
    for (const scope of [{ type: 'mine' }, { type: 'overdue' }] as const) {
      expect((await t.crm.tasks.list(b.alice, scope)).items).toEqual([]);
    }
    await expect(t.crm.tasks.list(b.alice, { type: 'deal', ref: deal.id })).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(t.crm.tasks.list(b.alice, { type: 'contact', contactId: jane.id })).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(t.crm.tasks.complete(b.alice, task.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(t.crm.tasks.snooze(b.alice, task.id, 1)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    expect(await t.crm.tasks.get(a.alice, task.ref)).toMatchObject({ done: false, due: '2026-11-01' });
  });
});

describe('done', () => {
  it('completes once, logs “Done: …” on the deal and the contact and a task_done entry; twice changes nothing', async () => {
    const a = await fresh();
    const { deal } = await t.crm.deals.create(a.alice, { title: 'Finish me' });
    const jane = await contactIn(a, 'Jane Done');
    const { task } = await t.crm.tasks.create(a.alice, { title: 'Send the quote', deal: deal.ref, contactId: jane.id });
    t.clock.advance(DAY);
    const first = await t.crm.tasks.complete(a.bob, task.ref, { source: 'slack' });
    expect(first).toMatchObject({ changed: true, task: { ref: task.ref, done: true, actions: [] } });
    expect(first.task.doneAt?.toISOString()).toBe(t.clock.now().toISOString());
    const again = await t.crm.tasks.complete(a.bob, task.ref);
    expect(again).toMatchObject({ changed: false, task: { done: true } });

    const logged = await activitiesOf({ dealId: deal.id });
    expect(logged.map((x) => [x.body, x.contactId, x.author?.displayName, x.source])).toEqual([['Done: Send the quote', jane.id, 'Bob Brown', 'slack']]);
    expect(await activitiesOf({ contactId: jane.id })).toHaveLength(1);
    expect((await eventsOf(deal.id, 'task_done')).map((e) => [e.fromValue, e.toValue])).toEqual([[task.ref, 'Send the quote']]);
    const detail = await t.crm.deals.get(a.alice, deal.ref);
    expect(detail.timeline.filter((e) => e.at.getTime() === t.clock.now().getTime()).map((e) => [e.kind, e.type, e.body, e.actor])).toEqual([
      ['event', 'task_done', null, 'Bob Brown'],
      ['activity', 'task', 'Done: Send the quote', 'Bob Brown'],
    ]);
    expect(detail.lastActivityAt.toISOString()).toBe(t.clock.now().toISOString());
    expect((await t.crm.tasks.list(a.alice, { type: 'mine' })).items).toEqual([]);
  });

  it('three Done clicks at once: one acts, one timeline entry', async () => {
    const a = await fresh();
    const { deal } = await t.crm.deals.create(a.alice, { title: 'Clicked' });
    const { task } = await t.crm.tasks.create(a.alice, { title: 'Call back', deal: deal.ref });
    const { task: loose } = await t.crm.tasks.create(a.alice, { title: 'No deal', contactId: (await contactIn(a, 'Loose Contact')).id });
    const results = await Promise.all([1, 2, 3].flatMap(() => [t.crm.tasks.complete(a.alice, task.ref), t.crm.tasks.complete(a.alice, loose.ref)]));
    expect(results.filter((r) => r.changed).map((r) => r.task.ref).sort()).toEqual([task.ref, loose.ref].sort());
    expect(results.every((r) => r.task.done)).toBe(true);
    expect(await activitiesOf({ dealId: deal.id })).toHaveLength(1);
    expect(await activitiesOf({ contactId: loose.contact!.id })).toHaveLength(1);
    expect(await eventsOf(deal.id, 'task_done')).toHaveLength(1);
  });
});

describe('snooze', () => {
  it('moves the due date from today or its due date, whichever is later', async () => {
    const a = await fresh();
    const overdue = (await t.crm.tasks.create(a.alice, { title: 'Late', due: '2026-11-20' })).task;
    const later = (await t.crm.tasks.create(a.alice, { title: 'Later', due: '2026-12-01' })).task;
    const undated = (await t.crm.tasks.create(a.alice, { title: 'Whenever' })).task;
    expect(await t.crm.tasks.snooze(a.alice, overdue.ref)).toMatchObject({ changed: true, until: '2026-11-25', task: { due: '2026-11-25', overdue: false } });
    expect(await t.crm.tasks.snooze(a.alice, later.ref, 2)).toMatchObject({ changed: true, until: '2026-12-03' });
    expect(await t.crm.tasks.snooze(a.alice, undated.ref, 7)).toMatchObject({ changed: true, until: '2026-12-01' });
    for (const days of [0, 31, 1.5]) {
      await expect(t.crm.tasks.snooze(a.alice, later.ref, days)).rejects.toMatchObject({
        code: DomainErrorCode.InvalidInput,
        message: 'Snooze a task for 1 to 30 days.',
      });
    }
    await t.crm.tasks.complete(a.alice, later.ref);
    await expect(t.crm.tasks.snooze(a.alice, later.ref)).rejects.toMatchObject({
      code: DomainErrorCode.Conflict,
      message: `${later.ref} is already done, so there is nothing to snooze.`,
    });
  });

  it('a click carrying the date it was shown moves the task once, however often it arrives', async () => {
    const a = await fresh();
    const { task } = await t.crm.tasks.create(a.alice, { title: 'Snoozy', due: '2026-11-24' });
    const results = await Promise.all([1, 2, 3].map(() => t.crm.tasks.snooze(a.alice, task.ref, 1, { from: task.due })));
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(results.map((r) => r.until)).toEqual(['2026-11-25', '2026-11-25', '2026-11-25']);
    const replay = await t.crm.tasks.snooze(a.alice, task.ref, 1, { from: task.due });
    expect(replay).toMatchObject({ changed: false, until: '2026-11-25' });
    expect((await t.crm.tasks.get(a.alice, task.ref)).due).toBe('2026-11-25');
  });
});

describe('a deal’s next action is its first open task', () => {
  it('follows the earliest open task as tasks are added, done, snoozed, edited and removed', async () => {
    const a = await fresh();
    const { deal } = await t.crm.deals.create(a.alice, { title: 'Mirror', nextAction: 'Send the quote', nextActionDue: '2026-12-05' });
    const next = async () => (await t.crm.deals.get(a.alice, deal.ref)).nextAction;
    // Creating the deal with a next action made it a task.
    const initial = await t.crm.tasks.list(a.alice, { type: 'deal', ref: deal.ref });
    expect(initial.items.map((x) => [x.ref, x.title, x.due, x.assignee?.displayName])).toEqual([['T-1', 'Send the quote', '2026-12-05', 'Alice Adams']]);
    expect(await next()).toMatchObject({ text: 'Send the quote', due: '2026-12-05' });

    const earlier = (await t.crm.tasks.create(a.alice, { title: 'Call first', due: '2026-12-01', deal: deal.ref })).task;
    expect(await next()).toMatchObject({ text: 'Call first', due: '2026-12-01' });
    await t.crm.tasks.create(a.alice, { title: 'Someday', deal: deal.ref }); // undated: never before a dated one
    expect(await next()).toMatchObject({ text: 'Call first' });

    await t.crm.tasks.complete(a.alice, earlier.ref);
    expect(await next()).toMatchObject({ text: 'Send the quote', due: '2026-12-05' });

    const edited = await t.crm.tasks.edit(a.alice, 'T-1', { title: 'Send the revised quote', due: '2026-12-04' });
    expect(edited.changed).toBe(true);
    expect(await next()).toMatchObject({ text: 'Send the revised quote', due: '2026-12-04' });

    await t.crm.tasks.snooze(a.alice, 'T-1', 3);
    expect(await next()).toMatchObject({ text: 'Send the revised quote', due: '2026-12-07' });

    await t.crm.tasks.remove(a.alice, 'T-1');
    expect(await next()).toMatchObject({ text: 'Someday', due: null });
    await t.crm.tasks.complete(a.alice, 'T-3');
    expect(await next()).toBeNull();
    const row = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(row).toMatchObject({ nextAction: null, nextActionDueAt: null });
  });

  it('setting the next action edits the first open task, and creates one (for the deal’s owner) only when there is none', async () => {
    const a = await fresh();
    const { deal } = await t.crm.deals.create(a.alice, { title: 'Set next', owner: { handle: 'bob' } });
    const set = (action: string, due?: string) => t.crm.deals.setNextAction(a.alice, deal.ref, { action, due });
    expect((await set('Call Jane', '2026-12-01')).nextAction).toMatchObject({ text: 'Call Jane', due: '2026-12-01' });
    const created = await t.crm.tasks.list(a.alice, { type: 'deal', ref: deal.ref });
    expect(created.items.map((x) => [x.ref, x.title, x.assignee?.displayName])).toEqual([['T-1', 'Call Jane', 'Bob Brown']]);

    await t.crm.tasks.create(a.alice, { title: 'Prepare', due: '2026-12-03', deal: deal.ref });
    expect((await set('Call Jane and Joe', '2026-12-02')).nextAction).toMatchObject({ text: 'Call Jane and Joe', due: '2026-12-02' });
    const after = await t.crm.tasks.list(a.alice, { type: 'deal', ref: deal.ref });
    expect(after.items.map((x) => [x.ref, x.title, x.due])).toEqual([
      ['T-1', 'Call Jane and Joe', '2026-12-02'],
      ['T-2', 'Prepare', '2026-12-03'],
    ]);
    // The same again: nothing changes, no second timeline entry.
    await set('Call Jane and Joe', '2026-12-02');
    expect((await eventsOf(deal.id, 'next_action')).map((e) => [e.fromValue, e.toValue])).toEqual([
      [null, 'Call Jane (by 2026-12-01)'],
      ['Call Jane (by 2026-12-01)', 'Call Jane and Joe (by 2026-12-02)'],
    ]);
    expect(await t.handle.db.task.count({ where: { dealId: deal.id } })).toBe(2);
  });

  it('closing a deal clears its next action (that task is closed); reopening shows the next open task', async () => {
    const a = await fresh();
    const { deal } = await t.crm.deals.create(a.alice, { title: 'Close me', nextAction: 'Send the contract', nextActionDue: '2026-12-01' });
    await t.crm.tasks.create(a.alice, { title: 'Thank-you gift', due: '2026-12-10', deal: deal.ref });
    const won = await t.crm.deals.markWon(a.alice, deal.ref);
    expect(won.nextAction).toBeNull();
    expect(await t.crm.tasks.get(a.alice, 'T-1')).toMatchObject({ done: true });
    expect(await t.crm.tasks.get(a.alice, 'T-2')).toMatchObject({ done: false });
    // A task added to a closed deal stays a task; the deal still shows no next action.
    await t.crm.tasks.create(a.alice, { title: 'Check in after a month', due: '2026-12-24', deal: deal.ref });
    expect((await t.crm.deals.get(a.alice, deal.ref)).nextAction).toBeNull();
    const reopened = await t.crm.deals.moveStage(a.alice, deal.ref, 'qualified');
    expect(reopened.nextAction).toMatchObject({ text: 'Thank-you gift', due: '2026-12-10' });
  });

  it('three tasks added to one deal at once: the deal shows the earliest', async () => {
    const a = await fresh();
    const { deal } = await t.crm.deals.create(a.alice, { title: 'Busy' });
    const dues = ['2026-12-03', '2026-12-01', '2026-12-02'];
    const made = await Promise.all(dues.map((due, i) => t.crm.tasks.create(a.alice, { title: `Task ${i}`, due, deal: deal.ref })));
    expect(made.map((m) => m.task.ref).sort()).toEqual(['T-1', 'T-2', 'T-3']);
    expect((await t.crm.deals.get(a.alice, deal.ref)).nextAction).toMatchObject({ text: 'Task 1', due: '2026-12-01' });
  });
});

describe('the morning nudge', () => {
  it('lists the person’s due tasks that the nudge does not already show as one of their deals’ next actions', async () => {
    const a = await fresh();
    const mine = (await t.crm.deals.create(a.alice, { title: 'Alice’s deal', nextAction: 'Call', nextActionDue: '2026-11-24' })).deal;
    await t.crm.tasks.create(a.alice, { title: 'Second on my deal', due: '2026-11-23', deal: mine.ref });
    const bobsDeal = (await t.crm.deals.create(a.bob, { title: 'Bob’s deal' })).deal;
    await t.crm.tasks.create(a.bob, { title: 'Help Bob', due: '2026-11-22', deal: bobsDeal.ref, assignee: { handle: 'alice' } });
    await t.crm.tasks.create(a.alice, { title: 'Expenses', due: '2026-11-24' });
    await t.crm.tasks.create(a.alice, { title: 'Not yet', due: '2026-11-25' });
    await t.crm.tasks.create(a.alice, { title: 'Undated' });
    const member = await t.handle.db.member.findUniqueOrThrow({ where: { id: a.alice.memberId } });
    const nudge = await t.crm.nudges.build(member, '2026-11-24');
    // “Second on my deal” (due the 23rd) is now that deal's first open task: its next action.
    expect(nudge?.due.items.map((d) => [d.ref, d.nextAction?.text])).toEqual([[mine.ref, 'Second on my deal']]);
    expect(nudge?.tasksDue?.items.map((x) => x.title)).toEqual(['Help Bob', 'Call', 'Expenses']);
    expect(nudge?.tasksDue).toMatchObject({ total: 3, totalCapped: false });

    // Someone with only a task due still gets a nudge; with nothing due, none.
    const b = await fresh();
    const bob = await t.handle.db.member.findUniqueOrThrow({ where: { id: b.bob.memberId } });
    expect(await t.crm.nudges.build(bob, '2026-11-24')).toBeNull();
    await t.crm.tasks.create(b.bob, { title: 'Renew passport', due: '2026-11-24' });
    expect((await t.crm.nudges.build(bob, '2026-11-24'))?.tasksDue?.items.map((x) => x.title)).toEqual(['Renew passport']);
  });
});
