/**
 * The stage gate modal's submission (blocks/gate-modal.ts): the values typed or picked, read as
 * people give them (an amount such as `25k` with the workspace's reading, a date, a contact or
 * company from the typeaheads, a person), handed to the domain's move with them as its fill: the
 * values and the move are one transaction, and the gate is checked again. A value that can't be
 * read, or anything still missing, comes back on its field and nothing is written.
 */
import type { ViewOutput } from '@slack/bolt';
import { isDomainError, DomainErrorCode } from '../../../../domain/errors.js';
import { readAmount, workspaceAmountOptions } from '../../../commands/amount.js';
import { closedNote, lostHeadline } from '../../../commands/families/deal-replies.js';
import { plainMoney } from '../../../commands/families/pipelines.js';
import { gateBlockId, GATE_INPUT_KEYS } from '../../blocks/gate-modal.js';
import { GATE_FIELD_BLOCK_PREFIX, GATE_FIELD_INPUT, VIEWS } from '../../ids.js';
import type { SlackDeps } from '../context.js';
import { companyChoice, COMPANY_TOO_LONG, fieldError, type Errors, type ViewKit } from './form.js';
import { date, selected, text, user } from './read.js';

/** A custom field's value in the modal, whatever its input (text, number, choice, date, person). */
function customValue(view: ViewOutput, blockId: string): string | undefined {
  const v = view.state.values[blockId]?.[GATE_FIELD_INPUT];
  if (!v) return undefined;
  return (v.value ?? v.selected_option?.value ?? v.selected_date ?? v.selected_user ?? undefined)?.toString().trim() || undefined;
}

export function registerGateView(kit: ViewKit, deps: SlackDeps): void {
  kit.submit(VIEWS.stageGate, async (a, actor, meta, lookups) => {
    const view = a.view;
    const present = Object.keys(view.state.values);
    const fill: Record<string, string> = {};
    for (const [key, input] of Object.entries(GATE_INPUT_KEYS)) {
      if (!present.includes(gateBlockId(key))) continue;
      if (key === 'amount') {
        const typed = text(view, input);
        if (!typed) continue;
        const ws = await deps.crm.identity.getWorkspace(actor.workspaceId);
        const reading = readAmount(typed, ws.defaultCurrency, workspaceAmountOptions(ws));
        if (reading.kind !== 'money') return fieldError(gateBlockId(key), reading.kind === 'invalid' ? reading.reason : 'Write an amount such as 25k, $1.2M or 25,000 EUR.');
        fill.amount = plainMoney(reading.money);
      } else if (key === 'close') {
        const picked = date(view, input);
        if (picked) fill.close = picked;
      } else if (key === 'owner') {
        const picked = user(view, input);
        if (picked) fill.owner = await lookups.member(actor, picked);
      } else if (key === 'company') {
        const { tooLong, companyId, companyName } = companyChoice(selected(view, input));
        if (tooLong) return fieldError(gateBlockId(key), COMPANY_TOO_LONG);
        const company = companyId ?? companyName;
        if (company) fill.company = company;
      } else if (key === 'contact') {
        const picked = selected(view, input);
        if (picked) fill.contact = picked;
      } else {
        const typed = text(view, input);
        if (typed) fill[key] = typed;
      }
    }
    for (const blockId of present.filter((b) => b.startsWith(GATE_FIELD_BLOCK_PREFIX))) {
      const value = customValue(view, blockId);
      if (value) fill[`field:${blockId.slice(GATE_FIELD_BLOCK_PREFIX.length)}`] = value;
    }
    let change;
    try {
      change = await deps.crm.deals.moveStageChange(actor, meta.dealId ?? '', meta.stageId ?? '', { fill });
    } catch (err) {
      const errors = gateErrors(err, present);
      if (errors) return errors;
      throw err;
    }
    const { deal } = change;
    const headline =
      deal.status === 'lost' ? lostHeadline(change) : change.changed ? closedNote(`${deal.ref} is now in ${deal.stage.name}.`, change) : `${deal.ref} is already in ${deal.stage.name}. Nothing changed.`;
    return () => kit.show(a, actor, meta, { kind: 'deal', deal, headline }, { replace: true, title: deal.ref });
  });
}

/** A refusal about one of the modal's fields, shown on it (a value that can't be read, something still missing). */
function gateErrors(err: unknown, present: string[]): Errors | undefined {
  if (!isDomainError(err)) return undefined;
  if (err.code === DomainErrorCode.StageGate) {
    const first = (err.details.missing ?? []).map((m) => gateBlockId(m.key)).find((b) => present.includes(b));
    return first ? fieldError(first, err.message) : undefined;
  }
  const block = err.details.field ? gateBlockId(err.details.field) : undefined;
  return block && present.includes(block) ? fieldError(block, err.message) : undefined;
}
