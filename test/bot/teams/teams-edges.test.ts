/**
 * The Teams endpoint at the edge (issue 11, point 9): a malformed, oversized or absurdly nested
 * JSON body gets a bare 400 or 413, with no stack trace or file path in the answer, whatever
 * NODE_ENV says (Express's own error page shows both outside production), and a well-formed
 * activity still gets its answer.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEAMS_MAX_JSON_DEPTH } from '../../../src/bot/http.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureConnector, channelToken, message, mockBotFramework, startTeams, type TeamsHarness } from './harness.js';

const MODES = ['development', 'test', 'production'] as const;
/** TEAMS_BODY_LIMIT in src/bot/http.ts. */
const ONE_MB = 1024 * 1024;

let t: TestDb;
const servers = new Map<(typeof MODES)[number], TeamsHarness>();

beforeAll(async () => {
  t = await createTestDb();
  const saved = process.env.NODE_ENV;
  try {
    // Express reads NODE_ENV when the app is made: one server per mode.
    for (const mode of MODES) {
      process.env.NODE_ENV = mode;
      servers.set(mode, await startTeams(t.crm));
    }
  } finally {
    process.env.NODE_ENV = saved;
  }
});
afterAll(async () => {
  for (const s of servers.values()) await s.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockBotFramework();
});

async function postRaw(teams: TeamsHarness, raw: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${teams.server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${channelToken()}` },
    body: raw,
  });
  return { status: res.status, text: await res.text() };
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe.each(MODES)('NODE_ENV=%s', (mode) => {
  const bodies: [string, () => string, number][] = [
    ['malformed JSON', () => '{"type":"message","text":', 400],
    ['a body over the limit', () => JSON.stringify({ type: 'message', text: 'x'.repeat(ONE_MB + 10) }), 413],
    ['JSON nested 100,000 deep (well under the size limit)', () => nested(100_000), 400],
    ['JSON nested one level past the depth limit', () => JSON.stringify({ type: 'message', value: JSON.parse(nested(TEAMS_MAX_JSON_DEPTH)) }), 400],
  ];

  it.each(bodies)('answers %s with a bare status, no stack trace or path', async (_name, body, status) => {
    const res = await postRaw(servers.get(mode)!, body());
    expect(res.status).toBe(status);
    expect(res.text).toBe('');
  });

  it('still answers a well-formed activity', async () => {
    const sent = captureConnector();
    const res = await servers.get(mode)!.post(message('help'));
    expect(res.status).toBe(200);
    await expect.poll(() => sent.length, { timeout: 10_000 }).toBeGreaterThan(0);
  });
});
