import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import { InvalidInputError } from '../../functions/core/errors.js';
import type { ManifestEntry } from '../../functions/core/object-sync.js';
import {
  objectSelection,
  targetKeyOf,
  type ExistingObjectsMode,
} from '../../functions/core/restore/objects-restore-plan.js';
import type { ObjectOutcome } from '../../functions/core/restore/objects-restore-tally.js';
import type { ObjectsRestoreRequest } from '../../functions/core/restore/restore-request.js';
import type { ObjectStore } from '../../functions/ports/object-store.js';
import { selectedEntries } from '../../functions/steps/restore/objects-manifest-selection.js';
import { restoreOneObject } from '../../functions/steps/restore/restore-one-object.js';
import { toFailure } from '../../functions/steps/work-outcomes.js';

export interface RestoreBucketCopyRequest {
  point: RecoveryPoint;
  targetBucket: string;
  /** Only keys under this source prefix ('' for the whole bucket). */
  prefix?: string;
  /** Prepended to each restored key in the target bucket. */
  targetPrefix?: string;
  /** What to do with a key the target already holds. @default 'skip' (never overwritten) */
  existingObjects?: ExistingObjectsMode;
}

export interface RestoreBucketCopyResult {
  recoveryPoint: string;
  /** Objects written into the target, and their bytes. */
  restored: number;
  bytes: number;
  /** Left as the target holds them: existing (skip), identical, or not comparable (fail closed). */
  leftExisting: number;
  leftIdentical: number;
  undetermined: { key: string; why: string }[];
  /** existingObjects 'fail': the target keys that already exist (nothing was copied then). */
  conflicts: string[];
  failures: { key: string; name: string; message: string }[];
}

/**
 * The tests' in-process restore of a bucket copy, to judge what a backup made (the product's
 * restores run statemachines/restore-objects.asl.json on the same core): every
 * key that run's manifest lists, at the version the manifest names, copied server-side from the
 * backup bucket into the target. A key deleted at the source after that run is restored too. A
 * key the target already holds is left as it is unless `existingObjects` says otherwise
 * (functions/core/restore/objects-restore-plan.ts): restoring into the live source bucket never
 * overwrites newer data by default.
 */
export async function restoreBucketCopy(
  request: RestoreBucketCopyRequest,
  stores: { backup: ObjectStore; target: ObjectStore },
): Promise<RestoreBucketCopyResult> {
  const { point } = request;
  if (point.kind !== 'bucket-copy' || !point.manifest) {
    throw new InvalidInputError(
      `recovery point ${point.id} is a ${point.kind}, not a bucket copy with a manifest`,
    );
  }
  const objects = objectsRequestOf(request);
  const selection = objectSelection(objects);
  const result: RestoreBucketCopyResult = {
    recoveryPoint: point.id,
    restored: 0,
    bytes: 0,
    leftExisting: 0,
    leftIdentical: 0,
    undetermined: [],
    conflicts: [],
    failures: [],
  };
  if (objects.existingObjects === 'fail') {
    // Every selected key is looked for before anything is copied.
    for await (const entry of selectedEntries(stores.backup, point.manifest, selection)) {
      const key = targetKeyOf(objects, entry.key);
      if (await stores.target.describeObject(request.targetBucket, key)) result.conflicts.push(key);
    }
    if (result.conflicts.length > 0) return result;
  }
  const one = { request: objects, manifest: point.manifest, target: stores.target };
  for await (const entry of selectedEntries(stores.backup, point.manifest, selection)) {
    // Throttling that outlived the SDK's retries fails this object only, as any other error.
    const outcome = await restoreOneObject(entry, one).catch((error: unknown): ObjectOutcome => ({
      kind: 'failed',
      ...toFailure(error),
    }));
    countInto(result, entry, outcome);
  }
  return result;
}

function objectsRequestOf(request: RestoreBucketCopyRequest): ObjectsRestoreRequest {
  return {
    kind: 'objects',
    recoveryPointId: request.point.id,
    target: {
      bucket: request.targetBucket,
      ...(request.targetPrefix ? { prefix: request.targetPrefix } : {}),
    },
    ...(request.prefix ? { prefixes: [request.prefix] } : {}),
    existingObjects: request.existingObjects ?? 'skip',
  };
}

function countInto(
  result: RestoreBucketCopyResult,
  entry: ManifestEntry,
  outcome: ObjectOutcome,
): void {
  if (outcome.kind === 'copied') {
    result.restored += 1;
    result.bytes += entry.size;
  } else if (outcome.kind === 'left-existing') result.leftExisting += 1;
  else if (outcome.kind === 'left-identical') result.leftIdentical += 1;
  else if (outcome.kind === 'undetermined')
    result.undetermined.push({ key: entry.key, why: outcome.why });
  else if (outcome.kind === 'conflict') result.conflicts.push(outcome.targetKey);
  else result.failures.push({ key: entry.key, name: outcome.name, message: outcome.message });
}
