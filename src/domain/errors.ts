/**
 * The one error type the domain throws for anything a person can fix. Surfaces map `code` to
 * their own words (src/bot/messages.ts); anything that is not a DomainError is a bug, logged in
 * full and answered with a short apology.
 */
export const DomainErrorCode = {
  InvalidInput: 'INVALID_INPUT',
  NotFound: 'NOT_FOUND',
  Duplicate: 'DUPLICATE',
  /** Several records match what was typed: the message names them. */
  Ambiguous: 'AMBIGUOUS',
  UnknownStage: 'UNKNOWN_STAGE',
  UnknownMember: 'UNKNOWN_MEMBER',
  LostReasonRequired: 'LOST_REASON_REQUIRED',
  DealClosed: 'DEAL_CLOSED',
  Conflict: 'CONFLICT',
  /** The workspace turned the assistant (drafts, summaries) off. */
  AssistantDisabled: 'ASSISTANT_DISABLED',
  /** The person is not one of the workspace's own members (another organisation, or a guest). */
  NotAMember: 'NOT_A_MEMBER',
  /** Only a workspace admin may do this: the message names the admins to ask. */
  AdminOnly: 'ADMIN_ONLY',
  /** The person has read-only access (role `read_only`): the message names the admins to ask. */
  ReadOnly: 'READ_ONLY',
  /** The bot will not post CRM content where people from other organisations can read it. */
  SharedChannel: 'SHARED_CHANNEL',
  /** A deal can't enter a stage until it has what the stage requires: `details.missing` lists it. */
  StageGate: 'STAGE_GATE',
  /** No pipeline by that name: `details.choices` lists the workspace's pipelines. */
  UnknownPipeline: 'UNKNOWN_PIPELINE',
  /** No custom field by that key on that kind of record: `details.choices` lists the keys there are. */
  UnknownField: 'UNKNOWN_FIELD',
} as const;

/** Why a person was refused (DomainErrorCode.NotAMember): each reason has its own words. */
export const RefusalReason = {
  /** From another organisation: a Slack Connect user, a Teams user of another tenant. */
  Outsider: 'outsider',
  /** A guest account (Slack single- or multi-channel guest, Teams guest) while guests are not allowed. */
  Guest: 'guest',
  /** The platform could not say who the person is just now (its API is down or slow). */
  Unverified: 'unverified',
  /** The account is deactivated on the platform. */
  Deactivated: 'deactivated',
} as const;
export type RefusalReason = (typeof RefusalReason)[keyof typeof RefusalReason];

export type DomainErrorCode = (typeof DomainErrorCode)[keyof typeof DomainErrorCode];

/** One thing a stage gate asks for (src/domain/pipeline/gates.ts, GateItem). */
export interface GateItemDetail {
  key: string;
  label: string;
  input: 'money' | 'date' | 'contact' | 'company' | 'person' | 'text' | 'number' | 'choice';
  choices?: string[];
}

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
      /** A Duplicate's kind of record, and whether it is the email that is taken (then no "create anyway"). */
      record?: 'contact' | 'company';
      emailTaken?: boolean;
      issues?: { field: string; message: string }[];
      reason?: RefusalReason;
      /** A setting that would allow what was refused (`/deal settings guests on`). */
      setting?: string;
      /** StageGate: what the deal still needs, the stage it was refused, and the deal (`D-42`). */
      missing?: GateItemDetail[];
      stage?: { id: string; name: string };
      deal?: string;
      /** How many records a refusal is about (a stage's deals). */
      count?: number;
    } = {},
  ) {
    super(message);
  }
}

export const isDomainError = (err: unknown): err is DomainError => err instanceof DomainError;
