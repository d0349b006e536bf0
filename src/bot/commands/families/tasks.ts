/**
 * Tasks: `/deal task [D-42|<contact>] <title> [by <date>] [@owner]`, `/deal tasks [mine|overdue|
 * @person|D-42|<contact>]`, `/deal done T-3`, `/deal snooze T-3 [days]`. A deal's next action is its
 * first open task.
 */
import type { TaskListScope } from '../../../domain/tasks/task.view.js';
import { TASK_REF_PATTERN } from '../../../domain/tasks/task.view.js';
import { defineCommand, deliveryKey } from '../command.js';
import { looksLikeDateAttempt, parseDateOnly, pastDateNote } from '../dates.js';
import { DATE_HELP, REF_HELP, TASK_REF_HELP } from '../help-topics.js';
import type { DateOnly, PersonRef } from '../intent.js';
import { looksLikeMention, parseMention } from '../mentions.js';
import type { CommandContext, Reply } from '../reply.js';
import { emailIn } from '../grammar/records.js';
import { dealRefIn, fail, LIMITS, notADate, ok, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { clip, rawText, word, type Token } from '../grammar/tokens.js';

/** Where a task belongs: a deal, a contact (by email or "quoted name"), or nothing. */
export type TaskSubject = { deal: string } | { contact: string } | Record<string, never>;

export interface TaskIntent {
  kind: 'task';
  subject: TaskSubject;
  title: string;
  due?: DateOnly;
  assignee?: PersonRef;
}

export interface TasksIntent {
  kind: 'tasks';
  scope: { type: 'mine' } | { type: 'overdue' } | { type: 'person'; person: PersonRef } | { type: 'deal'; ref: string } | { type: 'contact'; query: string };
}

export interface DoneIntent {
  kind: 'done';
  ref: string;
}

export interface SnoozeIntent {
  kind: 'snooze';
  ref: string;
  days: number;
}

const USAGE = {
  task: '/deal task [D-42|<contact email>|"<contact name>"] <title> [by <date>] [@owner]',
  tasks: '/deal tasks [mine|overdue|@person|D-42|<contact>]',
  done: '/deal done T-3',
  snooze: '/deal snooze T-3 [days]',
} as const;

/** Normalise a task reference (`T-3`, `t3`) to `T-3`; undefined if it is not one. */
export function parseTaskRef(t: Token | undefined): string | undefined {
  if (!t || t.quoted) return undefined;
  const digits = TASK_REF_PATTERN.exec(t.text)?.[1];
  return digits === undefined ? undefined : `T-${Number.parseInt(digits, 10)}`;
}

function parseTask(state: ParseState): ParseOutcome<TaskIntent> {
  const { tokens, s } = state;
  let from = 1;
  let subject: TaskSubject = {};
  const deal = dealRefIn(tokens[1]);
  const email = emailIn(tokens[1]);
  if (deal !== undefined) {
    subject = { deal };
    from = 2;
  } else if (email !== undefined) {
    subject = { contact: email };
    from = 2;
  } else if (tokens[1]?.quoted && tokens.length > 2) {
    subject = { contact: tokens[1].text };
    from = 2;
  }
  let end = tokens.length;
  let assignee: PersonRef | undefined;
  const last = tokens[end - 1];
  if (end - 1 >= from && last && !last.quoted && looksLikeMention(last.text)) {
    const person = parseMention(last.text);
    if (person) {
      assignee = person;
      end--;
    }
  }
  let due: string | undefined;
  const lowest = Math.max(from + 1, end - 1 - LIMITS.dateWords);
  for (let i = end - 2; i >= lowest; i--) {
    if (word(tokens[i]) !== 'by') continue;
    const date = parseDateOnly(rawText(s, tokens, i + 1, end), state.dateCtx);
    if (date !== undefined) {
      due = date;
      end = i;
      break;
    }
  }
  if (due === undefined) {
    for (let i = end - 1; i > from; i--) {
      if (word(tokens[i]) !== 'by') continue;
      const after = rawText(s, tokens, i + 1, end);
      if (after !== '' && looksLikeDateAttempt(after)) return fail(notADate('by', after, 'due date', 'task'), USAGE.task);
      break;
    }
  }
  const title = rawText(s, tokens, from, end).replace(/\s+/g, ' ');
  if (title === '') {
    const on = 'deal' in subject ? ` ${subject.deal}` : '';
    return fail(`What's the task? e.g. \`/deal task${on} send the quote by friday\`.`, USAGE.task);
  }
  if (title.length > LIMITS.action) return fail(`That task is too long: keep it under ${LIMITS.action} characters.`, USAGE.task);
  const intent: TaskIntent = { kind: 'task', subject, title };
  if (due !== undefined) intent.due = due;
  if (assignee) intent.assignee = assignee;
  return ok(intent, [due === undefined ? undefined : pastDateNote(due, 'due date', state.dateCtx)]);
}

function parseTasks(state: ParseState): ParseOutcome<TasksIntent> {
  const { tokens, s } = state;
  const rest = rawText(s, tokens, 1, tokens.length).replace(/\s+/g, ' ');
  const w = rest.toLowerCase();
  if (w === '' || w === 'mine' || w === 'my') return ok({ kind: 'tasks', scope: { type: 'mine' } });
  if (w === 'overdue' || w === 'late') return ok({ kind: 'tasks', scope: { type: 'overdue' } });
  if (tokens.length === 2) {
    const ref = dealRefIn(tokens[1]);
    if (ref !== undefined) return ok({ kind: 'tasks', scope: { type: 'deal', ref } });
    const t = tokens[1];
    if (t && !t.quoted && looksLikeMention(t.text)) {
      const person = parseMention(t.text);
      if (person) return ok({ kind: 'tasks', scope: { type: 'person', person } });
    }
  }
  if (rest.length > LIMITS.query) return fail(`That search is too long: keep it under ${LIMITS.query} characters.`, USAGE.tasks);
  return ok({ kind: 'tasks', scope: { type: 'contact', query: rest } });
}

function parseTaskRefCommand<K extends 'done' | 'snooze'>(state: ParseState, kind: K): { ref: string } | { error: ReturnType<typeof fail> } {
  const ref = parseTaskRef(state.tokens[1]);
  if (ref !== undefined) return { ref };
  const t = state.tokens[1];
  const usage = USAGE[kind];
  const deal = dealRefIn(t);
  if (deal !== undefined) {
    return { error: fail(`\`/deal ${kind}\` takes a task reference like T-3, and ${deal} is a deal. Its tasks: \`/deal tasks ${deal}\`.`, usage) };
  }
  const what = t === undefined ? `Which task? \`/deal ${kind}\` needs a task reference like T-3.` : `"${clip(t.text, 30)}" isn't a task reference; \`/deal ${kind}\` needs one like T-3.`;
  return { error: fail(`${what} Your tasks and their references: \`/deal tasks\`.`, usage) };
}

async function taskScope(ctx: CommandContext, scope: TasksIntent['scope']): Promise<TaskListScope> {
  if (scope.type !== 'contact') return scope;
  const contact = await ctx.crm.contacts.resolve(ctx.actor, scope.query);
  return { type: 'contact', contactId: contact.id };
}

const taskRefFits = (state: ParseState): 0 | 2 => (parseTaskRef(state.tokens[1]) !== undefined ? 2 : 0);

export const taskCommand = defineCommand<TaskIntent>({
  kind: 'task',
  words: ['task', 'todo'],
  group: 'Tasks',
  usage: USAGE.task,
  summary: 'Add a task, on a deal, on a contact or on its own, for you or a colleague.',
  example: '/deal task D-42 Send the quote by 2027-01-15',
  details: [
    'A deal\'s next action is its first open task (the one due first): `/deal next` changes that one, `/deal task D-42 …` adds another.',
    'On a contact: `/deal task jane@acme.com call back by friday`, or with the name in quotes: `/deal task "Jane Doe" call back`.',
    'For someone else: end with their @mention: `/deal task D-42 book the demo by monday @maria`.',
    'Done: `/deal done T-3` (or the Done button); later: `/deal snooze T-3 2`.',
    ...DATE_HELP,
    ...REF_HELP,
    ...TASK_REF_HELP,
  ],
  parse: parseTask,
  fits: (state) => (state.tokens.length >= 2 ? 1 : 0),
  async run(ctx, intent, prefix) {
    const { crm, actor } = ctx;
    const contactId = 'contact' in intent.subject ? (await crm.contacts.resolve(actor, intent.subject.contact)).id : undefined;
    const { task, created } = await crm.tasks.create(actor, {
      title: intent.title,
      due: intent.due,
      deal: 'deal' in intent.subject ? intent.subject.deal : undefined,
      contactId,
      assignee: intent.assignee,
      idempotencyKey: deliveryKey(ctx),
    });
    return {
      kind: 'task',
      headline: created ? `Added ${task.ref}.` : `${task.ref} was already added.`,
      task,
      hint: `Done: \`${prefix} done ${task.ref}\`. Your tasks: \`${prefix} tasks\`.`,
    };
  },
});

export const tasksCommand = defineCommand<TasksIntent>({
  kind: 'tasks',
  words: ['tasks'],
  group: 'Tasks',
  usage: USAGE.tasks,
  summary: 'Open tasks: yours, your overdue ones, a colleague’s, a deal’s or a contact’s.',
  example: '/deal tasks mine',
  parse: parseTasks,
  fits: (state) => (state.tokens.length <= 2 ? 1 : 0),
  async run(ctx, intent, prefix) {
    const list = await ctx.crm.tasks.list(ctx.actor, await taskScope(ctx, intent.scope));
    return { kind: 'tasks', list, hint: list.total === 0 ? `Nothing open. Add one: \`${prefix} task <title> by <date>\`.` : undefined };
  },
});

export const doneCommand = defineCommand<DoneIntent>({
  kind: 'done',
  words: ['done'],
  group: 'Tasks',
  usage: USAGE.done,
  summary: 'Mark a task done; it is logged on its deal’s or contact’s timeline.',
  example: '/deal done T-3',
  details: TASK_REF_HELP,
  parse(state) {
    const r = parseTaskRefCommand(state, 'done');
    if ('error' in r) return r.error;
    if (state.tokens.length > 2) return fail(`\`/deal done\` takes just the task reference, e.g. \`/deal done ${r.ref}\`.`, USAGE.done);
    return ok<DoneIntent>({ kind: 'done', ref: r.ref });
  },
  fits: taskRefFits,
  async run(ctx, intent, prefix): Promise<Reply> {
    const { task, changed } = await ctx.crm.tasks.complete(ctx.actor, intent.ref, { source: ctx.surface });
    const next = task.deal ? ` Next on ${task.deal.ref}: \`${prefix} ${task.deal.ref}\`.` : '';
    return { kind: 'task', headline: changed ? `Done: ${task.ref} “${task.title}”.${next}` : `${task.ref} was already done. Nothing changed.`, task };
  },
});

export const snoozeCommand = defineCommand<SnoozeIntent>({
  kind: 'snooze',
  words: ['snooze'],
  group: 'Tasks',
  usage: USAGE.snooze,
  summary: 'Move a task’s due date a few days on (1 by default, at most 30).',
  example: '/deal snooze T-3 2',
  details: TASK_REF_HELP,
  parse(state) {
    const r = parseTaskRefCommand(state, 'snooze');
    if ('error' in r) return r.error;
    const rest = state.tokens.slice(2).map((t) => t.text.toLowerCase());
    if (rest.length === 0) return ok<SnoozeIntent>({ kind: 'snooze', ref: r.ref, days: 1 });
    const n = rest.length <= 2 && (rest.length === 1 || /^days?$/.test(rest[1] ?? '')) ? Number(rest[0]?.replace(/d$/, '')) : Number.NaN;
    if (!Number.isInteger(n) || n < 1 || n > 30) {
      return fail(`How many days? \`/deal snooze ${r.ref}\` moves it a day; \`/deal snooze ${r.ref} 3\` three (1 to 30).`, USAGE.snooze);
    }
    return ok<SnoozeIntent>({ kind: 'snooze', ref: r.ref, days: n });
  },
  fits: taskRefFits,
  async run(ctx, intent) {
    const { task, changed, until } = await ctx.crm.tasks.snooze(ctx.actor, intent.ref, intent.days);
    return { kind: 'task', headline: changed ? `${task.ref} is now due ${until}.` : `${task.ref} is already due ${until}. Nothing changed.`, task };
  },
});
