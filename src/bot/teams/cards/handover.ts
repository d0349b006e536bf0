/**
 * The admins' card about a member who left: what they own, a member picker and Hand over; and the
 * card it becomes once handed over (what happened, no buttons).
 */
import type { HandoverOffer } from '../../../domain/identity/handover.offers.js';
import type { HandoverPerson } from '../../../domain/identity/handover.service.js';
import { leaverText } from '../../../domain/identity/handover.view.js';
import { INPUTS, VERBS } from '../ids.js';
import { card, choices, execute, text } from './parts.js';
import type { TeamsMessage } from './reply.js';
import { escapeMarkdown, ourText } from './text.js';

export const HANDOVER_CARD_TEXT = {
  handTo: 'Hand them to:',
  picker: 'Hand them to',
  button: 'Hand over',
  noPick: 'Pick who gets them first, then press Hand over.',
} as const;

/** "Carol Cole left: 2 open deals, … Hand them to: [member picker] [Hand over]". */
export function handoverOfferCard(offer: HandoverOffer, heirs: HandoverPerson[]): TeamsMessage {
  const { member } = offer.leaver;
  const line = `${leaverText(offer.leaver)} ${HANDOVER_CARD_TEXT.handTo}`;
  const body = [
    text(escapeMarkdown(line)),
    choices(INPUTS.handoverTo, {
      label: HANDOVER_CARD_TEXT.picker,
      choices: heirs.map((h) => ({ title: h.displayName, value: h.id })),
      required: true,
      errorMessage: HANDOVER_CARD_TEXT.noPick,
    }),
    text(ourText(`Not in the list? Type \`deal handover @${member.handle} to @someone\`. Their closed deals stay theirs, as history.`), { subtle: true, size: 'Small' }),
  ];
  return { summary: line, card: card(body, [execute(HANDOVER_CARD_TEXT.button, VERBS.handOver, { leaverId: member.id }, { style: 'positive' })], line) };
}

/** The card after Hand over: what was handed over, or that it already was. */
export function handoverDoneCard(line: string, ok: boolean): TeamsMessage {
  return { summary: line, card: card([text(escapeMarkdown(line), ok ? { color: 'Good' } : {})], [], line) };
}
