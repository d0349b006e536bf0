import type { DealView } from '../deals/deal.view.js';
import type { Money } from '../shared/money.js';

export interface StageSummary {
  key: string;
  name: string;
  kind: 'open' | 'won' | 'lost';
  probability: number;
  count: number;
  /** Sum of amounts per currency (the workspace currency first). */
  totals: Money[];
  /** The stage's pipeline, only when the workspace has several (stages then come pipeline by pipeline). */
  pipeline?: { key: string; name: string };
}

export interface PipelineSummaryView {
  currency: string;
  /** Open stages: open deals now. Won and lost stages: deals closed within the period. */
  stages: StageSummary[];
  open: { count: number; totals: Money[]; weighted: Money[] };
  periodDays: number;
  won: { count: number; totals: Money[] };
  lost: { count: number };
  /** won / (won + lost) over the period; null when nothing closed. */
  winRate: number | null;
  averageDealSize: Money[];
  averageCycleDays: number | null;
}

export interface DealQueueView {
  heading: string;
  items: DealView[];
  /** All of them, or COUNT_CAP when there are more (then `totalCapped`). */
  total: number;
  totalCapped: boolean;
}
