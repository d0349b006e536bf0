/** Read-only questions about the pipeline: what reports, digests and nudges show. */
import type { Prisma } from '../../generated/sqlite/client.js';
import type { Actor, DomainDeps } from '../context.js';
import type { DealService } from '../deals/deal.service.js';
import { dealViewInclude } from '../deals/deal.view.js';
import type { PipelineService } from '../pipeline/pipeline.service.js';
import { DAY_MS, fromDateOnly, todayIn } from '../shared/dates.js';
import { addTo, percentOf, toTotals } from '../shared/money.js';
import type { DealQueueView, PipelineSummaryView, StageSummary } from './report.view.js';

export interface QueueOptions {
  /** Only this member's deals. */
  ownerId?: string;
  limit?: number;
}

export class ReportService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly pipelines: PipelineService,
    private readonly deals: DealService,
  ) {}

  /** Open deals with no activity for `days` (the workspace's setting by default), quietest first. */
  async staleDeals(actor: Actor, opts: QueueOptions & { days?: number } = {}): Promise<DealQueueView & { days: number }> {
    const days = opts.days ?? (await this.workspace(actor)).staleDays;
    const cutoff = new Date(this.deps.clock.now().getTime() - days * DAY_MS);
    const where: Prisma.DealWhereInput = {
      ...this.open(actor, opts),
      lastActivityAt: { lt: cutoff },
    };
    const view = await this.queue(actor, where, { lastActivityAt: 'asc' }, `Deals with no activity for ${days}+ days`, opts);
    return { ...view, days };
  }

  /** Next actions due today or overdue, in the actor's calendar, oldest first. */
  async nextActionsDue(actor: Actor, opts: QueueOptions = {}): Promise<DealQueueView> {
    const today = fromDateOnly(todayIn(actor.timeZone, this.deps.clock.now()));
    const where: Prisma.DealWhereInput = { ...this.open(actor, opts), nextActionDueAt: { lte: today } };
    return this.queue(actor, where, { nextActionDueAt: 'asc' }, 'Next actions due today or overdue', opts);
  }

  /** Open deals that break the rule: no next action. */
  async withoutNextAction(actor: Actor, opts: QueueOptions = {}): Promise<DealQueueView> {
    const where: Prisma.DealWhereInput = { ...this.open(actor, opts), nextAction: null };
    return this.queue(actor, where, { updatedAt: 'desc' }, 'Open deals with no next action', opts);
  }

  /**
   * Pipeline value and count per stage, weighted forecast, and over the last `periodDays`: win
   * rate, average won deal size and average sales cycle.
   */
  async pipelineSummary(actor: Actor, periodDays = 90): Promise<PipelineSummaryView> {
    const ws = await this.workspace(actor);
    const { stages } = await this.pipelines.defaultPipeline(actor.workspaceId);
    const since = new Date(this.deps.clock.now().getTime() - periodDays * DAY_MS);
    const [openGroups, closedGroups] = await Promise.all([
      this.deps.db.deal.groupBy({
        by: ['stageId', 'currency'],
        where: { workspaceId: actor.workspaceId, status: 'open', archivedAt: null },
        _count: { _all: true },
        _sum: { amountCents: true },
      }),
      this.deps.db.deal.groupBy({
        by: ['stageId', 'currency'],
        where: { workspaceId: actor.workspaceId, status: { in: ['won', 'lost'] }, archivedAt: null, closedAt: { gte: since } },
        _count: { _all: true },
        _sum: { amountCents: true, salesCycleDays: true },
      }),
    ]);

    const byStage = new Map<string, { count: number; totals: Map<string, bigint> }>();
    const openTotals = new Map<string, bigint>();
    const weighted = new Map<string, bigint>();
    const wonTotals = new Map<string, bigint>();
    let openCount = 0;
    let wonCount = 0;
    let lostCount = 0;
    let wonCycleDays = 0;
    for (const g of [...openGroups, ...closedGroups]) {
      const stage = stages.find((s) => s.id === g.stageId);
      if (!stage) continue;
      const entry = byStage.get(stage.id) ?? { count: 0, totals: new Map<string, bigint>() };
      const sum = g._sum.amountCents ?? 0n;
      entry.count += g._count._all;
      addTo(entry.totals, g.currency, sum);
      byStage.set(stage.id, entry);
      if (stage.kind === 'open') {
        openCount += g._count._all;
        addTo(openTotals, g.currency, sum);
        addTo(weighted, g.currency, percentOf(sum, stage.probability));
      } else if (stage.kind === 'won') {
        wonCount += g._count._all;
        addTo(wonTotals, g.currency, sum);
        wonCycleDays += Number((g._sum as { salesCycleDays?: number | null }).salesCycleDays ?? 0);
      } else {
        lostCount += g._count._all;
      }
    }
    const wonCountByCurrency = new Map<string, number>();
    for (const g of closedGroups) {
      const stage = stages.find((s) => s.id === g.stageId);
      if (stage?.kind === 'won') wonCountByCurrency.set(g.currency, (wonCountByCurrency.get(g.currency) ?? 0) + g._count._all);
    }
    const average = new Map<string, bigint>();
    for (const [currency, total] of wonTotals) {
      const n = BigInt(wonCountByCurrency.get(currency) ?? 0);
      if (n > 0n) average.set(currency, (total + n / 2n) / n);
    }
    const currency = ws.defaultCurrency;
    const stageViews: StageSummary[] = stages.map((s) => {
      const entry = byStage.get(s.id);
      return {
        key: s.key,
        name: s.name,
        kind: s.kind,
        probability: s.probability,
        count: entry?.count ?? 0,
        totals: entry ? toTotals(entry.totals, currency) : [],
      };
    });
    return {
      currency,
      stages: stageViews,
      open: { count: openCount, totals: toTotals(openTotals, currency), weighted: toTotals(weighted, currency) },
      periodDays,
      won: { count: wonCount, totals: toTotals(wonTotals, currency) },
      lost: { count: lostCount },
      winRate: wonCount + lostCount > 0 ? wonCount / (wonCount + lostCount) : null,
      averageDealSize: toTotals(average, currency),
      averageCycleDays: wonCount > 0 ? Math.round((wonCycleDays / wonCount) * 10) / 10 : null,
    };
  }

  private open(actor: Actor, opts: QueueOptions): Prisma.DealWhereInput {
    return { workspaceId: actor.workspaceId, status: 'open', archivedAt: null, ...(opts.ownerId && { ownerId: opts.ownerId }) };
  }

  private async queue(
    actor: Actor,
    where: Prisma.DealWhereInput,
    orderBy: Prisma.DealOrderByWithRelationInput,
    heading: string,
    opts: QueueOptions,
  ): Promise<DealQueueView> {
    const take = Math.min(Math.max(opts.limit ?? 20, 1), 200);
    const [rows, total] = await Promise.all([
      this.deps.db.deal.findMany({ where, orderBy, take, include: dealViewInclude }),
      this.deps.db.deal.count({ where }),
    ]);
    return { heading, items: await this.deals.views(actor, rows), total };
  }

  private async workspace(actor: Actor) {
    return this.deps.db.workspace.findUniqueOrThrow({
      where: { id: actor.workspaceId },
      select: { staleDays: true, defaultCurrency: true },
    });
  }
}
