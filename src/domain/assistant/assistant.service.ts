/**
 * The assistant: a follow-up email draft for a deal, and a summary of a deal's or a contact's
 * activity, made by a language model when one is configured and answering, and offline (a
 * template draft, an extractive summary) otherwise. Never sends anything: drafts are shown to the
 * person who asked, who may log one as an email activity or accept a suggested next action.
 *
 * Grounding and safety (docs/assistant.md):
 * - the model gets only the fields the task needs (buildDealData / buildContactData): no ids,
 *   emails, phone numbers, amounts, owners or other deals; activity text is data, delimited in
 *   the prompt by the adapter;
 * - its answer must match a zod schema (anything else → offline answer); every citation must
 *   name an activity it was given (others are dropped, and so is a point resting only on them);
 * - nothing it returns is executed: a suggested next action becomes one only when a person
 *   clicks, through DealService like any other.
 *
 * Cost: a request fits the port's token budget (oldest activities are left out first), and a
 * model answer is cached per subject, its newest activity, the model and the exact data sent.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Actor, DomainDeps } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import type { ActivityService } from '../activities/activity.service.js';
import type { DealService } from '../deals/deal.service.js';
import type { DealView } from '../deals/deal.view.js';
import type { IdentityService } from '../identity/identity.service.js';
import { addDays, dateOnlySchema, todayIn } from '../shared/dates.js';
import { parseInput } from '../shared/validate.js';
import { requireWriter } from '../shared/roles.js';
import { setNextActionSchema } from '../deals/deal.schema.js';
import { AssistantError, type AssistantPort, type OfflineReason } from './assistant.port.js';
import {
  OUTPUT_SCHEMAS,
  type ActivityFacts,
  type AssistantData,
  type AssistantTask,
  type DraftOutput,
  type SummaryOutput,
} from './assistant.schema.js';
import { extractiveSummary, templateDraft } from './assistant.offline.js';
import {
  button,
  LABELS,
  OFFLINE_NOTES,
  type AssistantButton,
  type CitationView,
  type DraftView,
  type SummaryPoint,
  type SummarySubject,
  type SummaryView,
} from './assistant.view.js';

/** How much the service gives and asks of a model. */
export const ASSISTANT_LIMITS = {
  /** Most recent activities considered for one answer (fewer when the budget is tight). */
  activities: 20,
  /** Characters of one activity's text sent to the model. */
  activityChars: 1000,
  /** Stage changes sent. */
  history: 8,
  /** Answer tokens asked for at most, and at least (below it the request is not made). */
  output: { draft: { max: 900, min: 300 }, summary: { max: 700, min: 250 } },
  /** Bumped when the data or schemas change: old cache entries stop matching. */
  version: 1,
} as const;

export interface AssistantOptions {
  /** Ignore the cache and pay for a fresh answer (the Regenerate button). */
  regenerate?: boolean;
}

interface Loaded {
  data: AssistantData;
  /** The activities behind the data's refs, by ref. */
  activities: Map<string, { id: string; sourceUrl: string | null; facts: ActivityFacts }>;
  /** Cache key parts: "deal:<id>" or "contact:<id>", and the newest activity logged (by creation). */
  subjectKey: string;
  newestActivity: string;
}

/** An answer, and the refs of the activities it was given (after the budget cut): all it may cite. */
type Answer<T> = { given: Set<string> } & (
  | { output: T; source: 'model'; cached: boolean }
  | { output: T; source: 'offline'; reason: OfflineReason }
);

export class AssistantService {
  /** Requests being answered now, by cache key: a second identical request waits for the first. */
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly deps: DomainDeps,
    private readonly deals: DealService,
    private readonly activities: ActivityService,
    private readonly identity: IdentityService,
    private readonly port?: AssistantPort,
  ) {}

  /** True when a model is configured (otherwise every answer is offline). */
  get configured(): boolean {
    return this.port !== undefined;
  }

  /** The workspace setting: false turns drafts and summaries off (and hides their buttons). */
  async isEnabled(workspaceId: string): Promise<boolean> {
    return (await this.identity.getWorkspace(workspaceId)).assistantEnabled;
  }

  /** Turns drafts and summaries on or off for a workspace (scripts/assistant.ts, an admin surface). */
  async setEnabled(workspaceId: string, enabled: boolean): Promise<void> {
    await this.identity.getWorkspace(workspaceId);
    await this.deps.db.workspace.update({ where: { id: workspaceId }, data: { assistantEnabled: enabled } });
  }

  /** A follow-up email for a deal, for the person asking to review, copy, and send themselves. */
  async draft(actor: Actor, ref: string, opts: AssistantOptions = {}): Promise<DraftView> {
    await this.assertEnabled(actor);
    const { deal, loaded } = await this.loadDeal(actor, ref, 'draft');
    const answer = await this.answer<DraftOutput>(actor, 'draft', loaded, opts);
    const { output } = answer;
    const grounded = ground(output.sources, loaded, answer.given);
    const id = draftId(output.subject, output.body);
    const to = deal.contacts.map((c) => ({ name: c.name, email: c.email }));
    const toLine = to.length ? `To: ${to.map((c) => (c.email ? `${c.name} <${c.email}>` : c.name)).join(', ')}\n` : '';
    // Kept so "Log as email activity" can find this exact text again (button values are small).
    await this.remember(actor, `shown-draft:deal:${deal.id}:${id}`, 'draft', { subject: output.subject, body: output.body });
    return {
      kind: 'draft',
      id,
      deal: { id: deal.id, ref: deal.ref, title: deal.title },
      to,
      subject: output.subject,
      body: output.body,
      copyText: `${toLine}Subject: ${output.subject}\n\n${output.body}`,
      ...meta(answer, 'draft', this.port?.model),
      citations: citationViews(grounded.kept, loaded),
      droppedCitations: grounded.dropped,
      buttons: [
        button('Log as email activity', { type: 'log_draft', ref: deal.ref, draftId: id }, 'primary'),
        button('Regenerate', { type: 'draft', ref: deal.ref, regenerate: true }),
      ],
    };
  }

  /** What happened on a deal, its open questions, and a next action to accept with one click. */
  async summarizeDeal(actor: Actor, ref: string, opts: AssistantOptions = {}): Promise<SummaryView> {
    await this.assertEnabled(actor);
    const { deal, loaded } = await this.loadDeal(actor, ref, 'summary');
    const subject: SummarySubject = { type: 'deal', id: deal.id, ref: deal.ref, title: deal.title };
    const view = await this.summary(actor, loaded, subject, opts);
    const next = view.suggestedNextAction;
    const buttons: AssistantButton[] = [];
    if (next && deal.status === 'open') {
      const action = next.text.slice(0, 500);
      buttons.push(button('Set as next action', { type: 'accept_next_action', ref: deal.ref, action, due: next.due }, 'primary'));
    }
    buttons.push(button('Regenerate', { type: 'summary', ref: deal.ref, regenerate: true }));
    return { ...view, buttons };
  }

  /** What happened with a contact (their own activities only) and what to do next. */
  async summarizeContact(actor: Actor, contactId: string, opts: AssistantOptions = {}): Promise<SummaryView> {
    await this.assertEnabled(actor);
    const contact = await this.deps.db.contact.findFirst({
      where: { id: contactId, workspaceId: actor.workspaceId },
      select: { id: true, name: true, title: true, company: { select: { name: true } } },
    });
    if (!contact) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that contact.', { field: 'contactId' });
    const rows = await this.deps.db.activity.findMany({
      where: { workspaceId: actor.workspaceId, contactId: contact.id },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take: ASSISTANT_LIMITS.activities,
      select: { id: true, type: true, body: true, occurredAt: true, sourceUrl: true },
    });
    const newest = await this.newestActivity(actor, { contactId: contact.id });
    const loaded = toLoaded(
      actor,
      this.deps.clock.now(),
      { contact: { name: contact.name, title: contact.title, company: contact.company?.name ?? null } },
      rows,
      `contact:${contact.id}`,
      newest,
    );
    const view = await this.summary(actor, loaded, { type: 'contact', id: contact.id, name: contact.name }, opts);
    return { ...view, buttons: [button('Regenerate', { type: 'contact_summary', contactId: contact.id, regenerate: true })] };
  }

  /** Makes a suggestion the deal's next action: the person clicked it, so it is theirs now. */
  async acceptSuggestion(actor: Actor, ref: string, suggestion: { action: string; due?: string | null }): Promise<DealView> {
    await requireWriter(actor, this.deps);
    const input = parseInput(setNextActionSchema, { action: suggestion.action, due: suggestion.due ?? undefined });
    return this.deals.setNextAction(actor, ref, input);
  }

  /**
   * Logs a draft this service showed as an email activity on its deal. Clicking twice logs once.
   * The draft is found by its id, so nothing but the id has to travel in a button.
   */
  async logDraft(actor: Actor, ref: string, id: string, source: 'slack' | 'teams' | 'console' | 'api' = 'api') {
    await requireWriter(actor, this.deps);
    const dealId = await this.deals.resolveId(actor, ref);
    const row = await this.deps.db.assistantCache.findUnique({
      where: { workspaceId_key: { workspaceId: actor.workspaceId, key: `shown-draft:deal:${dealId}:${id}` } },
    });
    if (!row) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that draft any more. Draft it again, then log it.');
    const draft = JSON.parse(row.value) as { subject: string; body: string };
    const body = `Subject: ${draft.subject}\n\n${draft.body}`;
    return this.activities.log(actor, {
      deal: dealId,
      type: 'email',
      body: body.length > 4000 ? `${body.slice(0, 3999)}…` : body,
      source,
      idempotencyKey: `assistant-draft:${dealId}:${id}`,
    });
  }

  // -------------------------------------------------------------------------------------------

  private async summary(actor: Actor, loaded: Loaded, subject: SummarySubject, opts: AssistantOptions) {
    const answer = await this.answer<SummaryOutput>(actor, 'summary', loaded, opts);
    const { output } = answer;
    const dropped: string[] = [];
    const point = (p: { text: string; sources: string[] }): SummaryPoint | undefined => {
      const g = ground(p.sources, loaded, answer.given);
      dropped.push(...g.dropped);
      // A point that rests only on activities it was not given states nothing we can vouch for.
      if (p.sources.length > 0 && g.kept.length === 0) return undefined;
      return { text: p.text, citations: g.kept };
    };
    const lines = output.summary.map(point).filter((p) => p !== undefined);
    const openQuestions = output.openQuestions.map(point).filter((p) => p !== undefined);
    const s = output.suggestedNextAction;
    const suggested = s ? point(s) : undefined;
    const today = todayIn(actor.timeZone, this.deps.clock.now());
    const view: SummaryView = {
      kind: 'summary',
      subject,
      lines,
      openQuestions,
      suggestedNextAction: suggested && s ? { ...suggested, due: validDue(s.due, today) } : null,
      ...meta(answer, 'summary', this.port?.model),
      citations: citationViews([...lines, ...openQuestions, ...(suggested ? [suggested] : [])].flatMap((p) => p.citations), loaded),
      droppedCitations: [...new Set(dropped)],
      buttons: [],
    };
    return view;
  }

  /** The model's answer when it can give one, else the offline one; never throws for the model's sake. */
  private async answer<T>(actor: Actor, task: AssistantTask, loaded: Loaded, opts: AssistantOptions): Promise<Answer<T>> {
    const offline = (reason: OfflineReason): Answer<T> => ({
      output: (task === 'draft' ? templateDraft(loaded.data) : extractiveSummary(loaded.data)) as T,
      source: 'offline',
      reason,
      given: new Set(loaded.activities.keys()),
    });
    const port = this.port;
    if (!port) return offline('not_configured');
    const fitted = fit(port, task, loaded.data);
    if (!fitted) return offline('budget');
    const schema = OUTPUT_SCHEMAS[task] as unknown as z.ZodType<T>;
    const given = new Set(fitted.data.activities.map((a) => a.ref));
    const key = [
      task,
      loaded.subjectKey,
      loaded.newestActivity,
      port.model,
      hash(JSON.stringify({ v: ASSISTANT_LIMITS.version, data: fitted.data })),
    ].join(':');

    if (!opts.regenerate) {
      const hit = await this.cached(actor, key, schema);
      if (hit !== undefined) return { output: hit, source: 'model', cached: true, given };
      const running = this.inflight.get(key) as Promise<Answer<T>> | undefined;
      if (running) return running;
    }
    const call = (async (): Promise<Answer<T>> => {
      try {
        const raw = await port.generate({ task, data: fitted.data, schema, maxOutputTokens: fitted.maxOutputTokens });
        // The adapter validated it; validate again here: nothing beyond the schema is trusted.
        const output = schema.parse(raw);
        await this.remember(actor, key, task, output);
        return { output, source: 'model', cached: false, given };
      } catch (err) {
        return offline(err instanceof AssistantError ? err.reason : 'error');
      }
    })();
    this.inflight.set(key, call);
    try {
      return await call;
    } finally {
      if (this.inflight.get(key) === call) this.inflight.delete(key);
    }
  }

  private async cached<T>(actor: Actor, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const row = await this.deps.db.assistantCache.findUnique({
      where: { workspaceId_key: { workspaceId: actor.workspaceId, key } },
    });
    if (!row) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(row.value));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores a value in the workspace's cache; a failure to store costs a later model call, nothing more. */
  private async remember(actor: Actor, key: string, kind: AssistantTask, value: unknown): Promise<void> {
    const now = this.deps.clock.now();
    const json = JSON.stringify(value);
    try {
      await this.deps.db.assistantCache.upsert({
        where: { workspaceId_key: { workspaceId: actor.workspaceId, key } },
        create: { workspaceId: actor.workspaceId, key, kind, value: json, createdAt: now },
        update: { kind, value: json, createdAt: now },
      });
    } catch {
      // Best effort: a concurrent upsert of the same key (SQLite) or a full disk must not fail the answer.
    }
  }

  private async assertEnabled(actor: Actor): Promise<void> {
    if (!(await this.isEnabled(actor.workspaceId))) {
      throw new DomainError(
        DomainErrorCode.AssistantDisabled,
        'Drafts and summaries are turned off in this workspace.',
      );
    }
  }

  private async newestActivity(actor: Actor, where: { dealId?: string; contactId?: string }): Promise<string> {
    const newest = await this.deps.db.activity.findFirst({
      where: { workspaceId: actor.workspaceId, ...where },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true },
    });
    return newest?.id ?? 'none';
  }

  private async loadDeal(actor: Actor, ref: string, task: AssistantTask) {
    const deal = await this.deals.get(actor, ref, 1);
    const [people, rows, events, newest, asker] = await Promise.all([
      this.deps.db.contact.findMany({
        where: { workspaceId: actor.workspaceId, id: { in: deal.contacts.map((c) => c.id) } },
        select: { name: true, title: true },
        orderBy: { name: 'asc' },
      }),
      this.deps.db.activity.findMany({
        where: { workspaceId: actor.workspaceId, dealId: deal.id },
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
        take: ASSISTANT_LIMITS.activities,
        select: { id: true, type: true, body: true, occurredAt: true, sourceUrl: true },
      }),
      this.deps.db.dealEvent.findMany({
        where: { workspaceId: actor.workspaceId, dealId: deal.id, kind: { in: ['created', 'stage', 'reopened'] } },
        orderBy: { at: 'desc' },
        take: ASSISTANT_LIMITS.history,
        select: { kind: true, toValue: true, at: true },
      }),
      this.newestActivity(actor, { dealId: deal.id }),
      task === 'draft' ? this.deps.db.member.findFirst({ where: { id: actor.memberId, workspaceId: actor.workspaceId }, select: { displayName: true } }) : null,
    ]);
    const data: Omit<AssistantData, 'today' | 'activities'> = {
      deal: {
        title: deal.title,
        company: deal.company?.name ?? null,
        stage: deal.stage.name,
        status: deal.status,
        expectedCloseDate: deal.expectedCloseDate,
        nextAction: deal.nextAction ? { text: deal.nextAction.text, due: deal.nextAction.due } : null,
      },
      people: people.map((p) => ({ name: p.name, title: p.title })),
      history: events
        .filter((e) => e.toValue)
        .reverse()
        .map((e) => ({ date: todayIn(actor.timeZone, e.at), change: e.kind === 'reopened' ? 'reopened' : `stage: ${e.toValue}` })),
      ...(task === 'draft' && { sender: { name: asker?.displayName ?? '' } }),
    };
    const loaded = toLoaded(actor, this.deps.clock.now(), data, rows, `deal:${deal.id}`, newest);
    return { deal, loaded };
  }
}

function toLoaded(
  actor: Actor,
  now: Date,
  base: Omit<AssistantData, 'today' | 'activities'>,
  rows: { id: string; type: string; body: string; occurredAt: Date; sourceUrl: string | null }[],
  subjectKey: string,
  newestActivity: string,
): Loaded {
  const activities = new Map<string, { id: string; sourceUrl: string | null; facts: ActivityFacts }>();
  const facts = rows.map((r, i) => {
    const f: ActivityFacts = {
      ref: `A${i + 1}`,
      type: r.type,
      date: todayIn(actor.timeZone, r.occurredAt),
      text: clipText(r.body, ASSISTANT_LIMITS.activityChars),
    };
    activities.set(f.ref, { id: r.id, sourceUrl: r.sourceUrl, facts: f });
    return f;
  });
  return { data: { today: todayIn(actor.timeZone, now), ...base, activities: facts }, activities, subjectKey, newestActivity };
}

/**
 * The data cut to the budget: the oldest activities are left out until the prompt leaves room for
 * at least the minimum answer. Undefined when even no activities would not fit.
 */
export function fit(
  port: Pick<AssistantPort, 'tokenBudget' | 'estimatePromptTokens'>,
  task: AssistantTask,
  data: AssistantData,
): { data: AssistantData; maxOutputTokens: number } | undefined {
  const { max, min } = ASSISTANT_LIMITS.output[task];
  let current = data;
  for (;;) {
    const left = port.tokenBudget - port.estimatePromptTokens({ task, data: current });
    if (left >= min) return { data: current, maxOutputTokens: Math.min(max, left) };
    if (current.activities.length === 0) return undefined;
    current = { ...current, activities: current.activities.slice(0, -1) };
  }
}

/** Splits citations into the ones naming something the answer was given, and the rest. */
function ground(sources: string[], loaded: Loaded, given: Set<string>): { kept: string[]; dropped: string[] } {
  const record = loaded.data.deal ? 'deal' : 'contact';
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const s of sources) {
    const activity = /^a\d+$/i.test(s);
    const normal = activity ? s.toUpperCase() : s.toLowerCase();
    // Only what this answer was given: a ref to a trimmed, another or an invented activity is dropped.
    if (activity ? given.has(normal) : normal === record) kept.push(normal);
    else dropped.push(s);
  }
  return { kept: [...new Set(kept)], dropped };
}

function citationViews(refs: string[], loaded: Loaded): CitationView[] {
  const out: CitationView[] = [];
  const activityRefs = [...new Set(refs)].filter((r) => loaded.activities.has(r));
  for (const ref of activityRefs.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))) {
    const a = loaded.activities.get(ref);
    if (!a) continue;
    out.push({ ref, activityId: a.id, type: a.facts.type, date: a.facts.date, excerpt: clipText(a.facts.text, 80), sourceUrl: a.sourceUrl });
  }
  return out;
}

function meta<T>(answer: Answer<T>, task: AssistantTask, model: string | undefined) {
  if (answer.source === 'model') {
    return {
      source: 'model' as const,
      label: task === 'draft' ? LABELS.modelDraft(model ?? 'AI') : LABELS.modelSummary(model ?? 'AI'),
      note: null,
      offlineReason: null,
      model: model ?? null,
      cached: answer.cached,
      visibility: 'private' as const,
    };
  }
  return {
    source: 'offline' as const,
    label: task === 'draft' ? LABELS.offlineDraft : LABELS.offlineSummary,
    note: OFFLINE_NOTES[answer.reason],
    offlineReason: answer.reason,
    model: null,
    cached: false,
    visibility: 'private' as const,
  };
}

/** A suggested due date we accept: a real date, from today to a year ahead. */
function validDue(due: string | null | undefined, today: string): string | null {
  if (!due || !dateOnlySchema.safeParse(due).success) return null;
  return due >= today && due <= addDays(today, 366) ? due : null;
}

function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function draftId(subject: string, body: string): string {
  return hash(`${subject}\n${body}`);
}
