import { z } from 'zod';
import { dateOnlySchema } from '../shared/dates.js';

export const createTaskSchema = z.object({
  title: z.string().trim().min(1, 'a task needs a title').max(500),
  due: dateOnlySchema.optional(),
  deal: z.string().trim().min(1).optional(),
  assigneeId: z.string().min(1).optional(),
});
export type CreateTaskInput = z.input<typeof createTaskSchema>;
