/**
 * CSV import, the use cases a surface calls (docs/import.md):
 *
 * - `plan`: the dry run. Reads the whole file and answers what an import would do: rows read,
 *   records to create, update and skip, each bad row with its line and reason, stage names that
 *   match no stage, warnings. Writes nothing.
 * - `run`: the import. The same pass in ONE transaction (all or nothing per file), writing the
 *   good rows in bulk; given the dry run's digests it refuses, writing nothing, when the file or
 *   what it matches changed since.
 *
 * Admins only (shared/roles.ts). The answers are plain data (ImportPlan) a chat surface can keep
 * between the dry run and the person's "Import".
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Actor, DomainDeps } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import { readDefinitions } from '../fields/field.lines.js';
import type { PipelineService } from '../pipeline/pipeline.service.js';
import { requireAdmin } from '../shared/roles.js';
import type { ImportKind, PresetName } from './import.presets.js';
import { runImport, type ImportContext, type ImportPlan } from './import.plan.js';
import type { ImportInput } from './import.read.js';
import { prismaConnector, type SqlConnector } from './import.sql.js';

export type { ImportPlan, BadRow, UnknownStage, PlanWarning } from './import.plan.js';
export type { ImportInput } from './import.read.js';
export { PRESET_NAMES, IMPORT_KINDS, KIND_ORDER, KIND_PLURAL, PRESETS, type ImportKind, type PresetName } from './import.presets.js';

/** What `plan` and `run` are asked. */
export interface ImportRequest {
  actor: Actor;
  /** As the person named it (reports say it). */
  fileName: string;
  /**
   * The file: its text, its bytes, a stream, or a function that opens it (the CLI's: `run` then
   * reads the file twice, to check its digest and to import it; a stream is held in memory).
   */
  input: ImportInput;
  /** A preset; found from the headers when absent. */
  preset?: PresetName;
  /** What the file holds; found from the headers when absent. */
  kind?: ImportKind;
  /** Stage names as written in the file → our stage (its key or name), for the unknown ones. */
  stageMap?: Record<string, string>;
  /** Rows read so far, of `total` when the dry run said how many. */
  onProgress?: (progress: { done: number; total?: number }) => void;
}

export interface RunRequest extends ImportRequest {
  /** The dry run this import confirms: refused, nothing written, when the file or the plan changed. */
  confirm?: Pick<ImportPlan, 'fileDigest' | 'planDigest'> & Partial<Pick<ImportPlan, 'rows'>>;
}

/** "Only admins can import records." */
const ADMIN_WHAT = 'import records';

export class ImportService {
  private readonly connector: SqlConnector;

  constructor(
    private readonly deps: DomainDeps,
    private readonly pipelines: PipelineService,
    connector?: SqlConnector,
  ) {
    this.connector = connector ?? prismaConnector(deps.db);
  }

  /**
   * Refuses (ADMIN_ONLY, naming the admins) anyone who may not import: what a chat surface asks
   * before it downloads a file someone sent.
   */
  async check(actor: Actor): Promise<void> {
    await requireAdmin(actor, this.deps, ADMIN_WHAT);
  }

  /** The dry run: what an import of this file would do. Nothing is written. */
  async plan(req: ImportRequest): Promise<ImportPlan> {
    const ctx = await this.context(req.actor);
    const input = await replayable(req.input);
    const session = await this.connector('read');
    try {
      return await runImport(session.conn, ctx, this.options(req, input, false));
    } finally {
      await session.rollback();
    }
  }

  /**
   * The import, in one transaction: every good row written, or nothing. With `confirm` (the dry
   * run's digests), refused with a Conflict, nothing written, when the file differs from the one
   * the dry run read, or when a row would now be decided otherwise (a record was added or changed
   * since): the person looks at the new dry run and confirms again.
   */
  async run(req: RunRequest): Promise<ImportPlan> {
    const ctx = await this.context(req.actor);
    const input = await replayable(req.input);
    if (req.confirm && (await digestOf(input)) !== req.confirm.fileDigest) throw changed(req.fileName, 'the file is not the one the dry run read');
    const session = await this.connector('write');
    let plan: ImportPlan;
    try {
      plan = await runImport(session.conn, ctx, this.options(req, input, true));
      if (req.confirm && plan.planDigest !== req.confirm.planDigest) throw changed(req.fileName, 'records it matches were added or changed since the dry run');
    } catch (err) {
      await session.rollback();
      throw err;
    }
    await session.commit();
    return plan;
  }

  private options(req: RunRequest, input: ImportInput, write: boolean) {
    const total = req.confirm?.rows;
    return {
      fileName: req.fileName,
      input,
      preset: req.preset,
      kind: req.kind,
      stageMap: req.stageMap,
      write,
      expectedRows: total,
      onProgress: req.onProgress && ((done: number) => req.onProgress?.({ done, ...(total !== undefined && { total }) })),
    };
  }

  /** Who imports, and what the workspace has: read before the import's transaction opens. */
  private async context(actor: Actor): Promise<ImportContext> {
    await requireAdmin(actor, this.deps, ADMIN_WHAT);
    const db = this.deps.db;
    const [ws, members, pipelines, fields] = await Promise.all([
      db.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId }, select: { defaultCurrency: true } }),
      db.member.findMany({ where: { workspaceId: actor.workspaceId }, select: { id: true, displayName: true, email: true, deactivated: true } }),
      this.pipelines.pipelines(actor.workspaceId),
      readDefinitions(db, actor.workspaceId),
    ]);
    const me = members.find((m) => m.id === actor.memberId);
    return {
      workspaceId: actor.workspaceId,
      actorId: actor.memberId,
      actorName: me?.displayName ?? 'you',
      defaultCurrency: ws.defaultCurrency,
      now: this.deps.clock.now(),
      members: members.filter((m) => m.deactivated === null || m.id === actor.memberId),
      pipelines,
      fields,
    };
  }
}

function changed(fileName: string, why: string): DomainError {
  return new DomainError(
    DomainErrorCode.Conflict,
    `Nothing was imported from ${fileName}: ${why}. Run the dry run again and confirm what it says now.`,
  );
}

/** An input that can be read twice: a one-shot stream is read into memory. */
async function replayable(input: ImportInput): Promise<ImportInput> {
  if (!(input instanceof Readable)) return input;
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

async function digestOf(input: ImportInput): Promise<string> {
  const hash = createHash('sha256');
  if (typeof input === 'string') return hash.update(Buffer.from(input, 'utf8')).digest('hex');
  if (Buffer.isBuffer(input)) return hash.update(input).digest('hex');
  const stream = typeof input === 'function' ? input() : input;
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
