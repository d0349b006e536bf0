import type { Activity } from '../../generated/sqlite/client.js';
import { inTransaction, onUniqueViolation, type Actor, type DomainDeps } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import type { DealService } from '../deals/deal.service.js';
import { parseInput } from '../shared/validate.js';
import { requireWriter } from '../shared/roles.js';
import { logActivitySchema, type LogActivityInput } from './activity.schema.js';

export interface LogActivityResult {
  activity: Activity;
  /** False when an earlier delivery with the same idempotency key already logged it. */
  created: boolean;
}

export class ActivityService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly deals: DealService,
  ) {}

  /** Logs a call, email, meeting or note on a deal and/or contact; the deal's last activity moves with it. */
  async log(actor: Actor, input: LogActivityInput): Promise<LogActivityResult> {
    await requireWriter(actor, this.deps);
    const data = parseInput(logActivitySchema, input);
    const { workspaceId } = actor;
    if (data.idempotencyKey) {
      const existing = await this.byKey(workspaceId, data.idempotencyKey);
      if (existing) return { activity: existing, created: false };
    }
    const now = this.deps.clock.now();
    const occurredAt = data.occurredAt ?? now;
    return onUniqueViolation<LogActivityResult>(
      async () => {
        const activity = await inTransaction(this.deps.db, async (tx) => {
          const dealId = data.deal ? await this.deals.resolveId(actor, data.deal, tx) : null;
          if (data.contactId) {
            const contact = await tx.contact.findFirst({ where: { id: data.contactId, workspaceId }, select: { id: true } });
            if (!contact) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that contact.', { field: 'contactId' });
          }
          const created = await tx.activity.create({
            data: {
              workspaceId,
              dealId,
              contactId: data.contactId ?? null,
              authorId: actor.memberId,
              type: data.type,
              body: data.body,
              occurredAt,
              source: data.source,
              sourceUrl: data.sourceUrl ?? null,
              idempotencyKey: data.idempotencyKey ?? null,
              createdAt: now,
            },
          });
          if (dealId) {
            // Only ever moves forward: logging an old call does not make a deal look fresher.
            await tx.deal.updateMany({
              where: { id: dealId, workspaceId, lastActivityAt: { lt: occurredAt } },
              data: { lastActivityAt: occurredAt },
            });
          }
          return created;
        });
        return { activity, created: true };
      },
      // The same delivery key at once: the activity the other delivery logged.
      async () => {
        const existing = data.idempotencyKey ? await this.byKey(workspaceId, data.idempotencyKey) : null;
        return existing ? { activity: existing, created: false } : undefined;
      },
    );
  }

  /** A deal's or contact's activities, newest first. */
  async list(actor: Actor, filter: { deal?: string; contactId?: string }, limit = 20): Promise<Activity[]> {
    const dealId = filter.deal ? await this.deals.resolveId(actor, filter.deal) : undefined;
    return this.deps.db.activity.findMany({
      where: { workspaceId: actor.workspaceId, ...(dealId && { dealId }), ...(filter.contactId && { contactId: filter.contactId }) },
      orderBy: { occurredAt: 'desc' },
      take: Math.min(Math.max(limit, 1), 200),
    });
  }

  private byKey(workspaceId: string, idempotencyKey: string) {
    return this.deps.db.activity.findUnique({ where: { workspaceId_idempotencyKey: { workspaceId, idempotencyKey } } });
  }
}
