/**
 * What a person asked for, independent of the surface they typed it in. The grammar
 * (parse.ts) turns the text after `/deal` (Slack), `deal` (Teams) or `/deal` (console) into one of
 * these, or into a friendly error with the nearest correct usage. The domain resolves names
 * (stages, people, deal references) against the workspace.
 */

/** Exact money: an integer count of the currency's minor units (cents for USD, yen for JPY). */
export interface Money {
  minor: bigint;
  /** ISO 4217 code, upper case. */
  currency: string;
}

/** A calendar date in the speaker's time zone, `YYYY-MM-DD`. */
export type DateOnly = string;

/**
 * A person named in a command. Slack sends `<@U123ABC|maria>` or `<@U123ABC>`, Teams an
 * @mention entity, the console `@maria`.
 */
export interface PersonRef {
  /** The platform's user id when the surface gave one (Slack `U…`, Teams AAD object id). */
  userId?: string;
  /** The lower-case handle typed after `@`. */
  handle?: string;
}

export const ACTIVITY_TYPES = ['call', 'email', 'meeting', 'note'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export type ListScope = { type: 'mine' } | { type: 'all' } | { type: 'stage'; stage: string };

export type Intent =
  | { kind: 'help'; topic?: string }
  | {
      kind: 'new';
      title: string;
      amount?: Money;
      /** A stage key or name as typed; the domain checks it against the pipeline. */
      stage?: string;
      owner?: PersonRef;
      closeDate?: DateOnly;
    }
  | { kind: 'list'; scope: ListScope }
  /** `ref` is a deal reference (`D-42`) or search text over title and company. */
  | { kind: 'show'; query: string }
  | { kind: 'stage'; ref: string; stage: string }
  | { kind: 'won'; ref: string }
  | { kind: 'lost'; ref: string; reason: string }
  | { kind: 'next'; ref: string; action: string; due?: DateOnly }
  | { kind: 'log'; ref: string; type: ActivityType; text: string }
  | { kind: 'assign'; ref: string; owner: PersonRef }
  | { kind: 'report' }
  /** A follow-up email draft for a deal; `again` asks for a fresh one instead of the cached one. */
  | { kind: 'draft'; ref: string; regenerate?: true }
  /** A summary of a deal's activity… */
  | { kind: 'summary'; ref: string; regenerate?: true }
  /** …or of a contact's, found by name or email. */
  | { kind: 'summary'; contact: string }
  | DigestIntent
  /**
   * The person's morning nudge: with no field set, show the settings. `minuteOfDay` and the quiet
   * hours are minutes after midnight in their time zone; `quiet: null` turns quiet hours off.
   */
  | { kind: 'nudges'; enabled?: boolean; minuteOfDay?: number; quiet?: { start: number; end: number } | null }
  /**
   * `/deal settings [guests on|off] [shared-channels on|off]`: the workspace's switches for who may
   * use the CRM and where the bot may post; changing them is for workspace admins.
   */
  | { kind: 'settings'; allowGuests?: boolean; allowSharedChannels?: boolean; decimalMark?: 'comma' | 'point' | null };

/** `/deal digest …`: the channel digest's settings. */
export type DigestIntent =
  /** Show this conversation's digest settings and the workspace's. */
  | { kind: 'digest'; action: 'show' }
  /** Subscribe this conversation, or change its settings; absent fields keep their value (or default). */
  | {
      kind: 'digest';
      action: 'here';
      /** Minutes after local midnight. */
      minuteOfDay?: number;
      days?: 'weekdays' | 'daily';
      whenEmpty?: 'all_clear' | 'silent';
      /** An IANA zone typed in the command; the speaker's zone otherwise. */
      timeZone?: string;
    }
  | { kind: 'digest'; action: 'off' }
  /** Today's digest for this conversation, shown only to the person who asked. */
  | { kind: 'digest'; action: 'preview' }
  /** The workspace's stale period, in days. */
  | { kind: 'digest'; action: 'stale'; days: number }
  /** Stale deals at or above this amount come first; null turns it off. */
  | { kind: 'digest'; action: 'threshold'; amount: Money | null };

export type IntentKind = Intent['kind'];

export interface ParseContext {
  /** The instant the person typed the command. */
  now: Date;
  /** The speaker's IANA time zone: relative dates ("next friday") are read in it. */
  timeZone: string;
  /** Currency for amounts typed without one ("25k"). */
  defaultCurrency: string;
  /**
   * The workspace's stage keys and names (lower case), so `new Acme 25k qualified` can tell a
   * stage from a word of the title. Defaults to the default pipeline's stages.
   */
  stages?: readonly string[];
  /**
   * The workspace's decimal mark, for amounts such as `1.500` that read either way. Absent: derived
   * from `defaultCurrency` (`,` for EUR, `.` for USD; see `decimalSeparatorFor` in amount.ts).
   */
  decimalSeparator?: '.' | ',';
}

export interface ParseError {
  /** One friendly sentence saying what was wrong. */
  message: string;
  /** The nearest correct usage, e.g. "/deal next <ref> <action> [by <date>]". */
  usage: string;
}

/**
 * `notes`: things the answer should tell the person about how their words were read (an amount
 * read one way of two, a date in the past). Each is one friendly sentence.
 */
export type ParseResult = { ok: true; intent: Intent; notes?: string[] } | { ok: false; error: ParseError };

/** A deal reference as shown to people: D-42. */
export const DEAL_REF_PATTERN = /^d-?(\d{1,9})$/i;
