/**
 * Progress of a long run (backup, restore, export): a bar redrawn in place on a terminal, plain
 * lines on a pipe or in a log (one per table as it finishes, and one every few seconds in between).
 */
import type { Writable } from 'node:stream';

export interface Progress {
  /** The run's total, in rows. */
  begin(total: number): void;
  /** A table's rows start. */
  table(name: string, rows: number): void;
  /** `n` more rows done. */
  advance(n: number): void;
  /** The run is over (the bar line ends). */
  end(): void;
}

export const silentProgress: Progress = { begin() {}, table() {}, advance() {}, end() {} };

/** How often a pipe gets a line in the middle of a large table. */
const PIPE_INTERVAL_MS = 5_000;
/** How often the terminal bar is redrawn at most. */
const TTY_INTERVAL_MS = 100;
const BAR_WIDTH = 24;

const fmt = (n: number) => n.toLocaleString('en-US');
const rows = (n: number) => `${fmt(n)} row${n === 1 ? '' : 's'}`;

/** `verb`: what the lines say is being done ("backed up", "restored"). */
export function streamProgress(out: Writable & { isTTY?: boolean }, verb: string, now: () => number = Date.now): Progress {
  const tty = out.isTTY === true;
  let total = 0;
  let done = 0;
  let current: { name: string; rows: number; done: number } | undefined;
  let last = 0;
  const percent = () => (total === 0 ? 100 : Math.floor((done / total) * 100));
  const draw = () => {
    const filled = Math.round((percent() / 100) * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
    out.write(`\r\x1b[K${bar} ${percent()}% ${fmt(done)}/${fmt(total)} rows${current ? `  ${current.name}` : ''}`);
  };
  const finishTable = () => {
    if (!current) return;
    if (!tty) out.write(`${current.name}: ${rows(current.done)} ${verb} (${percent()}% of ${fmt(total)})\n`);
    current = undefined;
  };
  return {
    begin(t) {
      total = t;
      last = now();
      if (tty) draw();
    },
    table(name, rows) {
      finishTable();
      current = { name, rows, done: 0 };
      if (tty) draw();
    },
    advance(n) {
      done += n;
      if (current) current.done += n;
      const t = now();
      if (tty && t - last >= TTY_INTERVAL_MS) {
        last = t;
        draw();
      } else if (!tty && current && t - last >= PIPE_INTERVAL_MS) {
        last = t;
        out.write(`${current.name}: ${fmt(current.done)} of ${rows(current.rows)} ${verb}\n`);
      }
    },
    end() {
      finishTable();
      if (tty) {
        draw();
        out.write('\n');
      }
    },
  };
}
