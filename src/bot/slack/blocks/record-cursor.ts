/**
 * Small JSON values that travel in the buttons of contact, company and task messages: a list's
 * Prev/Next (what was listed and which page) and a task's Done/Snooze (the task, and where it was
 * shown, so the answer can show that place again as it is now). They come back from Slack
 * unauthenticated: each is validated here, and the handler acts only inside the clicker's own
 * workspace, so a forged value can reach only what the clicker may see anyway.
 */
import { z } from 'zod';
import { fieldFiltersSchema } from '../../../domain/fields/field.schema.js';
import type { ContactListScope } from '../../../domain/contacts/contact.view.js';
import type { CompanyListScope } from '../../../domain/companies/company.view.js';
import type { TaskListScope } from '../../../domain/tasks/task.view.js';
import type { PageRef } from './cursor.js';

const words = z.string().trim().min(1).max(200);
const id = z.string().trim().min(1).max(64);
const paging = {
  page: z.number().int().min(1).max(10_000),
  pageSize: z.number().int().min(1).max(100),
};

const contactScope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('mine'), filters: fieldFiltersSchema }),
  z.object({ type: z.literal('all'), filters: fieldFiltersSchema }),
  z.object({ type: z.literal('company'), company: words, filters: fieldFiltersSchema }),
  z.object({ type: z.literal('search'), query: words }),
]) satisfies z.ZodType<ContactListScope>;

const companyScope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all'), filters: fieldFiltersSchema }),
  z.object({ type: z.literal('search'), query: words }),
]) satisfies z.ZodType<CompanyListScope>;

const taskScope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('mine') }),
  z.object({ type: z.literal('overdue') }),
  z.object({ type: z.literal('person'), person: z.object({ userId: id.optional(), handle: words.optional() }).strict() }),
  z.object({ type: z.literal('deal'), ref: id }),
  z.object({ type: z.literal('contact'), contactId: id }),
]) satisfies z.ZodType<TaskListScope>;

const cursorSchema = z.discriminatedUnion('list', [
  z.object({ list: z.literal('contacts'), scope: contactScope, ...paging }),
  z.object({ list: z.literal('companies'), scope: companyScope, ...paging }),
  z.object({ list: z.literal('tasks'), scope: taskScope, ...paging }),
]);

/** What a contact, company or task list showed, and a page of it. */
export type RecordCursor =
  | ({ list: 'contacts'; scope: ContactListScope } & PageRef)
  | ({ list: 'companies'; scope: CompanyListScope } & PageRef)
  | ({ list: 'tasks'; scope: TaskListScope } & PageRef);

export function encodeRecordCursor(cursor: RecordCursor): string {
  return JSON.stringify(cursor);
}

export function parseRecordCursor(value: string | undefined): RecordCursor | undefined {
  return parseJson(value, cursorSchema);
}

/**
 * Where a task's Done or Snooze button was shown: a task message (`task`), a task list (the
 * list's cursor), or the App Home (`home`). The answer shows that place again, changed.
 */
export type TaskButtonOrigin = { in: 'task' } | { in: 'home' } | { in: 'list'; cursor: Extract<RecordCursor, { list: 'tasks' }> };

export interface TaskButtonValue {
  /** The task reference: `T-3`. */
  task: string;
  origin: TaskButtonOrigin;
  /**
   * The due date the task was shown with (null: none), so that Snooze clicked twice moves it
   * once; absent on a bare reference.
   */
  due?: string | null;
}

const taskValueSchema = z.object({
  t: z.string().trim().min(1).max(32),
  d: z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.null()]).optional(),
  o: z
    .union([
      z.object({ in: z.literal('task') }),
      z.object({ in: z.literal('home') }),
      z.object({ in: z.literal('list'), c: z.object({ list: z.literal('tasks'), scope: taskScope, ...paging }) }),
    ])
    .optional(),
});

export function encodeTaskValue(v: TaskButtonValue): string {
  const o = v.origin.in === 'list' ? { in: 'list', c: v.origin.cursor } : v.origin;
  return JSON.stringify({ t: v.task, o, ...(v.due !== undefined && { d: v.due }) });
}

/** A task button's value; a bare reference (`T-3`) is the task shown on its own. */
export function parseTaskValue(value: string | undefined): TaskButtonValue | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (!text.startsWith('{')) return /^t-?\d{1,9}$/i.test(text) ? { task: text, origin: { in: 'task' } } : undefined;
  const parsed = parseJson(text, taskValueSchema);
  if (!parsed) return undefined;
  const o = parsed.o ?? { in: 'task' as const };
  return { task: parsed.t, origin: o.in === 'list' ? { in: 'list', cursor: o.c } : o, ...(parsed.d !== undefined && { due: parsed.d }) };
}

function parseJson<T>(value: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (!value) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a duplicate warning's "Create anyway" does: run the command line the reply offered
 * (`createAnyway`), as the person who clicks; or, for a warning from the new-contact modal, create
 * the contact the form described, allowing the duplicate. Either way only what the clicker could
 * have typed or submitted themselves.
 */
export type CreateAnywayValue =
  | { cmd: string }
  | { contact: { name: string; email?: string; phone?: string; title?: string; companyId?: string; companyName?: string } };

const createAnywaySchema = z.union([
  z.object({ cmd: z.string().trim().min(1).max(1500) }).strict(),
  z
    .object({
      contact: z
        .object({
          name: z.string().max(300),
          email: z.string().max(400).optional(),
          phone: z.string().max(60).optional(),
          title: z.string().max(300).optional(),
          companyId: id.optional(),
          companyName: z.string().max(300).optional(),
        })
        .strict(),
    })
    .strict(),
]);

export function encodeCreateAnyway(v: CreateAnywayValue): string {
  return JSON.stringify(v);
}

export function parseCreateAnyway(value: string | undefined): CreateAnywayValue | undefined {
  return parseJson(value, createAnywaySchema);
}

/** A duplicate warning's "Use existing": which record to show. */
export type ExistingRecord = { record: 'contact' | 'company'; id: string };

export const encodeExisting = (e: ExistingRecord) => `${e.record}:${e.id}`;

export function parseExisting(value: string | undefined): ExistingRecord | undefined {
  const m = /^(contact|company):(.{1,64})$/.exec(value?.trim() ?? '');
  return m ? { record: m[1] as ExistingRecord['record'], id: m[2]! } : undefined;
}
