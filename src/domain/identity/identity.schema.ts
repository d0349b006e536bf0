import { z } from 'zod';
import { currencySchema } from '../shared/money.js';
import { isValidTimeZone } from '../shared/dates.js';
import { roleSchema } from '../shared/roles.js';

export const PLATFORMS = ['slack', 'teams', 'console'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const timeZoneSchema = z.string().refine(isValidTimeZone, 'an IANA time zone such as Europe/Berlin');

export const ensureWorkspaceSchema = z.object({
  platform: z.enum(PLATFORMS),
  externalId: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(200),
  defaultCurrency: currencySchema.optional(),
  timezone: timeZoneSchema.optional(),
});
export type EnsureWorkspaceInput = z.input<typeof ensureWorkspaceSchema>;

export const handleSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((h) => h.replace(/^@/, '').replace(/[^a-z0-9._-]+/g, '.').slice(0, 80))
  .pipe(z.string().min(1));

export const ensureMemberSchema = z.object({
  workspaceId: z.string().min(1),
  externalId: z.string().trim().min(1).max(200),
  handle: handleSchema,
  displayName: z.string().trim().min(1).max(200),
  email: z.string().trim().toLowerCase().email().max(320).optional(),
  timezone: timeZoneSchema.optional(),
  /** What the platform said this person is; absent: keep what is stored ("member" for someone new). */
  access: z.enum(['member', 'guest']).optional(),
  /** A workspace admin or owner on the platform; absent: keep what is stored. */
  platformAdmin: z.boolean().optional(),
  /** The platform was asked who this person is just now (Slack users.info): stamps profileCheckedAt. */
  profileChecked: z.boolean().optional(),
});
export type EnsureMemberInput = z.input<typeof ensureMemberSchema>;

/** What a person is to a workspace, as far as the CRM lets them in. */
export const MEMBER_ACCESS = ['member', 'guest'] as const;
export type MemberAccess = (typeof MEMBER_ACCESS)[number];

export const DECIMAL_MARKS = ['comma', 'point'] as const;
export type DecimalMark = (typeof DECIMAL_MARKS)[number];

/** Workspace switches an admin can change (`/deal settings …`). */
export const workspaceSettingsSchema = z
  .object({
    allowGuests: z.boolean().optional(),
    allowSharedChannels: z.boolean().optional(),
    /** How "1.500" reads: 'comma' (1.234,56), 'point' (1,234.56), or null: from the default currency. */
    decimalMark: z.enum(DECIMAL_MARKS).nullable().optional(),
  })
  .strict();
export type WorkspaceSettingsInput = z.input<typeof workspaceSettingsSchema>;

/** `/deal role @person admin|member|read-only`: the role to give (validated before anything is read). */
export const setRoleSchema = z.object({ role: roleSchema }).strict();
export type SetRoleInput = z.input<typeof setRoleSchema>;
