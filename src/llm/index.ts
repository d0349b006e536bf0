/**
 * The language model behind drafts and summaries, from the environment. Without OPENAI_API_KEY
 * there is none and the assistant answers offline (templates); see docs/assistant.md.
 */
import type { Env } from '../config/env.js';
import type { AssistantPort } from '../domain/assistant/assistant.port.js';
import type { Logger } from '../log.js';
import { OpenAiAssistant } from './openai-assistant.js';

export { OpenAiAssistant, classify, OPENAI_DEFAULT_BASE_URL, type OpenAiAssistantOptions } from './openai-assistant.js';
export { buildMessages, dataBlock, estimateTokens, systemPrompt, userPrompt } from './prompts.js';

type LlmEnv = Pick<
  Env,
  'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'OPENAI_TIMEOUT_MS' | 'OPENAI_MAX_RETRIES' | 'OPENAI_TOKEN_BUDGET'
>;

export function createAssistantFromEnv(env: LlmEnv, log: Logger): AssistantPort | undefined {
  if (!env.OPENAI_API_KEY) {
    log.info('OPENAI_API_KEY is not set: drafts and summaries are made offline (templates, no AI)');
    return undefined;
  }
  const server = env.OPENAI_BASE_URL ? safeOrigin(env.OPENAI_BASE_URL) : 'api.openai.com';
  log.info({ model: env.OPENAI_MODEL, server }, 'assistant: drafts and summaries use a language model');
  return new OpenAiAssistant({
    apiKey: env.OPENAI_API_KEY,
    baseURL: env.OPENAI_BASE_URL,
    model: env.OPENAI_MODEL,
    timeoutMs: env.OPENAI_TIMEOUT_MS,
    maxRetries: env.OPENAI_MAX_RETRIES,
    tokenBudget: env.OPENAI_TOKEN_BUDGET,
    log,
  });
}

/** Scheme, host and port only: a base URL could carry credentials. */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
