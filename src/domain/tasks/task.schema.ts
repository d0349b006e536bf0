import { z } from 'zod';
import { dateOnlySchema } from '../shared/dates.js';
import { lineText } from '../shared/text.js';

/** How long a task's title may be, counted after cleaning. */
export const TASK_TITLE_MAX = 500;
/** How far one snooze may move a task. */
export const TASK_SNOOZE_MAX_DAYS = 30;

const personRefSchema = z
  .object({ userId: z.string().min(1).optional(), handle: z.string().min(1).optional() })
  .refine((p) => p.userId || p.handle, 'a person');

export const taskTitleSchema = lineText(TASK_TITLE_MAX, 'a task needs a title');

export const createTaskSchema = z.object({
  title: taskTitleSchema,
  due: dateOnlySchema.optional(),
  /** A deal reference (`D-42`) or id. */
  deal: z.string().trim().min(1).optional(),
  contactId: z.string().min(1).optional(),
  /** Who does it, as named in chat; the person creating it when neither this nor assigneeId is given. */
  assignee: personRefSchema.optional(),
  assigneeId: z.string().min(1).optional(),
  /** A retried delivery carrying the same key returns the task created the first time. */
  idempotencyKey: z.string().trim().min(1).max(300).optional(),
});
export type CreateTaskInput = z.input<typeof createTaskSchema>;

export const editTaskSchema = z
  .object({
    title: taskTitleSchema.optional(),
    due: dateOnlySchema.nullable().optional(),
    assignee: personRefSchema.optional(),
    assigneeId: z.string().min(1).optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'nothing to change');
export type EditTaskInput = z.input<typeof editTaskSchema>;

/** A task reference as typed (`T-3`, `t3`) or a task's id. */
export const taskRefSchema = lineText(200, 'type a task reference such as T-3');

export const taskListScopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('mine') }),
  z.object({ type: z.literal('overdue') }),
  z.object({ type: z.literal('person'), person: personRefSchema }),
  z.object({ type: z.literal('deal'), ref: z.string().trim().min(1) }),
  z.object({ type: z.literal('contact'), contactId: z.string().min(1) }),
]);
