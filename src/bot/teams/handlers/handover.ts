/**
 * Ownership hand-over in Teams.
 *
 * A member removed from a team the bot is installed in (a `conversationUpdate` with
 * `membersRemoved`, in a team's channel) has left: they are deactivated, and each active admin gets
 * one card in their personal chat with the bot offering to hand what the leaver owns to someone
 * else (once per admin and departure, whatever Teams redelivers: the domain's ledger). The bot
 * itself removed (an uninstall from a personal chat or a team) and group chats are not departures.
 * A 429 is waited out as the proactive sender does (Retry-After, bounded for a turn); an admin the
 * bot has no personal chat with cannot be reached, and is tried again on the next event.
 *
 * The card's Hand over arrives as card-actions.ts's buttons do; the domain checks the clicker is an
 * admin and the picked member may own the records. A second press says it was already done.
 */
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { DeliveryError, type Actor } from '../../../domain/index.js';
import { totalOf } from '../../../domain/identity/handover.service.js';
import { handoverText } from '../../../domain/identity/handover.view.js';
import { errorReply } from '../../messages.js';
import { handoverDoneCard, handoverOfferCard, HANDOVER_CARD_TEXT } from '../cards/handover.js';
import { attachment } from '../cards/parts.js';
import { INPUTS, VERBS } from '../ids.js';
import type { CardActionResult } from './card-actions.js';
import { PREFIX, type TeamsDeps } from './context.js';

/** Bounds of one offer's proactive send inside a turn (Teams redelivers after about 15 s). */
const SEND_LIMITS = { maxAttempts: 3, maxWaitMs: 5_000 };

export async function onMembersRemoved(deps: TeamsDeps, context: TurnContext, actor: Actor): Promise<void> {
  const { activity } = context;
  const team = (activity.channelData as { team?: { id?: string } } | undefined)?.team;
  if (activity.conversation?.conversationType !== 'channel' || !team?.id) return;
  for (const removed of activity.membersRemoved ?? []) {
    if (removed.id === activity.recipient?.id) continue;
    const externalId = removed.aadObjectId ?? removed.id;
    const known = await deps.crm.identity.findMember(actor.workspaceId, externalId);
    if (!known) continue;
    const leaver = await deps.crm.identity.refreshMember(actor.workspaceId, externalId, {
      handle: known.handle,
      displayName: known.displayName,
      deactivated: true,
    });
    if (leaver) await offer(deps, actor.workspaceId, leaver.id);
  }
}

async function offer(deps: TeamsDeps, workspaceId: string, leaverId: string): Promise<void> {
  const found = await deps.crm.handoverOffers.offerFor(workspaceId, leaverId);
  if (!found) return;
  const msg = handoverOfferCard(found, await deps.crm.handover.heirs(workspaceId, leaverId));
  const outcome = await deps.crm.handoverOffers.deliver(found, async (admin) => {
    const chat = await deps.crm.teamsConversations.findPersonal(workspaceId, admin.id);
    if (!chat) throw new DeliveryError('conversation_not_found', { retryable: false, message: 'no personal chat with this admin' });
    const { id } = await deps.sender.send(chat.reference, { type: 'message', summary: msg.summary, attachments: [attachment(msg.card)] }, SEND_LIMITS);
    return { messageId: id, conversationId: chat.conversationId };
  });
  const log = { leaverId, ...outcome };
  if (outcome.failed.length > 0) deps.log.warn(log, 'some admins could not be told that a member left');
  else deps.log.info(log, 'admins told that a member left');
}

const handoverSchema = z.object({
  verb: z.literal(VERBS.handOver),
  leaverId: z.string().trim().min(1).max(64),
  [INPUTS.handoverTo]: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined)),
});

export const isHandoverAction = (data: unknown): boolean => (data as { verb?: unknown } | null)?.verb === VERBS.handOver;

export async function runHandoverAction(deps: TeamsDeps, actor: Actor, data: unknown): Promise<CardActionResult> {
  const parsed = handoverSchema.safeParse(data);
  if (!parsed.success) return { kind: 'note', text: 'That button no longer works. Hand over with `deal handover @person to @someone`.' };
  const { leaverId, handoverTo } = parsed.data;
  try {
    if (!handoverTo) {
      const left = await deps.crm.handover.leaverSummary(actor.workspaceId, leaverId);
      if (totalOf(left) > 0) return { kind: 'note', text: HANDOVER_CARD_TEXT.noPick };
      return { kind: 'replace', card: handoverDoneCard(handoverText({ from: left.member, to: left.member, moved: left, changed: false }), false).card };
    }
    const result = await deps.crm.handover.handOver(actor, { memberId: leaverId }, { memberId: handoverTo });
    return { kind: 'replace', card: handoverDoneCard(handoverText(result), result.changed).card };
  } catch (err) {
    return { kind: 'note', text: errorReply(err, deps.log, PREFIX).message };
  }
}
