/**
 * `/deal pipelines` and every pipeline or stage change, as Block Kit: one section per pipeline,
 * stage by stage, with an "Edit stages" button (ACTIONS.editStages, valued with the pipeline's id)
 * that opens the stage editor for admins (blocks/stage-editor.ts).
 */
import type { KnownBlock } from '@slack/types';
import type { PipelineView } from '../../../domain/pipeline/pipeline.view.js';
import { pipelineTitle, stageFacts } from '../../pipeline-text.js';
import { ACTIONS } from '../ids.js';
import { escapeControl, escapeMrkdwn, SLACK_LIMITS } from './escape.js';
import { button, capBlocks, context, section } from './parts.js';

export const EDIT_STAGES_LABEL = 'Edit stages';

export function pipelineBlocks(pipelines: PipelineView[], headline?: string, hint?: string): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [];
  if (headline) blocks.push(section(`:white_check_mark: ${escapeMrkdwn(headline)}`));
  for (const p of pipelines) {
    const title = pipelineTitle(p);
    const lines = p.stages.map((s, i) => `${i + 1}. *${escapeMrkdwn(s.name)}* · ${escapeMrkdwn(stageFacts(s))}`);
    blocks.push(section(`*${escapeMrkdwn(title.name)}* (${escapeControl(title.note)})\n${lines.join('\n')}`, button(EDIT_STAGES_LABEL, ACTIONS.editStages, { value: p.id })));
  }
  if (hint) blocks.push(context(escapeControl(hint)));
  const text = headline ?? (pipelines.length === 1 ? `Pipeline ${pipelines[0]!.name}` : `${pipelines.length} pipelines`);
  return { text: escapeMrkdwn(text), blocks: capBlocks(blocks, SLACK_LIMITS.messageBlocks, 'pipeline') };
}
