/**
 * What the assistant service needs from a language model, and nothing more. The composition root
 * fills it in (src/llm: any OpenAI-compatible server); without one, the service answers offline.
 * No vendor SDK is imported in src/domain.
 */
import type { z } from 'zod';
import type { AssistantData, AssistantTask } from './assistant.schema.js';

export interface AssistantRequest<S extends z.ZodType = z.ZodType> {
  task: AssistantTask;
  /**
   * The CRM data the answer may use, already reduced to the fields the task needs. The adapter
   * places it in the prompt as delimited, untrusted content: never as instructions.
   */
  data: AssistantData;
  /** The only shape an answer may have; the adapter validates the model's JSON against it. */
  schema: S;
  /** Upper bound on the answer's tokens (what is left of the request's budget after the prompt). */
  maxOutputTokens: number;
}

export interface AssistantPort {
  /** The model's name: part of the cache key, and shown in the answer's label. */
  readonly model: string;
  /** Tokens one request may spend, prompt and answer together. */
  readonly tokenBudget: number;
  /** An estimate (about 4 characters a token) of the prompt this request would send. */
  estimatePromptTokens(request: Pick<AssistantRequest, 'task' | 'data'>): number;
  /**
   * The model's answer, validated against `request.schema`. Throws an {@link AssistantError} (or
   * anything else) on failure: the service then answers offline.
   */
  generate<S extends z.ZodType>(request: AssistantRequest<S>): Promise<z.output<S>>;
}

/** Why an answer was made offline instead of by the model. */
export type OfflineReason =
  /** No model configured (no OPENAI_API_KEY). */
  | 'not_configured'
  /** The server did not answer within the timeout. */
  | 'timeout'
  /** 429 after every retry. */
  | 'rate_limited'
  /** 5xx after every retry, or the server could not be reached. */
  | 'unavailable'
  /** Bad key or no access to the model (401, 403, 404). */
  | 'rejected'
  /** Not JSON, or JSON of the wrong shape. */
  | 'invalid_output'
  /** The request could not fit the token budget. */
  | 'budget'
  /** Anything else. */
  | 'error';

/** A model call that failed for a reason the service can name. */
export class AssistantError extends Error {
  override readonly name = 'AssistantError';
  constructor(
    readonly reason: Exclude<OfflineReason, 'not_configured' | 'budget'>,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
