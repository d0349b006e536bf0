/**
 * Issue 15, ownership discipline: an admin hands a leaver's open deals (with timeline entries),
 * contacts, companies and open tasks to another member in one transaction; a second time moves
 * nothing and says so; handing to the same person, someone deactivated, a guest, a read-only
 * member or anyone outside the workspace is refused with nothing changed; members are refused with
 * the admins named. The admins' offer about a leaver goes to each admin once. On SQLite, and on
 * PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { createCrm, DeliveryError, type Actor, type Crm } from '../../src/domain/index.js';
import { DomainError, DomainErrorCode } from '../../src/domain/errors.js';
import { handoverText, leaverText } from '../../src/domain/identity/handover.view.js';
import { OFFER_WINDOW_DAYS } from '../../src/domain/identity/handover.offers.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { usd } from '../helpers/fixtures.js';

let t: TestDb;
let crm: Crm;

beforeAll(async () => {
  t = await createTestDb();
  crm = t.crm;
});
afterAll(async () => t.cleanup());

let n = 0;
const actor = (m: { id: string; workspaceId: string }): Actor => ({ workspaceId: m.workspaceId, memberId: m.id, timeZone: 'UTC' });

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
 * Ada (admin), Maria (member, the leaver) with 3 open deals, a won one and an archived one, 2
 * contacts, 1 company, 2 open tasks and a done one; Sam (member, the heir) with a deal of his own;
 * Gina (guest), Rita (read-only), Dan (deactivated).
 */
async function team() {
  const ws = await crm.identity.ensureWorkspace({ platform: 'slack', externalId: `T-HAND-${++n}`, name: `Hand ${n}`, defaultCurrency: 'USD' });
  const person = (handle: string, displayName: string, extra: { access?: 'member' | 'guest' } = {}) =>
    crm.identity.ensureMember({ workspaceId: ws.id, externalId: `U-${handle}-${n}`, handle, displayName, timezone: 'UTC', ...extra });
  const ada = actor(await person('ada', 'Ada Admin'));
  const maria = actor(await person('maria', 'Maria Garcia'));
  const sam = actor(await person('sam', 'Sam Lee'));
  const gina = actor(await person('gina', 'Gina Guest', { access: 'guest' }));
  const rita = actor(await person('rita', 'Rita Reader'));
  const dan = actor(await person('dan', 'Dan Gone'));
  await crm.identity.setRole(ada, { handle: 'rita' }, { role: 'read_only' });
  await t.handle.db.member.update({ where: { id: dan.memberId }, data: { deactivated: t.clock.now() } });
  const deals = [];
  for (const title of ['Acme renewal', 'Globex pilot', 'Initech upsell', 'Won one', 'Archived one']) {
    deals.push((await crm.deals.create(maria, { title, amount: usd(1000) })).deal);
  }
  await crm.deals.markWon(maria, deals[3]!.ref);
  await crm.deals.archive(maria, deals[4]!.ref);
  const samDeal = (await crm.deals.create(sam, { title: 'Sam’s own' })).deal;
  await crm.contacts.create(maria, { name: 'Ana Lima', email: `ana${n}@acme.test` });
  await crm.contacts.create(maria, { name: 'Bo Chen', email: `bo${n}@acme.test` });
  await crm.contacts.create(sam, { name: 'Sam’s contact', email: `sc${n}@acme.test` });
  await crm.companies.create(maria, { name: 'Acme', domain: `acme${n}.test` });
  await crm.tasks.create(maria, { title: 'Call Ana', deal: deals[0]!.ref });
  const done = (await crm.tasks.create(maria, { title: 'Old call' })).task;
  await crm.tasks.create(maria, { title: 'Send quote' });
  await crm.tasks.complete(maria, done.ref);
  return { ws, ada, maria, sam, gina, rita, dan, deals, samDeal };
}

async function owned(workspaceId: string, memberId: string) {
  const db = t.handle.db;
  return {
    openDeals: await db.deal.count({ where: { workspaceId, ownerId: memberId, status: 'open', archived: false } }),
    allDeals: await db.deal.count({ where: { workspaceId, ownerId: memberId } }),
    contacts: await db.contact.count({ where: { workspaceId, ownerId: memberId } }),
    companies: await db.company.count({ where: { workspaceId, ownerId: memberId } }),
    openTasks: await db.task.count({ where: { workspaceId, assigneeId: memberId, doneAt: null } }),
    tasks: await db.task.count({ where: { workspaceId, assigneeId: memberId } }),
  };
}

describe('leaverSummary', () => {
  it('counts open deals, contacts, companies and open tasks', async () => {
    const { ws, maria } = await team();
    const s = await crm.handover.leaverSummary(ws.id, maria.memberId);
    expect(s).toMatchObject({ deals: 3, contacts: 2, companies: 1, tasks: 2, member: { displayName: 'Maria Garcia', deactivated: null } });
    expect(leaverText(s)).toBe('Maria Garcia owns: 3 open deals, 2 contacts, 1 company, 2 open tasks.');
  });

  it('heirs: the active members who can own records, by name, the leaver left out', async () => {
    const { ws, maria } = await team();
    expect((await crm.handover.heirs(ws.id, maria.memberId)).map((p) => p.displayName)).toEqual(['Ada Admin', 'Sam Lee']);
  });

  it('refuses a member of another workspace', async () => {
    const a = await team();
    const b = await team();
    expect((await refusal(crm.handover.leaverSummary(a.ws.id, b.maria.memberId))).code).toBe(DomainErrorCode.UnknownMember);
  });
});

describe('handOver', () => {
  it('moves open deals (with owner timeline entries), contacts, companies and open tasks in one go', async () => {
    const { ws, ada, maria, sam, deals, samDeal } = await team();
    const result = await crm.handover.handOver(ada, { handle: 'maria' }, { handle: 'sam' });
    expect(result).toMatchObject({ changed: true, moved: { deals: 3, contacts: 2, companies: 1, tasks: 2 }, from: { displayName: 'Maria Garcia' }, to: { displayName: 'Sam Lee' } });
    expect(handoverText(result)).toBe('Handed Maria Garcia’s 3 open deals, 2 contacts, 1 company and 2 open tasks to Sam Lee.');

    expect(await owned(ws.id, maria.memberId)).toEqual({ openDeals: 0, allDeals: 2, contacts: 0, companies: 0, openTasks: 0, tasks: 1 });
    expect(await owned(ws.id, sam.memberId)).toMatchObject({ openDeals: 4, contacts: 3, companies: 1, openTasks: 2 });
    // The won and the archived deal stay Maria's: they are history.
    expect((await crm.deals.get(ada, deals[3]!.ref)).owner?.displayName).toBe('Maria Garcia');

    const acme = await crm.deals.get(ada, deals[0]!.ref);
    expect(acme.owner?.displayName).toBe('Sam Lee');
    expect(acme.timeline.find((e) => e.type === 'owner')).toMatchObject({ from: 'Maria Garcia', to: 'Sam Lee', actor: 'Ada Admin' });
    const events = await t.handle.db.dealEvent.findMany({ where: { workspaceId: ws.id, kind: 'owner' } });
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.actorId === ada.memberId && e.fromValue === 'Maria Garcia' && e.toValue === 'Sam Lee')).toBe(true);
    expect(events.map((e) => e.dealId)).not.toContain(samDeal.id);
  });

  it('a second time (a replay, a double click) moves nothing and says so', async () => {
    const { ws, ada } = await team();
    await crm.handover.handOver(ada, { handle: 'maria' }, { handle: 'sam' });
    const events = await t.handle.db.dealEvent.count({ where: { workspaceId: ws.id } });
    const again = await crm.handover.handOver(ada, { handle: 'maria' }, { handle: 'ada' });
    expect(again).toMatchObject({ changed: false, moved: { deals: 0, contacts: 0, companies: 0, tasks: 0 } });
    expect(handoverText(again)).toMatch(/^Already done: Maria Garcia has no open deals/);
    expect(await t.handle.db.dealEvent.count({ where: { workspaceId: ws.id } })).toBe(events);
  });

  it('two clicks at once hand over once', async () => {
    const { ws, ada, maria } = await team();
    const results = await Promise.all([
      crm.handover.handOver(ada, { memberId: maria.memberId }, { handle: 'sam' }),
      crm.handover.handOver(ada, { memberId: maria.memberId }, { handle: 'sam' }),
    ]);
    expect(results.map((r) => r.changed).sort()).toEqual([false, true]);
    expect(await t.handle.db.dealEvent.count({ where: { workspaceId: ws.id, kind: 'owner' } })).toBe(3);
  });

  it('refuses the same person, someone deactivated, a guest, a read-only member and outsiders, changing nothing', async () => {
    const { ws, ada, maria } = await team();
    const other = await team();
    const before = await owned(ws.id, maria.memberId);
    const cases: [unknown, RegExp | string][] = [
      [{ handle: 'maria' }, 'That’s Maria Garcia both times'],
      [{ handle: 'dan' }, 'Dan Gone’s account is deactivated: hand over to an active member.'],
      [{ handle: 'gina' }, 'Gina Guest has a guest account'],
      [{ handle: 'rita' }, /Rita Reader is read-only.*`\/deal role @rita member`/],
      [{ memberId: other.sam.memberId }, 'I don\'t know that person in this workspace'],
      [{ handle: 'nobody' }, 'I don\'t know @nobody in this workspace'],
    ];
    for (const [to, words] of cases) {
      const err = await refusal(crm.handover.handOver(ada, { handle: 'maria' }, to as { handle: string }));
      expect(err.message).toMatch(words);
      expect(err.details.field).toBe('to');
    }
    expect((await refusal(crm.handover.handOver(ada, { memberId: other.maria.memberId }, { handle: 'sam' }))).details.field).toBe('from');
    expect(await owned(ws.id, maria.memberId)).toEqual(before);
  });

  it('refuses members with the admins named', async () => {
    const { ws, sam, maria } = await team();
    const err = await refusal(crm.handover.handOver(sam, { handle: 'maria' }, { handle: 'sam' }));
    expect(err.code).toBe(DomainErrorCode.AdminOnly);
    expect(err.message).toBe('Only admins can hand over someone’s deals, contacts, companies and tasks. Ask Ada Admin.');
    expect((await owned(ws.id, maria.memberId)).openDeals).toBe(3);
  });

  it('writes all or nothing: a failing timeline write leaves every row as it was', async () => {
    const { ws, ada, maria } = await team();
    const before = await owned(ws.id, maria.memberId);
    const failing = t.handle.db.$extends({ query: { dealEvent: { createMany: () => Promise.reject(new Error('disk full (simulated)')) } } }) as unknown as Db;
    await expect(createCrm(failing, t.clock).handover.handOver(ada, { handle: 'maria' }, { handle: 'sam' })).rejects.toThrow('disk full');
    expect(await owned(ws.id, maria.memberId)).toEqual(before);
  });
});

describe('offers to the admins about a leaver', () => {
  it('none while the member is active, or when they own nothing', async () => {
    const { ws, maria, sam, ada } = await team();
    expect(await crm.handoverOffers.offerFor(ws.id, maria.memberId)).toBeNull();
    await crm.handover.handOver(ada, { handle: 'sam' }, { handle: 'ada' });
    await crm.identity.refreshMember(ws.id, `U-sam-${n}`, { handle: 'sam', displayName: 'Sam Lee', deactivated: true });
    expect(await crm.handoverOffers.offerFor(ws.id, sam.memberId)).toBeNull();
  });

  it('goes to each active admin once per departure, and a failed send is tried again', async () => {
    const { ws, ada, maria } = await team();
    const bea = await crm.identity.ensureMember({ workspaceId: ws.id, externalId: `U-bea-${n}`, handle: 'bea', displayName: 'Bea Boss', platformAdmin: true });
    await crm.identity.refreshMember(ws.id, `U-maria-${n}`, { handle: 'maria', displayName: 'Maria Garcia', deactivated: true });
    const offer = (await crm.handoverOffers.offerFor(ws.id, maria.memberId))!;
    expect(offer.admins.map((a) => a.displayName)).toEqual(['Ada Admin', 'Bea Boss']);
    expect(leaverText(offer.leaver)).toBe('Maria Garcia left: 3 open deals, 2 contacts, 1 company, 2 open tasks.');

    const sends: string[] = [];
    let fail = true;
    const send = async (admin: { id: string }) => {
      sends.push(admin.id);
      if (admin.id === bea.id && fail) throw new DeliveryError('rate_limited', { retryable: true, retryAfterMs: 1000 });
      return { messageId: `m-${sends.length}` };
    };
    expect(await crm.handoverOffers.deliver(offer, send)).toEqual({ sent: [ada.memberId], skipped: [], failed: [bea.id] });
    fail = false;
    expect(await crm.handoverOffers.deliver(offer, send)).toEqual({ sent: [bea.id], skipped: [ada.memberId], failed: [] });
    expect(await crm.handoverOffers.deliver(offer, send)).toEqual({ sent: [], skipped: [ada.memberId, bea.id], failed: [] });
    expect(sends).toEqual([ada.memberId, bea.id, bea.id]);
    const rows = await t.handle.db.deliveryLedger.findMany({ where: { workspaceId: ws.id, kind: 'handover' } });
    expect(rows.map((r) => r.status).sort()).toEqual(['sent', 'sent']);
  });

  it('not for someone who left longer ago than the offer window', async () => {
    const { ws, maria } = await team();
    await crm.identity.refreshMember(ws.id, `U-maria-${n}`, { handle: 'maria', displayName: 'Maria Garcia', deactivated: true });
    t.clock.advance((OFFER_WINDOW_DAYS + 1) * 24 * 3600_000);
    try {
      expect(await crm.handoverOffers.offerFor(ws.id, maria.memberId)).toBeNull();
    } finally {
      t.clock.advance(-(OFFER_WINDOW_DAYS + 1) * 24 * 3600_000);
    }
  });
});
