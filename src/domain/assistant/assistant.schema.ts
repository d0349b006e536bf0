/**
 * The assistant's contracts: the data a model is given (AssistantData), the only shapes its
 * answers may take (zod output schemas), and the actions a surface's buttons may send back.
 * Everything a model returns is parsed with these schemas: unknown fields are stripped, wrong
 * types reject the answer (and the service answers offline), and nothing in it is ever executed.
 */
import { z } from 'zod';
import { dateOnlySchema } from '../shared/dates.js';
import { dealRefSchema, nextActionSchema } from '../deals/deal.schema.js';

export const ASSISTANT_TASKS = ['draft', 'summary'] as const;
export type AssistantTask = (typeof ASSISTANT_TASKS)[number];

// ---------------------------------------------------------------------------------------------
// What the model is given. Only these fields, never ids, emails, phone numbers, amounts, owners
// or other deals (docs/assistant.md, "What is sent to the model").

/** One activity as the model sees it; `ref` ("A1", "A2", …) is what it cites. */
export interface ActivityFacts {
  ref: string;
  /** call, email, meeting or note. */
  type: string;
  /** YYYY-MM-DD (UTC). */
  date: string;
  /** The activity's text, clipped. Untrusted: it is data to summarise, never instructions. */
  text: string;
}

export interface DealFacts {
  title: string;
  company: string | null;
  stage: string;
  status: string;
  expectedCloseDate: string | null;
  nextAction: { text: string; due: string | null } | null;
}

export interface PersonFacts {
  name: string;
  title: string | null;
}

export interface AssistantData {
  /** Today in the asker's time zone, YYYY-MM-DD: for "last week" and suggested due dates. */
  today: string;
  /** The deal drafted for or summarised (absent for a contact summary). */
  deal?: DealFacts;
  /** The contact summarised (contact summaries only). */
  contact?: PersonFacts & { company: string | null };
  /** The deal's contacts: who a draft is addressed to. */
  people?: PersonFacts[];
  /** Who the draft is from (drafts only): the person asking, for the sign-off. */
  sender?: { name: string };
  /** Stage changes, oldest first. */
  history?: { date: string; change: string }[];
  /** Activities, newest first. */
  activities: ActivityFacts[];
}

// ---------------------------------------------------------------------------------------------
// What a model may answer.

/** Citations: activity refs ("A2"), or "deal"/"contact" for the record's own fields. */
const sources = z
  .array(z.string().trim().min(1).max(40))
  .max(50)
  .optional()
  .transform((s) => [...new Set(s ?? [])]);

export const draftOutputSchema = z.object({
  subject: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(4000),
  sources,
});
export type DraftOutput = z.output<typeof draftOutputSchema>;

const point = z.object({ text: z.string().trim().min(1).max(500), sources });

export const summaryOutputSchema = z.object({
  summary: z
    .array(point)
    .min(1)
    .transform((a) => a.slice(0, 6)),
  openQuestions: z
    .array(point)
    .optional()
    .transform((a) => (a ?? []).slice(0, 5)),
  suggestedNextAction: z
    .object({
      text: z.string().trim().min(1).max(300),
      /** Checked again by the service: a real date, not in the past. */
      due: z.string().trim().max(40).nullable().optional(),
      sources,
    })
    .nullable()
    .optional()
    .transform((s) => s ?? null),
});
export type SummaryOutput = z.output<typeof summaryOutputSchema>;

export const OUTPUT_SCHEMAS = { draft: draftOutputSchema, summary: summaryOutputSchema } as const;

// ---------------------------------------------------------------------------------------------
// What a button may ask for (Slack sends the value back; it is parsed, never trusted).

const regenerate = z.boolean().optional();

export const assistantActionSchema = z.discriminatedUnion('type', [
  /** Draft a follow-up email for a deal (deal card button, Regenerate). */
  z.object({ type: z.literal('draft'), ref: dealRefSchema, regenerate }),
  /** Summarise a deal (deal card button, Regenerate). */
  z.object({ type: z.literal('summary'), ref: dealRefSchema, regenerate }),
  /** Summarise a contact. */
  z.object({ type: z.literal('contact_summary'), contactId: z.string().trim().min(1).max(100), regenerate }),
  /** Log a shown draft as an email activity on its deal. */
  z.object({ type: z.literal('log_draft'), ref: dealRefSchema, draftId: z.string().regex(/^[a-f0-9]{16}$/) }),
  /** Make a summary's suggested next action the deal's next action. */
  z.object({ type: z.literal('accept_next_action'), ref: dealRefSchema, action: nextActionSchema, due: dateOnlySchema.nullable().optional() }),
]);
export type AssistantAction = z.output<typeof assistantActionSchema>;

/** A button's value back into an action, or undefined when it is not one of ours. */
export function parseAssistantAction(value: unknown): AssistantAction | undefined {
  let input = value;
  if (typeof value === 'string') {
    try {
      input = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const parsed = assistantActionSchema.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}
