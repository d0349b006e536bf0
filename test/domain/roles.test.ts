/**
 * Issue 15, roles: admin, member, read-only, enforced by the domain services (so every surface and
 * job obeys them). Read-only people read everything and write nothing; admin-only changes refuse
 * members; every refusal names the workspace's admins; the last admin stays one; roles belong to
 * one workspace. On SQLite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Crm } from '../../src/domain/index.js';
import { DomainError, DomainErrorCode } from '../../src/domain/errors.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { usd } from '../helpers/fixtures.js';

let t: TestDb;
let crm: Crm;

beforeAll(async () => {
  t = await createTestDb();
  crm = t.crm;
});
afterAll(async () => t.cleanup());

let workspaces = 0;

/** A new Slack workspace. */
async function workspace(name = `Roles ${++workspaces}`) {
  return crm.identity.ensureWorkspace({ platform: 'slack', externalId: `T-ROLES-${++workspaces}`, name, defaultCurrency: 'USD' });
}

async function person(workspaceId: string, handle: string, displayName: string, extra: { platformAdmin?: boolean; access?: 'member' | 'guest' } = {}) {
  return crm.identity.ensureMember({ workspaceId, externalId: `U-${handle}`, handle, displayName, timezone: 'UTC', ...extra });
}

const actor = (m: { id: string; workspaceId: string }): Actor => ({ workspaceId: m.workspaceId, memberId: m.id, timeZone: 'UTC' });
const roleOf = async (id: string) => (await t.handle.db.member.findUniqueOrThrow({ where: { id } })).role;

/** The DomainError a call throws (fails the test when it does not throw one). */
async function refusal(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal, but it went through');
}

/**
 * A workspace with Maria Garcia (the first person: admin), Sam Lee (a Slack admin: admin),
 * Bob (member) and Rita (made read-only by Maria), and some records to act on.
 */
async function team() {
  const ws = await workspace();
  const maria = actor(await person(ws.id, 'maria', 'Maria Garcia'));
  const sam = actor(await person(ws.id, 'sam', 'Sam Lee', { platformAdmin: true }));
  const bob = actor(await person(ws.id, 'bob', 'Bob Brown'));
  const rita = actor(await person(ws.id, 'rita', 'Rita Reader'));
  await crm.identity.setRole(maria, { handle: 'rita' }, { role: 'read_only' });
  const deal = (await crm.deals.create(bob, { title: 'Acme renewal', amount: usd(25_000) })).deal;
  const task = (await crm.tasks.create(bob, { title: 'Send the quote', deal: deal.ref })).task;
  const ana = (await crm.contacts.create(bob, { name: 'Ana Lima', email: 'ana@acme.test' })).contact;
  const ann = (await crm.contacts.create(bob, { name: 'Ann Lima', email: 'ann@acme.test' })).contact;
  const acme = (await crm.companies.create(bob, { name: 'Acme', domain: 'acme.test' })).company;
  const globex = (await crm.companies.create(bob, { name: 'Globex', domain: 'globex.test' })).company;
  await crm.deals.addContact(bob, deal.ref, ann.id);
  await crm.digests.subscribe(bob, { platform: 'slack', conversationId: 'C-SALES' });
  return { ws, maria, sam, bob, rita, deal, task, ana, ann, acme, globex };
}

/** Everything the writes below could change, as plain rows. */
async function snapshot(workspaceId: string) {
  const db = t.handle.db;
  const where = { workspaceId };
  return {
    deals: await db.deal.findMany({ where, orderBy: { number: 'asc' } }),
    events: await db.dealEvent.count({ where }),
    tasks: await db.task.findMany({ where, orderBy: { number: 'asc' } }),
    activities: await db.activity.count({ where }),
    contacts: await db.contact.findMany({ where, orderBy: { id: 'asc' } }),
    companies: await db.company.findMany({ where, orderBy: { id: 'asc' } }),
    links: await db.dealContact.count({ where: { deal: { workspaceId } } }),
    subscriptions: await db.digestSubscription.findMany({ where, orderBy: { id: 'asc' } }),
    workspace: await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } }),
    roles: (await db.member.findMany({ where, orderBy: { handle: 'asc' } })).map((m) => [m.handle, m.role]),
  };
}

const READ_ONLY = 'You have read-only access to this CRM. Ask an admin (Maria Garcia or Sam Lee) if you need to change things.';

describe('who is what', () => {
  it('the first person is an admin, so is a platform admin; everyone else starts as a member', async () => {
    const { maria, sam, bob, rita } = await team();
    expect(await roleOf(maria.memberId)).toBe('admin');
    expect(await roleOf(sam.memberId)).toBe('admin');
    expect(await roleOf(bob.memberId)).toBe('member');
    expect(await roleOf(rita.memberId)).toBe('read_only');
    // The actor a surface resolves says the role too (for its words; the services read the stored one).
    expect((await crm.identity.actorFor(await t.handle.db.member.findUniqueOrThrow({ where: { id: bob.memberId } }))).role).toBe('member');
  });

  it('a guest is never made an admin for being first; the next own member is', async () => {
    const ws = await workspace();
    const gina = await person(ws.id, 'gina', 'Gina Guest', { access: 'guest' });
    const first = await person(ws.id, 'first', 'First Member');
    expect([gina.role, first.role]).toEqual(['member', 'admin']);
  });

  it('a platform admin flag turning true promotes once, and nothing demotes automatically', async () => {
    const { maria, ws } = await team();
    // Bob becomes a Slack admin: promoted.
    const promoted = await person(ws.id, 'bob', 'Bob Brown', { platformAdmin: true });
    expect(promoted.role).toBe('admin');
    // An admin makes him a member again: the flag, still true, does not undo that.
    await crm.identity.setRole(maria, { handle: 'bob' }, { role: 'member' });
    expect((await person(ws.id, 'bob', 'Bob Brown', { platformAdmin: true })).role).toBe('member');
    // Sam stops being a Slack admin: still an admin here.
    expect((await person(ws.id, 'sam', 'Sam Lee', { platformAdmin: false })).role).toBe('admin');
  });

  it('two first contacts at once make one admin', async () => {
    const ws = await workspace();
    const people = await Promise.all(['p1', 'p2', 'p3', 'p4'].map((h) => person(ws.id, h, h.toUpperCase())));
    expect(people.filter((p) => p.role === 'admin')).toHaveLength(1);
  });

  it('/deal admins: the admins by name, and your own role, for anyone', async () => {
    const { rita, bob } = await team();
    const view = await crm.identity.roles(rita);
    expect(view.admins).toEqual([
      { displayName: 'Maria Garcia', handle: 'maria' },
      { displayName: 'Sam Lee', handle: 'sam' },
    ]);
    expect(view.you).toEqual({ displayName: 'Rita Reader', handle: 'rita', role: 'read_only' });
    expect((await crm.identity.roles(bob)).you.role).toBe('member');
  });
});

describe('read-only members', () => {
  it('are refused every write, each refusal naming the admins, and nothing changes', async () => {
    const { rita, deal, task, ana, ann, acme, globex, ws } = await team();
    const before = await snapshot(ws.id);
    const writes: [string, () => Promise<unknown>][] = [
      ['deals.create', () => crm.deals.create(rita, { title: 'Sneaky deal' })],
      ['deals.edit', () => crm.deals.edit(rita, deal.ref, { title: 'Renamed' })],
      ['deals.moveStage', () => crm.deals.moveStage(rita, deal.ref, 'proposal')],
      ['deals.advance', () => crm.deals.advance(rita, deal.ref)],
      ['deals.markWon', () => crm.deals.markWon(rita, deal.ref)],
      ['deals.markLost', () => crm.deals.markLost(rita, deal.ref, 'too pricey')],
      ['deals.setNextAction', () => crm.deals.setNextAction(rita, deal.ref, { action: 'Call Ana' })],
      ['deals.assign', () => crm.deals.assign(rita, deal.ref, { handle: 'rita' })],
      ['deals.snooze', () => crm.deals.snooze(rita, deal.ref, 3)],
      ['deals.archive', () => crm.deals.archive(rita, deal.ref)],
      ['deals.addContact', () => crm.deals.addContact(rita, deal.ref, ana.id)],
      ['deals.removeContact', () => crm.deals.removeContact(rita, deal.ref, ann.id)],
      ['activities.log', () => crm.activities.log(rita, { deal: deal.ref, type: 'call', body: 'spoke with Ana' })],
      ['tasks.create', () => crm.tasks.create(rita, { title: 'Another task' })],
      ['tasks.complete', () => crm.tasks.complete(rita, task.ref)],
      ['tasks.snooze', () => crm.tasks.snooze(rita, task.ref, 2)],
      ['tasks.edit', () => crm.tasks.edit(rita, task.ref, { title: 'Changed' })],
      ['tasks.remove', () => crm.tasks.remove(rita, task.ref)],
      ['contacts.create', () => crm.contacts.create(rita, { name: 'Zed' })],
      ['contacts.edit', () => crm.contacts.edit(rita, ana.id, { name: 'Anna' })],
      ['contacts.merge', () => crm.contacts.merge(rita, ann.id, ana.id)],
      ['companies.create', () => crm.companies.create(rita, { name: 'Initech' })],
      ['companies.edit', () => crm.companies.edit(rita, acme.id, { name: 'Acme Corp' })],
      ['companies.merge', () => crm.companies.merge(rita, globex.id, acme.id)],
      ['digests.subscribe', () => crm.digests.subscribe(rita, { platform: 'slack', conversationId: 'C-OTHER' })],
      ['digests.unsubscribe', () => crm.digests.unsubscribe(rita, 'C-SALES')],
      ['assistant.acceptSuggestion', () => crm.assistant.acceptSuggestion(rita, deal.ref, { action: 'Call Ana' })],
      ['assistant.logDraft', () => crm.assistant.logDraft(rita, deal.ref, 'draft-1')],
    ];
    for (const [name, write] of writes) {
      const err = await refusal(write());
      expect([name, err.code, err.message]).toEqual([name, DomainErrorCode.ReadOnly, READ_ONLY]);
    }
    expect(await snapshot(ws.id)).toEqual(before);
  });

  it('read everything, and change their own morning nudges', async () => {
    const { rita, deal, ws } = await team();
    expect((await crm.deals.get(rita, deal.ref)).title).toBe('Acme renewal');
    expect((await crm.deals.list(rita, { type: 'all' })).items.map((d) => d.ref)).toEqual([deal.ref]);
    expect((await crm.tasks.list(rita, { type: 'deal', ref: deal.ref })).items).toHaveLength(1);
    expect((await crm.contacts.list(rita, { type: 'all' })).items.map((c) => c.name)).toEqual(['Ana Lima', 'Ann Lima']);
    expect((await crm.companies.list(rita, { type: 'all' })).items).toHaveLength(2);
    expect((await crm.reports.pipelineSummary(rita)).open.count).toBe(1);
    expect((await crm.digests.settings(rita, 'C-SALES')).here?.conversationId).toBe('C-SALES');
    expect((await crm.identity.settings(ws.id)).allowGuests).toBe(false);
    expect((await crm.nudges.update(rita, { enabled: false })).enabled).toBe(false);
  });

  it('write again once an admin makes them a member', async () => {
    const { maria, rita } = await team();
    const change = await crm.identity.setRole(maria, { handle: 'rita' }, { role: 'member' });
    expect(change).toEqual({ person: { displayName: 'Rita Reader', handle: 'rita' }, role: 'member', before: 'read_only', changed: true, self: false });
    expect((await crm.deals.create(rita, { title: 'Rita’s deal' })).created).toBe(true);
  });
});

describe('admin-only changes', () => {
  it('refuse members, naming the admins, and change nothing', async () => {
    const { bob, rita, ws } = await team();
    const before = await snapshot(ws.id);
    const cases: [string, () => Promise<unknown>, string][] = [
      ['settings', () => crm.identity.changeSettings(bob, { allowGuests: true }), 'Only admins can change workspace settings. Ask Maria Garcia or Sam Lee.'],
      ['stale days', () => crm.digests.setStaleDays(bob, 30), 'Only admins can change the digest’s stale period. Ask Maria Garcia or Sam Lee.'],
      ['threshold', () => crm.digests.setStaleThreshold(bob, usd(50_000)), 'Only admins can change the digest’s stale threshold. Ask Maria Garcia or Sam Lee.'],
      ['role', () => crm.identity.setRole(bob, { handle: 'rita' }, { role: 'member' }), 'Only admins can change roles. Ask Maria Garcia or Sam Lee.'],
      ['own role', () => crm.identity.setRole(bob, { handle: 'bob' }, { role: 'admin' }), 'Only admins can change roles. Ask Maria Garcia or Sam Lee.'],
      ['read-only settings', () => crm.identity.changeSettings(rita, { allowGuests: true }), 'Only admins can change workspace settings. Ask Maria Garcia or Sam Lee.'],
    ];
    for (const [name, call, message] of cases) {
      const err = await refusal(call());
      expect([name, err.code, err.message]).toEqual([name, DomainErrorCode.AdminOnly, message]);
    }
    expect(await snapshot(ws.id)).toEqual(before);
  });

  it('go through for an admin', async () => {
    const { sam, ws } = await team();
    expect((await crm.identity.changeSettings(sam, { allowGuests: true })).allowGuests).toBe(true);
    await crm.digests.setStaleDays(sam, 30);
    await crm.digests.setStaleThreshold(sam, usd(50_000));
    const stored = await t.handle.db.workspace.findUniqueOrThrow({ where: { id: ws.id } });
    expect([stored.allowGuests, stored.staleDays, stored.staleAmountThresholdCents]).toEqual([true, 30, 5_000_000n]);
  });

  it('a refusal names three admins and counts the rest', async () => {
    const { maria, ws } = await team();
    for (const [handle, name] of [['ada', 'Ada King'], ['bea', 'Bea Stone']] as const) {
      await person(ws.id, handle, name);
      await crm.identity.setRole(maria, { handle }, { role: 'admin' });
    }
    const err = await refusal(crm.identity.changeSettings(actor(await person(ws.id, 'newbie', 'New Person')), { allowGuests: true }));
    expect(err.message).toBe('Only admins can change workspace settings. Ask Ada King, Bea Stone, Maria Garcia or one other admin.');
  });
});

describe('changing roles', () => {
  it('says what changed, and that nothing did when it already was so', async () => {
    const { maria } = await team();
    expect(await crm.identity.setRole(maria, { handle: 'bob' }, { role: 'read_only' })).toMatchObject({ role: 'read_only', before: 'member', changed: true });
    expect(await crm.identity.setRole(maria, { handle: 'bob' }, { role: 'read_only' })).toMatchObject({ role: 'read_only', before: 'read_only', changed: false });
  });

  it('keeps the last admin an admin, and says so', async () => {
    const { maria, sam } = await team();
    await crm.identity.setRole(maria, { handle: 'sam' }, { role: 'member' });
    const self = await refusal(crm.identity.setRole(maria, { handle: 'maria' }, { role: 'read_only' }));
    expect([self.code, self.message]).toEqual([
      DomainErrorCode.Conflict,
      'You are the workspace’s only admin, so you stay one: a workspace always keeps an admin. Make someone else an admin first, then change this.',
    ]);
    expect(await roleOf(maria.memberId)).toBe('admin');
    // Two admins demoting each other at once: one goes through, one admin is left.
    await crm.identity.setRole(maria, { handle: 'sam' }, { role: 'admin' });
    const both = await Promise.allSettled([
      crm.identity.setRole(maria, { handle: 'sam' }, { role: 'member' }),
      crm.identity.setRole(sam, { handle: 'maria' }, { role: 'member' }),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect([await roleOf(maria.memberId), await roleOf(sam.memberId)].filter((r) => r === 'admin')).toHaveLength(1);
  });

  it('never makes a guest an admin, and names people it does not know', async () => {
    const { maria, ws } = await team();
    await person(ws.id, 'gina', 'Gina Guest', { access: 'guest' });
    const guest = await refusal(crm.identity.setRole(maria, { handle: 'gina' }, { role: 'admin' }));
    expect(guest.message).toBe('Gina Guest has a guest account: guests can be members or read-only, but not admins.');
    const unknown = await refusal(crm.identity.setRole(maria, { handle: 'nobody' }, { role: 'member' }));
    expect([unknown.code, unknown.message]).toEqual([DomainErrorCode.UnknownMember, "I don't know @nobody in this workspace yet. They appear once they have used the CRM."]);
    const bad = await refusal(crm.identity.setRole(maria, { handle: 'bob' }, { role: 'owner' as never }));
    expect(bad.code).toBe(DomainErrorCode.InvalidInput);
  });
});

describe('roles belong to one workspace', () => {
  it('an admin elsewhere is nobody here, and each workspace’s refusals name its own admins', async () => {
    const a = await team();
    const other = await workspace();
    const olga = actor(await person(other.id, 'olga', 'Olga Other'));
    const otto = actor(await person(other.id, 'otto', 'Otto Other'));
    // Olga administers her workspace only: Bob of the first one is unknown there.
    const unknown = await refusal(crm.identity.setRole(olga, { handle: 'bob' }, { role: 'read_only' }));
    expect(unknown.code).toBe(DomainErrorCode.UnknownMember);
    expect(await roleOf(a.bob.memberId)).toBe('member');
    // Her member id with the first workspace's id is no member there.
    const foreign = await refusal(crm.identity.changeSettings({ ...olga, workspaceId: a.ws.id }, { allowGuests: true }));
    expect(foreign.code).toBe(DomainErrorCode.NotAMember);
    expect((await t.handle.db.workspace.findUniqueOrThrow({ where: { id: a.ws.id } })).allowGuests).toBe(false);
    // Otto is a member in his workspace: the refusal names Olga only.
    expect((await refusal(crm.identity.changeSettings(otto, { allowGuests: true }))).message).toBe('Only admins can change workspace settings. Ask Olga Other.');
    // Rita is read-only in the first workspace, not in Olga's.
    await crm.identity.setRole(olga, { handle: 'otto' }, { role: 'read_only' });
    expect((await refusal(crm.deals.create(otto, { title: 'x' }))).message).toBe(
      'You have read-only access to this CRM. Ask an admin (Olga Other) if you need to change things.',
    );
    expect((await crm.deals.create(a.bob, { title: 'Still fine' })).created).toBe(true);
  });
});
