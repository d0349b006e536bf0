import { z } from 'zod';
import { isValidTimeZone } from '../shared/dates.js';
import { moneySchema } from '../shared/money.js';

export const DIGEST_DAYS = ['weekdays', 'daily'] as const;
export const WHEN_EMPTY = ['all_clear', 'silent'] as const;
/** Platforms a digest can be posted to (the console has no channels). */
export const DIGEST_PLATFORMS = ['slack', 'teams'] as const;

export const minuteOfDaySchema = z.number().int().min(0, 'a time of day').max(24 * 60 - 1, 'a time of day');
export const timeZoneSchema = z.string().trim().refine(isValidTimeZone, 'an IANA time zone such as Europe/Berlin');

export const subscribeDigestSchema = z.object({
  platform: z.enum(DIGEST_PLATFORMS, 'digests post to a Slack or Teams channel'),
  conversationId: z.string().trim().min(1).max(200),
  minuteOfDay: minuteOfDaySchema.optional(),
  days: z.enum(DIGEST_DAYS).optional(),
  /** The subscriber's time zone when absent (for a new subscription). */
  timeZone: timeZoneSchema.optional(),
  whenEmpty: z.enum(WHEN_EMPTY).optional(),
});
export type SubscribeDigestInput = z.input<typeof subscribeDigestSchema>;

export const staleDaysSchema = z.number().int().min(1, 'at least 1 day').max(365, 'at most 365 days');
export const staleThresholdSchema = moneySchema.nullable();

export const nudgeSettingsSchema = z
  .object({
    enabled: z.boolean().optional(),
    minuteOfDay: minuteOfDaySchema.optional(),
    /** Quiet hours as minutes after midnight; equal start and end (or null) means none. */
    quiet: z.object({ start: minuteOfDaySchema, end: minuteOfDaySchema }).nullable().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'nothing to change');
export type NudgeSettingsInput = z.input<typeof nudgeSettingsSchema>;
