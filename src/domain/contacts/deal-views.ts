/**
 * Deal views for the contact and company cards: the same DealView the deal lists show
 * (`toDealView`), with the stages read by id for just the rows at hand (a few primary-key
 * lookups), so these services need neither the deal service nor the pipeline cache.
 */
import type { Actor, Tx } from '../context.js';
import { toDealView, type DealRow, type DealView } from '../deals/deal.view.js';
import { stageInfoOf, type StageInfo } from '../pipeline/pipeline.service.js';

export async function dealViewsOf(db: Tx, actor: Actor, rows: DealRow[], now: Date): Promise<DealView[]> {
  if (rows.length === 0) return [];
  const stageIds = [...new Set(rows.map((r) => r.stageId))];
  const stages = await db.stage.findMany({ where: { id: { in: stageIds }, workspaceId: actor.workspaceId } });
  const byId = new Map<string, StageInfo>(stages.map((s) => [s.id, stageInfoOf(s)]));
  return rows.map((row) => {
    const stage = byId.get(row.stageId);
    if (!stage) throw new Error(`stage ${row.stageId} is not in the workspace`);
    return toDealView(row, stage, now, actor.timeZone);
  });
}
