import { z } from 'zod';
import { dateOnlySchema } from '../shared/dates.js';
import { moneySchema } from '../shared/money.js';
import { lineText } from '../shared/text.js';
import { FIELD_LIMITS, fieldFiltersSchema } from '../fields/field.schema.js';

/** The longest custom-field value a form may send (a text field holds 500: longer is refused by the field, in its words). */
const FIELD_FORM_VALUE_MAX = 2000;

export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];

const personRefSchema = z
  .object({ userId: z.string().min(1).optional(), handle: z.string().min(1).optional() })
  .refine((p) => p.userId || p.handle, 'a person');

/** How long a person's text may be, counted after cleaning (domain/shared/text.ts). */
export const DEAL_TEXT_LIMITS = { title: 200, nextAction: 500, lostReason: 500, companyName: 200, search: 200 } as const;

export const titleSchema = lineText(DEAL_TEXT_LIMITS.title, 'a deal needs a title');
export const nextActionSchema = lineText(DEAL_TEXT_LIMITS.nextAction, 'say what the next action is');
export const lostReasonSchema = lineText(DEAL_TEXT_LIMITS.lostReason, 'say why the deal was lost');
export const companyNameSchema = lineText(DEAL_TEXT_LIMITS.companyName, 'a company needs a name');
export const idempotencyKeySchema = z.string().trim().min(1).max(300);

/** A deal reference as typed (`D-42`, `d42`) or a deal's id. */
export const dealRefSchema = lineText(200, 'type a deal reference such as D-42');

export const createDealSchema = z.object({
  title: titleSchema,
  amount: moneySchema.optional(),
  /** Stage key or name; the pipeline's first stage when absent. */
  stage: z.string().trim().min(1).optional(),
  /** Pipeline key or name; the default pipeline when absent. The stage is one of its stages. */
  pipeline: z.string().trim().min(1).optional(),
  /** The owner; the person creating the deal when absent. */
  owner: personRefSchema.optional(),
  ownerId: z.string().min(1).optional(),
  companyName: companyNameSchema.optional(),
  companyId: z.string().min(1).optional(),
  contactIds: z.array(z.string().min(1)).max(50).optional(),
  closeDate: dateOnlySchema.optional(),
  nextAction: nextActionSchema.optional(),
  nextActionDue: dateOnlySchema.optional(),
  /** A retried delivery carrying the same key returns the deal created the first time. */
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type CreateDealInput = z.input<typeof createDealSchema>;

export const editDealSchema = z
  .object({
    title: titleSchema.optional(),
    amount: moneySchema.nullable().optional(),
    companyName: companyNameSchema.nullable().optional(),
    closeDate: dateOnlySchema.nullable().optional(),
    /**
     * Custom fields: key (or name) → value as a person types it, '' or '-' clearing it. Set with
     * the deal's own fields in one transaction (DealService.edit).
     */
    fields: z
      .record(z.string().trim().min(1).max(60), z.string().max(FIELD_FORM_VALUE_MAX, `a field’s value of at most ${FIELD_FORM_VALUE_MAX} characters`))
      .refine((f) => Object.keys(f).length <= FIELD_LIMITS.perEntity, `at most ${FIELD_LIMITS.perEntity} fields`)
      .optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'nothing to change');
export type EditDealInput = z.input<typeof editDealSchema>;

export const setNextActionSchema = z.object({ action: nextActionSchema, due: dateOnlySchema.optional() });
export type SetNextActionInput = z.input<typeof setNextActionSchema>;

/** A pipeline's key or name as typed (`in renewals`): the list keeps to that pipeline's deals. */
const listPipelineSchema = z.string().trim().min(1).max(80).optional();
export const listScopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('mine'), filters: fieldFiltersSchema, pipeline: listPipelineSchema }),
  z.object({ type: z.literal('all'), filters: fieldFiltersSchema, pipeline: listPipelineSchema }),
  z.object({ type: z.literal('stage'), stage: z.string().trim().min(1), filters: fieldFiltersSchema, pipeline: listPipelineSchema }),
]);
export type ListScope = z.infer<typeof listScopeSchema>;

export const pageSchema = z.object({
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(10),
});
export type PageInput = z.input<typeof pageSchema>;

export const searchSchema = lineText(DEAL_TEXT_LIMITS.search, 'type a deal reference or some words of its title');
