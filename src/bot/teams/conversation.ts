/**
 * Conversation references: what the bot keeps about a conversation so it can post there later
 * (digests to a channel, nudges in a personal chat). Stored through the domain as opaque JSON.
 */
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Actor, Crm } from '../../domain/index.js';
import type { TeamsConversationKind } from '../../domain/identity/teams-conversation.service.js';
import type { Logger } from '../../log.js';

/**
 * A conversation reference as stored: Bot Framework's, plus what the audience check needs later
 * (a digest delivered without a turn): the team a channel belongs to and the channel's type.
 */
export type StoredReference = Partial<ConversationReference> & { audience?: { teamId?: string; channelType?: string } };

export interface StoredConversation {
  conversationId: string;
  kind: TeamsConversationKind;
  reference: StoredReference;
}

interface ChannelDataAudience {
  team?: { id?: string };
  channel?: { type?: string; membershipType?: string };
}

const KINDS: readonly string[] = ['personal', 'channel', 'groupChat'];

/**
 * The reference to keep for an activity's conversation: for a channel, the channel itself (not the
 * thread the message was in), and never the message id, so a later post starts a new message
 * instead of replying in an old thread.
 */
export function conversationOf(activity: Partial<Activity>): StoredConversation | undefined {
  const id = activity.conversation?.id;
  if (!id || !activity.serviceUrl) return undefined;
  const type = activity.conversation?.conversationType ?? 'personal';
  const kind = (KINDS.includes(type) ? type : 'personal') as TeamsConversationKind;
  const conversationId = kind === 'channel' ? id.split(';messageid=')[0]! : id;
  const reference: StoredReference = TurnContext.getConversationReference(activity);
  delete reference.activityId;
  reference.conversation = { ...reference.conversation!, id: conversationId };
  // A channel's reference must not carry whoever spoke last: it is about the channel.
  if (kind !== 'personal') delete reference.user;
  if (kind === 'channel') {
    const data = (activity.channelData ?? {}) as ChannelDataAudience;
    const channelType = data.channel?.type ?? data.channel?.membershipType;
    reference.audience = {
      ...(typeof data.team?.id === 'string' && { teamId: data.team.id }),
      ...(typeof channelType === 'string' && { channelType: channelType.toLowerCase() }),
    };
  }
  return { conversationId, kind, reference };
}

/** Stores (or refreshes) the activity's conversation; never fails the turn. */
export async function rememberConversation(crm: Crm, log: Logger, activity: Partial<Activity>, actor: Actor): Promise<void> {
  const conversation = conversationOf(activity);
  if (!conversation) return;
  try {
    await crm.teamsConversations.remember({
      workspaceId: actor.workspaceId,
      conversationId: conversation.conversationId,
      kind: conversation.kind,
      ...(conversation.kind === 'personal' && { memberId: actor.memberId }),
      reference: JSON.stringify(conversation.reference),
    });
  } catch (err) {
    log.warn({ err }, 'could not store a teams conversation reference');
  }
}

export function parseReference(json: string): StoredReference {
  return JSON.parse(json) as StoredReference;
}

/** The reference Bot Framework needs, without what the CRM keeps beside it. */
export function botReference(reference: StoredReference): Partial<ConversationReference> {
  const { audience: _audience, ...rest } = reference;
  return rest;
}
