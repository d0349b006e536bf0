/**
 * Ownership hand-over: when someone leaves (or moves on), an admin hands what they own to another
 * member in one transaction: their open deals (each with a timeline entry `owner`, from → to, as
 * `deals.assign` writes it), their contacts and companies, and their open tasks. Done twice (a
 * double click, a replayed button, two admins at once) it moves nothing the second time and says so
 * (`changed: false`): hand-overs of one person run one after another (`lockKey`).
 */
import { inTransaction, lockKey, type Actor, type Db, type DomainDeps, type Tx } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import type { Member } from '../../generated/sqlite/client.js';
import type { PersonRef } from '../shared/person.js';
import { requireAdmin, roleOf } from '../shared/roles.js';
import type { IdentityService } from './identity.service.js';

/** What a member owns that a hand-over moves. */
export interface OwnedCounts {
  /** Open deals (not archived) they own. */
  deals: number;
  contacts: number;
  companies: number;
  /** Open tasks assigned to them. */
  tasks: number;
}

export interface HandoverPerson {
  id: string;
  externalId: string;
  displayName: string;
  handle: string;
}

/** `/deal handover` and the leaver offers: who it is, whether they left, and what they own. */
export interface LeaverSummary extends OwnedCounts {
  member: HandoverPerson & { deactivated: Date | null };
}

export interface HandoverResult {
  from: HandoverPerson;
  to: HandoverPerson;
  moved: OwnedCounts;
  /** False when there was nothing left to move (already handed over): nothing was written. */
  changed: boolean;
}

/** A member as a surface names them: a chat mention, or the member id a button carries. */
export type MemberChoice = PersonRef | { memberId: string };

/** What "Only admins can …" says for a hand-over. */
export const HANDOVER_WHAT = 'hand over someone’s deals, contacts, companies and tasks';

/** Deals moved per statement (well within both databases' bound-parameter limits). */
const BATCH = 500;

const openDealsOf = (workspaceId: string, ownerId: string) => ({ workspaceId, ownerId, status: 'open', archived: false });

export const totalOf = (c: OwnedCounts) => c.deals + c.contacts + c.companies + c.tasks;

export class HandoverService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly identity: IdentityService,
  ) {}

  /** What a member owns now (anyone may ask; read-only). */
  async leaverSummary(workspaceId: string, memberId: string, db: Db | Tx = this.deps.db): Promise<LeaverSummary> {
    const m = await db.member.findFirst({ where: { id: memberId, workspaceId } });
    if (!m) throw new DomainError(DomainErrorCode.UnknownMember, 'That person is not in this workspace.', { field: 'from' });
    const [deals, contacts, companies, tasks] = await Promise.all([
      db.deal.count({ where: openDealsOf(workspaceId, m.id) }),
      db.contact.count({ where: { workspaceId, ownerId: m.id } }),
      db.company.count({ where: { workspaceId, ownerId: m.id } }),
      db.task.count({ where: { workspaceId, assigneeId: m.id, doneAt: null } }),
    ]);
    return { member: { ...personOf(m), deactivated: m.deactivated }, deals, contacts, companies, tasks };
  }

  /**
   * Who may receive what `leaverId` owns, by name (a picker's choices): active members of the
   * workspace's own (no guests) who can write (no read-only), the leaver left out; at most `limit`.
   */
  async heirs(workspaceId: string, leaverId: string, limit = 100): Promise<HandoverPerson[]> {
    const rows = await this.deps.db.member.findMany({
      where: { workspaceId, deactivated: null, access: { not: 'guest' }, role: { in: ['admin', 'member'] }, id: { not: leaverId } },
      orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
      take: limit,
    });
    return rows.map(personOf);
  }

  /**
   * Hands everything `from` owns to `to` (admins only), in one transaction. Refuses handing to the
   * same person, to someone deactivated, a guest, a read-only member or anyone outside the workspace.
   */
  async handOver(actor: Actor, from: MemberChoice, to: MemberChoice): Promise<HandoverResult> {
    const { workspaceId } = actor;
    return inTransaction(this.deps.db, async (tx) => {
      await requireAdmin(actor, this.deps, HANDOVER_WHAT, tx);
      const leaver = await this.find(tx, workspaceId, from, 'from');
      // Two hand-overs of one person (a double click, two admins) run one after the other.
      await lockKey(this.deps.db, tx, `handover:${workspaceId}:${leaver.id}`);
      const heir = await this.find(tx, workspaceId, to, 'to');
      refuseHeir(leaver, heir);
      const now = this.deps.clock.now();
      const deals = await this.moveDeals(tx, actor, leaver, heir, now);
      const owned = { workspaceId, ownerId: leaver.id };
      const data = { ownerId: heir.id, updatedAt: now };
      const contacts = (await tx.contact.updateMany({ where: owned, data })).count;
      const companies = (await tx.company.updateMany({ where: owned, data })).count;
      const tasks = (
        await tx.task.updateMany({ where: { workspaceId, assigneeId: leaver.id, doneAt: null }, data: { assigneeId: heir.id, updatedAt: now } })
      ).count;
      const moved = { deals, contacts, companies, tasks };
      return { from: personOf(leaver), to: personOf(heir), moved, changed: totalOf(moved) > 0 };
    });
  }

  /** Moves the open deals in batches, each with its `owner` timeline entry; returns how many. */
  private async moveDeals(tx: Tx, actor: Actor, leaver: MemberRow, heir: MemberRow, now: Date): Promise<number> {
    let moved = 0;
    for (;;) {
      const batch = await tx.deal.findMany({ where: openDealsOf(actor.workspaceId, leaver.id), select: { id: true }, take: BATCH });
      if (batch.length === 0) return moved;
      // The owner is checked again by the UPDATE itself: a deal reassigned meanwhile is left alone.
      const done = await tx.deal.updateManyAndReturn({
        where: { id: { in: batch.map((d) => d.id) }, ownerId: leaver.id },
        data: { ownerId: heir.id, updatedAt: now },
        select: { id: true },
      });
      await tx.dealEvent.createMany({
        data: done.map((d) => ({
          workspaceId: actor.workspaceId,
          dealId: d.id,
          actorId: actor.memberId,
          kind: 'owner',
          field: 'owner',
          fromValue: leaver.displayName,
          toValue: heir.displayName,
          at: now,
        })),
      });
      moved += done.length;
      if (batch.length < BATCH) return moved;
    }
  }

  private async find(tx: Tx, workspaceId: string, who: MemberChoice, field: 'from' | 'to'): Promise<MemberRow> {
    const m =
      'memberId' in who
        ? await tx.member.findFirst({ where: { id: who.memberId, workspaceId } })
        : await this.identity.findPerson(tx, workspaceId, who);
    if (m) return m;
    const typed = 'handle' in who && who.handle ? `@${who.handle}` : 'that person';
    throw new DomainError(
      DomainErrorCode.UnknownMember,
      `I don't know ${typed} in this workspace. Name a member who has used the CRM, e.g. \`/deal handover @maria to @sam\`.`,
      { field },
    );
  }
}

type MemberRow = Member;

const personOf = (m: MemberRow): HandoverPerson => ({ id: m.id, externalId: m.externalId, displayName: m.displayName, handle: m.handle });

/** Who may not receive a hand-over, each with its own words (on the `to` field). */
function refuseHeir(leaver: MemberRow, heir: MemberRow): void {
  const no = (message: string) => new DomainError(DomainErrorCode.InvalidInput, message, { field: 'to' });
  if (heir.id === leaver.id) throw no(`That’s ${leaver.displayName} both times: hand their deals to someone else.`);
  if (heir.deactivated) throw no(`${heir.displayName}’s account is deactivated: hand over to an active member.`);
  if (heir.access === 'guest') throw no(`${heir.displayName} has a guest account: deals, contacts and companies are owned by the workspace’s own members.`);
  if (roleOf(heir.role) === 'read_only') {
    throw no(`${heir.displayName} is read-only and couldn’t work on them: pick a member or an admin, or first make them a member with \`/deal role @${heir.handle} member\`.`);
  }
}
