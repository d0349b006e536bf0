/**
 * Issue #15's shape for the bench seed (bench/seed.ts): several pipelines with their own stages
 * and gates, deals spread across them, deal custom fields of every type with values on most
 * deals, and each deal's stage history in its timeline. The pipelines, stages, gates, fields and
 * the first deal's values go through the domain; the bulk values are checked against those.
 *
 * With the default shape (one pipeline, no fields, no history) nothing here runs, and the seed is
 * the one `npm run bench` always measured.
 */
import path from 'node:path';
import { openDatabase } from '../src/db/client.js';
import type { DatabaseTarget } from '../src/db/provider.js';
import { createCrm, FixedClock } from '../src/domain/index.js';
import { DAY_MS, fromDateOnly, toDateOnly } from '../src/domain/shared/dates.js';
import { searchKey } from '../src/domain/shared/text.js';
import type { BenchWorkspace, Col, DealSeed, MadeDeal, prng, Raw, StageRow, Value } from './seed.js';
import { NOW } from './seed.js';

export interface Shape {
  /** Pipelines per workspace: 1 is the default Sales pipeline alone. */
  pipelines: number;
  /** Deal custom fields, with values on most deals. */
  fields: number;
  /** Each deal's stage history as timeline entries (`stage`, `won`, `lost`) at its stageChangedAt. */
  timeline: boolean;
}

export const DEFAULT_SHAPE: Shape = { pipelines: 1, fields: 0, timeline: false };

export function shapeOf(opts: { shape?: Partial<Shape> | undefined }): Shape {
  return { ...DEFAULT_SHAPE, ...opts.shape };
}

/** Whether the seed needs the domain steps below (pipelines or fields). */
export function isShaped(shape: Shape): boolean {
  return shape.pipelines > 1 || shape.fields > 0;
}

/** `p3-f10` (`+timeline`): a name for files and schemas. */
export function shapeTag(shape: Shape): string {
  return `p${shape.pipelines}-f${shape.fields}${shape.timeline ? '-t' : ''}`;
}

type Rand = ReturnType<typeof prng>;

/**
 * Where a shaped seed lives: bench/.data/shape-100k-p3-f10-t.db, or the schema
 * crm_shape_100k_p3_f10_t on BENCH_PG_URL_BASE. bench/shape.ts and `npm run bench -- --pipelines
 * 3 --fields 10` share them.
 */
export function shapeUrl(provider: 'sqlite' | 'postgresql', deals: number, shape: Shape, dataDir: string): string {
  const tag = `${deals / 1000}k-${shapeTag(shape)}`;
  const pgBase = process.env.BENCH_PG_URL_BASE ?? 'postgresql://postgres@127.0.0.1:5432/test';
  return provider === 'sqlite' ? `file:${path.join(dataDir, `shape-${tag}.db`)}` : `${pgBase}?schema=crm_shape_${tag.replace(/-/g, '_')}`;
}

// ---------------------------------------------------------------------------------------------
// Pipelines

/** The default (Sales) keeps its seeded stages; the others are created with New, Won and Lost and get these. */
const PIPELINE_PLAN: { name: string; weight: number; stages: string[]; gate?: { stage: string; require: string[] } }[] = [
  { name: 'Sales', weight: 60, stages: [], gate: { stage: 'Proposal', require: ['amount', 'close', 'field:source'] } },
  { name: 'Renewals', weight: 25, stages: ['Contacted', 'Quote sent'], gate: { stage: 'Quote sent', require: ['amount', 'field:renewal_date'] } },
  { name: 'Partners', weight: 15, stages: ['Referred', 'Evaluating', 'Contracting'], gate: { stage: 'Contracting', require: ['company', 'field:source'] } },
];

const pipelinePlan = (n: number) =>
  Array.from({ length: n }, (_, i) => PIPELINE_PLAN[i] ?? { name: `Pipeline ${i + 1}`, weight: 10, stages: ['Step one', 'Step two'] });

/** Open stages of a non-default pipeline, by share of its open deals: the first stage holds the most. */
const OPEN_WEIGHTS = [40, 30, 20, 10, 5, 5, 5, 5];

export interface PipelineSpec {
  id: string;
  isDefault: boolean;
  share: number;
}

export interface PipelinePlan extends PipelineSpec {
  stages: StageRow[];
  open: StageRow[];
  won: StageRow;
  lost: StageRow;
}

/** The workspace's pipelines with their stages in order, the default first. */
export function pipelinePlans(stages: readonly StageRow[], specs: readonly PipelineSpec[]): PipelinePlan[] {
  return specs.map((p) => {
    const own = stages.filter((s) => s.pipelineId === p.id).sort((a, b) => a.position - b.position);
    return {
      ...p,
      stages: own,
      open: own.filter((s) => s.kind === 'open'),
      won: own.find((s) => s.kind === 'won')!,
      lost: own.find((s) => s.kind === 'lost')!,
    };
  });
}

/**
 * Where a deal goes that the one-pipeline seed puts in `stage` (a stage of the default pipeline):
 * a pipeline by its share; in another pipeline the same kind (won, lost, or open, then one of its
 * open stages by OPEN_WEIGHTS).
 */
export function placeInPipelines(rand: Rand, plans: readonly PipelinePlan[], stage: StageRow): StageRow {
  let r = rand.next();
  const p = plans.find((x) => (r -= x.share) < 0) ?? plans[0]!;
  if (p.isDefault) return stage;
  if (stage.kind === 'won') return p.won;
  if (stage.kind === 'lost') return p.lost;
  const weights = p.open.map((_, i) => OPEN_WEIGHTS[i] ?? 5);
  let w = rand.next() * weights.reduce((a, b) => a + b, 0);
  return p.open.find((_, i) => (w -= weights[i]!) < 0) ?? p.open[0]!;
}

/** A deal's way to its stage as the domain records it: `stage` from the open stage before, and `won` / `lost`. */
export function stageHistory(d: MadeDeal, stages: readonly StageRow[], newId: () => string): Value[][] {
  const open = stages.filter((s) => s.pipelineId === d.stage.pipelineId && s.kind === 'open').sort((a, b) => a.position - b.position);
  const at = open.indexOf(d.stage);
  if (at === 0) return [];
  const from = at > 0 ? open[at - 1]! : open[open.length - 1]!;
  const { id: dealId, workspaceId, ownerId } = d.seed;
  const rows: Value[][] = [[newId(), workspaceId, dealId, ownerId, 'stage', 'stage', from.name, d.stage.name, d.stageChangedAt]];
  if (d.stage.kind === 'won') rows.push([newId(), workspaceId, dealId, ownerId, 'won', null, null, null, d.stageChangedAt]);
  if (d.stage.kind === 'lost') rows.push([newId(), workspaceId, dealId, ownerId, 'lost', 'lostReason', null, d.lostReason, d.stageChangedAt]);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Custom fields

interface Columns {
  text?: string;
  number?: number;
  cents?: number;
  currency?: string;
  date?: Date;
  memberId?: string;
}

interface FieldPlan {
  name: string;
  type: 'text' | 'number' | 'money' | 'date' | 'choice' | 'person';
  choices?: string[];
  /** Share of deals with a value. */
  share: number;
  /** D-1's value, typed as a person would (set through the domain). */
  typed: string;
  value(rand: Rand, actors: readonly { memberId: string }[]): Columns;
}

const pickWeighted = <T>(rand: Rand, xs: readonly T[], weights: readonly number[]): T => {
  let w = rand.next() * weights.reduce((a, b) => a + b, 0);
  return xs.find((_, i) => (w -= weights[i]!) < 0) ?? xs[0]!;
};
const day = (days: number) => fromDateOnly(toDateOnly(new Date(NOW.getTime() + days * DAY_MS)));

export const SOURCES = ['Inbound', 'Outbound', 'Partner', 'Event', 'Referral'];
export const COMPETITORS = ['Northwind', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent', 'Wonka'];
const FIRST = ['Ana', 'Ben', 'Chloé', 'Dev', 'Emma', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jon', 'Kemi', 'Lars', 'Maya', 'Nico', 'Olga', 'Priya'];
const LAST = ['Novak', 'Okafor', 'Schmidt', 'Tanaka', 'Dubois', 'García', 'Kowalski', 'Larsen', 'Mehta', 'Rossi', 'Silva', 'Walsh'];

/** Ten deal fields of every type; a seed with more adds plain text fields. */
export const FIELD_PLAN: FieldPlan[] = [
  { name: 'Source', type: 'choice', choices: SOURCES, share: 0.9, typed: 'partner', value: (r) => ({ text: pickWeighted(r, SOURCES, [35, 25, 20, 10, 10]) }) },
  { name: 'Region', type: 'choice', choices: ['EMEA', 'North America', 'APAC', 'LATAM'], share: 0.95, typed: 'emea',
    value: (r) => ({ text: pickWeighted(r, ['EMEA', 'North America', 'APAC', 'LATAM'], [35, 40, 15, 10]) }) },
  { name: 'Seats', type: 'number', share: 0.8, typed: '120', value: (r) => ({ number: 5 + r.int(996) }) },
  { name: 'ARR', type: 'money', share: 0.7, typed: '24,000', value: (r) => ({ cents: (1_000 + r.int(500_000)) * 100, currency: r.next() < 0.05 ? 'EUR' : 'USD' }) },
  { name: 'Renewal date', type: 'date', share: 0.6, typed: '2027-03-31', value: (r) => ({ date: day(-180 + r.int(720)) }) },
  { name: 'Champion', type: 'text', share: 0.7, typed: 'Dana Scully', value: (r) => ({ text: `${r.pick(FIRST)} ${r.pick(LAST)}` }) },
  { name: 'Sales engineer', type: 'person', share: 0.6, typed: '@rep2', value: (r, actors) => ({ memberId: r.pick(actors).memberId }) },
  { name: 'Competitor', type: 'text', share: 0.4, typed: 'Northwind', value: (r) => ({ text: r.pick(COMPETITORS) }) },
  { name: 'Kickoff', type: 'date', share: 0.3, typed: '2026-12-15', value: (r) => ({ date: day(-60 + r.int(180)) }) },
  { name: 'Discount', type: 'number', share: 0.5, typed: '12.5', value: (r) => ({ number: Math.round(r.next() * 400) / 10 }) },
];

const fieldPlan = (n: number): FieldPlan[] =>
  Array.from({ length: n }, (_, i) => FIELD_PLAN[i] ?? {
    name: `Note ${i + 1}`, type: 'text' as const, share: 0.5, typed: 'See the call notes', value: (r: Rand) => ({ text: `Note ${r.int(1000)}` }),
  });

export interface SeededField extends FieldPlan {
  id: string;
  key: string;
}

export const VALUE_COLS: Col[] = [
  ['id', 'text'], ['workspaceId', 'text'], ['fieldId', 'text'], ['dealId', 'text'], ['text', 'text'], ['textKey', 'text'],
  ['number', 'float8'], ['cents', 'bigint'], ['currency', 'text'], ['date', 'timestamp'], ['memberId', 'text'], ['updatedAt', 'timestamp'],
];

/** A deal's values: each field by its share, in the typed columns the domain writes (field.values.ts). */
export function fieldValueRows(rand: Rand, newId: () => string, ws: BenchWorkspace, deal: DealSeed, fields: readonly SeededField[]): Value[][] {
  const rows: Value[][] = [];
  for (const f of fields) {
    if (rand.next() >= f.share) continue;
    const c = f.value(rand, ws.actors);
    rows.push([
      newId(), ws.workspaceId, f.id, deal.id, c.text ?? null, c.text === undefined ? null : searchKey(c.text),
      c.number ?? null, c.cents ?? null, c.currency ?? null, c.date ?? null, c.memberId ?? null, deal.updatedAt ?? deal.createdAt,
    ]);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Through the domain

export interface Shaped {
  pipelines: { main: PipelineSpec[]; small: PipelineSpec[] };
  fields: { main: SeededField[]; small: SeededField[] };
}

/**
 * Fields, pipelines, stages and gates in both workspaces as an admin makes them (the first member
 * is the workspace's admin), and D-1's values set with `/deal set`'s service.
 */
export async function shapeWorkspaces(
  target: DatabaseTarget,
  wss: { main: BenchWorkspace; small: BenchWorkspace },
  d1: { main: string; small: string },
  shape: Shape,
  log: (line: string) => void,
): Promise<Shaped> {
  const handle = await openDatabase(target);
  try {
    const crm = createCrm(handle.db, new FixedClock(NOW));
    const one = async (ws: BenchWorkspace) => {
      const admin = ws.actors[0]!;
      const fields: SeededField[] = [];
      for (const plan of fieldPlan(shape.fields)) {
        const { field } = await crm.fields.define(admin, { entity: 'deal', name: plan.name, type: plan.type, ...(plan.choices && { choices: plan.choices }) });
        fields.push({ ...plan, id: field.id, key: field.key });
      }
      const keys = new Set(fields.map((f) => f.key));
      const plans = pipelinePlan(shape.pipelines);
      for (const [i, p] of plans.entries()) {
        if (i > 0) {
          await crm.pipelines.createPipeline(admin, p.name);
          for (const stage of p.stages) await crm.pipelines.addStage(admin, { name: stage, pipeline: p.name });
        }
        if (p.gate && shape.pipelines > 1) {
          const require = p.gate.require.filter((r) => !r.startsWith('field:') || keys.has(r.slice('field:'.length)));
          await crm.pipelines.requireFields(admin, p.gate.stage, require, p.name);
        }
      }
      const pipelines = await crm.pipelines.pipelines(ws.workspaceId);
      const total = plans.reduce((sum, p) => sum + p.weight, 0);
      const specs = pipelines.map((p, i) => ({ id: p.id, isDefault: p.isDefault, share: plans[i]!.weight / total }));
      return { fields, specs };
    };
    const main = await one(wss.main);
    const small = await one(wss.small);
    for (const [ws, id] of [[wss.main, d1.main], [wss.small, d1.small]] as const) {
      const fields = ws === wss.main ? main.fields : small.fields;
      for (const f of fields) await crm.fields.set(ws.actors[0]!, { entity: 'deal', ref: id }, f.key, f.typed);
    }
    log(`  shape: ${shape.pipelines} pipelines (${main.specs.map((s) => `${Math.round(s.share * 100)} %`).join(' / ')} of deals), ${shape.fields} deal fields, through the domain`);
    return { pipelines: { main: main.specs, small: small.specs }, fields: { main: main.fields, small: small.fields } };
  } finally {
    await handle.close();
  }
}

/** The bulk values must look like the domain's: compare their representation with D-1's, which the domain wrote. */
export async function checkFieldRepresentation(raw: Raw, d1: string): Promise<void> {
  if (raw.provider === 'sqlite') {
    const rows = await raw.all<{ nt: string; ct: string; date: unknown; updatedAt: unknown }>(
      'SELECT typeof("number") AS nt, typeof("cents") AS ct, "date", "updatedAt" FROM "FieldValue" WHERE "dealId" = ?', [d1]);
    const bad = rows.filter((r) =>
      (r.nt !== 'null' && r.nt !== 'real') || (r.ct !== 'null' && r.ct !== 'integer') ||
      (r.date !== null && r.date !== raw.date(new Date(String(r.date).slice(0, 10) + 'T00:00:00.000Z'))) || r.updatedAt !== raw.date(NOW));
    if (rows.length === 0 || bad.length) throw new Error(`SQLite FieldValue representation differs from the bench's: ${JSON.stringify(bad.length ? bad : rows)}`);
  } else {
    const rows = await raw.all<{ ok: boolean }>(
      `SELECT ("date" IS NULL OR "date" = date_trunc('day', "date")) AND "updatedAt" = ?::timestamp AS ok FROM "FieldValue" WHERE "dealId" = ?`, [NOW, d1]);
    if (rows.length === 0 || rows.some((r) => !r.ok)) throw new Error('PostgreSQL FieldValue representation differs from the bench\'s');
  }
}

/** Whether a seeded database has this shape (a different one is seeded again). */
export async function shapeMatches(raw: Raw, shape: Shape): Promise<boolean> {
  const [row] = await raw.all<{ pipelines: number | string; moves: number | string }>(
    `SELECT (SELECT COUNT(*) FROM "Pipeline") AS pipelines, (SELECT COUNT(*) FROM "DealEvent" WHERE "kind" = 'stage') AS moves`);
  // A database seeded before custom fields existed has no FieldDefinition table: no fields.
  const fields = await raw.all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM "FieldDefinition"`).then(([f]) => Number(f?.n), () => 0);
  return Number(row?.pipelines) === 2 * shape.pipelines && fields === 2 * shape.fields && Number(row?.moves) > 0 === shape.timeline;
}
