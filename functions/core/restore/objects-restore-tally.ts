import type { ManifestEntry } from '../object-sync.js';
import type { CreatedResource, RestoreFailure, RestoreProgress } from './restore-record.js';
import { NAMED_KEYS, type ObjectsRestoreState } from '../run-state/objects-restore-run.js';

/** What became of one selected object (functions/steps/restore/restore-one-object.ts decides). */
export type ObjectOutcome =
  | { kind: 'copied' }
  | { kind: 'left-existing' }
  | { kind: 'left-identical' }
  | { kind: 'undetermined'; why: string }
  | { kind: 'conflict'; targetKey: string }
  | { kind: 'failed'; name: string; message: string };

/** The state with one object's outcome counted (and its key named, up to NAMED_KEYS a kind). */
export function countOutcome(
  state: ObjectsRestoreState,
  entry: ManifestEntry,
  outcome: ObjectOutcome,
): ObjectsRestoreState {
  const tally = {
    ...state.tally,
    done: state.tally.done + 1,
    bytesDone: state.tally.bytesDone + entry.size,
  };
  const named = { ...state.named };
  switch (outcome.kind) {
    case 'copied':
      tally.copied += 1;
      tally.bytesCopied += entry.size;
      break;
    case 'left-existing':
      tally.leftExisting += 1;
      break;
    case 'left-identical':
      tally.leftIdentical += 1;
      break;
    case 'undetermined':
      tally.undetermined += 1;
      named.undetermined = upTo([...named.undetermined, { key: entry.key, why: outcome.why }]);
      break;
    case 'conflict':
      tally.conflicts += 1;
      named.conflicts = upTo([...named.conflicts, outcome.targetKey]);
      break;
    case 'failed':
      tally.failed += 1;
      named.failures = upTo([
        ...named.failures,
        { key: entry.key, name: outcome.name, message: outcome.message },
      ]);
      break;
  }
  return { ...state, tally, named };
}

const upTo = <T>(items: T[]): T[] => items.slice(0, NAMED_KEYS);

/** The record's progress: objects and bytes settled of the selection (its size once surveyed). */
export function progressOf(state: ObjectsRestoreState): RestoreProgress {
  const surveyed = state.phase !== 'survey';
  return {
    unit: 'objects',
    done: state.tally.done,
    bytesDone: state.tally.bytesDone,
    ...(surveyed ? { total: state.selected.objects, bytesTotal: state.selected.bytes } : {}),
  };
}

/** The one created resource of an objects restore: the target prefix, with how many were written. */
export function restoredObjectsResource(state: ObjectsRestoreState): CreatedResource {
  const { bucket, prefix = '' } = state.request.target;
  return {
    type: 'objects',
    id: `s3://${bucket}/${prefix}`,
    arn: `arn:aws:s3:::${bucket}/${prefix}*`,
    region: state.region,
    count: state.tally.copied,
  };
}

/** Why a finished restore is FAILED (none: COMPLETED), each as the record lists errors. */
export function restoreFailures(state: ObjectsRestoreState): RestoreFailure[] {
  const { tally, named, request } = state;
  const failures: RestoreFailure[] = [];
  if (tally.conflicts > 0)
    failures.push({
      name: 'TargetObjectsExistError',
      path: 'existingObjects',
      message: `existingObjects is fail and target bucket ${request.target.bucket} holds ${tally.conflicts} selected key(s): ${named.conflicts.join(', ')}`,
    });
  if (tally.undetermined > 0)
    failures.push({
      name: 'ObjectComparisonUndeterminedError',
      path: 'existingObjects',
      message: `${tally.undetermined} object(s) were left as they are because they could not be compared: ${named.undetermined.map(({ key, why }) => `${key} (${why})`).join('; ')}`,
    });
  for (const failure of named.failures)
    failures.push({ name: failure.name, message: `${failure.key}: ${failure.message}` });
  if (tally.failed > named.failures.length)
    failures.push({
      name: 'ObjectRestoreFailedError',
      message: `${tally.failed - named.failures.length} more object(s) failed to restore`,
    });
  return failures;
}
