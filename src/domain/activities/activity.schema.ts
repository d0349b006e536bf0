import { z } from 'zod';
import { bodyText } from '../shared/text.js';

/** How long an activity's text may be, counted after cleaning. */
export const ACTIVITY_BODY_MAX = 4000;

/** What a person logs (`/deal log`, the Log to CRM forms): offered in commands and forms. */
export const ACTIVITY_TYPES = ['call', 'email', 'meeting', 'note'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];
/** What the CRM itself writes on a timeline: a task done, a merge. Never offered for logging. */
export const RECORDED_ACTIVITY_TYPES = ['task', 'merged'] as const;
export type RecordedActivityType = (typeof RECORDED_ACTIVITY_TYPES)[number];
/** Every type an Activity row may carry. */
export type AnyActivityType = ActivityType | RecordedActivityType;
export const ACTIVITY_SOURCES = ['slack', 'teams', 'console', 'api', 'import'] as const;
export type ActivitySource = (typeof ACTIVITY_SOURCES)[number];

export const logActivitySchema = z
  .object({
    /** A deal reference (`D-42`) or id. */
    deal: z.string().trim().min(1).optional(),
    contactId: z.string().min(1).optional(),
    type: z.enum(ACTIVITY_TYPES, { message: 'call, email, meeting or note' }),
    body: bodyText(ACTIVITY_BODY_MAX, 'say what happened'),
    occurredAt: z.date().optional(),
    source: z.enum(ACTIVITY_SOURCES).default('api'),
    sourceUrl: z.string().url().max(2000).optional(),
    /** A retried delivery with the same key logs nothing new. A message's permalink works well. */
    idempotencyKey: z.string().trim().min(1).max(300).optional(),
  })
  .refine((a) => a.deal || a.contactId, { message: 'pick a deal or a contact', path: ['deal'] });
export type LogActivityInput = z.input<typeof logActivitySchema>;
