/**
 * The stage editor dialog's fetch and submit (cards/stage-editor.ts). Opening it is for admins:
 * PipelineService.editor refuses anyone else, naming the admins, and the bot answers the fetch
 * with that refusal. Submitting hands every row to PipelineService.editStages (one transaction,
 * with the version the dialog opened with); a refusal brings the dialog back with it on top, each
 * issue under its row and what was typed kept, or, when the pipeline changed meanwhile, as it is
 * now. Saved, the pipeline card the button was on shows the pipeline with what changed.
 */
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Actor } from '../../../domain/index.js';
import { isDomainError, DomainErrorCode } from '../../../domain/errors.js';
import type { StageEditRow } from '../../../domain/pipeline/pipeline.service.js';
import { errorReply } from '../../messages.js';
import type { DialogInfo } from '../cards/forms.js';
import { replyCard } from '../cards/reply.js';
import { stageEditorDialog } from '../cards/stage-editor.js';
import { DIALOGS, stageEditInputId } from '../ids.js';
import { asActivity, audienceFor, PREFIX, replyOptions, sendReply, STALE_BUTTON, type TeamsDeps } from './context.js';

const editorData = z
  .object({ dialog: z.literal(DIALOGS.editStages), pipelineId: z.string().min(1).max(64), version: z.string().max(64).optional() })
  .passthrough();

export const isStageEditorDialog = (data: unknown) => editorData.safeParse(data).success;

/** Admins get the editor; anyone else the refusal naming the admins (thrown: the bot answers with it). */
export async function fetchStageEditor(deps: TeamsDeps, actor: Actor, data: unknown): Promise<DialogInfo | undefined> {
  const parsed = editorData.safeParse(data);
  if (!parsed.success) return undefined;
  return stageEditorDialog(await deps.crm.pipelines.editor(actor, parsed.data.pipelineId));
}

const INPUT = /^stage:(.+):(name|probability|kind)$/;

export async function submitStageEditor(
  deps: TeamsDeps,
  context: TurnContext,
  actor: Actor,
  data: unknown,
): Promise<{ kind: 'again'; dialog: DialogInfo } | { kind: 'done'; message?: string }> {
  const parsed = editorData.safeParse(data);
  if (!parsed.success) return { kind: 'done', message: STALE_BUTTON };
  const { pipelineId, version } = parsed.data;
  // What was typed, by input id (Teams sends a number input's value as text or as a number).
  const typed: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.data as Record<string, unknown>)) {
    if (INPUT.test(key) && (typeof value === 'string' || typeof value === 'number')) typed[key] = String(value);
  }
  const ids = [...new Set(Object.keys(typed).map((k) => INPUT.exec(k)![1]!))];
  const rows: StageEditRow[] = ids.map((id) => ({
    id,
    name: typed[stageEditInputId(id, 'name')] ?? '',
    probability: typed[stageEditInputId(id, 'probability')] ?? '',
    kind: typed[stageEditInputId(id, 'kind')] ?? '',
  }));
  try {
    const change = await deps.crm.pipelines.editStages(actor, pipelineId, rows, { ...(version && { expectedVersion: version }) });
    const headline = change.changed ? `Saved ${change.pipeline.name}: ${(change.changes ?? []).join('; ')}.` : `Nothing changed in ${change.pipeline.name}.`;
    const reply = { kind: 'pipeline' as const, pipelines: [change.pipeline], headline };
    // Opened from the pipeline's card: that card shows the pipeline now (unless outsiders read the conversation).
    if (context.activity.replyToId && (await audienceFor(deps, context, actor)).kind === 'own') {
      await context.updateActivity({ ...asActivity(replyCard(reply, await replyOptions(deps, actor))), id: context.activity.replyToId });
    } else {
      await sendReply(deps, context, actor, reply);
    }
    return { kind: 'done' };
  } catch (err) {
    if (!isDomainError(err)) throw err;
    // No longer an admin (or never was): the dialog closes with who to ask.
    if (err.code === DomainErrorCode.AdminOnly) return { kind: 'done', message: err.message };
    const editor = await deps.crm.pipelines.editor(actor, pipelineId);
    // Changed meanwhile: shown as it is now, with the newer version (what was typed would undo it).
    if (err.code === DomainErrorCode.Conflict && err.details.field === 'version') {
      return { kind: 'again', dialog: stageEditorDialog(editor, { error: err.message }) };
    }
    const issues: Record<string, string> = {};
    for (const issue of err.details.issues ?? []) {
      const m = /^stages\.(.+)\.(name|probability|kind)$/.exec(issue.field);
      if (m) issues[stageEditInputId(m[1]!, m[2] as 'name' | 'probability' | 'kind')] = issue.message;
    }
    const error = errorReply(err, deps.log, PREFIX).message;
    return { kind: 'again', dialog: stageEditorDialog(editor, { error, issues, values: typed, ...(version && { version }) }) };
  }
}
