/** A pipeline as people see it: every stage in order, with its probability, kind, gate and deals. */
import type { StageKind } from './pipeline.defaults.js';

export interface PipelineStageView {
  key: string;
  name: string;
  probability: number;
  kind: StageKind;
  /** What the stage's gate asks for, as labels ("Amount", "Close date"); empty: no gate. */
  required: string[];
  /** Live (not archived) deals in the stage now. */
  deals: number;
}

export interface PipelineView {
  id: string;
  key: string;
  name: string;
  isDefault: boolean;
  stages: PipelineStageView[];
}
