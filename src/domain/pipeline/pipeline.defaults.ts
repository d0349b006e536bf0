/** The pipeline a new workspace starts with. */
export const DEFAULT_STAGES = [
  { key: 'new', name: 'New', probability: 10, kind: 'open' },
  { key: 'qualified', name: 'Qualified', probability: 25, kind: 'open' },
  { key: 'proposal', name: 'Proposal', probability: 50, kind: 'open' },
  { key: 'negotiation', name: 'Negotiation', probability: 75, kind: 'open' },
  { key: 'won', name: 'Won', probability: 100, kind: 'won' },
  { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
] as const;

export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];
