/**
 * A member left (a `user_change` event saying `deleted`): each of the workspace's active admins
 * gets one direct message offering to hand what the leaver owns to someone else. Once per admin
 * and departure, whatever Slack redelivers (the domain's ledger: handover.offers.ts). A 429 from
 * chat.postMessage is waited out as the listeners' WebClient does for every call (it honours
 * Retry-After); a send that still fails is logged and tried again on the next event about them.
 */
import type { WebClient } from '@slack/web-api';
import type { Member } from '../../../../generated/sqlite/client.js';
import { handoverOfferMessage } from '../../blocks/handover.js';
import { toDeliveryError } from '../../notifier.js';
import type { SlackDeps } from '../context.js';

export async function offerHandover(deps: SlackDeps, client: WebClient, leaver: Member): Promise<void> {
  const offer = await deps.crm.handoverOffers.offerFor(leaver.workspaceId, leaver.id);
  if (!offer) return;
  const message = handoverOfferMessage(offer);
  const outcome = await deps.crm.handoverOffers.deliver(offer, async (admin) => {
    try {
      const res = await client.chat.postMessage({ channel: admin.externalId, text: message.text, blocks: message.blocks, unfurl_links: false });
      return { messageId: res.ts ?? '', ...(res.channel && { conversationId: res.channel }) };
    } catch (err) {
      throw toDeliveryError(err);
    }
  });
  const log = { leaverId: leaver.id, ...outcome };
  if (outcome.failed.length > 0) deps.log.warn(log, 'some admins could not be told that a member left');
  else deps.log.info(log, 'admins told that a member left');
}
