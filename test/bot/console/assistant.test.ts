import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../../src/bot/console/console.js';
import { loadEnv } from '../../../src/config/env.js';
import { createCrm, type Crm } from '../../../src/domain/index.js';
import { createAssistantFromEnv } from '../../../src/llm/index.js';
import { silentLogger } from '../../../src/log.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../../helpers/fixtures.js';
import { seedDeal } from '../../helpers/assistant.js';

let t: TestDb;
let w: TestWorkspace;
let crm: Crm;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
  // Wired as src/main.ts does, from an environment without OPENAI_API_KEY.
  const env = loadEnv({ DATABASE_URL: t.url, CRM_TIMEZONE: 'Europe/Berlin' });
  crm = createCrm(t.handle.db, t.clock, { assistant: createAssistantFromEnv(env, silentLogger) });
});
afterAll(async () => t.cleanup());

async function script(lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => (text += String(chunk)));
  const member = await t.handle.db.member.findUniqueOrThrow({ where: { id: w.alice.memberId } });
  const done = runConsole({ crm, log: silentLogger, member, input, output, interactive: false, color: false });
  input.end(lines.join('\n') + '\n');
  await done;
  return text;
}

describe('the console without OPENAI_API_KEY', () => {
  it('/deal draft D-1 prints the labelled offline draft', async () => {
    const deal = await seedDeal(t.crm, w.alice, 'Globex renewal');
    expect(deal.ref).toBe('D-1');
    const out = await script(['/deal draft D-1']);
    const lines = out.split('\n');
    expect(lines[0]).toBe('Offline draft (no AI)');
    expect(lines[1]).toBe('  No AI model is configured (OPENAI_API_KEY), so this was filled in from the CRM data.');
    expect(lines[2]).toBe('D-1  Globex renewal');
    expect(out).toContain('Subject: Following up: Globex renewal');
    expect(out).toContain('Hi Ana and Ben,');
    expect(out).toContain('Thank you for taking the time to speak with me on Monday, November 23 about Globex renewal.');
    expect(out).toContain('Best regards,\nAlice Adams');
    expect(out).toContain('Only you can see this draft; nothing was sent.');
  });

  it('/deal summary D-1 prints the labelled extractive summary', async () => {
    const out = await script(['/deal summary D-1']);
    expect(out.split('\n')[0]).toBe('Offline summary (no AI): extracted from the activities');
    expect(out).toContain('  • Next action: send the revised proposal (due Fri, Nov 27). [deal]');
    expect(out).toContain('Open questions:\n  • Can we offer a 5% discount? [A1]');
  });
});
