/** `/deal report`: the pipeline at a glance. */
import { defineCommand } from '../command.js';
import { fail, ok } from '../grammar/state.js';

export interface ReportIntent {
  kind: 'report';
}

const USAGE = '/deal report';

export const reportCommand = defineCommand<ReportIntent>({
  kind: 'report',
  words: ['report'],
  group: 'Deals',
  usage: USAGE,
  summary: 'A summary of the pipeline.',
  example: '/deal report',
  parse: (state) => (state.tokens.length > 1 ? fail('`/deal report` takes no options.', USAGE) : ok<ReportIntent>({ kind: 'report' })),
  fits: (state) => (state.tokens.length === 1 ? 1 : 0),
  async run({ crm, actor }) {
    const [summary, stale, due, noNextAction] = await Promise.all([
      crm.reports.pipelineSummary(actor),
      crm.reports.staleDeals(actor, { limit: 5 }),
      crm.reports.nextActionsDue(actor, { limit: 5 }),
      crm.reports.withoutNextAction(actor, { limit: 5 }),
    ]);
    return { kind: 'report', summary, stale, due, noNextAction };
  },
});
