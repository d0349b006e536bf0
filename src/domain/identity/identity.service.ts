/**
 * Workspaces (a Slack team, a Teams tenant, the console) and their members. A chat identity
 * becomes a member on first contact.
 */
import type { Member, Workspace } from '../../generated/sqlite/client.js';
import { inTransaction, isUniqueViolation, lockKey, type Actor, type DomainDeps, type Db, type Tx } from '../context.js';
import { DomainError, DomainErrorCode, RefusalReason } from '../errors.js';
import { createDefaultPipeline } from '../pipeline/pipeline.service.js';
import { parseInput } from '../shared/validate.js';
import type { PersonRef } from '../shared/person.js';
import { adminsOf, requireAdmin, roleOf, roleOfActor, ROLE_WORDS, type Role } from '../shared/roles.js';
import {
  ensureMemberSchema,
  ensureWorkspaceSchema,
  setRoleSchema,
  workspaceSettingsSchema,
  type EnsureMemberInput,
  type EnsureWorkspaceInput,
  type DecimalMark,
  type SetRoleInput,
  type WorkspaceSettingsInput,
} from './identity.schema.js';

/** The workspace switches people can read and admins can change. */
export interface WorkspaceSettings {
  allowGuests: boolean;
  allowSharedChannels: boolean;
  /** Null: read from the default currency. */
  decimalMark: DecimalMark | null;
}

/** A person as a roles answer names them. */
export interface RolePerson {
  displayName: string;
  handle: string;
}

/** `/deal admins`: the workspace's active admins, and the asker's own role. */
export interface RolesView {
  admins: RolePerson[];
  you: RolePerson & { role: Role };
}

/** What `/deal role` did: `changed` false when the person already had that role. */
export interface RoleChange {
  person: RolePerson;
  role: Role;
  before: Role;
  changed: boolean;
  /** The person changed is the one who asked. */
  self: boolean;
}

/** The lock that role decisions take (who is the first admin, who is the last one). */
const rolesLock = (workspaceId: string) => `roles:${workspaceId}`;

const settingsOf = (ws: Workspace): WorkspaceSettings => ({
  allowGuests: ws.allowGuests,
  allowSharedChannels: ws.allowSharedChannels,
  decimalMark: ws.decimalMark === 'comma' || ws.decimalMark === 'point' ? ws.decimalMark : null,
});

/** A refusal for someone who is not one of the workspace's own members. */
export function notAMember(reason: RefusalReason): DomainError {
  return new DomainError(DomainErrorCode.NotAMember, REFUSALS[reason], {
    reason,
    ...(reason === RefusalReason.Guest && { setting: 'guests' }),
  });
}

const REFUSALS: Record<RefusalReason, string> = {
  outsider: 'Sorry, this CRM is only for the members of the workspace that runs it, so I can’t show you anything here.',
  guest: 'Sorry, this CRM is only for the workspace’s own members, and guest accounts are not allowed to use it.',
  unverified: 'I couldn’t check who you are just now, so I haven’t done anything. Please try again in a minute.',
  deactivated: 'Sorry, this CRM is only for the workspace’s active members.',
};

export class IdentityService {
  constructor(private readonly deps: DomainDeps) {}

  /** The workspace for a platform id, created with the default pipeline on first contact. */
  async ensureWorkspace(input: EnsureWorkspaceInput): Promise<Workspace> {
    const data = parseInput(ensureWorkspaceSchema, input);
    const where = { platform_externalId: { platform: data.platform, externalId: data.externalId } };
    const existing = await this.deps.db.workspace.findUnique({ where });
    if (existing) return existing;
    try {
      return await inTransaction(this.deps.db, async (tx) => {
        const ws = await tx.workspace.create({
          data: {
            platform: data.platform,
            externalId: data.externalId,
            name: data.name,
            ...(data.defaultCurrency && { defaultCurrency: data.defaultCurrency }),
            ...(data.timezone && { timezone: data.timezone }),
          },
        });
        await createDefaultPipeline(tx, ws.id);
        return ws;
      });
    } catch (err) {
      // Two first contacts at once: the other one created it.
      if (isUniqueViolation(err)) return this.deps.db.workspace.findUniqueOrThrow({ where });
      throw err;
    }
  }

  /** The workspace for a platform id, if it exists (no write). */
  async findWorkspace(platform: string, externalId: string): Promise<Workspace | null> {
    return this.deps.db.workspace.findUnique({ where: { platform_externalId: { platform, externalId } } });
  }

  async getWorkspace(workspaceId: string): Promise<Workspace> {
    const ws = await this.deps.db.workspace.findUnique({ where: { id: workspaceId } });
    if (!ws) throw new DomainError(DomainErrorCode.NotFound, 'That workspace does not exist.');
    return ws;
  }

  /** The member with this chat identity in the workspace, if they have been seen. */
  async findMember(workspaceId: string, externalId: string): Promise<Member | null> {
    return this.deps.db.member.findUnique({ where: { workspaceId_externalId: { workspaceId, externalId } } });
  }

  /**
   * The member for a chat identity, created on first contact and refreshed when details change.
   *
   * Roles: someone new is an admin when the platform says they are one (`platformAdmin`: Slack
   * is_admin/is_owner, the Teams installer) or when the workspace has no active admin yet (the
   * first person, so every workspace can be administered; never a guest); else a member. Someone
   * known is promoted to admin when the platform's flag turns true (or is true while the workspace
   * has no active admin); nothing here ever demotes anyone.
   */
  async ensureMember(input: EnsureMemberInput): Promise<Member> {
    const data = parseInput(ensureMemberSchema, input);
    const where = { workspaceId_externalId: { workspaceId: data.workspaceId, externalId: data.externalId } };
    const existing = await this.deps.db.member.findUnique({ where });
    const changes = {
      handle: data.handle,
      displayName: data.displayName,
      ...(data.email && { email: data.email }),
      ...(data.timezone && { timezone: data.timezone }),
      ...(data.access && { access: data.access }),
      ...(data.platformAdmin !== undefined && { platformAdmin: data.platformAdmin }),
    };
    const checked = data.profileChecked ? { profileCheckedAt: this.deps.clock.now() } : {};
    if (existing) {
      const promote =
        data.platformAdmin === true &&
        roleOf(existing.role) !== 'admin' &&
        (!existing.platformAdmin || !(await this.hasActiveAdmin(this.deps.db, existing.workspaceId)));
      const stale = (Object.keys(changes) as (keyof typeof changes)[]).some((k) => existing[k] !== changes[k]);
      return stale || data.profileChecked || promote
        ? this.deps.db.member.update({ where: { id: existing.id }, data: { ...changes, ...checked, ...(promote && { role: 'admin' }) } })
        : existing;
    }
    try {
      return await inTransaction(this.deps.db, async (tx) => {
        // Two first contacts at once must not both find "no admin yet": one decides after the other.
        await lockKey(this.deps.db, tx, rolesLock(data.workspaceId));
        const admin = data.platformAdmin === true || (data.access !== 'guest' && !(await this.hasActiveAdmin(tx, data.workspaceId)));
        return tx.member.create({
          data: { workspaceId: data.workspaceId, externalId: data.externalId, ...changes, ...checked, role: admin ? 'admin' : 'member' },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) return this.deps.db.member.findUniqueOrThrow({ where });
      throw err;
    }
  }

  /**
   * Lets a member act, or throws the refusal: a guest acts only where the workspace allows guests,
   * a deactivated member not at all. Call with the member's workspace.
   */
  admit(workspace: Pick<Workspace, 'allowGuests'>, member: Pick<Member, 'access' | 'deactivated'>): void {
    if (member.deactivated) throw notAMember(RefusalReason.Deactivated);
    if (member.access === 'guest' && !workspace.allowGuests) throw notAMember(RefusalReason.Guest);
  }

  /**
   * Refreshes what the platform says about someone already known (a Slack `user_change` event):
   * nobody becomes a member this way. Returns the member, or null when they were never seen.
   */
  async refreshMember(
    workspaceId: string,
    externalId: string,
    profile: Omit<EnsureMemberInput, 'workspaceId' | 'externalId'> & { deactivated?: boolean },
  ): Promise<Member | null> {
    const existing = await this.findMember(workspaceId, externalId);
    if (!existing) return null;
    const { deactivated, ...rest } = profile;
    const member = await this.ensureMember({ ...rest, workspaceId, externalId, profileChecked: true });
    if (deactivated === undefined || Boolean(member.deactivated) === deactivated) return member;
    return this.deps.db.member.update({
      where: { id: member.id },
      data: { deactivated: deactivated ? this.deps.clock.now() : null },
    });
  }

  async settings(workspaceId: string): Promise<WorkspaceSettings> {
    return settingsOf(await this.getWorkspace(workspaceId));
  }

  /** Changes workspace switches: only an admin may (the refusal names the admins). */
  async changeSettings(actor: Actor, input: WorkspaceSettingsInput): Promise<WorkspaceSettings> {
    const data = parseInput(workspaceSettingsSchema, input);
    return inTransaction(this.deps.db, async (tx) => {
      await requireAdmin(actor, this.deps, 'change workspace settings', tx);
      return settingsOf(await tx.workspace.update({ where: { id: actor.workspaceId }, data }));
    });
  }

  async actorFor(member: Member): Promise<Actor> {
    return { workspaceId: member.workspaceId, memberId: member.id, timeZone: member.timezone, role: roleOf(member.role) };
  }

  /** `/deal admins`: who the workspace's admins are, and the asker's own role (anyone may ask). */
  async roles(actor: Actor): Promise<RolesView> {
    const [admins, me] = await Promise.all([
      adminsOf(this.deps.db, actor.workspaceId),
      this.deps.db.member.findFirst({ where: { id: actor.memberId, workspaceId: actor.workspaceId } }),
    ]);
    if (!me) await roleOfActor(actor, this.deps); // throws the refusal for someone unknown here
    return {
      admins: admins.map(({ displayName, handle }) => ({ displayName, handle })),
      you: { displayName: me!.displayName, handle: me!.handle, role: roleOf(me!.role) },
    };
  }

  /**
   * `/deal role @person admin|member|read-only`: admins only, in one transaction. The workspace's
   * last active admin stays one (someone else must be made admin first); a guest account can be a
   * member or read-only, never an admin.
   */
  async setRole(actor: Actor, person: PersonRef | { memberId: string }, input: SetRoleInput): Promise<RoleChange> {
    const { role } = parseInput(setRoleSchema, input);
    return inTransaction(this.deps.db, async (tx) => {
      await lockKey(this.deps.db, tx, rolesLock(actor.workspaceId));
      await requireAdmin(actor, this.deps, 'change roles', tx);
      const target =
        'memberId' in person
          ? await tx.member.findFirst({ where: { id: person.memberId, workspaceId: actor.workspaceId } })
          : await this.findPerson(tx, actor.workspaceId, person);
      if (!target) throw this.unknownPerson(person, 'person');
      const self = target.id === actor.memberId;
      const before = roleOf(target.role);
      const answer = (changed: boolean): RoleChange => ({
        person: { displayName: target.displayName, handle: target.handle },
        role,
        before,
        changed,
        self,
      });
      if (before === role) return answer(false);
      if (role === 'admin' && target.access === 'guest') {
        throw new DomainError(
          DomainErrorCode.InvalidInput,
          `${target.displayName} has a guest account: guests can be members or read-only, but not admins.`,
          { field: 'role', choices: ['member', ROLE_WORDS.read_only] },
        );
      }
      if (before === 'admin' && target.deactivated === null) {
        const others = await tx.member.count({
          where: { workspaceId: actor.workspaceId, role: 'admin', deactivated: null, id: { not: target.id } },
        });
        if (others === 0) {
          const who = self ? 'You are' : `${target.displayName} is`;
          throw new DomainError(
            DomainErrorCode.Conflict,
            `${who} the workspace’s only admin, so ${self ? 'you stay' : 'they stay'} one: a workspace always keeps an admin. Make someone else an admin first, then change this.`,
            { field: 'role' },
          );
        }
      }
      await tx.member.update({ where: { id: target.id }, data: { role } });
      return answer(true);
    });
  }

  /** Finds the member a command named (`@maria`, a Slack or Teams user id). */
  async resolvePerson(workspaceId: string, ref: PersonRef): Promise<Member> {
    const member = await this.findPerson(this.deps.db, workspaceId, ref);
    if (!member) throw this.unknownPerson(ref, 'owner');
    return member;
  }

  /** The member a mention names (a platform user id, else a handle), or null; `db` may be a transaction. */
  async findPerson(db: Db | Tx, workspaceId: string, ref: PersonRef): Promise<Member | null> {
    return ref.userId
      ? db.member.findUnique({ where: { workspaceId_externalId: { workspaceId, externalId: ref.userId } } })
      : ref.handle
        ? db.member.findFirst({ where: { workspaceId, handle: ref.handle.toLowerCase() } })
        : null;
  }

  private unknownPerson(ref: PersonRef | { memberId: string }, field: string): DomainError {
    const who = 'handle' in ref && ref.handle ? `@${ref.handle}` : 'that person';
    return new DomainError(
      DomainErrorCode.UnknownMember,
      `I don't know ${who} in this workspace yet. They appear once they have used the CRM.`,
      { field },
    );
  }

  /** Whether the workspace has an admin who can still act (not deactivated). */
  private async hasActiveAdmin(db: Db | Tx, workspaceId: string): Promise<boolean> {
    return (await db.member.findFirst({ where: { workspaceId, role: 'admin', deactivated: null }, select: { id: true } })) !== null;
  }

  async listMembers(workspaceId: string): Promise<Member[]> {
    return this.deps.db.member.findMany({ where: { workspaceId, deactivated: null }, orderBy: { displayName: 'asc' } });
  }
}
