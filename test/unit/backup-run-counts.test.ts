import {
  bucketCopyTotals,
  runOutcome,
  sourceCounts,
} from '../../functions/core/backup-run-counts.js';
import type { RunFailure } from '../../functions/core/run-state/backup-run.js';

const failure = (sourceId: string): RunFailure => ({
  sourceId,
  stage: 'snapshot',
  region: 'us-east-1',
  name: 'Error',
  message: 'failed',
});

describe('sourceCounts', () => {
  it('counts a source with several failures once', () => {
    expect(
      sourceCounts(5, 4, true, [failure('vol-1'), failure('vol-1'), failure('vol-2')]),
    ).toEqual({ optedIn: 5, selected: 4, succeeded: 2, failed: 2 });
  });

  it('counts no success when the branch failed as a whole', () => {
    expect(sourceCounts(5, 4, false, []).succeeded).toBe(0);
  });
});

describe('runOutcome', () => {
  const counts = (selected: number, succeeded: number) => ({
    optedIn: selected,
    selected,
    succeeded,
    failed: selected - succeeded,
  });

  it('is nothing-to-do with nothing selected and nothing wrong, succeeded with no failure', () => {
    expect(runOutcome([counts(0, 0)], 0)).toBe('nothing-to-do');
    expect(runOutcome([counts(2, 2)], 0)).toBe('succeeded');
  });

  it('is partial when something succeeded besides the failures, failed otherwise', () => {
    expect(runOutcome([counts(2, 1), counts(0, 0)], 1)).toBe('partial');
    expect(runOutcome([counts(2, 0)], 2)).toBe('failed');
    expect(runOutcome([counts(0, 0)], 1)).toBe('failed');
  });
});

describe('bucketCopyTotals', () => {
  it('sums the copies and counts those that made a recovery point as runs', () => {
    const item = { bucket: 'b', region: 'us-west-2', backupBucket: 'bb', expiresAt: 'never' };
    const copy = { item, objects: 3, copied: 2, kept: 1, deletedAtSource: 0, bytesCopied: 10 };
    const totals = bucketCopyTotals([
      { ...copy, verified: 2, failed: 0, failures: [] },
      {
        ...copy,
        recoveryPoint: { id: 'm', region: 'us-west-2', sourceId: 'b', kind: 'bucket-copy' },
        verified: 1,
        failed: 1,
        failures: [],
      },
    ]);
    expect(totals).toEqual({
      runs: 1,
      objects: 6,
      copied: 4,
      kept: 2,
      deletedAtSource: 0,
      bytesCopied: 20,
      verified: 3,
      failed: 1,
    });
  });
});
