/**
 * The stage editor's dialog: a whole pipeline, one row per stage in order, each with its name,
 * win probability and kind as inputs (`stage:<id>:name|probability|kind`, ids.ts); submitting
 * saves every row in one transaction (handlers/stage-editor.ts → PipelineService.editStages). A
 * refused save comes back with the refusal on top, each issue under its row, and what was typed
 * kept. Reordering, adding and removing stages, and gates, stay commands (the hint says which).
 * The dialog is kept under Teams' card budget: a pipeline too big for it shows its first stages and
 * says how to change the rest.
 */
import type { StageEditorView } from '../../../domain/pipeline/pipeline.service.js';
import { PIPELINE_LIMITS } from '../../../domain/pipeline/pipeline.service.js';
import type { StageKind } from '../../../domain/pipeline/pipeline.defaults.js';
import { DIALOGS, stageEditInputId } from '../ids.js';
import type { DialogInfo } from './forms.js';
import { fitRows } from './limits.js';
import { card, choices, container, inputText, submit, text, type CardElement } from './parts.js';
import { escapeMarkdown, ourText, truncate } from './text.js';

export const STAGE_EDITOR_TEXT = {
  title: (pipeline: string) => truncate(`Edit ${pipeline} stages`, 60),
  intro: (pipeline: string) => `**${escapeMarkdown(pipeline)}**: each stage’s name, win probability and kind. Saving applies every change at once, or none.`,
  hint: 'Reorder, add or remove stages, and set what a stage requires, by command: `deal stage move …`, `deal stage add …`, `deal stage remove …`, `deal stage require …`. Won and lost stages close the deals that enter them; a stage holding deals keeps its kind.',
  capped: (shown: number, total: number) =>
    `Showing the first ${shown} of ${total} stages (a Teams dialog holds no more): change the others by command, e.g. \`deal stage rename <stage> to <name>\`, \`deal stage kind <stage> lost\`.`,
  kinds: { open: 'Open', won: 'Won (closes the deal)', lost: 'Lost (closes the deal)' } satisfies Record<StageKind, string>,
  holds: (n: number, kind: StageKind) => `Holds ${n === 1 ? '1 deal' : `${n} deals`}: its kind stays ${kind} while it does.`,
  save: 'Save',
} as const;

export interface StageEditorInitial {
  /** The refusal to show on top. */
  error?: string;
  /** Issues by input id (`stage:<id>:name`), shown under their row. */
  issues?: Record<string, string>;
  /** What was typed, by input id: kept when the dialog comes back. */
  values?: Record<string, string>;
  /** The version the form was first opened with (kept when it comes back after a mistake). */
  version?: string;
}

export function stageEditorDialog(editor: StageEditorView, initial: StageEditorInitial = {}): DialogInfo {
  const stages = editor.stages;
  return fitRows(stages.length, (rows) => {
    const shown = stages.slice(0, rows);
    const body: CardElement[] = [
      text(STAGE_EDITOR_TEXT.intro(editor.pipeline.name)),
      text(ourText(STAGE_EDITOR_TEXT.hint), { size: 'Small', subtle: true, spacing: 'None' }),
      ...(shown.length < stages.length ? [text(ourText(STAGE_EDITOR_TEXT.capped(shown.length, stages.length)), { color: 'Warning' })] : []),
      ...(initial.error ? [text(`⚠️ ${escapeMarkdown(initial.error)}`, { color: 'Attention' })] : []),
      ...shown.map((s, i) => {
        const id = (f: 'name' | 'probability' | 'kind') => stageEditInputId(s.id, f);
        const value = (f: 'name' | 'probability' | 'kind', fallback: string) => initial.values?.[id(f)] ?? fallback;
        const problems = (['name', 'probability', 'kind'] as const).map((f) => initial.issues?.[id(f)]).filter((m): m is string => Boolean(m));
        return container(
          [
            {
              type: 'ColumnSet',
              columns: [
                { type: 'Column', width: 'stretch', items: [inputText(id('name'), { label: `${i + 1}. Stage name`, value: value('name', s.name), maxLength: PIPELINE_LIMITS.stageName, required: true, errorMessage: 'Give the stage a name.' })] },
                {
                  type: 'Column',
                  width: 'auto',
                  items: [{ type: 'Input.Number', id: id('probability'), label: 'Win %', min: 0, max: 100, value: Number(value('probability', String(s.probability))) || 0, isRequired: true, errorMessage: 'A whole percent from 0 to 100.' }],
                },
                {
                  type: 'Column',
                  width: 'auto',
                  items: [
                    choices(id('kind'), {
                      label: 'Kind',
                      value: value('kind', s.kind),
                      required: true,
                      choices: (Object.entries(STAGE_EDITOR_TEXT.kinds) as [StageKind, string][]).map(([v, title]) => ({ title, value: v })),
                    }),
                  ],
                },
              ],
            },
            ...(s.deals > 0 ? [text(escapeMarkdown(STAGE_EDITOR_TEXT.holds(s.deals, s.kind)), { size: 'Small', subtle: true, spacing: 'None' })] : []),
            ...problems.map((m) => text(`⚠️ ${escapeMarkdown(m)}`, { color: 'Attention', size: 'Small', spacing: 'None' })),
          ],
          { separator: true, spacing: 'Small' },
        );
      }),
    ];
    return {
      title: STAGE_EDITOR_TEXT.title(editor.pipeline.name),
      width: 'large' as const,
      card: card(body, [submit(STAGE_EDITOR_TEXT.save, { dialog: DIALOGS.editStages, pipelineId: editor.pipeline.id, version: initial.version ?? editor.version })]),
    };
  });
}
