import type { SnapshotRecord, SnapshotStore } from '../ports/snapshot-store.js';
import { SnapshotFailedError } from '../ports/errors/snapshot-errors.js';
import { isRetryableAwsError } from '../ports/errors/aws-request-errors.js';
import type { SnapshotWork } from '../core/run-state/volume-batch.js';

/** Polls a started snapshot may stay invisible to Describe before it is declared lost. */
const maxUnseenPolls = 3;

/** A start worth another try later is one that failed with a retryable AWS error. */
export function isRetryableStartError(error: unknown): boolean {
  return isRetryableAwsError(error);
}

/** The fields every kind of started work shares (snapshots, images, copies, exports). */
interface StartedWork {
  attempts: number;
  status: string;
  error?: { name: string; message: string };
}

/**
 * A start (CreateSnapshot, CopyImage, ExportImage, ...) that failed: throttling and transient
 * errors leave the work queued for the next poll until `maxAttempts`; anything else fails it now.
 */
export function afterStartFailure<W extends StartedWork>(
  work: W,
  error: unknown,
  maxAttempts: number,
): W {
  const attempts = work.attempts + 1;
  const failure = toFailure(error);
  if (isRetryableStartError(error) && attempts < maxAttempts)
    return { ...work, attempts, error: failure };
  return { ...work, attempts, status: 'failed', error: failure };
}

/** A start that returned the new resource's id: from now on it is polled. */
export function afterStart<W extends SnapshotWork>(work: W, id: string): W {
  const { error: _previous, ...rest } = work;
  return { ...rest, status: 'pending', id, attempts: work.attempts + 1 } as W;
}

/** Adopts what Describe says about a started snapshot (or that it said nothing). */
export function afterObservation<W extends SnapshotWork>(
  work: W,
  record: SnapshotRecord | undefined,
): W {
  if (!record) {
    const unseenPolls = work.unseenPolls + 1;
    if (unseenPolls <= maxUnseenPolls) return { ...work, unseenPolls };
    return {
      ...work,
      unseenPolls,
      status: 'failed',
      error: {
        name: 'SnapshotVanishedError',
        message: `snapshot ${work.id} is not visible after ${unseenPolls} polls (deleted outside the run?)`,
      },
    };
  }
  const facts = {
    ...(record.sizeGiB !== undefined ? { sizeGiB: record.sizeGiB } : {}),
    ...(record.encrypted !== undefined ? { encrypted: record.encrypted } : {}),
    ...(record.kmsKeyId ? { kmsKeyId: record.kmsKeyId } : {}),
  };
  if (record.state === 'completed') return { ...work, ...facts, status: 'completed' };
  if (record.state === 'error') {
    const error = new SnapshotFailedError(
      `snapshot ${record.snapshotId} of ${record.volumeId || 'a copy'} failed: ${record.stateMessage ?? 'no reason given'}`,
    );
    return { ...work, ...facts, status: 'failed', error: toFailure(error) };
  }
  return { ...work, ...facts, status: 'pending' };
}

export function afterTimeout<W extends SnapshotWork>(work: W, waitedSeconds: number): W {
  if (work.status !== 'pending' && work.status !== 'queued') return work;
  return {
    ...work,
    status: 'failed',
    error: {
      name: 'SnapshotTimeoutError',
      message: `snapshot ${work.id ?? '(not started)'} did not complete within ${waitedSeconds}s`,
    },
  };
}

export function isUnsettled(work: SnapshotWork): boolean {
  return work.status === 'queued' || work.status === 'pending';
}

export function toFailure(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/**
 * Reads every pending work's resource with one Describe per turn (never one per resource) and
 * applies what it says. `describe` answers for the ids it was given, keyed by id.
 */
export async function observePending<I, W extends SnapshotWork>(
  items: I[],
  workOf: (item: I) => W | undefined,
  withWork: (item: I, work: W) => I,
  describe: (ids: string[]) => Promise<Map<string, SnapshotRecord>>,
): Promise<I[]> {
  const pendingIds = items.flatMap((item) => {
    const work = workOf(item);
    return work?.status === 'pending' && work.id ? [work.id] : [];
  });
  if (pendingIds.length === 0) return items;
  const observed = await describe(pendingIds);
  return items.map((item) => {
    const work = workOf(item);
    if (work?.status !== 'pending' || !work.id) return item;
    return withWork(item, afterObservation(work, observed.get(work.id)));
  });
}

/** A Describe of snapshots for observePending, keyed by id. */
export function snapshotsById(store: SnapshotStore) {
  return async (ids: string[]) =>
    new Map((await store.describeSnapshots(ids)).map((record) => [record.snapshotId, record]));
}
