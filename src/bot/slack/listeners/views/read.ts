/** Reads a modal's submitted values by the ids in ids.ts. */
import type { ViewOutput } from '@slack/bolt';
import { BLOCKS, INPUTS, type InputKey } from '../../ids.js';

type StateValue = ViewOutput['state']['values'][string][string];

export function field(view: ViewOutput, key: InputKey): StateValue | undefined {
  return view.state.values[BLOCKS[key]]?.[INPUTS[key]];
}

export const text = (view: ViewOutput, key: InputKey) => field(view, key)?.value?.trim() || undefined;
export const selected = (view: ViewOutput, key: InputKey) => field(view, key)?.selected_option?.value || undefined;
export const date = (view: ViewOutput, key: InputKey) => field(view, key)?.selected_date || undefined;
export const user = (view: ViewOutput, key: InputKey) => field(view, key)?.selected_user || undefined;

/** Which input blocks a submitted view has (errors may only name those). */
export function blocksOf(view: ViewOutput): string[] {
  return Object.keys(view.state.values);
}
