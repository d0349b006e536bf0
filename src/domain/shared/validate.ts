import type { z } from 'zod';
import { DomainError, DomainErrorCode } from '../errors.js';

/** Parses a use case's input; a failure becomes one INVALID_INPUT error naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ field: i.path.join('.') || 'input', message: i.message }));
  const first = issues[0];
  const message = first ? `${labelOf(first.field)}: ${first.message}` : 'That input is not valid.';
  return throwInvalid(message, issues);
}

function throwInvalid(message: string, issues: { field: string; message: string }[]): never {
  throw new DomainError(DomainErrorCode.InvalidInput, message, { field: issues[0]?.field, issues });
}

const LABELS: Record<string, string> = {
  title: 'Title',
  amount: 'Amount',
  'amount.minor': 'Amount',
  'amount.currency': 'Currency',
  closeDate: 'Close date',
  nextAction: 'Next action',
  due: 'Due date',
  body: 'Text',
  email: 'Email',
  domain: 'Domain',
  name: 'Name',
  companyName: 'Company',
  lostReason: 'Lost reason',
};

function labelOf(field: string): string {
  return LABELS[field] ?? field;
}
