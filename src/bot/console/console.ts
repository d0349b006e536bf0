/**
 * The terminal surface: the same `/deal` grammar and view models as Slack and Teams, rendered as
 * text. Interactive on a terminal; on a pipe it reads one command per line and exits at the end,
 * so it can be scripted:  printf '/deal new Acme 25k\n/deal list\n' | npm start
 */
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Member } from '../../generated/sqlite/client.js';
import type { Crm } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import { executeCommand } from '../commands/execute.js';
import { renderReply } from './render.js';

export interface ConsoleOptions {
  crm: Crm;
  log: Logger;
  member: Member;
  input: Readable;
  output: Writable;
  interactive: boolean;
  color: boolean;
  /** Aborted on SIGINT/SIGTERM: the console stops reading (after the command in progress) and returns. */
  signal?: AbortSignal;
}

const CONSOLE_HELP = `Console commands (besides /deal …):
  /as @handle   act as another person (they join the workspace on first use)
  /whoami       who you are acting as
  /quit         leave (Ctrl-D or Ctrl-C work too)
Lines starting with # are ignored, so scripts can carry comments.`;

export async function runConsole(opts: ConsoleOptions): Promise<void> {
  const { crm, output } = opts;
  let member = opts.member;
  const write = (text: string) => output.write(`${text}\n`);
  const rl = readline.createInterface({
    input: opts.input,
    output: opts.interactive ? output : undefined,
    terminal: opts.interactive,
    prompt: 'deal> ',
    historySize: 200,
  });
  // Stop reading on a signal; Ctrl-C at the prompt (a terminal in raw mode sends no SIGINT) leaves too.
  let stopped = false;
  const stop = () => {
    stopped = true;
    rl.close();
  };
  if (opts.signal?.aborted) {
    rl.close();
    return;
  }
  opts.signal?.addEventListener('abort', stop, { once: true });
  rl.on('SIGINT', () => {
    if (opts.interactive) write('');
    stop();
  });
  let deliveries = 0;
  if (opts.interactive) rl.prompt();
  for await (const raw of rl) {
    // Lines already read when the stop came are dropped: a stop ends after the command in progress.
    if (stopped) break;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      if (opts.interactive) rl.prompt();
      continue;
    }
    if (/^\/?(quit|exit)$/i.test(line)) break;
    const as = /^\/as\s+@?([a-z0-9._-]{1,40})$/i.exec(line);
    if (as?.[1]) {
      const handle = as[1].toLowerCase();
      member = await crm.identity.ensureMember({
        workspaceId: member.workspaceId,
        externalId: `console:${handle}`,
        handle,
        displayName: handle.charAt(0).toUpperCase() + handle.slice(1),
        timezone: member.timezone,
      });
      write(`You are now ${member.displayName} (@${member.handle}).`);
    } else if (/^\/?whoami$/i.test(line)) {
      write(`${member.displayName} (@${member.handle}), time zone ${member.timezone}.`);
    } else if (/^\/?(console|\?)$/i.test(line)) {
      write(CONSOLE_HELP);
    } else {
      const text = line.replace(/^\/?deal\b/i, '').trim();
      const actor = await crm.identity.actorFor(member);
      deliveries += 1;
      const reply = await executeCommand(
        { crm, actor, surface: 'console', log: opts.log, deliveryId: `${process.pid}:${Date.now()}:${deliveries}` },
        text,
      );
      write(renderReply(reply, { now: crm.clock.now(), timeZone: actor.timeZone, color: opts.color }));
    }
    if (opts.interactive) {
      write('');
      rl.prompt();
    }
  }
  opts.signal?.removeEventListener('abort', stop);
  rl.close();
}
