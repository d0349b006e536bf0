/** Deals with contacts and activities for the assistant's tests, and fake OpenAI answers. */
import type { Actor, Crm } from '../../src/domain/index.js';

let seq = 0;

export interface SeededDeal {
  ref: string;
  id: string;
  /** Activity ids, newest first (A1 is the first). */
  activityIds: string[];
}

/**
 * A deal "<title>" at Globex with two contacts (phones and emails set) and three activities:
 * a note with a question (Nov 16), a meeting (Nov 19), a call (Nov 23, newest).
 */
export async function seedDeal(crm: Crm, actor: Actor, title = `Globex renewal ${++seq}`): Promise<SeededDeal> {
  const n = ++seq;
  const ana = await crm.contacts.create(actor, {
    name: 'Ana Lopez',
    email: `ana${n}@globex.example`,
    phone: '+1 555 0100',
    title: 'Head of Procurement',
    companyName: 'Globex',
    // Each seeded deal gets its own Ana (another email): the same name at Globex on purpose.
    allowDuplicate: true,
  });
  const ben = await crm.contacts.create(actor, { name: 'Ben Okafor', email: `ben${n}@globex.example`, phone: '+1 555 0199', allowDuplicate: true });
  const { deal } = await crm.deals.create(actor, {
    title,
    amount: { minor: 4_200_000n, currency: 'USD' },
    companyName: 'Globex',
    contactIds: [ana.id, ben.id],
    closeDate: '2026-12-15',
  });
  await crm.deals.moveStage(actor, deal.ref, 'proposal');
  await crm.deals.setNextAction(actor, deal.ref, { action: 'send the revised proposal', due: '2026-11-27' });
  const log = async (type: 'call' | 'email' | 'meeting' | 'note', body: string, day: string) =>
    (await crm.activities.log(actor, { deal: deal.ref, type, body, occurredAt: new Date(`${day}T15:00:00Z`) })).activity.id;
  const note = await log('note', 'Ana asked whether the 3-year term includes support. Budget owner is the CFO.', '2026-11-16');
  const meeting = await log('meeting', 'Demo with Ana and Ben; they liked the reporting module.', '2026-11-19');
  const call = await log('call', 'Ana said procurement needs the revised proposal by Friday. Can we offer a 5% discount?', '2026-11-23');
  return { ref: deal.ref, id: deal.id, activityIds: [call, meeting, note] };
}

/** A chat completion whose message is `content`, as OpenAI returns it. */
export function completion(content: string, finishReason = 'stop') {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_764_000_000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: 400, completion_tokens: 120, total_tokens: 520 },
  };
}

export interface SentRequest {
  model: string;
  messages: { role: string; content: string }[];
  response_format: { type: string };
  max_tokens?: number;
  max_completion_tokens?: number;
}

/** The JSON between <crm_data> and </crm_data> of a request's user message. */
export function sentData(body: SentRequest): Record<string, unknown> {
  const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
  const m = /<crm_data>\n([\s\S]*)\n<\/crm_data>/.exec(user);
  if (!m?.[1]) throw new Error('no <crm_data> block in the user message');
  return JSON.parse(m[1]) as Record<string, unknown>;
}

export const GOOD_DRAFT = {
  subject: 'Revised proposal for the Globex renewal',
  body: 'Hi Ana and Ben,\n\nThank you for the call on Monday. As discussed, I will send the revised proposal by Friday.\n\nBest regards,\nAlice Adams',
  sources: ['A1', 'deal'],
};

export const GOOD_SUMMARY = {
  summary: [
    { text: 'Procurement needs the revised proposal by Friday.', sources: ['A1'] },
    { text: 'The demo went well; they liked the reporting module.', sources: ['A2'] },
  ],
  openQuestions: [{ text: 'Does the 3-year term include support?', sources: ['A3'] }],
  suggestedNextAction: { text: 'Send the revised proposal with the discount answer', due: '2026-11-27', sources: ['A1'] },
};
