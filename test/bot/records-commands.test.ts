/**
 * The contact, company, linking, merge and task commands end to end over the domain (on SQLite,
 * or PostgreSQL with TEST_DATABASE_URL): what each answer says, what it changed, and retries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type CommandContext, type Reply } from '../../src/bot/commands/execute.js';
import { silentLogger } from '../../src/log.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;
let other: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb(); // Tuesday 2026-11-24, 11:00 in Berlin
  w = await seedWorkspace(t.crm);
  other = await seedWorkspace(t.crm, 'T-OTHER', 'Other Co');
});
afterAll(async () => t.cleanup());

const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({ crm: t.crm, actor: w.alice, surface: 'slack', log: silentLogger, ...over });
const run = (text: string, over?: Partial<CommandContext>) => executeCommand(ctx(over), text);
function expectKind<K extends Reply['kind']>(reply: Reply, kind: K): Extract<Reply, { kind: K }> {
  if (reply.kind !== kind) throw new Error(`expected a ${kind} reply, got ${reply.kind}: ${'message' in reply ? reply.message : ''}`);
  return reply as Extract<Reply, { kind: K }>;
}

describe('contacts', () => {
  it('creates a contact with its company, once per delivery, and shows the card', async () => {
    const first = expectKind(await run('contact new Jane Doe jane@acme.com +1 415 555 0100 VP Sales at Acme', { deliveryId: 'trigger-1' }), 'contact');
    expect(first.headline).toBe('Added Jane Doe.');
    expect(first.contact).toMatchObject({ name: 'Jane Doe', email: 'jane@acme.com', phone: '+1 415 555 0100', title: 'VP Sales', company: { name: 'Acme' }, owner: { displayName: 'Alice Adams' } });
    expect(first.contact.actions.map((a) => a.id)).toEqual(expect.arrayContaining(['contact.edit', 'contact.new_task']));
    const again = expectKind(await run('contact new Jane Doe jane@acme.com +1 415 555 0100 VP Sales at Acme', { deliveryId: 'trigger-1' }), 'contact');
    expect(again.headline).toBe('Jane Doe was already added.');
    expect(await t.handle.db.contact.count({ where: { workspaceId: w.workspaceId, name: 'Jane Doe' } })).toBe(1);
    const shown = expectKind(await run('contact JANE@acme.com'), 'contact');
    expect(shown.contact.id).toBe(first.contact.id);
  });

  it('catches a duplicate, names it, and creates another only when asked', async () => {
    const sameEmail = expectKind(await run('contact new Janet jane@acme.com'), 'duplicate');
    expect(sameEmail.message).toContain('Jane Doe');
    expect(sameEmail.createAnyway).toBeNull();
    const sameName = expectKind(await run('contact new Jane Doe at Acme'), 'duplicate');
    expect(sameName.existing).toMatchObject({ record: 'contact', contact: { name: 'Jane Doe', email: 'jane@acme.com' } });
    expect(sameName.createAnyway).toBe('/deal contact new "Jane Doe" at Acme anyway');
    expect(await t.handle.db.contact.count({ where: { workspaceId: w.workspaceId, name: 'Jane Doe' } })).toBe(1);
    const anyway = expectKind(await run(sameName.createAnyway ?? ''), 'contact');
    expect(anyway.headline).toBe('Added Jane Doe.');
    expect(await t.handle.db.contact.count({ where: { workspaceId: w.workspaceId, name: 'Jane Doe' } })).toBe(2);
    // Two Jane Does now: the name alone lists both.
    const both = expectKind(await run('contact Jane Doe'), 'contacts');
    expect(both.list.items).toHaveLength(2);
    expect(both.hint).toContain('Several match');
  });

  it('edits one field, and lists the people at a company', async () => {
    const edited = expectKind(await run('contact edit jane@acme.com title Chief Revenue Officer'), 'contact');
    expect(edited.headline).toBe('Saved Jane Doe’s title.');
    expect(edited.contact.title).toBe('Chief Revenue Officer');
    const at = expectKind(await run('contacts Acme'), 'contacts');
    expect(at.list.items.map((c) => c.name)).toEqual(['Jane Doe', 'Jane Doe']);
    const unknown = expectKind(await run('contact nobody@nowhere.example'), 'error');
    expect(unknown.message).toContain('No contact matches');
  });

  it('another workspace sees none of them', async () => {
    const reply = expectKind(await run('contact jane@acme.com', { actor: other.alice }), 'error');
    expect(reply.message).toContain('No contact matches');
    expect(expectKind(await run('contacts all', { actor: other.alice }), 'contacts').list.total).toBe(0);
  });
});

describe('companies', () => {
  it('creates, refuses the same domain, and shows the pipeline value and won revenue', async () => {
    const created = expectKind(await run('company new Globex globex.example', { deliveryId: 'c-1' }), 'company');
    expect(created.company).toMatchObject({ name: 'Globex', domain: 'globex.example' });
    const dup = expectKind(await run('company new Globex Corp https://www.globex.example'), 'duplicate');
    expect(dup.message).toContain('Globex');
    expect(dup.createAnyway).toBeNull();
    await run('new Globex pilot 40k');
    await t.crm.deals.edit(w.alice, 'D-1', { companyName: 'Globex' }).catch(() => undefined);
    const card = expectKind(await run('company globex.example'), 'company');
    expect(card.company.name).toBe('Globex');
    expect(card.company.actions.map((a) => a.id)).toEqual(expect.arrayContaining(['company.edit', 'company.new_contact']));
    const list = expectKind(await run('companies glob'), 'companies');
    expect(list.list.items.map((c) => c.name)).toEqual(['Globex']);
  });
});

describe('linking, merging', () => {
  it('puts a contact on a deal and takes them off; twice changes nothing', async () => {
    const { deal } = expectKind(await run('new Acme expansion 30k'), 'deal');
    await run('contact new Ana Lopez ana@acme.com at Acme');
    const added = expectKind(await run(`${deal.ref} add ana@acme.com`), 'deal');
    expect(added.headline).toBe(`Ana Lopez is now on ${deal.ref}.`);
    expect('contacts' in added.deal && added.deal.contacts.map((c) => c.name)).toEqual(['Ana Lopez']);
    expect(expectKind(await run(`${deal.ref} add Ana Lopez`), 'deal').headline).toBe(`Ana Lopez was already on ${deal.ref}. Nothing changed.`);
    const card = expectKind(await run('contact ana@acme.com'), 'contact');
    expect(card.contact.openDeals.map((d) => d.ref)).toEqual([deal.ref]);
    expect(expectKind(await run(`${deal.ref} remove ana@acme.com`), 'deal').headline).toBe(`Ana Lopez is no longer on ${deal.ref}.`);
  });

  it('merges two records of one person: deals and tasks move, the merged one is gone', async () => {
    const { deal } = expectKind(await run('new Merge me 5k'), 'deal');
    await run('contact new Ana L. ana.l@acme.com at Acme');
    await run(`${deal.ref} add ana.l@acme.com`);
    await run('task ana.l@acme.com call back by friday');
    const merged = expectKind(await run('merge contact ana.l@acme.com into ana@acme.com'), 'contact');
    expect(merged.headline).toBe('Merged Ana L. (ana.l@acme.com) into Ana Lopez: 1 deal, 0 activities, 1 task moved.');
    expect(merged.contact.openDeals.map((d) => d.ref)).toContain(deal.ref);
    expect(merged.contact.nextTask?.title).toBe('call back');
    expect(await t.handle.db.contact.count({ where: { workspaceId: w.workspaceId, email: 'ana.l@acme.com' } })).toBe(0);
    expect(expectKind(await run('contact ana.l@acme.com'), 'error').message).toContain('No contact matches');
  });
});

describe('tasks', () => {
  it('a task on a deal becomes its next action; done twice completes once', async () => {
    const { deal } = expectKind(await run('new Tasked deal 12k'), 'deal');
    const created = expectKind(await run(`task ${deal.ref} Send the quote by 2027-01-15`, { deliveryId: 't-1' }), 'task');
    expect(created.headline).toMatch(/^Added T-\d+\.$/);
    expect(created.task).toMatchObject({ title: 'Send the quote', due: '2027-01-15', deal: { ref: deal.ref }, assignee: { displayName: 'Alice Adams' } });
    expect(expectKind(await run(`task ${deal.ref} Send the quote by 2027-01-15`, { deliveryId: 't-1' }), 'task').headline).toBe(`${created.task.ref} was already added.`);
    const shown = expectKind(await run(deal.ref), 'deal');
    expect(shown.deal.nextAction).toMatchObject({ text: 'Send the quote', due: '2027-01-15' });
    const mine = expectKind(await run('tasks mine'), 'tasks');
    expect(mine.list.items.map((x) => x.ref)).toContain(created.task.ref);
    const done = expectKind(await run(`done ${created.task.ref}`), 'task');
    expect(done.headline).toContain(`Done: ${created.task.ref} “Send the quote”.`);
    expect(done.task.done).toBe(true);
    expect(expectKind(await run(`done ${created.task.ref}`), 'task').headline).toBe(`${created.task.ref} was already done. Nothing changed.`);
    const logged = await t.handle.db.activity.count({ where: { workspaceId: w.workspaceId, type: 'task', body: { contains: 'Send the quote' } } });
    expect(logged).toBe(1);
    expect(expectKind(await run(deal.ref), 'deal').deal.nextAction).toBeNull();
  });

  it('assigns to a colleague, lists theirs, snoozes, and refuses what is not a task', async () => {
    const created = expectKind(await run('task book the demo by 2026-11-25 @bob'), 'task');
    expect(created.task.assignee?.displayName).toBe('Bob Brown');
    expect(expectKind(await run('tasks @bob'), 'tasks').list.items.map((x) => x.ref)).toEqual([created.task.ref]);
    const snoozed = expectKind(await run(`snooze ${created.task.ref} 2`), 'task');
    expect(snoozed.task.due).toBe('2026-11-27');
    expect(expectKind(await run('done D-1'), 'error').message).toContain('D-1 is a deal');
    expect(expectKind(await run('done T-999'), 'error').message).toMatch(/can.t find|No task/i);
    expect(expectKind(await run(`done ${created.task.ref}`, { actor: other.alice }), 'error').message).toMatch(/can.t find|No task/i);
  });
});
