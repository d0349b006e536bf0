/**
 * Pipelines and their stages: several pipelines per workspace (Sales, Renewals, Partners…), one of
 * them the default, where new deals go unless told otherwise. Reads are cached per workspace
 * (every command reads stages) and reloaded when a stage id is not in the cache (another process
 * may have added it); every write here invalidates the cache.
 *
 * Writes are for admins (requireAdmin), each one transaction, serialised per workspace. A
 * pipeline always keeps at least one open, one won and one lost stage, and its first stage is open
 * (new deals start there). A stage's kind changes only while it holds no deals: a deal's status
 * follows its stage's kind. A new pipeline starts with New, Won and Lost (docs/pipelines.md): the
 * team adds its own stages.
 */
import { createHash } from 'node:crypto';
import { inTransaction, lockKey, type Actor, type DomainDeps, type Tx } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import { requireAdmin } from '../shared/roles.js';
import { cleanLine, searchKey } from '../shared/text.js';
import { parseRequiredFields, readRequirements, requirementLabels } from './gates.js';
import { DEFAULT_STAGES, STAGE_KINDS, type StageKind } from './pipeline.defaults.js';
import type { PipelineView } from './pipeline.view.js';

export interface StageInfo {
  id: string;
  pipelineId: string;
  key: string;
  name: string;
  position: number;
  probability: number;
  kind: StageKind;
  /** The stage gate: requirement keys (gates.ts). */
  required: string[];
}

export interface PipelineInfo {
  id: string;
  key: string;
  name: string;
  isDefault: boolean;
  position: number;
  stages: StageInfo[];
}

/** The stages a new pipeline (not the workspace's first) starts with. */
export const NEW_PIPELINE_STAGES = [
  { key: 'new', name: 'New', probability: 10, kind: 'open' },
  { key: 'won', name: 'Won', probability: 100, kind: 'won' },
  { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
] as const;

export const PIPELINE_LIMITS = { pipelines: 20, stages: 20, pipelineName: 60, stageName: 40 } as const;

const ADMIN_WHAT = 'change pipelines and stages';

/** A stage row as stored, read as a StageInfo. */
export function stageInfoOf(s: {
  id: string;
  pipelineId: string;
  key: string;
  name: string;
  position: number;
  probability: number;
  kind: string;
  requiredFields?: string | null;
}): StageInfo {
  return {
    id: s.id,
    pipelineId: s.pipelineId,
    key: s.key,
    name: s.name,
    position: s.position,
    probability: s.probability,
    kind: s.kind as StageKind,
    required: parseRequiredFields(s.requiredFields),
  };
}

/** Creates the default pipeline inside the workspace's creating transaction. */
export async function createDefaultPipeline(tx: Tx, workspaceId: string): Promise<void> {
  const pipeline = await tx.pipeline.create({ data: { workspaceId, key: 'sales', name: 'Sales', isDefault: true } });
  await tx.stage.createMany({
    data: DEFAULT_STAGES.map((s, position) => ({ ...s, position, workspaceId, pipelineId: pipeline.id })),
  });
}

/** "renewals", "discovery-call": a name as a command word. */
export function slugOf(name: string): string {
  return searchKey(name).replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '') || 'x';
}

function uniqueKey(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) if (!taken.includes(`${base}-${n}`)) return `${base}-${n}`;
}

/** Whether a pipeline or stage is the one typed: its id (a form), key or name. */
const matches = (typed: string) => {
  const key = searchKey(typed);
  const slug = slugOf(typed);
  return (x: { id?: string; key: string; name: string }) => x.id === typed || x.key === key || x.key === slug || searchKey(x.name) === key;
};

interface CacheEntry {
  at: number;
  pipelines: PipelineInfo[];
  stages: Map<string, StageInfo>;
}

/** Where an added or moved stage goes: after or before another stage of its pipeline. */
export type StagePlace = { after: string } | { before: string };

export interface AddStageInput {
  name: string;
  place?: StagePlace;
  /** The pipeline, as typed; the default pipeline when absent. */
  pipeline?: string;
  probability?: number;
  /** Open unless told (`/deal stage add Closed - no budget kind lost`). */
  kind?: StageKind;
}

export interface PipelineChange {
  pipeline: PipelineView;
  /** False when it already was as asked (nothing written). */
  changed: boolean;
  /** Deals moved to another stage (removing a stage). */
  moved?: number;
  /** What changed, one line each ("Renamed Discovery to Discovery call"): editStages. */
  changes?: string[];
}

/** A pipeline's stages as the stage editor (Slack modal, Teams dialog) shows them. */
export interface StageEditorView {
  pipeline: { id: string; key: string; name: string; isDefault: boolean };
  /**
   * Changes whenever a stage of the pipeline changes (added, removed, moved, renamed, its
   * probability or kind): the form sends it back, and a save over a pipeline changed meanwhile is
   * refused rather than undo someone else's change.
   */
  version: string;
  stages: {
    id: string;
    key: string;
    name: string;
    probability: number;
    kind: StageKind;
    /** Deals in the stage, archived ones too (a stage holding any keeps its kind). */
    deals: number;
  }[];
}

/** One row of the stage editor as submitted: the stage's id, and its name, probability and kind as given. */
export interface StageEditRow {
  id: string;
  name: string;
  /** A whole percent, as a number or as typed (`40`, `40%`). */
  probability: number | string;
  kind: string;
}

/** The field of a stage editor row an issue is about: `stages.<stage id>.name|probability|kind`. */
export const stageEditField = (stageId: string, field: 'name' | 'probability' | 'kind') => `stages.${stageId}.${field}`;

/** The fields of one write's result (internal). */
interface WriteResult {
  pipelineId: string;
  changed: boolean;
  moved?: number;
  changes?: string[];
}

export class PipelineService {
  /** Stages change rarely and are read by every command: cache per workspace, briefly. */
  private cache = new Map<string, CacheEntry>();
  private static readonly TTL_MS = 30_000;

  constructor(private readonly deps: DomainDeps) {}

  // ---- reads -------------------------------------------------------------------------------

  /** The workspace's pipelines, the default first, then by position. */
  async pipelines(workspaceId: string, tx?: Tx): Promise<PipelineInfo[]> {
    return (await this.entry(workspaceId, tx)).pipelines;
  }

  async defaultPipeline(workspaceId: string, tx?: Tx): Promise<PipelineInfo> {
    const [first] = await this.pipelines(workspaceId, tx);
    if (!first) throw new DomainError(DomainErrorCode.NotFound, 'This workspace has no pipeline yet.');
    return first;
  }

  /** One pipeline by id (reloaded once when the cache does not know it). */
  async pipelineOf(workspaceId: string, pipelineId: string, tx?: Tx): Promise<PipelineInfo> {
    let found = (await this.entry(workspaceId, tx)).pipelines.find((p) => p.id === pipelineId);
    if (!found) found = (await this.entry(workspaceId, tx, true)).pipelines.find((p) => p.id === pipelineId);
    if (!found) throw new DomainError(DomainErrorCode.UnknownPipeline, 'That pipeline no longer exists.');
    return found;
  }

  /** One stage by id, in any pipeline (reloaded once on a miss: another process may have added it). */
  async stageById(workspaceId: string, stageId: string, tx?: Tx): Promise<StageInfo> {
    const found = (await this.stagesById(workspaceId, [stageId], tx)).get(stageId);
    if (!found) throw new DomainError(DomainErrorCode.UnknownStage, 'That stage no longer exists.', { field: 'stage' });
    return found;
  }

  /** The stages with these ids, across every pipeline (reloaded once when one is missing). */
  async stagesById(workspaceId: string, ids: Iterable<string>, tx?: Tx): Promise<Map<string, StageInfo>> {
    let { stages } = await this.entry(workspaceId, tx);
    for (const id of ids) {
      if (!stages.has(id)) {
        stages = (await this.entry(workspaceId, tx, true)).stages;
        break;
      }
    }
    return stages;
  }

  /** The pipeline a person named, by key or name; unknown names list the pipelines. */
  async resolvePipeline(workspaceId: string, typed: string, tx?: Tx): Promise<PipelineInfo> {
    return findPipeline(await this.pipelines(workspaceId, tx), typed);
  }

  /**
   * Finds a stage by key or name, case-insensitively, in `pipelineId` (the default pipeline when
   * absent); unknown names list that pipeline's stages.
   */
  async resolveStage(workspaceId: string, typed: string, opts: { pipelineId?: string; tx?: Tx } = {}): Promise<StageInfo> {
    const pipeline = opts.pipelineId ? await this.pipelineOf(workspaceId, opts.pipelineId, opts.tx) : await this.defaultPipeline(workspaceId, opts.tx);
    return findStage(pipeline, typed, (await this.pipelines(workspaceId, opts.tx)).length > 1);
  }

  /**
   * A stage named in any pipeline: the default pipeline's first, else the one other pipeline
   * that has it. Several pipelines with that name (and not the default): refused, naming them.
   */
  async resolveStageAnywhere(workspaceId: string, typed: string): Promise<StageInfo> {
    const all = await this.pipelines(workspaceId);
    const hits = all.flatMap((p) => p.stages.filter(matches(typed)).map((s) => ({ p, s })));
    const inDefault = hits.find((h) => h.p.isDefault);
    if (inDefault) return inDefault.s;
    if (hits.length === 1) return hits[0]!.s;
    if (hits.length > 1) {
      throw new DomainError(
        DomainErrorCode.Ambiguous,
        `“${typed}” is a stage of ${hits.map((h) => h.p.name).join(' and ')}: say which, e.g. \`in ${hits[0]!.p.key}\`.`,
        { field: 'stage', choices: hits.map((h) => h.p.key) },
      );
    }
    return findStage(all[0]!, typed, all.length > 1);
  }

  /** The stage after `stageId` among its pipeline's open stages, or undefined at the last one. */
  async nextOpenStage(workspaceId: string, stageId: string): Promise<StageInfo | undefined> {
    const current = await this.stageById(workspaceId, stageId);
    const { stages } = await this.pipelineOf(workspaceId, current.pipelineId);
    return stages.find((s) => s.kind === 'open' && s.position > current.position);
  }

  /** Every pipeline as people see it (stages, gates, deal counts), the default first. */
  async views(actor: Actor): Promise<PipelineView[]> {
    const pipelines = await this.pipelines(actor.workspaceId);
    return this.toViews(actor.workspaceId, pipelines);
  }

  /** One pipeline as people see it: by name or key, or the default. */
  async view(actor: Actor, typed?: string): Promise<PipelineView> {
    const pipeline = typed ? await this.resolvePipeline(actor.workspaceId, typed) : await this.defaultPipeline(actor.workspaceId);
    return (await this.toViews(actor.workspaceId, [pipeline]))[0]!;
  }

  invalidate(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }

  // ---- admin writes ------------------------------------------------------------------------

  /** A new pipeline with New, Won and Lost; the workspace's first becomes the default. */
  async createPipeline(actor: Actor, name: string): Promise<PipelineChange> {
    const clean = this.name(name, 'pipeline');
    return this.write(actor, async (tx, all) => {
      const existing = all.find(matches(clean));
      if (existing) {
        throw new DomainError(DomainErrorCode.Duplicate, `There is already a pipeline called ${existing.name}.`, { field: 'pipeline', choices: all.map((p) => p.key) });
      }
      if (all.length >= PIPELINE_LIMITS.pipelines) {
        throw new DomainError(DomainErrorCode.InvalidInput, `A workspace can have up to ${PIPELINE_LIMITS.pipelines} pipelines.`, { field: 'pipeline' });
      }
      const pipeline = await tx.pipeline.create({
        data: {
          workspaceId: actor.workspaceId,
          key: uniqueKey(slugOf(clean), all.map((p) => p.key)),
          name: clean,
          isDefault: all.length === 0,
          position: Math.max(-1, ...all.map((p) => p.position)) + 1,
        },
      });
      await tx.stage.createMany({
        data: NEW_PIPELINE_STAGES.map((s, position) => ({ ...s, position, workspaceId: actor.workspaceId, pipelineId: pipeline.id })),
      });
      return { pipelineId: pipeline.id, changed: true };
    });
  }

  /** Renames a pipeline; its command word (key) follows the new name. */
  async renamePipeline(actor: Actor, typed: string, newName: string): Promise<PipelineChange> {
    const clean = this.name(newName, 'pipeline');
    return this.write(actor, async (tx, all) => {
      const pipeline = findPipeline(all, typed);
      if (pipeline.name === clean) return { pipelineId: pipeline.id, changed: false };
      const other = all.find((p) => p.id !== pipeline.id && matches(clean)(p));
      if (other) throw new DomainError(DomainErrorCode.Duplicate, `There is already a pipeline called ${other.name}.`, { field: 'pipeline' });
      const key = uniqueKey(slugOf(clean), all.filter((p) => p.id !== pipeline.id).map((p) => p.key));
      await tx.pipeline.update({ where: { id: pipeline.id }, data: { name: clean, key } });
      return { pipelineId: pipeline.id, changed: true };
    });
  }

  /** Makes a pipeline the default: new deals go there unless told otherwise. */
  async setDefault(actor: Actor, typed: string): Promise<PipelineChange> {
    return this.write(actor, async (tx, all) => {
      const pipeline = findPipeline(all, typed);
      if (pipeline.isDefault) return { pipelineId: pipeline.id, changed: false };
      await tx.pipeline.updateMany({ where: { workspaceId: actor.workspaceId, isDefault: true }, data: { isDefault: false } });
      await tx.pipeline.update({ where: { id: pipeline.id }, data: { isDefault: true } });
      return { pipelineId: pipeline.id, changed: true };
    });
  }

  /**
   * Adds a stage, open unless told: after or before another (else as the last stage of its kind).
   * An open stage's probability is the one given, else between its open neighbours'; a won stage's
   * 100 and a lost stage's 0 unless given.
   */
  async addStage(actor: Actor, input: AddStageInput): Promise<PipelineChange> {
    const clean = this.name(input.name, 'stage');
    if (input.probability !== undefined) checkProbability(input.probability);
    const kind = input.kind ?? 'open';
    checkKind(kind);
    return this.write(actor, async (tx, all) => {
      const pipeline = input.pipeline ? findPipeline(all, input.pipeline) : all[0]!;
      const existing = pipeline.stages.find(matches(clean));
      if (existing) {
        throw new DomainError(DomainErrorCode.Duplicate, `${pipeline.name} already has a stage called ${existing.name}.`, {
          field: 'stage',
          choices: pipeline.stages.map((s) => s.name),
        });
      }
      if (pipeline.stages.length >= PIPELINE_LIMITS.stages) {
        throw new DomainError(DomainErrorCode.InvalidInput, `A pipeline can have up to ${PIPELINE_LIMITS.stages} stages.`, { field: 'stage' });
      }
      const order = [...pipeline.stages];
      const at = input.place ? placeIndex(pipeline, order, input.place) : lastIndexOfKind(order, kind) + 1;
      if (at === 0 && kind !== 'open') throw firstStageError(pipeline, clean);
      const before = order[at - 1];
      const after = order[at];
      const neighbours = [before, after].filter((s): s is StageInfo => s?.kind === 'open').map((s) => s.probability);
      const probability =
        input.probability ??
        (kind === 'won' ? 100 : kind === 'lost' ? 0 : neighbours.length ? Math.round(neighbours.reduce((a, b) => a + b, 0) / neighbours.length) : 10);
      const stage = await tx.stage.create({
        data: {
          workspaceId: actor.workspaceId,
          pipelineId: pipeline.id,
          key: uniqueKey(slugOf(clean), pipeline.stages.map((s) => s.key)),
          name: clean,
          position: order.length,
          probability,
          kind,
        },
      });
      order.splice(at, 0, stageInfoOf(stage));
      await renumber(tx, order);
      return { pipelineId: pipeline.id, changed: true };
    });
  }

  /** Renames a stage; its command word (key) follows the new name. The timeline keeps the old name. */
  async renameStage(actor: Actor, typed: string, newName: string, pipelineTyped?: string): Promise<PipelineChange> {
    const clean = this.name(newName, 'stage');
    return this.write(actor, async (tx, all) => {
      const pipeline = pipelineTyped ? findPipeline(all, pipelineTyped) : all[0]!;
      const stage = findStage(pipeline, typed, all.length > 1);
      if (stage.name === clean) return { pipelineId: pipeline.id, changed: false };
      const other = pipeline.stages.find((s) => s.id !== stage.id && matches(clean)(s));
      if (other) throw new DomainError(DomainErrorCode.Duplicate, `${pipeline.name} already has a stage called ${other.name}.`, { field: 'stage' });
      const key = uniqueKey(slugOf(clean), pipeline.stages.filter((s) => s.id !== stage.id).map((s) => s.key));
      await tx.stage.update({ where: { id: stage.id }, data: { name: clean, key } });
      return { pipelineId: pipeline.id, changed: true };
    });
  }

  /** Reorders: puts a stage before or after another stage of its pipeline. */
  async moveStage(actor: Actor, typed: string, place: StagePlace, pipelineTyped?: string): Promise<PipelineChange> {
    return this.write(actor, async (tx, all) => {
      const pipeline = pipelineTyped ? findPipeline(all, pipelineTyped) : all[0]!;
      const stage = findStage(pipeline, typed, all.length > 1);
      const anchor = findStage(pipeline, 'after' in place ? place.after : place.before, all.length > 1);
      if (anchor.id === stage.id) {
        throw new DomainError(DomainErrorCode.InvalidInput, `A stage can’t move ${'after' in place ? 'after' : 'before'} itself: name another stage of ${pipeline.name}.`, {
          field: 'stage',
          choices: pipeline.stages.map((s) => s.name),
        });
      }
      const order = pipeline.stages.filter((s) => s.id !== stage.id);
      const at = order.findIndex((s) => s.id === anchor.id) + ('after' in place ? 1 : 0);
      order.splice(at, 0, stage);
      if (order.every((s, i) => s.id === pipeline.stages[i]?.id)) return { pipelineId: pipeline.id, changed: false };
      if (order[0]!.kind !== 'open') throw firstStageError(pipeline, order[0]!.name);
      await renumber(tx, order);
      return { pipelineId: pipeline.id, changed: true };
    });
  }

  /**
   * Removes a stage. Its deals (archived ones too) move to `moveTo`, another stage of the same
   * pipeline and the same kind (a deal's status follows its stage's kind), each with a `stage`
   * timeline entry, in the same transaction. With deals and no `moveTo`: refused, saying how many
   * and where they could go. The last open, won or lost stage stays, and so does an open first
   * stage with no open stage after it to take its place.
   */
  async removeStage(actor: Actor, typed: string, moveTo?: string, pipelineTyped?: string): Promise<PipelineChange> {
    return this.write(actor, async (tx, all, now) => {
      const pipeline = pipelineTyped ? findPipeline(all, pipelineTyped) : all[0]!;
      const stage = findStage(pipeline, typed, all.length > 1);
      const others = pipeline.stages.filter((s) => s.kind === stage.kind && s.id !== stage.id);
      if (others.length === 0 && stage.kind !== 'open') {
        throw new DomainError(
          DomainErrorCode.InvalidInput,
          `${stage.name} is ${pipeline.name}’s only ${stage.kind} stage: a pipeline keeps at least one won and one lost stage. Rename it instead.`,
          { field: 'stage' },
        );
      }
      if (others.length === 0) {
        throw new DomainError(DomainErrorCode.InvalidInput, `${stage.name} is ${pipeline.name}’s only open stage: add another before removing it.`, { field: 'stage' });
      }
      const rest = pipeline.stages.filter((s) => s.id !== stage.id);
      if (pipeline.stages[0]!.id === stage.id && rest[0]!.kind !== 'open') throw firstStageError(pipeline, rest[0]!.name);
      const dealIds = (await tx.deal.findMany({ where: { stageId: stage.id, workspaceId: actor.workspaceId }, select: { id: true } })).map((d) => d.id);
      let target: StageInfo | undefined;
      if (moveTo !== undefined) {
        target = findStage(pipeline, moveTo, all.length > 1);
        if (target.id === stage.id || target.kind !== stage.kind) {
          throw new DomainError(
            DomainErrorCode.InvalidInput,
            `Deals from ${stage.name} can move to another ${stage.kind} stage of ${pipeline.name}: ${others.map((s) => s.name).join(', ')}.`,
            { field: 'moveTo', choices: others.map((s) => s.name) },
          );
        }
      }
      if (dealIds.length > 0 && !target) {
        throw new DomainError(
          DomainErrorCode.Conflict,
          `${stage.name} holds ${dealIds.length === 1 ? '1 deal' : `${dealIds.length} deals`}: where should ${dealIds.length === 1 ? 'it' : 'they'} go? Say \`move deals to <stage>\`, one of ${others.map((s) => s.name).join(', ')}.`,
          { field: 'moveTo', choices: others.map((s) => s.name), count: dealIds.length, stage: { id: stage.id, name: stage.name } },
        );
      }
      if (target && dealIds.length > 0) {
        await tx.deal.updateMany({ where: { stageId: stage.id, workspaceId: actor.workspaceId }, data: { stageId: target.id, stageChangedAt: now, updatedAt: now } });
        const to = target.name;
        for (let i = 0; i < dealIds.length; i += 500) {
          await tx.dealEvent.createMany({
            data: dealIds.slice(i, i + 500).map((dealId) => ({
              workspaceId: actor.workspaceId,
              dealId,
              actorId: actor.memberId,
              kind: 'stage',
              field: 'stage',
              fromValue: stage.name,
              toValue: to,
              at: now,
            })),
          });
        }
      }
      await tx.stage.delete({ where: { id: stage.id } });
      await renumber(tx, rest);
      return { pipelineId: pipeline.id, changed: true, moved: dealIds.length };
    });
  }

  /** A stage's win probability (0–100), which weights the forecast. */
  async setProbability(actor: Actor, typed: string, probability: number, pipelineTyped?: string): Promise<PipelineChange> {
    checkProbability(probability);
    return this.write(actor, async (tx, all) => {
      const pipeline = pipelineTyped ? findPipeline(all, pipelineTyped) : all[0]!;
      const stage = findStage(pipeline, typed, all.length > 1);
      if (stage.probability === probability) return { pipelineId: pipeline.id, changed: false };
      await tx.stage.update({ where: { id: stage.id }, data: { probability } });
      return { pipelineId: pipeline.id, changed: true };
    });
  }

  /**
   * The stage gate: what a deal must have before it enters the stage (requirement words or keys,
   * gates.ts); an empty list clears it.
   */
  async requireFields(actor: Actor, typed: string, requirements: readonly string[], pipelineTyped?: string): Promise<PipelineChange> {
    return this.write(actor, async (tx, all) => {
      const pipeline = pipelineTyped ? findPipeline(all, pipelineTyped) : all[0]!;
      const stage = findStage(pipeline, typed, all.length > 1);
      const keys = await readRequirements(tx, actor.workspaceId, requirements);
      if (JSON.stringify(keys) === JSON.stringify(stage.required)) return { pipelineId: pipeline.id, changed: false };
      await tx.stage.update({ where: { id: stage.id }, data: { requiredFields: JSON.stringify(keys) } });
      return { pipelineId: pipeline.id, changed: true };
    });
  }

  /**
   * A stage's kind: open, won or lost (won and lost close the deals that enter it). Refused while
   * the stage holds deals (archived ones too: their status follows the stage's kind), when it would
   * leave the pipeline without an open, a won or a lost stage, and for the first stage (new deals
   * start there, open).
   */
  async setKind(actor: Actor, typed: string, kind: string, pipelineTyped?: string): Promise<PipelineChange> {
    checkKind(kind);
    return this.write(actor, async (tx, all) => {
      const pipeline = pipelineTyped ? findPipeline(all, pipelineTyped) : all[0]!;
      const stage = findStage(pipeline, typed, all.length > 1);
      if (stage.kind === kind) return { pipelineId: pipeline.id, changed: false };
      const counts = await dealCounts(tx, actor.workspaceId, [stage.id]);
      const [problem] = kindProblems(pipeline, new Map([[stage.id, kind]]), counts);
      if (problem) throw new DomainError(problem.code, problem.message, { field: 'kind', ...(problem.count !== undefined && { count: problem.count }) });
      await tx.stage.update({ where: { id: stage.id }, data: { kind } });
      return { pipelineId: pipeline.id, changed: true };
    });
  }

  /**
   * The stage editor's view of a pipeline (by id, key or name; the default when absent): every
   * stage in order with its name, probability, kind and deals, and the version a save sends back.
   * Admins only: opening the editor is already refused to anyone else, naming the admins.
   */
  async editor(actor: Actor, pipelineTyped?: string): Promise<StageEditorView> {
    await requireAdmin(actor, this.deps, ADMIN_WHAT);
    const all = await this.pipelines(actor.workspaceId);
    const pipeline = pipelineTyped ? findPipeline(all, pipelineTyped) : all[0]!;
    const counts = await dealCounts(this.deps.db, actor.workspaceId, pipeline.stages.map((s) => s.id));
    return {
      pipeline: { id: pipeline.id, key: pipeline.key, name: pipeline.name, isDefault: pipeline.isDefault },
      version: versionOf(pipeline),
      stages: pipeline.stages.map((s) => ({ id: s.id, key: s.key, name: s.name, probability: s.probability, kind: s.kind, deals: counts.get(s.id) ?? 0 })),
    };
  }

  /**
   * Saves the stage editor: each row renames its stage, sets its probability and its kind, all in
   * one transaction; stages without a row stay as they are (order, gates and adding or removing
   * stages are the commands'). Nothing is written when anything is wrong: the refusal's
   * `details.issues` name each field at fault (`stageEditField`): an empty, too long or duplicate
   * name, a probability outside 0–100, a kind changed on a stage that holds deals, a pipeline left
   * without an open, a won or a lost stage, or a first stage that is not open. With
   * `expectedVersion` (StageEditorView.version), a pipeline changed since the form was opened is
   * refused as a whole (Conflict, field `version`).
   */
  async editStages(actor: Actor, pipelineTyped: string | undefined, rows: readonly StageEditRow[], opts: { expectedVersion?: string } = {}): Promise<PipelineChange> {
    return this.write(actor, async (tx, all) => {
      const pipeline = pipelineTyped ? findPipeline(all, pipelineTyped) : all[0]!;
      const stale = () =>
        new DomainError(
          DomainErrorCode.Conflict,
          `${pipeline.name}’s stages changed since this form was opened (someone else changed them). Nothing was saved: open it again to see them as they are now.`,
          { field: 'version' },
        );
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== versionOf(pipeline)) throw stale();
      const byId = new Map(pipeline.stages.map((s) => [s.id, s]));
      const given = new Map<string, StageEditRow>();
      for (const row of rows) {
        if (!byId.has(row.id) || given.has(row.id)) throw stale();
        given.set(row.id, row);
      }
      const issues: { field: string; message: string }[] = [];
      const issue = (stageId: string, field: 'name' | 'probability' | 'kind', message: string) => {
        const at = stageEditField(stageId, field);
        if (!issues.some((i) => i.field === at)) issues.push({ field: at, message });
      };
      // Each stage as it would be: its row's values where there is a row, else as it is.
      const next = pipeline.stages.map((s) => {
        const row = given.get(s.id);
        if (!row) return { stage: s, name: s.name, probability: s.probability, kind: s.kind };
        const name = cleanLine(typeof row.name === 'string' ? row.name : '');
        if (name === '') issue(s.id, 'name', 'Give the stage a name.');
        else if (name.length > PIPELINE_LIMITS.stageName) issue(s.id, 'name', `A stage name can have at most ${PIPELINE_LIMITS.stageName} characters.`);
        const probability = readProbability(row.probability);
        if (probability === undefined) issue(s.id, 'probability', PROBABILITY_HELP);
        const kind = (STAGE_KINDS as readonly string[]).includes(row.kind) ? (row.kind as StageKind) : undefined;
        if (!kind) issue(s.id, 'kind', KIND_HELP);
        return { stage: s, name: name || s.name, probability: probability ?? s.probability, kind: kind ?? s.kind };
      });
      // Two stages of one pipeline can't share a name (nor the command word it makes).
      next.forEach((n, i) => {
        const twin = next.slice(0, i).find((m) => searchKey(m.name) === searchKey(n.name) || slugOf(m.name) === slugOf(n.name));
        if (twin) {
          // On the row whose name was changed (the one typed), else on the later one.
          const renamed = (m: typeof n) => given.has(m.stage.id) && m.name !== m.stage.name;
          const at = renamed(n) || !renamed(twin) ? n : twin;
          issue(at.stage.id, 'name', `Two stages can’t both be called ${at.name}.`);
        }
      });
      const kinds = new Map(next.filter((n) => n.kind !== n.stage.kind).map((n) => [n.stage.id, n.kind]));
      const counts = kinds.size > 0 ? await dealCounts(tx, actor.workspaceId, [...kinds.keys()]) : new Map<string, number>();
      for (const p of kindProblems(pipeline, kinds, counts)) {
        // A rule about the whole pipeline goes on a row the person changed, where there is one.
        const at = p.stageId ?? [...kinds.keys()].find((id) => given.has(id)) ?? pipeline.stages.find((s) => given.has(s.id))?.id;
        if (at) issue(at, 'kind', p.message);
      }
      if (issues.length > 0) {
        const message = issues.length === 1 ? issues[0]!.message : `${issues.length} things to fix, nothing was saved. ${issues[0]!.message}`;
        throw new DomainError(DomainErrorCode.InvalidInput, message, { field: issues[0]!.field, issues });
      }
      // Keys follow new names; a renamed stage first takes a key no stage has (its id), so that two
      // stages trading names never collide on (pipelineId, key) halfway through.
      const renamed = next.filter((n) => n.name !== n.stage.name);
      const keys = new Map<string, string>();
      const taken = next.filter((n) => n.name === n.stage.name).map((n) => n.stage.key);
      for (const n of renamed) {
        const key = uniqueKey(slugOf(n.name), taken);
        taken.push(key);
        keys.set(n.stage.id, key);
      }
      for (const n of renamed) await tx.stage.update({ where: { id: n.stage.id }, data: { key: `~${n.stage.id}` } });
      const changes: string[] = [];
      for (const n of next) {
        const data: { name?: string; key?: string; probability?: number; kind?: string } = {};
        if (n.name !== n.stage.name) {
          Object.assign(data, { name: n.name, key: keys.get(n.stage.id) });
          changes.push(`Renamed ${n.stage.name} to ${n.name}`);
        }
        if (n.probability !== n.stage.probability) {
          data.probability = n.probability;
          changes.push(`${n.name}: ${n.stage.probability}% → ${n.probability}%`);
        }
        if (n.kind !== n.stage.kind) {
          data.kind = n.kind;
          changes.push(`${n.name} is now ${n.kind}`);
        }
        if (Object.keys(data).length > 0) await tx.stage.update({ where: { id: n.stage.id }, data });
      }
      return { pipelineId: pipeline.id, changed: changes.length > 0, changes };
    });
  }

  // ---- internals ---------------------------------------------------------------------------

  private name(text: string, what: 'pipeline' | 'stage'): string {
    const clean = cleanLine(text ?? '');
    const max = what === 'pipeline' ? PIPELINE_LIMITS.pipelineName : PIPELINE_LIMITS.stageName;
    if (clean === '') throw new DomainError(DomainErrorCode.InvalidInput, `Give the ${what} a name.`, { field: what });
    if (clean.length > max) throw new DomainError(DomainErrorCode.InvalidInput, `A ${what} name can have at most ${max} characters.`, { field: what });
    return clean;
  }

  /**
   * One admin write: the role checked, then `fn` in one transaction over the pipelines as they
   * stand in it (writes of one workspace run one after another), then the cache dropped.
   */
  private async write(
    actor: Actor,
    fn: (tx: Tx, all: PipelineInfo[], now: Date) => Promise<WriteResult>,
  ): Promise<PipelineChange> {
    await requireAdmin(actor, this.deps, ADMIN_WHAT);
    const now = this.deps.clock.now();
    let result: WriteResult;
    try {
      result = await inTransaction(this.deps.db, async (tx) => {
        await lockKey(this.deps.db, tx, `pipelines:${actor.workspaceId}`);
        return fn(tx, await load(tx, actor.workspaceId), now);
      });
    } finally {
      this.invalidate(actor.workspaceId);
    }
    const pipeline = await this.pipelineOf(actor.workspaceId, result.pipelineId);
    const [view] = await this.toViews(actor.workspaceId, [pipeline]);
    return {
      pipeline: view!,
      changed: result.changed,
      ...(result.moved !== undefined && { moved: result.moved }),
      ...(result.changes !== undefined && { changes: result.changes }),
    };
  }

  private async entry(workspaceId: string, tx: Tx | undefined, force = false): Promise<CacheEntry> {
    const hit = this.cache.get(workspaceId);
    if (!force && hit && Date.now() - hit.at < PipelineService.TTL_MS) return hit;
    const pipelines = await load(tx ?? this.deps.db, workspaceId);
    const entry: CacheEntry = { at: Date.now(), pipelines, stages: new Map(pipelines.flatMap((p) => p.stages.map((s) => [s.id, s]))) };
    this.cache.set(workspaceId, entry);
    return entry;
  }

  private async toViews(workspaceId: string, pipelines: PipelineInfo[]): Promise<PipelineView[]> {
    const db = this.deps.db;
    // By stage id, not pipeline id: the counts come from Deal(workspaceId, stageId, archived, …) alone
    // (~30 ms at 100k deals on SQLite; by pipelineId every deal's row was read: 0.8–1.4 s).
    const stageIds = pipelines.flatMap((p) => p.stages.map((s) => s.id));
    const counts = await db.deal.groupBy({
      by: ['stageId'],
      where: { workspaceId, stageId: { in: stageIds }, archived: false },
      _count: { _all: true },
    });
    const byStage = new Map(counts.map((c) => [c.stageId, c._count._all]));
    return Promise.all(
      pipelines.map(async (p) => ({
        id: p.id,
        key: p.key,
        name: p.name,
        isDefault: p.isDefault,
        stages: await Promise.all(
          p.stages.map(async (s) => ({
            key: s.key,
            name: s.name,
            probability: s.probability,
            kind: s.kind,
            required: s.required.length ? await requirementLabels(db, workspaceId, s.required) : [],
            deals: byStage.get(s.id) ?? 0,
          })),
        ),
      })),
    );
  }
}

async function load(db: Tx, workspaceId: string): Promise<PipelineInfo[]> {
  const rows = await db.pipeline.findMany({
    where: { workspaceId },
    orderBy: [{ isDefault: 'desc' }, { position: 'asc' }, { createdAt: 'asc' }],
    include: { stages: { orderBy: [{ position: 'asc' }, { id: 'asc' }] } },
  });
  return rows.map((p) => ({
    id: p.id,
    key: p.key,
    name: p.name,
    isDefault: p.isDefault,
    position: p.position,
    stages: p.stages.map(stageInfoOf),
  }));
}

function findPipeline(all: readonly PipelineInfo[], typed: string): PipelineInfo {
  const found = all.find(matches(typed));
  if (found) return found;
  throw new DomainError(DomainErrorCode.UnknownPipeline, `There is no pipeline called “${cleanLine(typed)}”. Pipelines: ${all.map((p) => p.name).join(', ')}.`, {
    field: 'pipeline',
    choices: all.map((p) => p.key),
  });
}

function findStage(pipeline: PipelineInfo, typed: string, named: boolean): StageInfo {
  const found = pipeline.stages.find(matches(typed));
  if (found) return found;
  throw new DomainError(DomainErrorCode.UnknownStage, `There is no stage called “${cleanLine(typed)}”${named ? ` in ${pipeline.name}` : ''}.`, {
    field: 'stage',
    choices: pipeline.stages.map((s) => s.key),
  });
}

function placeIndex(pipeline: PipelineInfo, order: StageInfo[], place: StagePlace): number {
  const anchor = findStage(pipeline, 'after' in place ? place.after : place.before, false);
  return order.findIndex((s) => s.id === anchor.id) + ('after' in place ? 1 : 0);
}

function lastIndexOfKind(order: StageInfo[], kind: StageKind): number {
  let last = -1;
  order.forEach((s, i) => {
    if (s.kind === kind) last = i;
  });
  // No stage of that kind yet: open stages go first, closing ones last.
  return last === -1 && kind !== 'open' ? order.length - 1 : last;
}

const PROBABILITY_HELP = 'A probability is a whole percent from 0 to 100, e.g. 40.';
const KIND_HELP = 'A stage’s kind is open, won or lost.';

function checkProbability(p: number): void {
  if (!Number.isInteger(p) || p < 0 || p > 100) {
    throw new DomainError(DomainErrorCode.InvalidInput, PROBABILITY_HELP, { field: 'probability' });
  }
}

function checkKind(kind: string): asserts kind is StageKind {
  if (!(STAGE_KINDS as readonly string[]).includes(kind)) throw new DomainError(DomainErrorCode.InvalidInput, KIND_HELP, { field: 'kind', choices: [...STAGE_KINDS] });
}

/** A probability as given: a whole number, or its text (`40`, `40%`); undefined when it is not one from 0 to 100. */
function readProbability(value: number | string): number | undefined {
  const n = typeof value === 'number' ? value : /^\s*\d{1,3}\s*%?\s*$/.test(value ?? '') ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isInteger(n) && n >= 0 && n <= 100 ? n : undefined;
}

function firstStageError(pipeline: PipelineInfo, name: string): DomainError {
  return new DomainError(
    DomainErrorCode.InvalidInput,
    `New deals start in ${pipeline.name}’s first stage, so it must be an open stage: ${name} can’t be first.`,
    { field: 'stage' },
  );
}

/** Deals (archived ones too) in each of these stages; stages without any are absent. */
async function dealCounts(db: Tx, workspaceId: string, stageIds: string[]): Promise<Map<string, number>> {
  if (stageIds.length === 0) return new Map();
  const rows = await db.deal.groupBy({ by: ['stageId'], where: { workspaceId, stageId: { in: stageIds } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.stageId, r._count._all]));
}

/**
 * What is wrong with giving these stages these kinds: a stage holding deals (its kind stays), a
 * first stage that is not open, a pipeline left without an open, a won or a lost stage. `stageId`
 * is absent for a rule about the whole pipeline.
 */
function kindProblems(
  pipeline: PipelineInfo,
  kinds: ReadonlyMap<string, StageKind>,
  counts: ReadonlyMap<string, number>,
): { stageId?: string; code: DomainErrorCode; message: string; count?: number }[] {
  const problems: { stageId?: string; code: DomainErrorCode; message: string; count?: number }[] = [];
  for (const [stageId, kind] of kinds) {
    const stage = pipeline.stages.find((s) => s.id === stageId)!;
    const n = counts.get(stageId) ?? 0;
    if (kind !== stage.kind && n > 0) {
      problems.push({
        stageId,
        code: DomainErrorCode.Conflict,
        count: n,
        message: `${stage.name} holds ${n === 1 ? '1 deal' : `${n} deals`}, so it stays ${stage.kind}: a deal’s status follows its stage’s kind. Move ${n === 1 ? 'it' : 'them'} to another stage first (\`/deal stage remove ${stage.name} move deals to <stage>\` moves them all).`,
      });
    }
  }
  // Only what these changes would break: a pipeline that was already so is not held to it here.
  const kindOf = (s: StageInfo) => kinds.get(s.id) ?? s.kind;
  const first = pipeline.stages[0];
  if (first && first.kind === 'open' && kindOf(first) !== 'open') {
    problems.push({ stageId: first.id, code: DomainErrorCode.InvalidInput, message: `New deals start in ${pipeline.name}’s first stage, ${first.name}: it stays open.` });
  }
  for (const kind of STAGE_KINDS) {
    if (pipeline.stages.some((s) => kindOf(s) === kind)) continue;
    const was = pipeline.stages.filter((s) => s.kind === kind);
    if (was.length === 0) continue;
    const message =
      was.length === 1
        ? `${was[0]!.name} is ${pipeline.name}’s only ${kind} stage: a pipeline keeps at least one open, one won and one lost stage.`
        : `${pipeline.name} needs at least one ${kind} stage: keep one of ${was.map((s) => s.name).join(', ')} ${kind}.`;
    problems.push({ stageId: was[0]!.id, code: DomainErrorCode.InvalidInput, message });
  }
  return problems;
}

/** The pipeline's stages as they stand, in a few characters: what a form sends back to say what it showed. */
export function versionOf(pipeline: Pick<PipelineInfo, 'stages'>): string {
  const shape = pipeline.stages.map((s) => [s.id, s.name, s.probability, s.kind, s.position]);
  return createHash('sha256').update(JSON.stringify(shape)).digest('base64url').slice(0, 16);
}

/** Writes positions 0…n-1 in this order, only where they changed. */
async function renumber(tx: Tx, order: StageInfo[]): Promise<void> {
  for (const [position, s] of order.entries()) {
    if (s.position !== position) await tx.stage.update({ where: { id: s.id }, data: { position } });
  }
}
