/**
 * The stage gate's modal: moving a deal into a stage that requires what the deal lacks (by a
 * button or `/deal stage D-42 proposal`) opens this, asking for exactly the missing items; its
 * submission gives them and moves the deal in one transaction (listeners/views/gate.ts).
 *
 * Built-in requirements use the CRM's usual inputs (and so the contact and company typeaheads);
 * a custom field gets a block `GATE_FIELD_BLOCK_PREFIX + key`.
 */
import type { InputBlock, InputBlockElement, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { GateItem } from '../../../domain/pipeline/gates.js';
import { BLOCKS, GATE_FIELD_BLOCK_PREFIX, GATE_FIELD_INPUT, INPUTS, VIEWS, type InputKey } from '../ids.js';
import { escapeMrkdwn, SLACK_LIMITS, truncate } from './escape.js';
import { checkPrivateMetadata } from './modals.js';
import { plain, section } from './parts.js';

/** The usual input of each built-in requirement. */
export const GATE_INPUT_KEYS: Readonly<Record<string, InputKey>> = {
  amount: 'amount',
  close: 'closeDate',
  contact: 'contact',
  company: 'company',
  owner: 'owner',
  next: 'nextAction',
};

/** The block of one requirement in the modal (what an error names). */
export function gateBlockId(key: string): string {
  const builtin = GATE_INPUT_KEYS[key];
  return builtin ? BLOCKS[builtin] : `${GATE_FIELD_BLOCK_PREFIX}${key.replace(/^field:/, '')}`;
}

function element(item: GateItem): InputBlockElement {
  switch (item.input) {
    case 'date':
      return { type: 'datepicker' };
    case 'person':
      return { type: 'users_select' };
    case 'contact':
      return { type: 'external_select', min_query_length: 1, placeholder: plain('Search contacts', SLACK_LIMITS.placeholder) };
    case 'company':
      return { type: 'external_select', min_query_length: 1, placeholder: plain('Search companies', SLACK_LIMITS.placeholder) };
    case 'choice': {
      const options: PlainTextOption[] = (item.choices ?? [])
        .slice(0, SLACK_LIMITS.staticOptions)
        .filter((c) => c.length <= SLACK_LIMITS.optionValue)
        .map((c) => ({ text: plain(c, SLACK_LIMITS.optionText), value: c }));
      return { type: 'static_select', options };
    }
    case 'money':
      return { type: 'plain_text_input', max_length: 50, placeholder: plain('25k, $1.2M, EUR 25000', SLACK_LIMITS.placeholder) };
    case 'number':
      return { type: 'number_input', is_decimal_allowed: true };
    default:
      return { type: 'plain_text_input', max_length: 500 };
  }
}

function block(item: GateItem): InputBlock {
  const builtin = GATE_INPUT_KEYS[item.key];
  return {
    type: 'input',
    block_id: gateBlockId(item.key),
    label: plain(item.label, SLACK_LIMITS.inputLabel),
    element: { ...element(item), action_id: builtin ? INPUTS[builtin] : GATE_FIELD_INPUT } as InputBlockElement,
  };
}

export function gateModal(opts: { deal: string; stage: { name: string }; missing: GateItem[]; privateMetadata?: string }): ModalView {
  const intro: KnownBlock = section(`*${escapeMrkdwn(opts.deal)}* needs these before it enters *${escapeMrkdwn(truncate(opts.stage.name, 100))}*.`);
  const meta = checkPrivateMetadata(opts.privateMetadata);
  return {
    type: 'modal',
    callback_id: VIEWS.stageGate,
    title: plain(truncate(`Move to ${opts.stage.name}`, SLACK_LIMITS.modalTitle), SLACK_LIMITS.modalTitle),
    submit: plain('Move', SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    ...(meta !== undefined && { private_metadata: meta }),
    blocks: [intro, ...opts.missing.slice(0, SLACK_LIMITS.viewBlocks - 1).map(block)],
  };
}
