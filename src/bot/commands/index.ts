/** The `/deal` chat grammar shared by every surface (Slack, Teams, console). */
export * from './intent.js';
export {
  formatMoney,
  isCurrencyCode,
  looksLikeMoney,
  matchAmountAt,
  matchAmountBefore,
  minorDigits,
  parseAmount,
  readAmount,
  MAX_MAJOR_UNITS,
  type AmountMatch,
  type AmountReading,
} from './amount.js';
export { parseDateOnly, timeZoneOffsetMinutes, todayIn, safeTimeZone, type DateContext } from './dates.js';
export { findMentions, looksLikeMention, normaliseHandle, parseMention } from './mentions.js';
export {
  DEFAULT_STAGES,
  KEYWORDS,
  LIMITS,
  USAGE,
  editDistance,
  parseCommand,
  parseDealRef,
} from './parse.js';
export { AMOUNT_HELP, commandHelp, DATE_HELP, REF_HELP, helpText, type CommandHelp } from './help.js';
