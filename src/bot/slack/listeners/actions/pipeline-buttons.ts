/**
 * Pipeline interactions: a pipeline reply's "Edit stages" button opens the stage editor (admins
 * only: the domain refuses anyone else, naming the admins, and the refusal is answered where the
 * button was), and the create-deal modal's pipeline picker updates the modal's stages to the
 * pipeline picked (views.update with the view's hash; when that fails, the submission still checks
 * that the stage belongs to the pipeline: views/index.ts).
 */
import type { App, StaticSelectAction } from '@slack/bolt';
import type { ViewOutput } from '@slack/bolt';
import { createDealModal, type CreateDealInitial } from '../../blocks/modals.js';
import { stageEditorModal } from '../../blocks/stage-editor.js';
import { ACTIONS, INPUTS } from '../../ids.js';
import { writeMeta, type SlackDeps } from '../context.js';
import { date, field, text, user } from '../views/read.js';
import { actionKit, placeOf, StaleButton } from './kit.js';

export function registerPipelineButtons(app: App, deps: SlackDeps): void {
  const { on, openForm } = actionKit(app, deps);

  on(ACTIONS.editStages, async (a, actor) => {
    const pipelineId = a.action.value;
    if (!pipelineId || pipelineId.length > 64) throw new StaleButton('This button is out of date. Show the pipeline again with /deal pipeline <name>.');
    // Admins only: anyone else gets the refusal naming the admins (kit.ts tells it where the button was).
    const editor = await deps.crm.pipelines.editor(actor, pipelineId);
    const meta = writeMeta({
      pipelineId: editor.pipeline.id,
      version: editor.version,
      ...(placeOf(a.body).kind === 'message' && a.body.response_url && { responseUrl: a.body.response_url }),
    });
    await openForm(a, stageEditorModal(editor, { privateMetadata: meta }));
  });

  on<StaticSelectAction>(INPUTS.pipeline, async (a, actor) => {
    const view = a.body.view;
    const key = a.action.selected_option?.value;
    if (!view?.id || !key) return;
    const pipelines = await deps.crm.pipelines.pipelines(actor.workspaceId);
    const modal = createDealModal({ pipelines, pipeline: key, initial: typedSoFar(view), privateMetadata: view.private_metadata || undefined });
    await a.client.views.update({ view_id: view.id, hash: view.hash, view: modal }).catch((err: unknown) => {
      // Someone typed meanwhile (hash_conflict), or Slack is slow: the stages stay as they were,
      // and the submission refuses a stage of another pipeline on its field.
      deps.log.warn({ err }, 'could not update the new-deal modal for the pipeline picked');
    });
  });
}

/** What the create-deal modal holds so far, kept when it is drawn again for another pipeline. */
export function typedSoFar(view: ViewOutput): CreateDealInitial {
  const company = field(view, 'company')?.selected_option;
  return {
    ...(text(view, 'title') && { title: text(view, 'title') }),
    ...(text(view, 'amount') && { amount: text(view, 'amount') }),
    ...(user(view, 'owner') && { ownerUserId: user(view, 'owner') }),
    ...(company?.value && { company: { id: company.value, name: company.text.text } }),
    ...(date(view, 'closeDate') && { closeDate: date(view, 'closeDate') }),
  };
}
