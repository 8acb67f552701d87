import type { SnapshotRecord } from '../ports/snapshot-store.js';
import {
  SnapshotFailedError,
  ThrottledError,
  TransientAwsError,
} from '../ports/snapshot-errors.js';
import type { SnapshotWork } from '../core/volume-backup-state.js';

/** Polls a started snapshot may stay invisible to Describe before it is declared lost. */
const maxUnseenPolls = 3;

/**
 * A start (CreateSnapshot/CopySnapshot) that failed: throttling and transient errors leave the
 * work queued for the next poll until `maxAttempts`; anything else fails it now.
 */
export function afterStartFailure(
  work: SnapshotWork,
  error: unknown,
  maxAttempts: number,
): SnapshotWork {
  const attempts = work.attempts + 1;
  const failure = toFailure(error);
  const retryable = error instanceof ThrottledError || error instanceof TransientAwsError;
  if (retryable && attempts < maxAttempts) return { ...work, attempts, error: failure };
  return { ...work, attempts, status: 'failed', error: failure };
}

/** A start that returned the new resource's id: from now on it is polled. */
export function afterStart(work: SnapshotWork, id: string): SnapshotWork {
  const { error: _previous, ...rest } = work;
  return { ...rest, status: 'pending', id, attempts: work.attempts + 1 };
}

/** Adopts what Describe says about a started snapshot (or that it said nothing). */
export function afterObservation(
  work: SnapshotWork,
  record: SnapshotRecord | undefined,
): SnapshotWork {
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

export function afterTimeout(work: SnapshotWork, waitedSeconds: number): SnapshotWork {
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
