/**
 * The value of a deal button that changes the deal (Advance stage, Won): the deal and the stage the
 * card showed it in, as small JSON (`{"d":"<deal id>","s":"qualified"}`, well under Slack's 2,000
 * characters), so that a second delivery of the same click finds the deal moved on and changes
 * nothing. Cards posted before buttons carried the stage have the bare deal id: still accepted.
 * The value comes back from Slack unauthenticated; the handler looks the deal up in the clicker's
 * own workspace.
 */
import { z } from 'zod';

/** Longest deal id and stage key a value carries (ids are cuids, keys short slugs). */
export const DEAL_VALUE_LIMITS = { dealId: 64, stage: 100 } as const;

const valueSchema = z.object({
  d: z.string().trim().min(1).max(DEAL_VALUE_LIMITS.dealId),
  s: z.string().trim().min(1).max(DEAL_VALUE_LIMITS.stage).optional(),
});

export interface DealButtonValue {
  dealId: string;
  /** The stage key the card showed; absent on buttons from older cards. */
  stage?: string;
}

export function encodeDealValue(v: DealButtonValue): string {
  return JSON.stringify({ d: v.dealId, ...(v.stage !== undefined && { s: v.stage }) });
}

/**
 * What a deal button carried. A bare id (older cards) is the deal alone; JSON we could not have
 * made is undefined (the handler answers that the button is out of date).
 */
export function parseDealValue(value: string | undefined): DealButtonValue | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (!text.startsWith('{')) return { dealId: text };
  try {
    const parsed = valueSchema.safeParse(JSON.parse(text));
    return parsed.success ? { dealId: parsed.data.d, ...(parsed.data.s !== undefined && { stage: parsed.data.s }) } : undefined;
  } catch {
    return undefined;
  }
}
