import { z } from 'zod';
import { dateOnlySchema } from '../shared/dates.js';
import { lineText } from '../shared/text.js';

/** How long a task's title may be, counted after cleaning. */
export const TASK_TITLE_MAX = 500;

export const createTaskSchema = z.object({
  title: lineText(TASK_TITLE_MAX, 'a task needs a title'),
  due: dateOnlySchema.optional(),
  deal: z.string().trim().min(1).optional(),
  assigneeId: z.string().min(1).optional(),
});
export type CreateTaskInput = z.input<typeof createTaskSchema>;
