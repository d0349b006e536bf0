/**
 * The words every surface shows for one stage of a pipeline reply (`/deal pipelines`): probability,
 * kind, gate and deal count. Plain text; each renderer escapes it its own way.
 */
import type { PipelineStageView, PipelineView } from '../domain/pipeline/pipeline.view.js';

const KIND_WORDS: Readonly<Record<PipelineStageView['kind'], string>> = { open: 'open', won: 'won (closes the deal)', lost: 'lost (closes the deal)' };

/** "50% · open · needs Amount, Close date · 3 deals" */
export function stageFacts(s: PipelineStageView): string {
  return [
    `${s.probability}%`,
    KIND_WORDS[s.kind],
    s.required.length ? `needs ${s.required.join(', ')}` : undefined,
    s.deals === 1 ? '1 deal' : `${s.deals} deals`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** "Sales (default) · in sales" */
export function pipelineTitle(p: PipelineView): { name: string; note: string } {
  return { name: p.name, note: `${p.isDefault ? 'default · ' : ''}\`in ${p.key}\`` };
}
