/** What every Teams handler needs, and the small helpers they share. */
import type { TurnContext } from 'botbuilder';
import type { Actor, Crm } from '../../../domain/index.js';
import type { CommandContext, Reply } from '../../commands/execute.js';
import { errorReply } from '../../messages.js';
import type { Logger } from '../../../log.js';
import { attachment } from '../cards/parts.js';
import { errorCard, replyCard, type ReplyOptions, type TeamsMessage } from '../cards/reply.js';
import type { TeamsIdentity } from '../identity.js';
import type { ProactiveSender } from '../proactive.js';
import { conversationOf } from '../conversation.js';

export interface TeamsDeps {
  crm: Crm;
  log: Logger;
  identity: TeamsIdentity;
  /** Delivers private answers (drafts, summaries asked for in a channel) to the person's own chat. */
  sender: ProactiveSender;
}

/** Commands in Teams are typed as `deal …`. */
export const PREFIX = 'deal';

/** What a button or form from an older card, or with data we did not make, gets. */
export const STALE_BUTTON = 'That button no longer works. Run the command again.';

export function commandContext(deps: TeamsDeps, actor: Actor, context: TurnContext): CommandContext {
  const conversation = conversationOf(context.activity);
  return {
    crm: deps.crm,
    actor,
    surface: 'teams',
    log: deps.log,
    prefix: PREFIX,
    // Teams redelivers an activity with the same id: the executor then writes nothing new.
    ...(context.activity.id && { deliveryId: context.activity.id }),
    // Where `deal digest here` subscribes: the channel (not the thread), as stored for proactive posts.
    ...(conversation && { channelId: conversation.conversationId }),
  };
}

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

const isShared = (context: TurnContext) => (context.activity.conversation?.conversationType ?? 'personal') !== 'personal';

/**
 * Sends a reply into the conversation. Drafts, summaries and digest previews are for the person
 * who asked only: asked for in a channel or group chat, they go to the person's personal chat.
 */
export async function sendReply(deps: TeamsDeps, context: TurnContext, actor: Actor, reply: Reply): Promise<void> {
  const msg = replyCard(reply, await replyOptions(deps, actor));
  if (PRIVATE_KINDS.has(reply.kind) && isShared(context)) {
    await sendPrivately(deps, context, actor, msg);
    return;
  }
  await context.sendActivity(asActivity(msg));
}

/** Sends to the actor's personal chat with the bot; says where it went (or why it could not) in the conversation. */
export async function sendPrivately(deps: TeamsDeps, context: TurnContext, actor: Actor, msg: TeamsMessage): Promise<void> {
  const personal = await deps.crm.teamsConversations.findPersonal(actor.workspaceId, actor.memberId);
  if (!personal) {
    await context.sendActivity(
      asActivity(
        errorCard(
          'That answer is shown only to the person who asked, and I have no personal chat with you yet.',
          `Open a chat with me (Apps → CRM → Chat), say hi, then ask again with \`${PREFIX} …\`.`,
        ),
      ),
    );
    return;
  }
  // Inside the turn: a short wait at most, so the turn still answers in time.
  await deps.sender.send(personal.reference, asActivity(msg), { maxAttempts: 2, maxWaitMs: 3000 });
  await context.sendActivity({ type: 'message', text: 'I sent that to you in our personal chat.' });
}
