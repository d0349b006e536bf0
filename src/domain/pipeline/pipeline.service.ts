import type { DomainDeps, Tx } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import { searchKey } from '../shared/text.js';
import { DEFAULT_STAGES, type StageKind } from './pipeline.defaults.js';

export interface StageInfo {
  id: string;
  key: string;
  name: string;
  position: number;
  probability: number;
  kind: StageKind;
}

export interface PipelineInfo {
  id: string;
  name: string;
  stages: StageInfo[];
}

/** Creates the default pipeline inside the workspace's creating transaction. */
export async function createDefaultPipeline(tx: Tx, workspaceId: string): Promise<void> {
  const pipeline = await tx.pipeline.create({ data: { workspaceId, key: 'sales', name: 'Sales', isDefault: true } });
  await tx.stage.createMany({
    data: DEFAULT_STAGES.map((s, position) => ({ ...s, position, workspaceId, pipelineId: pipeline.id })),
  });
}

export class PipelineService {
  /** Stages change rarely and are read by every command: cache per workspace, briefly. */
  private cache = new Map<string, { at: number; pipeline: PipelineInfo }>();
  private static readonly TTL_MS = 30_000;

  constructor(private readonly deps: DomainDeps) {}

  async defaultPipeline(workspaceId: string, tx: Tx = this.deps.db): Promise<PipelineInfo> {
    const hit = this.cache.get(workspaceId);
    if (hit && Date.now() - hit.at < PipelineService.TTL_MS) return hit.pipeline;
    const pipeline = await tx.pipeline.findFirst({
      where: { workspaceId, isDefault: true },
      include: { stages: { orderBy: { position: 'asc' } } },
    });
    if (!pipeline) throw new DomainError(DomainErrorCode.NotFound, 'This workspace has no pipeline yet.');
    const info: PipelineInfo = {
      id: pipeline.id,
      name: pipeline.name,
      stages: pipeline.stages.map((s) => ({
        id: s.id,
        key: s.key,
        name: s.name,
        position: s.position,
        probability: s.probability,
        kind: s.kind as StageKind,
      })),
    };
    this.cache.set(workspaceId, { at: Date.now(), pipeline: info });
    return info;
  }

  /** Finds a stage by key or name, case-insensitively; unknown names list the valid ones. */
  async resolveStage(workspaceId: string, typed: string, tx?: Tx): Promise<StageInfo> {
    const pipeline = await this.defaultPipeline(workspaceId, tx);
    const key = searchKey(typed);
    const stage = pipeline.stages.find((s) => s.key === key || searchKey(s.name) === key);
    if (!stage) {
      throw new DomainError(DomainErrorCode.UnknownStage, `There is no stage called “${typed}”.`, {
        field: 'stage',
        choices: pipeline.stages.map((s) => s.key),
      });
    }
    return stage;
  }

  /** The stage after `stageId` among open stages, or undefined at the last open stage. */
  async nextOpenStage(workspaceId: string, stageId: string): Promise<StageInfo | undefined> {
    const { stages } = await this.defaultPipeline(workspaceId);
    const current = stages.find((s) => s.id === stageId);
    if (!current) return undefined;
    return stages.find((s) => s.kind === 'open' && s.position > current.position);
  }

  invalidate(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }
}
