/**
 * Messages to the bot: `deal …` commands in a personal chat, or after an @mention in a channel or
 * group chat (the same grammar as Slack's `/deal`), and the `Action.Submit` fallback of card
 * buttons. Every message also keeps the conversation's reference fresh for proactive messages.
 */
import type { Activity, TurnContext } from 'botbuilder';
import type { Actor } from '../../../domain/index.js';
import { executeCommand, parseContext } from '../../commands/execute.js';
import { parseCommand } from '../../commands/parse.js';
import { errorCard } from '../cards/reply.js';
import { rememberConversation } from '../conversation.js';
import { handleFor } from '../identity.js';
import { isCardActionData, runSubmittedAction } from './card-actions.js';
import { teamsExports } from './export.js';
import { importFiles, onImportFiles } from './import.js';
import { asActivity, commandContext, PREFIX, sendReply, type TeamsDeps } from './context.js';

/** `deal digest here` / `off` in a personal chat: digests post to channels only. */
export const DIGEST_NEEDS_CHANNEL = {
  message: 'Digests are for channels, so this chat with me can’t get one, and nothing was subscribed.',
  hint: `Type \`@CRM ${PREFIX} digest here\` in the channel that should get it; \`${PREFIX} digest preview\` shows one here.`,
} as const;

export async function onMessage(deps: TeamsDeps, context: TurnContext, actor: Actor): Promise<void> {
  const { activity } = context;
  await rememberConversation(deps.crm, deps.log, activity, actor);
  if (isCardActionData(activity.value) && !activity.text?.trim()) {
    await runSubmittedAction(deps, context, actor, activity.value);
    return;
  }
  const text = commandText(activity);
  if (text === undefined) return;
  // A CSV attached (personal chat only): its dry run, then Import / Cancel (import.ts).
  const files = importFiles(activity);
  if (files.length > 0) {
    await onImportFiles(deps, context, actor, files, text.replace(/<[^>]*>/g, ' '));
    return;
  }
  if (await isChannelOnlyDigestCommand(deps, actor, activity, text)) {
    await context.sendActivity(asActivity(errorCard(DIGEST_NEEDS_CHANNEL.message, DIGEST_NEEDS_CHANNEL.hint)));
    return;
  }
  // `deal export`: the files come as consent cards in the personal chat (export.ts).
  const reply = await executeCommand({ ...commandContext(deps, actor, context), exports: teamsExports(deps, context, actor) }, text || 'help');
  await sendReply(deps, context, actor, reply);
}

/** `digest here` or `digest off` typed in a personal chat (parsed by the shared grammar). */
async function isChannelOnlyDigestCommand(deps: TeamsDeps, actor: Actor, activity: Partial<Activity>, text: string): Promise<boolean> {
  if ((activity.conversation?.conversationType ?? 'personal') !== 'personal') return false;
  if (!/^(\/?deal\s+)?digest\b/i.test(text)) return false;
  const parsed = parseCommand(text, await parseContext({ crm: deps.crm, actor }));
  return parsed.ok && parsed.intent.kind === 'digest' && (parsed.intent.action === 'here' || parsed.intent.action === 'off');
}

interface MentionEntity {
  type?: string;
  text?: string;
  mentioned?: { id?: string; name?: string };
}

/**
 * The command a message carries: the bot's own @mention removed, other people's mentions turned
 * into `@handle` (how the grammar names people). Undefined for channel and group chat messages
 * that do not mention the bot (the bot is not being spoken to).
 */
export function commandText(activity: Partial<Activity>): string | undefined {
  let text = activity.text ?? '';
  let mentionsBot = false;
  for (const entity of (activity.entities ?? []) as MentionEntity[]) {
    if (entity.type !== 'mention' || !entity.text) continue;
    if (entity.mentioned?.id && entity.mentioned.id === activity.recipient?.id) {
      mentionsBot = true;
      text = text.replaceAll(entity.text, ' ');
    } else {
      text = text.replaceAll(entity.text, ` @${handleFor(entity.mentioned?.name ?? entity.text.replace(/<\/?at>/g, ''))} `);
    }
  }
  const shared = (activity.conversation?.conversationType ?? 'personal') !== 'personal';
  if (shared && !mentionsBot) return undefined;
  return text
    .replace(/<at>[^<]*<\/at>/g, ' ')
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
