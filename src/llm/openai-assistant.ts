/**
 * The assistant port on any OpenAI-compatible chat completions server (OpenAI, Azure OpenAI's v1
 * API, Ollama, vLLM, LM Studio, llama.cpp) through the `openai` package. Asks for a JSON object
 * (`response_format: json_object`, which all of them understand), parses it and validates it
 * against the task's zod schema. Timeouts, retries and an overall deadline are bounded; every
 * failure becomes an AssistantError with a reason, and is logged without the data or the key.
 */
import OpenAI from 'openai';
import type { z } from 'zod';
import { AssistantError, type AssistantPort, type AssistantRequest } from '../domain/assistant/assistant.port.js';
import type { Logger } from '../log.js';
import { buildMessages, estimateTokens } from './prompts.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAiAssistantOptions {
  apiKey: string;
  /** Any OpenAI-compatible server, e.g. http://localhost:11434/v1 (Ollama). OpenAI when absent. */
  baseURL?: string;
  model: string;
  /** One attempt's timeout. */
  timeoutMs: number;
  /** Retries after a 408/409/429/5xx or a connection failure (the SDK backs off, honouring Retry-After). */
  maxRetries: number;
  /** Prompt and answer together, per request. */
  tokenBudget: number;
  /**
   * How to cap the answer's length. OpenAI's own API wants `max_completion_tokens` (its newer
   * models refuse `max_tokens`); other servers know `max_tokens` best. Defaults accordingly.
   */
  tokenLimitParam?: 'max_tokens' | 'max_completion_tokens';
  /** The whole call, retries and back-off included. Default: every attempt's timeout plus 5 s. */
  deadlineMs?: number;
  log: Logger;
}

export class OpenAiAssistant implements AssistantPort {
  readonly model: string;
  readonly tokenBudget: number;
  private readonly client: OpenAI;
  private readonly tokenLimitParam: 'max_tokens' | 'max_completion_tokens';
  private readonly deadlineMs: number;
  private readonly log: Logger;

  constructor(opts: OpenAiAssistantOptions) {
    this.model = opts.model;
    this.tokenBudget = opts.tokenBudget;
    this.tokenLimitParam = opts.tokenLimitParam ?? (opts.baseURL ? 'max_tokens' : 'max_completion_tokens');
    this.deadlineMs = opts.deadlineMs ?? opts.timeoutMs * (opts.maxRetries + 1) + 5000;
    this.log = opts.log.child({ component: 'assistant', model: opts.model });
    this.client = new OpenAI({
      apiKey: opts.apiKey,
      // Explicit, so a stray OPENAI_BASE_URL in the process environment never redirects the data.
      baseURL: opts.baseURL ?? OPENAI_DEFAULT_BASE_URL,
      timeout: opts.timeoutMs,
      maxRetries: opts.maxRetries,
      // The SDK's own console logging is off: failures are logged here, without data or key.
      logLevel: 'off',
    });
  }

  estimatePromptTokens(request: Pick<AssistantRequest, 'task' | 'data'>): number {
    return estimateTokens(buildMessages(request.task, request.data));
  }

  async generate<S extends z.ZodType>(request: AssistantRequest<S>): Promise<z.output<S>> {
    const started = Date.now();
    try {
      const content = await this.complete(request);
      const json = parseJson(content);
      const parsed = request.schema.safeParse(json);
      if (!parsed.success) {
        throw new AssistantError(
          'invalid_output',
          `the answer does not match the ${request.task} schema: ${parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.') || 'answer'} ${i.message}`)
            .join('; ')}`,
        );
      }
      this.log.debug({ task: request.task, ms: Date.now() - started }, 'assistant answered');
      return parsed.data;
    } catch (err) {
      const failure = err instanceof AssistantError ? err : classify(err);
      this.log.warn(
        { task: request.task, reason: failure.reason, status: statusOf(err), ms: Date.now() - started, error: failure.message },
        'assistant model call failed; answering offline',
      );
      throw failure;
    }
  }

  /** The answer's text, within the deadline. */
  private async complete(request: AssistantRequest): Promise<string> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new AssistantError('timeout', `no answer within ${this.deadlineMs} ms (retries included)`));
      }, this.deadlineMs);
    });
    const body = {
      model: this.model,
      messages: buildMessages(request.task, request.data),
      response_format: { type: 'json_object' as const },
      [this.tokenLimitParam]: request.maxOutputTokens,
    };
    try {
      const completion = await Promise.race([
        this.client.chat.completions.create(body as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, { signal: controller.signal }),
        deadline,
      ]);
      const choice = completion.choices?.[0];
      const content = choice?.message?.content;
      if (typeof content !== 'string' || content.trim() === '') {
        const why = choice?.message?.refusal ? 'the model refused' : `no content (finish reason ${choice?.finish_reason ?? 'unknown'})`;
        throw new AssistantError('invalid_output', why);
      }
      if (choice?.finish_reason === 'length') {
        throw new AssistantError('invalid_output', 'the answer was cut off at the token limit');
      }
      return content;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** JSON from the answer, tolerating the code fences some local models add anyway. */
function parseJson(content: string): unknown {
  const text = content
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  try {
    return JSON.parse(text);
  } catch {
    throw new AssistantError('invalid_output', 'the answer is not valid JSON');
  }
}

function statusOf(err: unknown): number | undefined {
  return err instanceof OpenAI.APIError && typeof err.status === 'number' ? err.status : undefined;
}

/** An SDK or network failure, named. */
export function classify(err: unknown): AssistantError {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof OpenAI.APIConnectionTimeoutError || err instanceof OpenAI.APIUserAbortError) {
    return new AssistantError('timeout', 'the request timed out', { cause: err });
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new AssistantError('unavailable', `could not connect: ${message}`, { cause: err });
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    if (status === 429) return new AssistantError('rate_limited', 'rate limited (429) after every retry', { cause: err });
    if (status >= 500 || status === 408 || status === 409) {
      return new AssistantError('unavailable', `server error (${status}) after every retry`, { cause: err });
    }
    if (status === 400 || status === 401 || status === 403 || status === 404 || status === 422) {
      return new AssistantError('rejected', `request rejected (${status})`, { cause: err });
    }
  }
  return new AssistantError('error', message, { cause: err });
}
