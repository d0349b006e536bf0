/**
 * Workspaces (a Slack team, a Teams tenant, the console) and their members. A chat identity
 * becomes a member on first contact.
 */
import type { Member, Workspace } from '../../generated/sqlite/client.js';
import { inTransaction, isUniqueViolation, type Actor, type DomainDeps } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import { createDefaultPipeline } from '../pipeline/pipeline.service.js';
import { parseInput } from '../shared/validate.js';
import type { PersonRef } from '../shared/person.js';
import {
  ensureMemberSchema,
  ensureWorkspaceSchema,
  type EnsureMemberInput,
  type EnsureWorkspaceInput,
} from './identity.schema.js';

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
    };
    if (existing) {
      const stale = (Object.keys(changes) as (keyof typeof changes)[]).some((k) => existing[k] !== changes[k]);
      return stale ? this.deps.db.member.update({ where: { id: existing.id }, data: changes }) : existing;
    }
    try {
      return await this.deps.db.member.create({
        data: { workspaceId: data.workspaceId, externalId: data.externalId, ...changes },
      });
    } catch (err) {
      if (isUniqueViolation(err)) return this.deps.db.member.findUniqueOrThrow({ where });
      throw err;
    }
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
