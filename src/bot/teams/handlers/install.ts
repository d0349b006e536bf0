/**
 * The bot joins a conversation (installed in a personal scope, added to a team or a group chat):
 * keep the conversation's reference for proactive messages and say hello with the basics. Removed:
 * forget the reference (the CRM data stays).
 */
import type { TurnContext } from 'botbuilder';
import type { Actor } from '../../../domain/index.js';
import { conversationOf, rememberConversation } from '../conversation.js';
import { newRecordButtons, plainCard } from '../cards/reply.js';
import { asActivity, PREFIX, type TeamsDeps } from './context.js';

export async function onInstalled(deps: TeamsDeps, context: TurnContext, actor: Actor): Promise<void> {
  await rememberConversation(deps.crm, deps.log, context.activity, actor);
  const shared = (context.activity.conversation?.conversationType ?? 'personal') !== 'personal';
  const how = shared ? `Mention me with a command, e.g. @CRM ${PREFIX} list.` : `Type a command, e.g. ${PREFIX} list.`;
  const welcome = plainCard(
    `I keep your deals in chat. ${how} Create one with \`${PREFIX} new Acme renewal 25k close next friday\`, or \`${PREFIX} help\` for every command.`,
    'Hi! I am your chat-ops CRM.',
  );
  welcome.card.actions = newRecordButtons();
  await context.sendActivity(asActivity(welcome));
}

export async function onUninstalled(deps: TeamsDeps, context: TurnContext, actor: Actor): Promise<void> {
  const conversation = conversationOf(context.activity);
  if (conversation) await deps.crm.teamsConversations.forget(actor.workspaceId, conversation.conversationId);
}
