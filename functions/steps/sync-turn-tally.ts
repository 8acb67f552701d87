import type { RunFailure } from '../core/run-state/backup-run.js';
import type { BucketCopyState, SyncTotals } from '../core/run-state/bucket-copy.js';
import type { SyncOutcome } from './copy-changed-object.js';
import type { ManifestPartWriter } from './manifest-stream.js';

/** Per-object failures listed in the state (all are counted). */
const listedFailuresLimit = 50;

/**
 * The bookkeeping of one sync turn (functions/steps/sync-bucket.ts): the range's counters and
 * listed failures carried on from earlier turns, and this turn's manifest part, written in key order.
 */
export class SyncTurnTally {
  readonly totals: SyncTotals;
  readonly failures: RunFailure[];

  constructor(
    state: BucketCopyState,
    private readonly writer: ManifestPartWriter,
  ) {
    this.totals = { ...state.totals };
    this.failures = [...state.failures];
  }

  /** Counts a chunk's outcomes and writes their manifest lines, in the chunk's (key) order. */
  async settle(outcomes: SyncOutcome[]): Promise<void> {
    for (const outcome of outcomes) await this.settleOne(outcome);
  }

  private async settleOne(outcome: SyncOutcome): Promise<void> {
    const { totals } = this;
    if (outcome.kind !== 'deleted') totals.objects += outcome.kind === 'vanished' ? 0 : 1;
    switch (outcome.kind) {
      case 'line':
        await this.writer.write(outcome.entry);
        totals.copied += 1;
        totals.bytesCopied += outcome.copiedBytes;
        totals.requests += outcome.requests;
        if (outcome.verified) totals.verified += 1;
        else totals.unverified += 1;
        break;
      case 'kept':
        await this.writer.write(outcome.entry);
        totals.kept += 1;
        break;
      case 'vanished':
        totals.vanished += 1;
        totals.requests += outcome.requests;
        break;
      case 'deleted':
        totals.deletedAtSource += 1;
        break;
      case 'failed':
        totals.failed += 1;
        totals.requests += outcome.requests;
        if (this.failures.length < listedFailuresLimit) this.failures.push(outcome.failure);
        if (outcome.keep) await this.writer.write(outcome.keep);
        break;
    }
  }
}
