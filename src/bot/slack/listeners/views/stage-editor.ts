/**
 * The stage editor's submission (blocks/stage-editor.ts): every row it showed (name, probability,
 * kind) goes to PipelineService.editStages, one transaction with the version the editor opened
 * with. A mistake comes back on its field (`response_action: errors`), each issue on the input of
 * its stage, and nothing is written; a pipeline changed since the editor opened comes back on the
 * first row. Saved, the pipeline is shown where the button was, with what changed.
 */
import type { ViewOutput } from '@slack/bolt';
import { isDomainError } from '../../../../domain/errors.js';
import type { StageEditRow } from '../../../../domain/pipeline/pipeline.service.js';
import { STAGE_EDIT_BLOCK_PREFIX, STAGE_EDIT_INPUTS, stageEditBlockId, VIEWS, type StageEditField } from '../../ids.js';
import type { SlackDeps } from '../context.js';
import type { Errors, ViewKit } from './form.js';
import { blocksOf } from './read.js';

/** The rows a submitted editor holds, by the stage ids in its block ids, in the order shown. */
export function editedRows(view: ViewOutput): StageEditRow[] {
  const ids = [...new Set(blocksOf(view).filter((b) => b.startsWith(STAGE_EDIT_BLOCK_PREFIX)).map((b) => b.split(':').slice(2).join(':')))];
  const value = (id: string, f: StageEditField) => view.state.values[stageEditBlockId(f, id)]?.[STAGE_EDIT_INPUTS[f]];
  return ids.map((id) => ({
    id,
    name: value(id, 'name')?.value ?? '',
    probability: value(id, 'probability')?.value ?? '',
    kind: value(id, 'kind')?.selected_option?.value ?? '',
  }));
}

export function registerStageEditorView(kit: ViewKit, deps: SlackDeps): void {
  kit.submit(VIEWS.editStages, async (a, actor, meta) => {
    const rows = editedRows(a.view);
    let change;
    try {
      change = await deps.crm.pipelines.editStages(actor, meta.pipelineId, rows, { ...(meta.version && { expectedVersion: meta.version }) });
    } catch (err) {
      const errors = editorErrors(err, blocksOf(a.view));
      if (errors) return errors;
      throw err;
    }
    const pipeline = change.pipeline;
    const headline = change.changed ? `Saved ${pipeline.name}: ${(change.changes ?? []).join('; ')}.` : `Nothing changed in ${pipeline.name}.`;
    return () => kit.show(a, actor, meta, { kind: 'pipeline', pipelines: [pipeline], headline }, { replace: true, title: 'Pipeline' });
  });
}

/**
 * A refusal as the editor's field errors: each issue (`stages.<id>.<field>`) on its input; a
 * pipeline changed meanwhile, or any refusal about no one field, on the first row.
 */
function editorErrors(err: unknown, present: string[]): Errors | undefined {
  if (!isDomainError(err)) return undefined;
  const errors: Errors = {};
  for (const issue of err.details.issues ?? []) {
    const m = /^stages\.(.+)\.(name|probability|kind)$/.exec(issue.field);
    const block = m ? stageEditBlockId(m[2] as StageEditField, m[1]!) : undefined;
    if (block && present.includes(block) && !errors[block]) errors[block] = issue.message;
  }
  if (Object.keys(errors).length > 0) return errors;
  const first = present.find((b) => b.startsWith(STAGE_EDIT_BLOCK_PREFIX));
  return first ? { [first]: err.message } : undefined;
}
