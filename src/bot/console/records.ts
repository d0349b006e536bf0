/**
 * Contacts, companies and tasks as terminal text: the same facts and actions the Slack and Teams
 * cards show (the actions as the commands that do them). Pure: view model in, lines out.
 */
import type { CompanyCardView, CompanySummaryView } from '../../domain/companies/company.view.js';
import type { ContactCardView, ContactSummaryView } from '../../domain/contacts/contact.view.js';
import { fieldLines } from './fields.js';
import type { DealView } from '../../domain/deals/deal.view.js';
import type { ActivityLine, CardAction, MoneyTotal, PageView } from '../../domain/shared/record.view.js';
import type { TaskView } from '../../domain/tasks/task.view.js';
import type { Reply } from '../commands/reply.js';
import { formatCount } from '../format.js';

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  /** A calendar date in words relative to today ("today", "Fri 4 Dec"). */
  date(d: string): string;
}

type RecordReply = Extract<Reply, { kind: 'contact' | 'contacts' | 'company' | 'companies' | 'task' | 'tasks' | 'duplicate' }>;

/** The command each card action runs in the console (where there are no buttons). */
export function actionCommand(a: CardAction, subjectName: string): string {
  switch (a.id) {
    case 'contact.edit':
      return `/deal contact edit ${subjectName} <field> <value>`;
    case 'contact.new_task':
      return `/deal task ${subjectName} <title> by <date>`;
    case 'contact.log':
      return '/deal log <ref> call|email|meeting|note <text>';
    case 'company.edit':
      return `/deal company edit ${subjectName} name|domain <value>`;
    case 'company.new_contact':
      return `/deal contact new <name> <email> at ${subjectName}`;
    case 'task.done':
      return `/deal done ${a.subject}`;
    case 'task.snooze':
      return `/deal snooze ${a.subject}`;
    case 'deal.add_contact':
      return `/deal ${a.subject} add <contact>`;
  }
}

const asWord = (name: string) => (/\s/.test(name) ? `"${name}"` : name);

export function renderRecord(reply: RecordReply, p: Paint): string {
  const { bold, dim, red } = p;
  const actions = (list: CardAction[], name: string) => (list.length ? [dim(`  ${list.map((a) => `${a.label}: ${actionCommand(a, name)}`).join(' · ')}`)] : []);
  const activity = (a: ActivityLine) =>
    dim(`    ${a.at.toISOString().slice(0, 10)} ${[a.actor, `${a.type}: ${truncate(a.body, 60)}`, a.deal ? `(${a.deal.ref})` : undefined].filter(Boolean).join(' ')}`);
  const dealRow = (d: DealView) => `    ${d.ref}  ${truncate(d.title, 36)} · ${d.amountText ?? 'no amount'} · ${d.stage.name}`;
  const taskLine = (t: TaskView) => {
    const due = t.due ? (t.overdue ? red(`overdue since ${p.date(t.due)}`) : t.dueToday ? 'due today' : `by ${p.date(t.due)}`) : 'no due date';
    const on = [t.deal ? t.deal.ref : undefined, t.contact?.name].filter(Boolean).join(', ');
    const who = t.assignee ? t.assignee.displayName : 'nobody';
    return `${t.done ? '✓' : '○'} ${bold(t.ref)}  ${t.title} · ${t.done ? 'done' : due} · ${who}${on ? ` · ${on}` : ''}`;
  };
  const count = (l: PageView<unknown>) => {
    const shown = l.items.length;
    const before = (l.page - 1) * l.pageSize;
    return before > 0 && shown > 0 ? `${before + 1}–${before + shown} of ${formatCount(l)}` : l.total === shown && !l.totalCapped ? String(shown) : `${shown} of ${formatCount(l)}`;
  };
  const listHead = (l: PageView<unknown>) => `${bold(l.heading)} ${dim(`(${count(l)})`)}`;
  const more = (l: PageView<unknown>) => (l.hasMore ? [dim(`  … ${formatCount(l, (l.page - 1) * l.pageSize + l.items.length)} more`)] : []);
  const totals = (t: MoneyTotal[]) => (t.length ? t.map((m) => m.text).join(' + ') : '—');
  const contactFacts = (c: ContactSummaryView) => [c.title, c.company?.name, c.email, c.phone].filter(Boolean).join(' · ');
  const companyFacts = (c: CompanySummaryView) =>
    [c.domain, `${c.contactCount} contact${c.contactCount === 1 ? '' : 's'}`, `${c.openDealCount} open deal${c.openDealCount === 1 ? '' : 's'}`].filter(Boolean).join(' · ');
  const head = (headline: string | undefined) => (headline ? [`✓ ${headline}`] : []);
  const hint = (h: string | undefined) => (h ? [dim(`  ${h}`)] : []);

  switch (reply.kind) {
    case 'contact': {
      const c: ContactCardView = reply.contact;
      const lines = [...head(reply.headline), bold(c.name), `  ${contactFacts(c) || 'no details yet'}`, `  owner ${c.owner?.displayName ?? 'nobody'}`, ...fieldLines(c.fields)];
      lines.push(`  ${bold('Open deals')} (${c.openDealCount})`, ...(c.openDeals.length ? c.openDeals.map(dealRow) : [dim('    none')]));
      lines.push(`  ${bold('Next task')}${c.openTaskCount > 1 ? ` (${c.openTaskCount} open)` : ''}`, c.nextTask ? `    ${taskLine(c.nextTask)}` : dim('    none'));
      lines.push(`  ${bold('Recent activity')}`, ...(c.recentActivity.length ? c.recentActivity.map(activity) : [dim('    none')]));
      return [...lines, ...actions(c.actions, c.email ?? asWord(c.name)), ...hint(reply.hint)].join('\n');
    }
    case 'company': {
      const c: CompanyCardView = reply.company;
      const lines = [...head(reply.headline), bold(c.name), `  ${companyFacts(c)}`, `  owner ${c.owner?.displayName ?? 'nobody'}`, ...fieldLines(c.fields)];
      lines.push(`  pipeline ${totals(c.pipelineValue)} · won ${totals(c.wonRevenue)}`);
      lines.push(`  ${bold('Contacts')} (${c.contactCount})`, ...(c.contacts.length ? c.contacts.map((x) => `    ${x.name}${contactFacts(x) ? dim(` · ${contactFacts(x)}`) : ''}`) : [dim('    none')]));
      lines.push(`  ${bold('Open deals')} (${c.openDealCount})`, ...(c.openDeals.length ? c.openDeals.map(dealRow) : [dim('    none')]));
      lines.push(`  ${bold('Recent activity')}`, ...(c.recentActivity.length ? c.recentActivity.map(activity) : [dim('    none')]));
      return [...lines, ...actions(c.actions, c.domain ?? asWord(c.name)), ...hint(reply.hint)].join('\n');
    }
    case 'contacts': {
      const l = reply.list;
      const rows = l.items.map((c) => `  ${c.name}${contactFacts(c) ? dim(` · ${contactFacts(c)}`) : ''}`);
      return [listHead(l), ...(rows.length ? rows : [dim('  none')]), ...more(l), ...hint(reply.hint)].join('\n');
    }
    case 'companies': {
      const l = reply.list;
      const rows = l.items.map((c) => `  ${c.name}${dim(` · ${companyFacts(c)}`)}`);
      return [listHead(l), ...(rows.length ? rows : [dim('  none')]), ...more(l), ...hint(reply.hint)].join('\n');
    }
    case 'task':
      return [...head(reply.headline), taskLine(reply.task), ...actions(reply.task.actions, reply.task.ref), ...hint(reply.hint)].join('\n');
    case 'tasks': {
      const l = reply.list;
      const rows = l.items.map((t) => `  ${taskLine(t)}`);
      const done = l.items.some((t) => t.actions.length) ? [dim('  Done: /deal done <T-ref> · later: /deal snooze <T-ref> [days]')] : [];
      return [...head(reply.headline), listHead(l), ...(rows.length ? rows : [dim('  none')]), ...more(l), ...done, ...hint(reply.hint)].join('\n');
    }
    case 'duplicate': {
      const e = reply.existing;
      const existing = e.record === 'contact' ? `${e.contact.name}${contactFacts(e.contact) ? ` · ${contactFacts(e.contact)}` : ''}` : `${e.company.name} · ${companyFacts(e.company)}`;
      const use = e.record === 'contact' ? `/deal contact ${e.contact.email ?? asWord(e.contact.name)}` : `/deal company ${e.company.domain ?? e.company.name}`;
      return [
        `${red('!')} ${reply.message} Nothing was created.`,
        `  existing: ${existing}`,
        dim(`  Use existing: ${use}`),
        ...(reply.createAnyway ? [dim(`  Create anyway: ${reply.createAnyway}`)] : []),
      ].join('\n');
    }
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

