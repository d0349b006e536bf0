/**
 * Workspaces (a Slack team, a Teams tenant, the console) and their members. A chat identity
 * becomes a member on first contact.
 */
import type { Member, Workspace } from '../../generated/sqlite/client.js';
import { inTransaction, isUniqueViolation, type Actor, type DomainDeps } from '../context.js';
import { DomainError, DomainErrorCode, RefusalReason } from '../errors.js';
import { createDefaultPipeline } from '../pipeline/pipeline.service.js';
import { parseInput } from '../shared/validate.js';
import type { PersonRef } from '../shared/person.js';
import {
  ensureMemberSchema,
  ensureWorkspaceSchema,
  workspaceSettingsSchema,
  type EnsureMemberInput,
  type EnsureWorkspaceInput,
  type DecimalMark,
  type WorkspaceSettingsInput,
} from './identity.schema.js';

/** The workspace switches people can read and admins can change. */
export interface WorkspaceSettings {
  allowGuests: boolean;
  allowSharedChannels: boolean;
  /** Null: read from the default currency. */
  decimalMark: DecimalMark | null;
}

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

  /** The member for a chat identity, created on first contact and refreshed when details change. */
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
      const stale = (Object.keys(changes) as (keyof typeof changes)[]).some((k) => existing[k] !== changes[k]);
      return stale || data.profileChecked
        ? this.deps.db.member.update({ where: { id: existing.id }, data: { ...changes, ...checked } })
        : existing;
    }
    try {
      return await this.deps.db.member.create({
        data: { workspaceId: data.workspaceId, externalId: data.externalId, ...changes, ...checked },
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

  /** Changes workspace switches: only a workspace admin (on the platform) may. */
  async changeSettings(actor: Actor, input: WorkspaceSettingsInput): Promise<WorkspaceSettings> {
    const data = parseInput(workspaceSettingsSchema, input);
    return inTransaction(this.deps.db, async (tx) => {
      const me = await tx.member.findFirst({ where: { id: actor.memberId, workspaceId: actor.workspaceId } });
      const ws = await tx.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId } });
      if (!me?.platformAdmin && ws.platform !== 'console') {
        throw new DomainError(
          DomainErrorCode.AdminOnly,
          'Only a workspace admin or owner can change these settings. Ask one of them to run the command.',
        );
      }
      return settingsOf(await tx.workspace.update({ where: { id: ws.id }, data }));
    });
  }

  async actorFor(member: Member): Promise<Actor> {
    return { workspaceId: member.workspaceId, memberId: member.id, timeZone: member.timezone };
  }

  /** Finds the member a command named (`@maria`, a Slack or Teams user id). */
  async resolvePerson(workspaceId: string, ref: PersonRef): Promise<Member> {
    const member = ref.userId
      ? await this.deps.db.member.findUnique({ where: { workspaceId_externalId: { workspaceId, externalId: ref.userId } } })
      : ref.handle
        ? await this.deps.db.member.findFirst({ where: { workspaceId, handle: ref.handle.toLowerCase() } })
        : null;
    if (!member) {
      const who = ref.handle ? `@${ref.handle}` : 'that person';
      throw new DomainError(
        DomainErrorCode.UnknownMember,
        `I don't know ${who} in this workspace yet. They appear once they have used the CRM.`,
        { field: 'owner' },
      );
    }
    return member;
  }

  async listMembers(workspaceId: string): Promise<Member[]> {
    return this.deps.db.member.findMany({ where: { workspaceId, deactivated: null }, orderBy: { displayName: 'asc' } });
  }
}
