import type { RecoveryPointRef, RunFailure } from './run-state/backup-run.js';
import type { BucketCopyResult } from './run-state/backup-run-summary.js';
import type { Discovery } from './run-state/discovery.js';

/**
 * The arithmetic of a backup run's summary (functions/steps/summarize-run.ts folds the branches'
 * results into failures and recovery points; this counts them).
 */

/** How one kind of source fared in a run. */
export interface SourceCounts {
  optedIn: number;
  selected: number;
  succeeded: number;
  failed: number;
}

export type RunOutcome = 'succeeded' | 'partial' | 'failed' | 'nothing-to-do';

/** Bucket copies of a run, summed over its source buckets and DR regions. */
export interface BucketCopyTotals {
  /** Copies that made a recovery point (a manifest). */
  runs: number;
  objects: number;
  copied: number;
  kept: number;
  deletedAtSource: number;
  bytesCopied: number;
  verified: number;
  failed: number;
}

/** Recovery points a run made, by kind; a copy is a point with `copyOf`. */
export interface CreatedCounts {
  snapshotsCreated: number;
  copiesCreated: number;
  imagesCreated: number;
  imageCopiesCreated: number;
  exportsCreated: number;
}

const summedBucketCopyFields = [
  'objects',
  'copied',
  'kept',
  'deletedAtSource',
  'bytesCopied',
  'verified',
  'failed',
] as const;

/**
 * A source with any failure failed; the other selected ones succeeded. When the branch failed as a
 * whole (`branchRan` false) none of its sources succeeded.
 */
export function sourceCounts(
  optedIn: number,
  selected: number,
  branchRan: boolean,
  failures: readonly RunFailure[],
): SourceCounts {
  const failed = distinctSources(failures);
  return { optedIn, selected, succeeded: branchRan ? Math.max(0, selected - failed) : 0, failed };
}

/** Volumes also count their discovery failures as failed: those were never selected. */
export function volumeCounts(
  discovery: Discovery,
  branchRan: boolean,
  failures: readonly RunFailure[],
): SourceCounts & { excluded: string[] } {
  const counts = sourceCounts(discovery.optedIn, discovery.selected, branchRan, failures);
  const notUsable = discovery.failures.filter((failure) => failure.stage === 'discover');
  return {
    optedIn: counts.optedIn,
    selected: counts.selected,
    excluded: discovery.excluded,
    succeeded: counts.succeeded,
    failed: distinctSources([...failures, ...notUsable]),
  };
}

/** Nothing selected and nothing wrong is nothing to do; any failure makes the run partial or failed. */
export function runOutcome(sources: readonly SourceCounts[], failureCount: number): RunOutcome {
  const selected = sources.reduce((sum, counts) => sum + counts.selected, 0);
  const succeeded = sources.reduce((sum, counts) => sum + counts.succeeded, 0);
  if (failureCount === 0) return selected === 0 ? 'nothing-to-do' : 'succeeded';
  return succeeded === 0 ? 'failed' : 'partial';
}

export function bucketCopyTotals(copies: readonly BucketCopyResult[]): BucketCopyTotals {
  const totals: BucketCopyTotals = {
    runs: 0,
    objects: 0,
    copied: 0,
    kept: 0,
    deletedAtSource: 0,
    bytesCopied: 0,
    verified: 0,
    failed: 0,
  };
  for (const copy of copies) {
    if (copy.recoveryPoint) totals.runs += 1;
    for (const field of summedBucketCopyFields) totals[field] += copy[field];
  }
  return totals;
}

export function createdCounts(points: readonly RecoveryPointRef[]): CreatedCounts {
  const count = (kind: RecoveryPointRef['kind'], copies: boolean) =>
    points.filter((point) => point.kind === kind && Boolean(point.copyOf) === copies).length;
  return {
    snapshotsCreated: count('volume-snapshot', false),
    copiesCreated: count('volume-snapshot', true),
    imagesCreated: count('image', false),
    imageCopiesCreated: count('image', true),
    exportsCreated: count('image-export', false),
  };
}

/** The points of each region, in the order they came. */
export function pointsByRegion(
  points: readonly RecoveryPointRef[],
): Record<string, RecoveryPointRef[]> {
  const byRegion: Record<string, RecoveryPointRef[]> = {};
  for (const point of points) (byRegion[point.region] ??= []).push(point);
  return byRegion;
}

/** Whole seconds from an ISO-8601 start to now, never negative (clocks disagree a little). */
export function secondsSince(startedAt: string, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - new Date(startedAt).getTime()) / 1000));
}

function distinctSources(failures: readonly RunFailure[]): number {
  return new Set(failures.map((failure) => failure.sourceId)).size;
}
