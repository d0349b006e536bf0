/**
 * Issue 14: contacts as records of their own. Creating one (both kinds of duplicate, a retried
 * delivery), finding the one a person meant, the contact card, editing, lists, linking contacts
 * to deals, and workspaces kept apart. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrm, DomainErrorCode } from '../../src/domain/index.js';
import { seedDemo } from '../../src/db/demo-seed.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';

const DB = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
});
afterAll(async () => t.cleanup());

let workspaces = 0;
/** A workspace of its own, for tests that count what a workspace holds. */
const freshWorkspace = () => seedWorkspace(t.crm, `T-CONTACTS-${++workspaces}`, `Contacts ${workspaces}`);

describe(`creating a contact (${DB})`, () => {
  it('creates it with its company, owned by whoever created it', async () => {
    const { contact, created } = await t.crm.contacts.create(w.alice, {
      name: 'Jane Doe',
      email: 'Jane@Acme.com',
      phone: '+1 415 555 0100',
      title: 'CTO',
      companyName: 'Acme',
    });
    expect(created).toBe(true);
    expect(contact).toMatchObject({
      name: 'Jane Doe',
      email: 'jane@acme.com',
      phone: '+1 415 555 0100',
      title: 'CTO',
      company: { name: 'Acme' },
      owner: { id: w.alice.memberId, displayName: 'Alice Adams', handle: 'alice' },
    });
  });

  it('gives it to another member when asked, and refuses someone who is not in the workspace', async () => {
    const { contact } = await t.crm.contacts.create(w.alice, { name: 'Owned By Bob', ownerId: w.bob.memberId });
    expect(contact.owner?.displayName).toBe('Bob Brown');
    const other = await freshWorkspace();
    await expect(t.crm.contacts.create(w.alice, { name: 'Stranger owned', ownerId: other.alice.memberId })).rejects.toMatchObject({
      code: DomainErrorCode.UnknownMember,
    });
  });

  it('refuses the same email, even when told to create anyway, naming the contact who has it', async () => {
    const { contact: first } = await t.crm.contacts.create(w.alice, { name: 'Maya Lin', email: 'maya@initrode.com' });
    for (const allowDuplicate of [false, true]) {
      await expect(
        t.crm.contacts.create(w.bob, { name: 'Someone Else', email: 'MAYA@initrode.com', allowDuplicate }),
      ).rejects.toMatchObject({
        code: DomainErrorCode.Duplicate,
        message: 'Maya Lin already has the email maya@initrode.com.',
        details: { existingId: first.id, record: 'contact', emailTaken: true, field: 'email' },
      });
    }
    expect(await t.handle.db.contact.count({ where: { workspaceId: w.workspaceId, email: 'maya@initrode.com' } })).toBe(1);
  });

  it('refuses the same name at the same company unless asked to create anyway', async () => {
    const { contact: first } = await t.crm.contacts.create(w.alice, { name: 'Tom Smykowski', email: 'tom@initech.test', companyName: 'Initech' });
    await expect(t.crm.contacts.create(w.alice, { name: 'tom  SMYKOWSKI', companyName: 'initech' })).rejects.toMatchObject({
      code: DomainErrorCode.Duplicate,
      message: 'Tom Smykowski at Initech already exists (tom@initech.test).',
      details: { existingId: first.id, record: 'contact', emailTaken: false },
    });
    const anyway = await t.crm.contacts.create(w.alice, { name: 'Tom Smykowski', companyName: 'Initech', allowDuplicate: true });
    expect(anyway.created).toBe(true);
    expect(anyway.contact.id).not.toBe(first.id);
    // The same name at another company is another person.
    expect((await t.crm.contacts.create(w.alice, { name: 'Tom Smykowski', companyName: 'Initrode' })).created).toBe(true);
  });

  it('creates nothing new for a retried delivery, even when the retries race', async () => {
    const input = { name: 'Retried Rita', email: 'rita@retry.test', idempotencyKey: 'slack:view:V1:contact' };
    const results = await Promise.all([1, 2, 3].map(() => t.crm.contacts.create(w.alice, input)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.contact.id)).size).toBe(1);
    const again = await t.crm.contacts.create(w.alice, input);
    expect(again).toMatchObject({ created: false, contact: { id: results[0]!.contact.id, name: 'Retried Rita' } });
    expect(await t.handle.db.contact.count({ where: { workspaceId: w.workspaceId, email: 'rita@retry.test' } })).toBe(1);
  });
});

describe(`finding the contact a person meant (${DB})`, () => {
  let ws: TestWorkspace;
  let peter: string;

  beforeAll(async () => {
    ws = await freshWorkspace();
    peter = (await t.crm.contacts.create(ws.alice, { name: 'Peter Gibbons', email: 'peter@initech.test', companyName: 'Initech' })).contact.id;
    await t.crm.contacts.create(ws.alice, { name: 'Peter Gibbons Jr', email: 'junior@initech.test' });
    for (let i = 1; i <= 6; i++) await t.crm.contacts.create(ws.alice, { name: `Sam Smith ${i}`, email: `sam${i}@smith.test` });
    await t.crm.contacts.create(ws.alice, { name: 'Joanna', email: 'joanna@chotchkies.test', companyName: 'Chotchkies' });
    await t.crm.contacts.create(ws.alice, { name: 'Joanna', companyName: 'Flingers' });
  });

  it('by id, by email in any case, and by exact name', async () => {
    expect((await t.crm.contacts.resolve(ws.alice, peter)).name).toBe('Peter Gibbons');
    expect((await t.crm.contacts.resolve(ws.alice, 'PETER@initech.test')).id).toBe(peter);
    // "Peter Gibbons" is also in "Peter Gibbons Jr": the exact name wins.
    expect((await t.crm.contacts.resolve(ws.alice, 'peter gibbons')).id).toBe(peter);
  });

  it('by the one contact a search finds', async () => {
    expect((await t.crm.contacts.resolve(ws.alice, 'junior@')).name).toBe('Peter Gibbons Jr');
    expect((await t.crm.contacts.resolve(ws.alice, 'gibbons j')).name).toBe('Peter Gibbons Jr');
  });

  it('names up to five candidates when several match', async () => {
    const err = await t.crm.contacts.resolve(ws.alice, 'sam smith').catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: DomainErrorCode.Ambiguous,
      message: 'Several contacts match “sam smith”: Sam Smith 1 (sam1@smith.test), Sam Smith 2 (sam2@smith.test), Sam Smith 3 (sam3@smith.test), Sam Smith 4 (sam4@smith.test), Sam Smith 5 (sam5@smith.test) and more. Say which one, by email or full name.',
    });
    expect((err as { details: { choices: string[] } }).details.choices).toHaveLength(5);
    const joanna = await t.crm.contacts.resolve(ws.alice, 'Joanna').catch((e: unknown) => e);
    expect(joanna).toMatchObject({ code: DomainErrorCode.Ambiguous });
    expect((joanna as { details: { choices: string[] } }).details.choices.sort()).toEqual(['Joanna (Flingers)', 'Joanna (joanna@chotchkies.test)']);
  });

  it('says so when nothing matches, and never finds another workspace’s contact', async () => {
    await expect(t.crm.contacts.resolve(ws.alice, 'Nobody Here')).rejects.toMatchObject({
      code: DomainErrorCode.NotFound,
      message: 'No contact matches “Nobody Here”.',
    });
    await expect(t.crm.contacts.resolve(w.alice, 'peter@initech.test')).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(t.crm.contacts.resolve(w.alice, peter)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
  });
});

describe(`the contact card (${DB})`, () => {
  it('shows their open deals newest first (at most 10), latest activity on them or their deals, next task and actions', async () => {
    const ws = await freshWorkspace();
    const { contact } = await t.crm.contacts.create(ws.alice, { name: 'Carla Card', email: 'carla@card.test', companyName: 'Cardco' });
    const refs: string[] = [];
    for (let i = 1; i <= 12; i++) {
      t.clock.advance(60_000);
      const { deal } = await t.crm.deals.create(ws.alice, { title: `Card deal ${i}`, amount: usd(1000 * i), contactIds: [contact.id] });
      refs.push(deal.ref);
    }
    await t.crm.deals.markWon(ws.alice, refs[0]!);
    await t.crm.deals.archive(ws.alice, refs[1]!);
    const { deal: unrelated } = await t.crm.deals.create(ws.alice, { title: 'Not hers' });

    const at = (minutes: number) => new Date(t.clock.now().getTime() - minutes * 60_000);
    await t.crm.activities.log(ws.alice, { contactId: contact.id, type: 'call', body: 'Called Carla', occurredAt: at(50) });
    await t.crm.activities.log(ws.alice, { deal: refs[5]!, type: 'email', body: 'Quote for deal 6', occurredAt: at(40) });
    await t.crm.activities.log(ws.alice, { deal: refs[0]!, contactId: contact.id, type: 'meeting', body: 'Won meeting', occurredAt: at(30) });
    await t.crm.activities.log(ws.alice, { deal: unrelated.ref, type: 'note', body: 'Someone else’s deal', occurredAt: at(1) });
    await t.crm.activities.log(ws.alice, { deal: refs[11]!, type: 'note', body: 'Newest on deal 12', occurredAt: at(5) });
    await t.crm.activities.log(ws.alice, { contactId: contact.id, type: 'note', body: 'Newest on Carla', occurredAt: at(2) });
    await t.crm.activities.log(ws.alice, { contactId: contact.id, type: 'note', body: 'Oldest on Carla', occurredAt: at(500) });

    await t.crm.tasks.create(ws.alice, { title: 'Undated', contactId: contact.id });
    const { task: done } = await t.crm.tasks.create(ws.alice, { title: 'Done already', contactId: contact.id, due: '2026-01-01' });
    await t.crm.tasks.complete(ws.alice, done.ref);
    await t.crm.tasks.create(ws.alice, { title: 'Send the contract', contactId: contact.id, due: '2026-11-20', assignee: { handle: 'bob' } });
    await t.crm.tasks.create(ws.alice, { title: 'Later', contactId: contact.id, due: '2026-12-20' });

    const card = await t.crm.contacts.card(ws.alice, contact.id);
    expect(card).toMatchObject({ name: 'Carla Card', email: 'carla@card.test', company: { name: 'Cardco' }, owner: { handle: 'alice' } });
    expect(card.openDealCount).toBe(10);
    expect(card.openDeals.map((d) => d.title)).toEqual(Array.from({ length: 10 }, (_, i) => `Card deal ${12 - i}`));
    expect(card.openDeals[0]).toMatchObject({ ref: refs[11], status: 'open', amountText: '$12,000' });
    // Completing a task logged it on her timeline, just now.
    expect(card.recentActivity.map((a) => a.body)).toEqual([
      'Done: Done already',
      'Newest on Carla',
      'Newest on deal 12',
      'Won meeting',
      'Quote for deal 6',
    ]);
    expect(card.recentActivity[0]).toMatchObject({ type: 'task', contact: { id: contact.id } });
    expect(card.recentActivity[2]).toMatchObject({ type: 'note', actor: 'Alice Adams', deal: { ref: refs[11], title: 'Card deal 12' }, contact: null });
    expect(card.recentActivity[3]).toMatchObject({ deal: { ref: refs[0] }, contact: { id: contact.id, name: 'Carla Card' } });
    expect(card.openTaskCount).toBe(3);
    expect(card.nextTask).toMatchObject({
      title: 'Send the contract',
      due: '2026-11-20',
      overdue: true,
      done: false,
      contact: { id: contact.id, name: 'Carla Card' },
      assignee: { handle: 'bob' },
    });
    expect(card.nextTask?.ref).toMatch(/^T-\d+$/);
    expect(card.nextTask?.actions.map((a) => [a.id, a.subject])).toEqual([
      ['task.done', card.nextTask?.ref],
      ['task.snooze', card.nextTask?.ref],
    ]);
    expect(card.actions).toEqual([
      { id: 'contact.edit', label: 'Edit', subject: contact.id },
      { id: 'contact.new_task', label: 'Add task', subject: contact.id },
      { id: 'contact.log', label: 'Log activity', subject: contact.id },
    ]);
  });

  it('for a new contact: no deals, no activity, no task', async () => {
    const { contact } = await t.crm.contacts.create(w.bob, { name: 'Nora New' });
    expect(await t.crm.contacts.card(w.bob, contact.id)).toMatchObject({
      company: null,
      owner: { handle: 'bob' },
      openDeals: [],
      openDealCount: 0,
      recentActivity: [],
      nextTask: null,
      openTaskCount: 0,
    });
  });
});

describe(`editing a contact (${DB})`, () => {
  it('changes what is given, detaches the company with null, and refuses an email someone else has', async () => {
    const { contact: lena } = await t.crm.contacts.create(w.alice, { name: 'Lena Edit', email: 'lena@edit.test', companyName: 'Editco' });
    const { contact: other } = await t.crm.contacts.create(w.alice, { name: 'Other Edit', email: 'other@edit.test' });
    const edited = await t.crm.contacts.edit(w.alice, lena.id, { name: 'Lena Edits', title: 'VP Sales', ownerId: w.bob.memberId });
    expect(edited).toMatchObject({ name: 'Lena Edits', title: 'VP Sales', email: 'lena@edit.test', company: { name: 'Editco' }, owner: { handle: 'bob' } });
    expect((await t.crm.contacts.resolve(w.alice, 'lena edits')).id).toBe(lena.id);

    expect((await t.crm.contacts.edit(w.alice, lena.id, { companyName: null })).company).toBeNull();
    expect((await t.crm.contacts.edit(w.alice, lena.id, { companyName: 'New Editco' })).company?.name).toBe('New Editco');

    await expect(t.crm.contacts.edit(w.alice, lena.id, { email: 'OTHER@edit.test' })).rejects.toMatchObject({
      code: DomainErrorCode.Duplicate,
      message: 'Other Edit already has the email other@edit.test.',
      details: { existingId: other.id, emailTaken: true },
    });
    expect((await t.crm.contacts.edit(w.alice, lena.id, { email: 'lena@new.test' })).email).toBe('lena@new.test');
    // Their own email again is not a duplicate of themselves.
    expect((await t.crm.contacts.edit(w.alice, lena.id, { email: 'lena@new.test' })).email).toBe('lena@new.test');

    const stranger = await freshWorkspace();
    await expect(t.crm.contacts.edit(w.alice, lena.id, { ownerId: stranger.alice.memberId })).rejects.toMatchObject({
      code: DomainErrorCode.UnknownMember,
    });
    await expect(t.crm.contacts.edit(stranger.alice, lena.id, { name: 'Hijacked' })).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    expect((await t.crm.contacts.get(w.alice, lena.id)).name).toBe('Lena Edits');
  });
});

describe(`lists of contacts (${DB})`, () => {
  let ws: TestWorkspace;

  beforeAll(async () => {
    ws = await freshWorkspace();
    await t.crm.companies.create(ws.alice, { name: 'Listco', domain: 'listco.test' });
    for (let i = 1; i <= 7; i++) await t.crm.contacts.create(ws.alice, { name: `Alice's contact ${i}`, email: `a${i}@listco.test` });
    for (let i = 1; i <= 3; i++) await t.crm.contacts.create(ws.bob, { name: `Bob's contact ${i}`, companyName: 'Elsewhere' });
  });

  it('mine, all and one company’s, by name', async () => {
    const mine = await t.crm.contacts.list(ws.bob, { type: 'mine' });
    expect(mine).toMatchObject({ heading: 'Your contacts', total: 3, totalCapped: false, hasMore: false, page: 1 });
    expect(mine.items.map((c) => c.name)).toEqual(["Bob's contact 1", "Bob's contact 2", "Bob's contact 3"]);
    const all = await t.crm.contacts.list(ws.bob, { type: 'all' }, { pageSize: 100 });
    expect(all).toMatchObject({ heading: 'All contacts', total: 10 });
    const byDomain = await t.crm.contacts.list(ws.bob, { type: 'company', company: 'listco.test' }, { pageSize: 100 });
    expect(byDomain).toMatchObject({ heading: 'Contacts at Listco', total: 7 });
    expect(byDomain.items.every((c) => c.company?.name === 'Listco')).toBe(true);
    expect((await t.crm.contacts.list(ws.bob, { type: 'company', company: 'elsewhere' })).total).toBe(3);
    await expect(t.crm.contacts.list(ws.bob, { type: 'company', company: 'No Such Co' })).rejects.toMatchObject({
      code: DomainErrorCode.NotFound,
      message: 'No company matches “No Such Co”.',
    });
    expect(await t.crm.contacts.search(ws.bob, 'contact 3')).toMatchObject([{ name: "Alice's contact 3" }, { name: "Bob's contact 3" }]);
  });

  it('pages, and counts only up to the cap', async () => {
    const capped = createCrm(t.handle.db, t.clock, { countCap: 4 });
    const first = await capped.contacts.list(ws.alice, { type: 'mine' }, { pageSize: 3 });
    expect(first).toMatchObject({ total: 4, totalCapped: true, hasMore: true, page: 1, pageSize: 3 });
    expect(first.items.map((c) => c.name)).toEqual(["Alice's contact 1", "Alice's contact 2", "Alice's contact 3"]);
    const third = await capped.contacts.list(ws.alice, { type: 'mine' }, { page: 3, pageSize: 3 });
    expect(third).toMatchObject({ total: 7, totalCapped: false, hasMore: false });
    expect(third.items.map((c) => c.name)).toEqual(["Alice's contact 7"]);
    const past = await capped.contacts.list(ws.alice, { type: 'mine' }, { page: 4, pageSize: 3 });
    expect(past).toMatchObject({ items: [], hasMore: false });
    const search = await capped.contacts.list(ws.alice, { type: 'search', query: 'LISTCO' }, { pageSize: 5 });
    expect(search).toMatchObject({ heading: 'Contacts matching “LISTCO”', total: 5, totalCapped: true, hasMore: true });
    const search2 = await capped.contacts.list(ws.alice, { type: 'search', query: 'LISTCO' }, { page: 2, pageSize: 5 });
    expect(search2.items.map((c) => c.name)).toEqual(["Alice's contact 6", "Alice's contact 7"]);
  });

  it('a search lists name and email matches together, by name, page after page', async () => {
    const ws2 = await freshWorkspace();
    for (const [name, email] of [
      ['Zoe Orbit', 'zoe@orbit.test'],
      ['Orbit Olga', undefined],
      ['Adam Apple', 'adam@orbit.test'],
      ['Mia Moon', 'mia@moon.test'],
      ['Bea Orbital', undefined],
    ] as const) {
      await t.crm.contacts.create(ws2.alice, { name, ...(email && { email }) });
    }
    const first = await t.crm.contacts.list(ws2.alice, { type: 'search', query: 'orbit' }, { pageSize: 2 });
    expect(first.items.map((c) => c.name)).toEqual(['Adam Apple', 'Bea Orbital']);
    expect(first).toMatchObject({ total: 4, hasMore: true });
    const second = await t.crm.contacts.list(ws2.alice, { type: 'search', query: 'orbit' }, { page: 2, pageSize: 2 });
    expect(second.items.map((c) => c.name)).toEqual(['Orbit Olga', 'Zoe Orbit']);
    expect(second.hasMore).toBe(false);
    expect((await t.crm.contacts.list(ws2.alice, { type: 'search', query: 'adam@orbit' })).items.map((c) => c.name)).toEqual(['Adam Apple']);
    expect((await t.crm.contacts.list(ws2.alice, { type: 'search', query: 'bea orb' })).items.map((c) => c.name)).toEqual(['Bea Orbital']);
  });

  it('never lists another workspace’s contacts', async () => {
    const other = await freshWorkspace();
    expect((await t.crm.contacts.list(other.alice, { type: 'all' })).items).toEqual([]);
    expect((await t.crm.contacts.list(other.alice, { type: 'search', query: 'contact' })).items).toEqual([]);
    expect(await t.crm.contacts.search(other.alice, 'contact')).toEqual([]);
    await expect(t.crm.contacts.list(other.alice, { type: 'company', company: 'listco.test' })).rejects.toMatchObject({
      code: DomainErrorCode.NotFound,
    });
  });
});

describe(`contacts on deals (${DB})`, () => {
  it('adds a contact to a deal once, removes it once, and the timeline says so', async () => {
    const { contact } = await t.crm.contacts.create(w.alice, { name: 'Linda Link', email: 'linda@link.test' });
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Linked deal' });
    t.clock.advance(60_000);
    const added = await t.crm.deals.addContact(w.alice, deal.ref, contact.id);
    expect(added.changed).toBe(true);
    expect(added.deal.contacts).toEqual([{ id: contact.id, name: 'Linda Link', email: 'linda@link.test' }]);
    expect(added.deal.timeline[0]).toMatchObject({ kind: 'event', type: 'contact', to: 'Linda Link', from: null, actor: 'Alice Adams' });
    expect((await t.crm.contacts.card(w.alice, contact.id)).openDeals.map((d) => d.ref)).toEqual([deal.ref]);

    const twice = await t.crm.deals.addContact(w.bob, deal.ref, contact.id);
    expect(twice.changed).toBe(false);
    expect(twice.deal.contacts).toHaveLength(1);

    t.clock.advance(60_000);
    const removed = await t.crm.deals.removeContact(w.alice, deal.ref, contact.id);
    expect(removed.changed).toBe(true);
    expect(removed.deal.contacts).toEqual([]);
    expect(removed.deal.timeline[0]).toMatchObject({ type: 'contact', from: 'Linda Link', to: null });
    expect((await t.crm.deals.removeContact(w.alice, deal.ref, contact.id)).changed).toBe(false);
    const events = await t.handle.db.dealEvent.count({ where: { dealId: deal.id, kind: 'contact' } });
    expect(events).toBe(2);
    expect((await t.crm.contacts.card(w.alice, contact.id)).openDeals).toEqual([]);
  });

  it('the same contact added by three clicks at once: one link, one timeline entry', async () => {
    const { contact } = await t.crm.contacts.create(w.alice, { name: 'Rapid Clicker' });
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Clicked deal' });
    const results = await Promise.all([1, 2, 3].map(() => t.crm.deals.addContact(w.alice, deal.ref, contact.id)));
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(await t.handle.db.dealContact.count({ where: { dealId: deal.id } })).toBe(1);
    expect(await t.handle.db.dealEvent.count({ where: { dealId: deal.id, kind: 'contact' } })).toBe(1);
  });

  it('refuses another workspace’s contact or deal', async () => {
    const other = await freshWorkspace();
    const { contact: theirs } = await t.crm.contacts.create(other.alice, { name: 'Their Contact' });
    const { deal: ours } = await t.crm.deals.create(w.alice, { title: 'Our deal' });
    await expect(t.crm.deals.addContact(w.alice, ours.ref, theirs.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(t.crm.deals.addContact(other.alice, ours.id, theirs.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    expect(await t.handle.db.dealContact.count({ where: { contactId: theirs.id } })).toBe(0);
  });
});

describe(`the demo data (${DB})`, () => {
  it('has contacts on companies and deals, tasks on deals and on a contact (one overdue), and adds no task when asked again', async () => {
    const ws = await t.crm.identity.ensureWorkspace({ platform: 'console', externalId: 'demo-contacts', name: 'Demo', defaultCurrency: 'USD' });
    const you = await t.crm.identity.ensureMember({ workspaceId: ws.id, externalId: 'console:you', handle: 'you', displayName: 'You', timezone: 'UTC' });
    const actor = await t.crm.identity.actorFor(you);
    await seedDemo(t.crm, you);

    const hank = await t.crm.contacts.resolve(actor, 'hank@globex.com');
    const card = await t.crm.contacts.card(actor, hank.id);
    expect(card.company?.name).toBe('Globex');
    expect(card.openDeals.map((d) => d.title)).toEqual(['Globex analytics pilot']);
    expect(card.nextTask).toMatchObject({ title: 'Send Hank the analytics case study', contact: { name: 'Hank Scorpio' } });
    const acme = await t.crm.companies.resolve(actor, 'acme.com');
    expect((await t.crm.companies.card(actor, acme.id)).contacts.map((c) => c.name)).toEqual(['Ana Lima']);
    for (const c of (await t.crm.contacts.list(actor, { type: 'all' })).items) {
      expect(c.company, c.name).not.toBeNull();
      expect((await t.crm.contacts.card(actor, c.id)).openDealCount, c.name).toBeGreaterThan(0);
    }
    const tasks = await t.handle.db.task.findMany({ where: { workspaceId: ws.id, doneAt: null } });
    expect(tasks.filter((x) => x.dealId !== null).length).toBeGreaterThanOrEqual(4);
    expect(tasks.filter((x) => x.contactId !== null && x.dealId === null)).toHaveLength(1);
    const today = new Date(`${t.clock.now().toISOString().slice(0, 10)}T00:00:00.000Z`);
    expect(tasks.filter((x) => x.dueAt !== null && x.dueAt < today).length).toBeGreaterThanOrEqual(1);

    await seedDemo(t.crm, you);
    expect(await t.handle.db.task.count({ where: { workspaceId: ws.id } })).toBe(tasks.length);
  });
});
