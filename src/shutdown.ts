/**
 * Stopping on SIGINT and SIGTERM, in every mode: the first signal asks the running mode to stop
 * (it closes what it opened, each step bounded in time, the database last); if that has not
 * finished within STOP_DEADLINE_MS the process exits anyway with one line saying what it was
 * still waiting for; a second signal exits at once.
 */
import os from 'node:os';

/** From the first signal to the process's exit, whatever is still running. */
export const STOP_DEADLINE_MS = 10_000;
/** Exit code when the deadline forces the exit. */
export const FORCED_EXIT_CODE = 1;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type StopSignal = (typeof SIGNALS)[number];

export interface Shutdown {
  /** Aborted at the first signal: the running mode stops serving and returns. */
  readonly signal: AbortSignal;
  /** Resolves at the first signal (at once if it already came). */
  readonly requested: Promise<StopSignal>;
  /** Runs one stop step, giving up on it (with a log line) after `timeoutMs`; never throws. */
  step(name: string, run: () => Promise<unknown> | unknown, timeoutMs: number): Promise<void>;
  /** Names what the process is doing, for the deadline's line ("still <what>"). */
  busyWith(what: string): void;
  /** Removes the signal handlers and the deadline (tests; the process normally just exits). */
  dispose(): void;
}

export interface ShutdownOptions {
  /** One line to the person running the process (standard error on a pipe). */
  say(line: string): void;
  /** Where each step's outcome goes: a step that failed or took too long is a warning. */
  log: {
    warn(detail: Record<string, unknown>, msg: string): void;
    debug(detail: Record<string, unknown>, msg: string): void;
  };
  deadlineMs?: number;
  exit?: (code: number) => never;
}

export function handleStopSignals(opts: ShutdownOptions): Shutdown {
  const deadlineMs = opts.deadlineMs ?? STOP_DEADLINE_MS;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  let resolveRequested!: (s: StopSignal) => void;
  const requested = new Promise<StopSignal>((resolve) => (resolveRequested = resolve));
  let current = 'starting up';
  let deadline: NodeJS.Timeout | undefined;

  const onSignal = (sig: StopSignal) => {
    if (controller.signal.aborted) {
      opts.say(`Second ${sig}: exiting now.`);
      exit(128 + (os.constants.signals[sig] ?? 0));
      return;
    }
    opts.say(`${sig}: stopping… (again to exit at once)`);
    controller.abort();
    resolveRequested(sig);
    deadline = setTimeout(() => {
      opts.say(`Did not stop within ${deadlineMs / 1000} s (still ${current}): exiting now.`);
      exit(FORCED_EXIT_CODE);
    }, deadlineMs);
    // The deadline must not be what keeps a stopped process alive.
    deadline.unref();
  };
  for (const sig of SIGNALS) process.on(sig, onSignal);

  return {
    signal: controller.signal,
    requested,
    async step(name, run, timeoutMs) {
      current = `stopping ${name}`;
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const outcome = await Promise.race([Promise.resolve().then(run), timedOut]);
        if (outcome === 'timeout') opts.log.warn({ step: name, timeoutMs }, 'stop step took too long; going on without it');
        else opts.log.debug({ step: name, ms: Date.now() - started }, 'stopped');
      } catch (err) {
        opts.log.warn({ step: name, err }, 'stop step failed; going on');
      } finally {
        clearTimeout(timer);
        current = 'finishing';
      }
    },
    busyWith(what) {
      current = what;
    },
    dispose() {
      for (const sig of SIGNALS) process.off(sig, onSignal);
      clearTimeout(deadline);
    },
  };
}
