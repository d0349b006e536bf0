/**
 * When a member leaves (the platform deactivated them: a Slack `user_change` with `deleted`, a
 * Teams member removed), each of the workspace's active admins gets one direct message offering to
 * hand what the leaver owns to someone else (the surfaces render it: a user picker and a button).
 *
 * Once per admin and departure, whatever the platform redelivers: each message is a row of the
 * delivery ledger (src/domain/digests/ledger.ts), kind `handover`, subject `<leaver>:<admin>`,
 * keyed by the instant the member was deactivated. Its unique key lets one delivery (of several
 * events, retries or replicas at once) claim it; a send that failed is left claimable, so the next
 * event about the leaver tries again. Offers are made within OFFER_WINDOW_DAYS of the departure,
 * shorter than the ledger's retention (35 days), so a pruned row never means a second message.
 */
import type { DeliveryLedgerStore } from '../digests/ledger.js';
import { DAY_MS } from '../shared/dates.js';
import { isDeliveryError, type SentMessage } from '../ports.js';
import type { DomainDeps } from '../context.js';
import { totalOf, type HandoverService, type LeaverSummary } from './handover.service.js';

/** How long after someone left a (re)delivered event still offers their hand-over. */
export const OFFER_WINDOW_DAYS = 30;

export interface OfferAdmin {
  id: string;
  externalId: string;
  displayName: string;
}

export interface HandoverOffer {
  workspaceId: string;
  leaver: LeaverSummary;
  admins: OfferAdmin[];
}

export interface OfferDelivery {
  /** Admins messaged now. */
  sent: string[];
  /** Admins already messaged (or being messaged by another delivery). */
  skipped: string[];
  /** Admins the platform refused or could not reach (tried again on the next event). */
  failed: string[];
}

export class HandoverOffers {
  constructor(
    private readonly deps: DomainDeps,
    private readonly handover: HandoverService,
    private readonly ledger: DeliveryLedgerStore,
  ) {}

  /**
   * The offer to make about a member: null unless they are deactivated, left within the window,
   * own something to hand over and the workspace has an admin to ask.
   */
  async offerFor(workspaceId: string, memberId: string): Promise<HandoverOffer | null> {
    const leaver = await this.handover.leaverSummary(workspaceId, memberId);
    const left = leaver.member.deactivated;
    if (!left || this.deps.clock.now().getTime() - left.getTime() > OFFER_WINDOW_DAYS * DAY_MS) return null;
    if (totalOf(leaver) === 0) return null;
    // The workspace's active admins (as `adminsOf` reads them), with their chat ids.
    const admins = await this.deps.db.member.findMany({
      where: { workspaceId, role: 'admin', deactivated: null, id: { not: memberId } },
      orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
      select: { id: true, externalId: true, displayName: true },
    });
    return admins.length > 0 ? { workspaceId, leaver, admins } : null;
  }

  /** Sends the offer to each admin who has not had it, through `send` (one attempt each). */
  async deliver(offer: HandoverOffer, send: (admin: OfferAdmin) => Promise<SentMessage>): Promise<OfferDelivery> {
    const out: OfferDelivery = { sent: [], skipped: [], failed: [] };
    const left = offer.leaver.member.deactivated;
    if (!left) return out;
    for (const admin of offer.admins) {
      const key = { kind: 'handover' as const, subject: `${offer.leaver.member.id}:${admin.id}`, localDate: left.toISOString() };
      const now = this.deps.clock.now();
      const claim = await this.ledger.claim(offer.workspaceId, key, now);
      if (!claim || !(await this.ledger.sending(claim, now, { conversationId: admin.externalId }))) {
        out.skipped.push(admin.id);
        continue;
      }
      try {
        const message = await send(admin);
        await this.ledger.sent(claim, message);
        out.sent.push(admin.id);
      } catch (err) {
        const maybeDelivered = isDeliveryError(err) ? err.maybeDelivered : false;
        const reason = err instanceof Error ? err.message : String(err);
        await this.ledger.failed(claim, reason, { nextAttemptAt: this.deps.clock.now(), maybeDelivered, now: this.deps.clock.now() });
        out.failed.push(admin.id);
      }
    }
    return out;
  }
}
