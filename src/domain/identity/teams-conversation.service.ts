/**
 * Where the Teams bot can speak later: a conversation reference per personal chat, channel or
 * group chat, stored when the bot is installed there or first spoken to. Proactive messages
 * (digests, nudges) are sent through these. The reference is the platform's own JSON, opaque
 * here: the domain never reads inside it (and never imports the Bot Framework SDK).
 */
import { z } from 'zod';
import type { TeamsConversation } from '../../generated/sqlite/client.js';
import { isUniqueViolation, type DomainDeps } from '../context.js';
import { parseInput } from '../shared/validate.js';

export const TEAMS_CONVERSATION_KINDS = ['personal', 'channel', 'groupChat'] as const;
export type TeamsConversationKind = (typeof TEAMS_CONVERSATION_KINDS)[number];

export const rememberTeamsConversationSchema = z.object({
  workspaceId: z.string().min(1),
  conversationId: z.string().trim().min(1).max(500),
  kind: z.enum(TEAMS_CONVERSATION_KINDS),
  /** For a personal chat: the member it is with. */
  memberId: z.string().min(1).optional(),
  /** The ConversationReference as JSON. */
  reference: z
    .string()
    .min(2)
    .max(20_000)
    .refine((s) => {
      try {
        return typeof JSON.parse(s) === 'object';
      } catch {
        return false;
      }
    }, 'a JSON object'),
});
export type RememberTeamsConversationInput = z.input<typeof rememberTeamsConversationSchema>;

export class TeamsConversationService {
  constructor(private readonly deps: DomainDeps) {}

  /**
   * Stores or refreshes a conversation's reference. Writes only when something changed (the
   * service URL of a conversation can move), so calling it on every message costs one read.
   */
  async remember(input: RememberTeamsConversationInput): Promise<{ conversation: TeamsConversation; changed: boolean }> {
    const data = parseInput(rememberTeamsConversationSchema, input);
    const where = { workspaceId_conversationId: { workspaceId: data.workspaceId, conversationId: data.conversationId } };
    const fields = { kind: data.kind, memberId: data.memberId ?? null, reference: data.reference };
    const existing = await this.deps.db.teamsConversation.findUnique({ where });
    if (existing) {
      const same =
        existing.kind === fields.kind &&
        existing.reference === fields.reference &&
        (data.memberId === undefined || existing.memberId === fields.memberId);
      if (same) return { conversation: existing, changed: false };
      const conversation = await this.deps.db.teamsConversation.update({
        where: { id: existing.id },
        // A channel reference never loses the member a personal chat was tied to.
        data: { ...fields, memberId: data.memberId ?? existing.memberId },
      });
      return { conversation, changed: true };
    }
    try {
      const conversation = await this.deps.db.teamsConversation.create({
        data: { workspaceId: data.workspaceId, conversationId: data.conversationId, ...fields },
      });
      return { conversation, changed: true };
    } catch (err) {
      // Two first messages at once: the other one stored it.
      if (isUniqueViolation(err)) return { conversation: await this.deps.db.teamsConversation.findUniqueOrThrow({ where }), changed: false };
      throw err;
    }
  }

  async find(workspaceId: string, conversationId: string): Promise<TeamsConversation | null> {
    return this.deps.db.teamsConversation.findUnique({ where: { workspaceId_conversationId: { workspaceId, conversationId } } });
  }

  /** A member's personal chat with the bot (the newest, should there be several). */
  async findPersonal(workspaceId: string, memberId: string): Promise<TeamsConversation | null> {
    return this.deps.db.teamsConversation.findFirst({
      where: { workspaceId, memberId, kind: 'personal' },
      orderBy: { updatedAt: 'desc' },
    });
  }

  /** Every conversation of a workspace the bot can post to, optionally of one kind. */
  async list(workspaceId: string, kind?: TeamsConversationKind): Promise<TeamsConversation[]> {
    return this.deps.db.teamsConversation.findMany({
      where: { workspaceId, ...(kind && { kind }) },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Forgets a conversation the bot was removed from. The CRM data stays. */
  async forget(workspaceId: string, conversationId: string): Promise<boolean> {
    const { count } = await this.deps.db.teamsConversation.deleteMany({ where: { workspaceId, conversationId } });
    return count > 0;
  }
}
