/** The ledger job: forgets run-ledger rows older than 35 days (the ledger only needs recent days). */
import type { Job } from './runtime.js';

export const pruneLedgerJob: Job = (rt) => rt.runner.pruneLedger(35);
