/**
 * The custom fields of the deal edit modal (blocks/fields.ts, customFieldInputs): each input's
 * value read as a person would type it (a people picker as a mention, an emptied input or
 * "— none —" as clearing it), saved by the domain with the deal's own fields in one transaction.
 * A value that can't be read comes back on its field, and nothing is changed.
 */
import type { ViewOutput } from '@slack/bolt';
import type { Actor } from '../../../../domain/index.js';
import { isDomainError } from '../../../../domain/errors.js';
import { NO_CHOICE } from '../../blocks/fields.js';
import { DEAL_FIELD_BLOCK_PREFIX, DEAL_FIELD_INPUT } from '../../ids.js';
import type { Errors, Lookups, ViewArgs } from './form.js';

/** Each custom field of the form and its value as typed ('' clears it); people are made known first. */
async function customValues(view: ViewOutput, actor: Actor, lookups: Lookups): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const [blockId, inputs] of Object.entries(view.state.values)) {
    if (!blockId.startsWith(DEAL_FIELD_BLOCK_PREFIX)) continue;
    const v = inputs[DEAL_FIELD_INPUT];
    if (!v) continue;
    const key = blockId.slice(DEAL_FIELD_BLOCK_PREFIX.length);
    if (v.type === 'users_select') {
      // Someone who has not used the CRM yet becomes a member first (as owners picked in forms do).
      if (v.selected_user) await lookups.member(actor, v.selected_user);
      values[key] = v.selected_user ? `<@${v.selected_user}>` : '';
    } else if (v.type === 'static_select') {
      const picked = v.selected_option?.value;
      values[key] = !picked || picked === NO_CHOICE ? '' : picked;
    } else if (v.type === 'datepicker') {
      values[key] = v.selected_date ?? '';
    } else {
      values[key] = v.value ?? '';
    }
  }
  return values;
}

/**
 * The form's custom fields as the domain takes them (key → value as typed), people made known
 * first. DealService.edit sets them with the deal's own fields in one transaction.
 */
export async function customFieldValues(a: ViewArgs, actor: Actor, lookups: Lookups): Promise<Record<string, string> | undefined> {
  const values = await customValues(a.view, actor, lookups);
  return Object.keys(values).length === 0 ? undefined : values;
}

/** A custom field's refusal as the error on its input (nothing was saved); undefined when it is about no field of the form. */
export function customFieldErrors(err: unknown, a: ViewArgs): Errors | undefined {
  const block = isDomainError(err) && err.details.field ? `${DEAL_FIELD_BLOCK_PREFIX}${err.details.field}` : undefined;
  if (block && block in a.view.state.values) return { [block]: (err instanceof Error ? err.message : String(err)).slice(0, ERROR_MAX) };
  return undefined;
}

/** The most characters of a field's error shown under it (a choice field's refusal lists its choices). */
const ERROR_MAX = 1000;
