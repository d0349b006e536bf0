/** What every Teams handler needs, and the small helpers they share. */
import type { TurnContext } from 'botbuilder';
import { DomainError, DomainErrorCode, type Actor, type Crm } from '../../../domain/index.js';
import type { CommandContext, Reply } from '../../commands/execute.js';
import { errorReply } from '../../messages.js';
import type { Logger } from '../../../log.js';
import { attachment } from '../cards/parts.js';
import { errorCard, replyCard, type ReplyOptions, type TeamsMessage } from '../cards/reply.js';
import type { TeamsIdentity } from '../identity.js';
import type { ProactiveSender } from '../proactive.js';
import { conversationOf } from '../conversation.js';
import { turnConnector, type Audience, type AudienceChecker, type ConversationFacts } from '../audience.js';

export interface TeamsDeps {
  crm: Crm;
  log: Logger;
  identity: TeamsIdentity;
  /** Delivers private answers (drafts, summaries asked for in a channel) to the person's own chat. */
  sender: ProactiveSender;
  /** Who can read a channel or group chat (guests, other organisations), cached per conversation. */
  audience: AudienceChecker;
}

/** Commands in Teams are typed as `deal …`. */
export const PREFIX = 'deal';

/** What a button or form from an older card, or with data we did not make, gets. */
export const STALE_BUTTON = 'That button no longer works. Run the command again.';

export function commandContext(deps: TeamsDeps, actor: Actor, context: TurnContext): CommandContext {
  const conversation = conversationOf(context.activity);
  // A personal chat is no place for a digest: no channelId, so `digest here` subscribes nothing.
  const shared = conversation && conversation.kind !== 'personal' ? conversation : undefined;
  return {
    crm: deps.crm,
    actor,
    surface: 'teams',
    log: deps.log,
    prefix: PREFIX,
    // Teams redelivers an activity with the same id: the executor then writes nothing new.
    ...(context.activity.id && { deliveryId: context.activity.id }),
    // Where `deal digest here` subscribes: the channel (not the thread), as stored for proactive posts.
    ...(shared && {
      channelId: shared.conversationId,
      // Refuses a digest where guests or other organisations can read it, unless the workspace allows it.
      channelGuard: async () => {
        const audience = await audienceFor(deps, context, actor);
        if (audience.kind !== 'own') throw new DomainError(DomainErrorCode.SharedChannel, audience.reason);
      },
    }),
  };
}

/** What the activity says about its conversation, for the audience check. */
export function conversationFacts(context: TurnContext): ConversationFacts | undefined {
  const conversation = conversationOf(context.activity);
  const tenantId = context.activity.conversation?.tenantId ?? (context.activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  if (!conversation || !tenantId) return undefined;
  return { conversationId: conversation.conversationId, kind: conversation.kind, tenantId, ...conversation.reference.audience };
}

/**
 * Who can read the conversation of this turn: a personal chat is the person's own; a channel or
 * group chat is checked (guests, other tenants, shared channels) unless the workspace allows CRM
 * content in shared channels (`deal settings shared-channels on`).
 */
export async function audienceFor(deps: TeamsDeps, context: TurnContext, actor: Actor): Promise<Audience> {
  const facts = conversationFacts(context);
  if (!facts || facts.kind === 'personal') return { kind: 'own' };
  if ((await deps.crm.identity.settings(actor.workspaceId)).allowSharedChannels) return { kind: 'own' };
  return deps.audience.check(turnConnector(context), facts);
}

/** Said in a conversation with outsiders instead of CRM content (which went to the person's own chat). */
export const SENT_PRIVATELY_HINT = `A workspace admin can allow CRM content in such conversations with \`${PREFIX} settings shared-channels on\`.`;

/** Options every card needs: the reader's clock, and whether the assistant's buttons show. */
export async function replyOptions(deps: TeamsDeps, actor: Actor): Promise<ReplyOptions> {
  return { now: deps.crm.clock.now(), timeZone: actor.timeZone, assistant: await deps.crm.assistant.isEnabled(actor.workspaceId) };
}

export const asActivity = (msg: TeamsMessage) => ({ type: 'message' as const, summary: msg.summary, attachments: [attachment(msg.card)] });

/** A failure as the card a person sees (domain errors in their words, the rest as an apology). */
export function failureMessage(err: unknown, log: Logger): TeamsMessage {
  const reply = errorReply(err, log, PREFIX);
  return errorCard(reply.message, reply.hint);
}

/** Replies only the person who asked may see. */
const PRIVATE_KINDS = new Set<string>(['draft', 'summary', 'digest_preview']);
/** Replies without CRM data: they may be said where guests or other organisations read. */
const PUBLIC_KINDS = new Set<string>(['error', 'help']);

const isShared = (context: TurnContext) => (context.activity.conversation?.conversationType ?? 'personal') !== 'personal';

/**
 * Sends a reply into the conversation. Drafts, summaries and digest previews are for the person
 * who asked only: asked for in a channel or group chat, they go to the person's personal chat.
 * Teams has no message only one person sees in a channel, so in a channel or group chat with
 * guests or people of other organisations every reply with CRM data goes there too (unless the
 * workspace allows shared channels); the conversation is told why, without the data.
 */
export async function sendReply(deps: TeamsDeps, context: TurnContext, actor: Actor, reply: Reply): Promise<void> {
  const msg = replyCard(reply, await replyOptions(deps, actor));
  if (isShared(context) && PRIVATE_KINDS.has(reply.kind)) {
    await sendPrivately(deps, context, actor, msg);
    return;
  }
  if (isShared(context) && !PUBLIC_KINDS.has(reply.kind)) {
    const audience = await audienceFor(deps, context, actor);
    if (audience.kind !== 'own') {
      await sendPrivately(deps, context, actor, msg, audience.reason);
      return;
    }
  }
  await context.sendActivity(asActivity(msg));
}

/**
 * Sends to the actor's personal chat with the bot; says where it went (or why it could not) in the
 * conversation, with `why` (the conversation has outsiders) and the setting that would allow it.
 */
export async function sendPrivately(deps: TeamsDeps, context: TurnContext, actor: Actor, msg: TeamsMessage, why?: string): Promise<void> {
  const personal = await deps.crm.teamsConversations.findPersonal(actor.workspaceId, actor.memberId);
  if (!personal) {
    await context.sendActivity(
      asActivity(
        errorCard(
          `${why ? `${why} So my answer` : 'That answer'} is shown only to the person who asked, and I have no personal chat with you yet.`,
          `Open a chat with me (Apps → CRM → Chat), say hi, then ask again with \`${PREFIX} …\`.`,
        ),
      ),
    );
    return;
  }
  // Inside the turn: a short wait at most, so the turn still answers in time.
  await deps.sender.send(personal.reference, asActivity(msg), { maxAttempts: 2, maxWaitMs: 3000 });
  if (why) await context.sendActivity(asActivity(errorCard(`${why} I sent my answer to you in our personal chat.`, SENT_PRIVATELY_HINT)));
  else await context.sendActivity({ type: 'message', text: 'I sent that to you in our personal chat.' });
}
