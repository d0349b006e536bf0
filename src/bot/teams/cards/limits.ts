/**
 * Teams' size limits on what the bot sends, and the caps that keep every card under them whatever
 * people typed (50 contacts, 4,000-character notes, titles made of Markdown characters).
 *
 * Teams refuses a message over its size limit with 413 `MessageSizeTooBig`. Microsoft documents
 * the bot limit as 40 KB, later 100 KB, of the payload encoded as UTF-16 ("Format your bot
 * messages", learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages),
 * and about 28 KB for a posted card elsewhere (the Teams connector's known limitations): the CRM
 * keeps the whole activity under the smallest, 28 KB of JSON.
 */
import type { AdaptiveCard } from './parts.js';

export const TEAMS_CARD_LIMITS = {
  /** The whole activity (card, summary, envelope), as JSON bytes. */
  messageBytes: 28 * 1024,
  /** What one card may take, leaving room for the activity's envelope (ids, service URL, summary). */
  cardBytes: 24 * 1024,
  /** Contacts listed on a deal card; the rest are counted ("…and 40 more"). */
  contacts: 10,
  /** Contacts held in the deal card's Contacts picker (the rest stay attached, and are found by typing). */
  pickerContacts: 25,
  /** One contact's `name (email)`, in characters before escaping. */
  contactText: 120,
  /** A link to a logged message longer than this is left out (a URL cannot be cut). */
  linkUrl: 600,
  /** A lost reason on a card. */
  reason: 200,
  /** Deals per digest or nudge section before the size check makes it fewer. */
  sectionRows: 10,
  /** Won, lost and moved lines in a digest. */
  changeLines: 10,
  /** A deal title in a digest's change line. */
  changeTitle: 120,
} as const;

/** JSON size in bytes (UTF-8), as the connector receives it. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

export const fitsCard = (card: AdaptiveCard): boolean => jsonBytes(card) <= TEAMS_CARD_LIMITS.cardBytes;

/**
 * The card with the most rows (from `max` down to 0) that fits in a card's budget: renderers
 * whose length grows with a list call this instead of trusting a fixed cap.
 */
export function fitRows<T extends { card: AdaptiveCard }>(max: number, build: (rows: number) => T): T {
  for (let rows = max; rows > 0; rows--) {
    const built = build(rows);
    if (fitsCard(built.card)) return built;
  }
  return build(0);
}
