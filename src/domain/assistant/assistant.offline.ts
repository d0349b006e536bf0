/**
 * The answers made without a model: a follow-up email from a fixed template and a summary
 * extracted from the activities' own sentences. Deterministic, and made only of CRM facts.
 */
import { addDays, fromDateOnly } from '../shared/dates.js';
import type { AssistantData, DraftOutput, SummaryOutput } from './assistant.schema.js';

const longDate = new Intl.DateTimeFormat('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });
const shortDate = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
const long = (date: string) => longDate.format(fromDateOnly(date));
const short = (date: string) => shortDate.format(fromDateOnly(date));

export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** A follow-up email from the deal's contacts, last conversation and next action. */
export function templateDraft(data: AssistantData): DraftOutput {
  const deal = data.deal;
  const title = deal?.title ?? 'our conversation';
  const names = (data.people ?? []).slice(0, 3).map((p) => firstName(p.name));
  const greeting = names.length ? `Hi ${listNames(names)},` : 'Hello,';
  const last = data.activities.find((a) => a.type === 'call' || a.type === 'meeting' || a.type === 'email');
  const sources: string[] = [];
  const opening = (() => {
    if (!last) return `I wanted to follow up on ${title}.`;
    sources.push(last.ref);
    switch (last.type) {
      case 'call':
        return `Thank you for taking the time to speak with me on ${long(last.date)} about ${title}.`;
      case 'meeting':
        return `Thank you for meeting with me on ${long(last.date)} about ${title}.`;
      default:
        return `I am following up on my email of ${long(last.date)} about ${title}.`;
    }
  })();
  const paragraphs = [greeting, opening];
  if (deal?.nextAction) {
    sources.push('deal');
    paragraphs.push(`Next step on our side: ${deal.nextAction.text}${deal.nextAction.due ? ` (by ${long(deal.nextAction.due)})` : ''}.`);
  }
  paragraphs.push('Please let me know if you have any questions, or if anything has changed on your side.');
  paragraphs.push(`Best regards,\n${data.sender?.name ?? ''}`.trim());
  return { subject: `Following up: ${title}`, body: paragraphs.join('\n\n'), sources };
}

/** Sentences of a text, in order. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** A summary made of the record's facts and the activities' first sentences and questions. */
export function extractiveSummary(data: AssistantData): SummaryOutput {
  const summary: SummaryOutput['summary'] = [];
  const deal = data.deal;
  if (deal) {
    const where = deal.status === 'open' ? `is in ${deal.stage}` : `is ${deal.status}`;
    const close = deal.expectedCloseDate ? `, expected to close ${short(deal.expectedCloseDate)}` : '';
    summary.push({ text: `${deal.title}${deal.company ? ` (${deal.company})` : ''} ${where}${close}.`, sources: ['deal'] });
    summary.push({
      text: deal.nextAction
        ? `Next action: ${deal.nextAction.text}${deal.nextAction.due ? ` (due ${short(deal.nextAction.due)})` : ''}.`
        : 'No next action is set.',
      sources: ['deal'],
    });
  } else if (data.contact) {
    const c = data.contact;
    summary.push({ text: `${c.name}${c.title ? `, ${c.title}` : ''}${c.company ? ` at ${c.company}` : ''}.`, sources: ['contact'] });
  }
  for (const a of data.activities.slice(0, 3)) {
    summary.push({ text: `${short(a.date)}, ${a.type}: ${clip(sentences(a.text)[0] ?? a.text, 160)}`, sources: [a.ref] });
  }
  if (data.activities.length === 0) summary.push({ text: 'No activities are logged yet.', sources: [] });

  const seen = new Set<string>();
  const openQuestions: SummaryOutput['openQuestions'] = [];
  for (const a of data.activities) {
    for (const s of sentences(a.text)) {
      const q = clip(s, 200);
      if (!q.endsWith('?') || seen.has(q.toLowerCase())) continue;
      seen.add(q.toLowerCase());
      openQuestions.push({ text: q, sources: [a.ref] });
      if (openQuestions.length === 3) break;
    }
    if (openQuestions.length === 3) break;
  }

  let suggestedNextAction: SummaryOutput['suggestedNextAction'] = null;
  if (deal && deal.status === 'open' && !deal.nextAction) {
    const who = data.people?.[0] ? firstName(data.people[0].name) : 'the customer';
    const last = data.activities[0];
    suggestedNextAction = {
      text: last ? `Follow up with ${who} on the ${last.type} of ${short(last.date)}` : `Follow up with ${who}`,
      due: addDays(data.today, 2),
      sources: last ? [last.ref] : ['deal'],
    };
  }
  return { summary, openQuestions, suggestedNextAction };
}
