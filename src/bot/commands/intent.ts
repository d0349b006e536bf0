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

/** What a person asked for: one command's intent. Each command family defines its own (families/*.ts). */
export type { Intent, IntentKind } from './table.js';
export type { NewDealIntent } from './families/deal-new.js';
export type { DigestIntent } from './families/digest.js';

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
   * The workspace's pipeline keys and names (lower case), given only when it has more than one:
   * then a trailing `in <pipeline>` of `/deal new` picks the pipeline (families/deal-new.ts).
   */
  pipelines?: readonly string[];
  /**
   * The workspace's decimal mark, for amounts such as `1.500` that read either way. Absent: derived
   * from `defaultCurrency` (`,` for EUR, `.` for USD; see `decimalSeparatorFor` in amount.ts).
   */
  decimalSeparator?: '.' | ',';
}

export type { ParseError } from './grammar/state.js';

/** The grammar's answer: an intent (and notes on how the words were read), or an error with the nearest usage. */
export type ParseResult = import('./grammar/state.js').ParseOutcome<import('./table.js').Intent>;

/** A deal reference as shown to people: D-42. */
export const DEAL_REF_PATTERN = /^d-?(\d{1,9})$/i;
