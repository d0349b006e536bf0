/**
 * Issue 15 in the console: `/deal stage kind` and `/deal list … in <pipeline>` typed on a pipe,
 * answered in plain text; a member (`/as`) is refused with the admins named.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../../src/bot/console/console.js';
import { silentLogger } from '../../../src/log.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
});
afterAll(async () => t.cleanup());

/** Pipes `lines` into a console session as Alice (the workspace's admin): what it printed. */
async function script(lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => (text += String(chunk)));
  const member = await t.handle.db.member.findUniqueOrThrow({ where: { id: w.alice.memberId } });
  const done = runConsole({ crm: t.crm, log: silentLogger, member, input, output, interactive: false, color: false });
  input.end(lines.join('\n') + '\n');
  await done;
  return text;
}

describe('pipelines in the console', () => {
  it('`stage kind` and `stage add … kind` shape the stages; a stage holding deals keeps its kind', async () => {
    const out = await script([
      '/deal stage add Parked after Lost',
      '/deal stage kind Parked lost',
      '/deal stage add Won - upsell kind won',
      '/deal new Held deal negotiation',
      '/deal stage kind Negotiation won',
    ]);
    expect(out).toContain('✓ Parked is now a lost stage: deals that enter it are lost.');
    expect(out).toMatch(/Parked\s+10% · lost \(closes the deal\) · 0 deals/);
    expect(out).toContain('✓ Added Won - upsell to Sales, a won stage.');
    expect(out).toMatch(/Won - upsell\s+100% · won \(closes the deal\) · 0 deals/);
    expect(out).toContain(
      'Negotiation holds 1 deal, so it stays open: a deal’s status follows its stage’s kind. Move it to another stage first (`/deal stage remove Negotiation move deals to <stage>` moves them all).',
    );
  });

  it('`list in <pipeline>` lists that pipeline’s deals, with mine, a stage and filters; an unknown one names the pipelines', async () => {
    const out = await script([
      '/deal pipeline new Renewals',
      '/deal stage add Check-in after New in renewals',
      '/deal new Renew Acme 5k in renewals',
      '/deal new Renew Globex check-in in renewals',
      '/deal new Sales deal 2k',
      '/deal list in renewals',
      '/deal list mine in renewals',
      '/deal list check-in in renewals',
      '/deal list in partners',
    ]);
    const [, all = '', mine = '', stage = '', unknown = ''] = out.split(/\n(?=All open deals in Renewals|Your open deals in Renewals|Deals in Check-in \(Renewals\)|✗ There is no pipeline)/);
    expect(all).toMatch(/^All open deals in Renewals \(2\)/);
    expect(all).toContain('Renew Acme');
    expect(all).toContain('Renew Globex');
    expect(all).not.toContain('Sales deal');
    expect(mine).toMatch(/^Your open deals in Renewals \(2\)/);
    expect(stage).toMatch(/^Deals in Check-in \(Renewals\) \(1\)/);
    expect(stage).toContain('Renew Globex');
    expect(unknown).toContain('There is no pipeline called “partners”. Pipelines: Sales, Renewals.');
  });

  it('a member is refused `stage kind`, with the admins named', async () => {
    const out = await script(['/as @bob', '/deal stage kind Parked open']);
    expect(out).toContain('Only admins can change pipelines and stages. Ask Alice Adams.');
  });
});
