import type { RecoveryPoint, RecoveryPointKind } from '../recovery-point.js';
import { RestoreValidationError } from './restore-errors.js';

export interface PointAtTime {
  sourceId: string;
  kind: RecoveryPointKind;
  /** ISO time, any offset. */
  at: string;
  /** Only points in this region (a restore's region), when given. */
  region?: string;
}

/**
 * The newest AVAILABLE point of a source and kind created at or before `at`. An `at` in the
 * future, or before the oldest such point, is a RestoreValidationError on `at` that names the
 * newest (or oldest) point there is, so the caller can ask again with a time that works.
 */
export function pointAtOrBefore(
  points: readonly RecoveryPoint[],
  wanted: PointAtTime,
  now: Date,
): RecoveryPoint {
  const candidates = points
    .filter(
      (point) =>
        point.state === 'available' &&
        point.kind === wanted.kind &&
        point.sourceId === wanted.sourceId &&
        (wanted.region === undefined || point.region === wanted.region),
    )
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || a.id.localeCompare(b.id));
  const where = wanted.region ? ` in ${wanted.region}` : '';
  const newest = candidates[0];
  const oldest = candidates.at(-1);
  if (!newest || !oldest) {
    throw problem(
      'sourceId',
      'no-recovery-point',
      `${wanted.sourceId} has no available ${wanted.kind} recovery point${where}`,
    );
  }
  const at = Date.parse(wanted.at);
  if (at > now.getTime()) {
    throw problem(
      'at',
      'at-in-the-future',
      `at ${wanted.at} is in the future; the newest ${wanted.kind} point of ${wanted.sourceId}${where} is ${newest.id}, created ${newest.createdAt}`,
    );
  }
  const chosen = candidates.find((point) => Date.parse(point.createdAt) <= at);
  if (!chosen) {
    throw problem(
      'at',
      'at-before-first-point',
      `at ${wanted.at} is before the first ${wanted.kind} point of ${wanted.sourceId}${where}; the oldest is ${oldest.id}, created ${oldest.createdAt}`,
    );
  }
  return chosen;
}

function problem(path: string, code: string, message: string): RestoreValidationError {
  return new RestoreValidationError([{ path, code, message }]);
}
