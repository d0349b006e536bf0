/**
 * The one error type the domain throws for anything a person can fix. Surfaces map `code` to
 * their own words (src/bot/messages.ts); anything that is not a DomainError is a bug, logged in
 * full and answered with a short apology.
 */
export const DomainErrorCode = {
  InvalidInput: 'INVALID_INPUT',
  NotFound: 'NOT_FOUND',
  Duplicate: 'DUPLICATE',
  UnknownStage: 'UNKNOWN_STAGE',
  UnknownMember: 'UNKNOWN_MEMBER',
  LostReasonRequired: 'LOST_REASON_REQUIRED',
  DealClosed: 'DEAL_CLOSED',
  Conflict: 'CONFLICT',
  /** The workspace turned the assistant (drafts, summaries) off. */
  AssistantDisabled: 'ASSISTANT_DISABLED',
} as const;

export type DomainErrorCode = (typeof DomainErrorCode)[keyof typeof DomainErrorCode];

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Facts a surface may show: the field at fault, the valid choices, an existing record. */
    readonly details: {
      field?: string;
      choices?: string[];
      existingId?: string;
      existingRef?: string;
      issues?: { field: string; message: string }[];
    } = {},
  ) {
    super(message);
  }
}

export const isDomainError = (err: unknown): err is DomainError => err instanceof DomainError;
