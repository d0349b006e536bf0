/**
 * `deal pipelines` and every pipeline or stage change, as an Adaptive Card: one container per
 * pipeline, a fact per stage, and an "Edit stages" button that opens the stage editor dialog
 * (cards/stage-editor.ts; admins only, anyone else is told who the admins are).
 */
import type { PipelineView } from '../../../domain/pipeline/pipeline.view.js';
import { pipelineTitle, stageFacts } from '../../pipeline-text.js';
import { DIALOGS } from '../ids.js';
import { fitRows } from './limits.js';
import { card, container, facts, openDialog, text, type AdaptiveCard, type CardElement } from './parts.js';
import { escapeMarkdown, ourText } from './text.js';

export function pipelineCard(pipelines: PipelineView[], headline?: string, hint?: string): { card: AdaptiveCard; summary: string } {
  const summary = headline ?? (pipelines.length === 1 ? `Pipeline ${pipelines[0]!.name}` : `${pipelines.length} pipelines`);
  // Many long pipelines can pass Teams' card budget: as many as fit, the rest counted.
  return fitRows(pipelines.length, (rows) => {
    const body: CardElement[] = [];
    if (headline) body.push(text(`✅ ${escapeMarkdown(headline)}`, { color: 'Good' }));
    for (const p of pipelines.slice(0, rows)) {
      const title = pipelineTitle(p);
      body.push(
        container(
          [
            text(`**${escapeMarkdown(title.name)}** (${ourText(title.note)})`, { size: 'Medium' }),
            facts(p.stages.map((s, i): [string, string] => [`${i + 1}. ${escapeMarkdown(s.name)}`, escapeMarkdown(stageFacts(s))])),
            { type: 'ActionSet', actions: [openDialog('Edit stages', { dialog: DIALOGS.editStages, pipelineId: p.id })] },
          ],
          { separator: true, spacing: 'Medium' },
        ),
      );
    }
    const left = pipelines.length - rows;
    if (left > 0) body.push(text(ourText(`…and ${left} more ${left === 1 ? 'pipeline' : 'pipelines'}: \`deal pipeline <name>\` shows one.`), { subtle: true }));
    if (hint) body.push(text(ourText(hint), { size: 'Small', subtle: true }));
    return { card: card(body, [], summary), summary };
  });
}
