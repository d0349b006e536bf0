/**
 * The stage editor: a modal showing a whole pipeline, one row per stage in order, each with its
 * name, win probability and kind as inputs (block `stage_edit:<field>:<stage id>`, ids.ts).
 * Submitting saves every row in one transaction (listeners/views/stage-editor.ts →
 * PipelineService.editStages). Reordering, adding and removing stages, and gates, stay commands:
 * the hint says which. A row is four blocks (three inputs and a divider): a pipeline with more
 * stages than a modal's 100 blocks hold shows the first ones and says how to change the others.
 */
import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { StageEditorView } from '../../../domain/pipeline/pipeline.service.js';
import { PIPELINE_LIMITS } from '../../../domain/pipeline/pipeline.service.js';
import type { StageKind } from '../../../domain/pipeline/pipeline.defaults.js';
import { STAGE_EDIT_INPUTS, stageEditBlockId, VIEWS, type StageEditField } from '../ids.js';
import { checkPrivateMetadata } from './modals.js';
import { escapeControl, escapeMrkdwn, SLACK_LIMITS, truncate } from './escape.js';
import { context, divider, plain, section } from './parts.js';

/** What the editor says, in one place. */
export const STAGE_EDITOR_TEXT = {
  title: 'Edit stages',
  submit: 'Save',
  intro: (pipeline: string) => `*${escapeMrkdwn(pipeline)}*: each stage’s name, win probability and kind. Saving applies every change at once, or none.`,
  hint: 'Reorder, add or remove stages, and set what a stage requires, by command: `/deal stage move …`, `/deal stage add …`, `/deal stage remove …`, `/deal stage require …`. Won and lost stages close the deals that enter them; a stage holding deals keeps its kind.',
  capped: (shown: number, total: number) =>
    `Showing the first ${shown} of ${total} stages (a Slack form holds no more): change the others by command, e.g. \`/deal stage rename <stage> to <name>\`, \`/deal stage probability <stage> 40\`, \`/deal stage kind <stage> lost\`.`,
  kinds: { open: 'Open', won: 'Won (closes the deal)', lost: 'Lost (closes the deal)' } satisfies Record<StageKind, string>,
  holds: (n: number, kind: StageKind) => `Holds ${n === 1 ? '1 deal' : `${n} deals`}: its kind stays ${kind} while it does.`,
} as const;

/** Blocks every editor has besides its rows: intro, hint, and room for the "first N" note. */
const FIXED_BLOCKS = 3;
const BLOCKS_PER_ROW = 4;
/** The most stages one modal shows (the rest are changed by command). */
export const STAGE_EDITOR_MAX_ROWS = Math.floor((SLACK_LIMITS.viewBlocks - FIXED_BLOCKS) / BLOCKS_PER_ROW);

export function stageEditorModal(editor: StageEditorView, opts: { privateMetadata?: string } = {}): ModalView {
  const shown = editor.stages.slice(0, STAGE_EDITOR_MAX_ROWS);
  const blocks: KnownBlock[] = [section(STAGE_EDITOR_TEXT.intro(editor.pipeline.name)), context(escapeControl(STAGE_EDITOR_TEXT.hint))];
  if (shown.length < editor.stages.length) blocks.push(context(escapeControl(STAGE_EDITOR_TEXT.capped(shown.length, editor.stages.length))));
  shown.forEach((s, i) => {
    blocks.push(
      divider(),
      input(s.id, 'name', `${i + 1}. Stage name`, {
        type: 'plain_text_input',
        max_length: PIPELINE_LIMITS.stageName,
        initial_value: truncate(s.name, PIPELINE_LIMITS.stageName),
      }),
      input(s.id, 'probability', 'Win probability (%)', {
        type: 'number_input',
        is_decimal_allowed: false,
        min_value: '0',
        max_value: '100',
        initial_value: String(s.probability),
      }),
      {
        ...input(s.id, 'kind', 'Kind', { type: 'static_select', options: KIND_OPTIONS, initial_option: KIND_OPTIONS.find((o) => o.value === s.kind)! }),
        ...(s.deals > 0 && { hint: plain(STAGE_EDITOR_TEXT.holds(s.deals, s.kind), SLACK_LIMITS.inputHint) }),
      },
    );
  });
  return {
    type: 'modal',
    callback_id: VIEWS.editStages,
    title: plain(STAGE_EDITOR_TEXT.title, SLACK_LIMITS.modalTitle),
    submit: plain(STAGE_EDITOR_TEXT.submit, SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    ...(opts.privateMetadata !== undefined && { private_metadata: checkPrivateMetadata(opts.privateMetadata) }),
    blocks,
  };
}

const KIND_OPTIONS: PlainTextOption[] = (Object.entries(STAGE_EDITOR_TEXT.kinds) as [StageKind, string][]).map(([value, text]) => ({
  text: plain(text, SLACK_LIMITS.optionText),
  value,
}));

function input(stageId: string, field: StageEditField, label: string, element: InputBlock['element']): InputBlock {
  return {
    type: 'input',
    block_id: stageEditBlockId(field, stageId),
    label: plain(label, SLACK_LIMITS.inputLabel),
    element: { ...element, action_id: STAGE_EDIT_INPUTS[field] } as InputBlock['element'],
    optional: false,
  };
}
