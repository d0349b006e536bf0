/**
 * The admins' direct message about a member who left: what they own, a people picker and a Hand
 * over button; and the same message once handed over (the picker gone, what happened said).
 */
import type { KnownBlock } from '@slack/types';
import type { HandoverOffer } from '../../../domain/identity/handover.offers.js';
import { leaverText } from '../../../domain/identity/handover.view.js';
import { HANDOVER_ACTIONS, HANDOVER_BLOCK_PREFIX } from '../ids.js';
import { escapeMrkdwn } from './escape.js';
import { button, context, plain, section } from './parts.js';
import { SLACK_LIMITS } from './limits.js';

export const HANDOVER_TEXT = {
  handTo: 'Hand them to:',
  pick: 'Pick a person',
  button: 'Hand over',
  noPick: 'Pick who gets them first, then press Hand over.',
} as const;

/** "Maria Garcia left: 12 open deals, … Hand them to: [people picker] [Hand over]". */
export function handoverOfferMessage(offer: HandoverOffer): { text: string; blocks: KnownBlock[] } {
  const { member } = offer.leaver;
  const text = `${leaverText(offer.leaver)} ${HANDOVER_TEXT.handTo}`;
  const handle = member.handle.replace(/[^a-z0-9._-]/gi, '');
  return {
    text,
    blocks: [
      section(escapeMrkdwn(text)),
      {
        type: 'actions',
        block_id: `${HANDOVER_BLOCK_PREFIX}${member.id}`,
        elements: [
          { type: 'users_select', action_id: HANDOVER_ACTIONS.pick, placeholder: plain(HANDOVER_TEXT.pick, SLACK_LIMITS.placeholder) },
          button(HANDOVER_TEXT.button, HANDOVER_ACTIONS.handOver, { value: member.id, style: 'primary' }),
        ],
      },
      context(`Or type \`/deal handover @${handle} to @someone\`. Their closed deals stay theirs, as history.`),
    ],
  };
}

/** The message after the button: what was handed over (or that it already was). */
export function handoverDoneMessage(line: string, ok: boolean): { text: string; blocks: KnownBlock[] } {
  const text = `${ok ? ':white_check_mark:' : ':information_source:'} ${escapeMrkdwn(line)}`;
  return { text: line, blocks: [section(text)] };
}
