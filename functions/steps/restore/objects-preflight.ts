import type { RecoveryPoint } from '../../core/recovery-point.js';
import {
  globProblems,
  objectSelection,
  targetKeyOf,
} from '../../core/restore/objects-restore-plan.js';
import type { RestoreProblem } from '../../core/restore/restore-errors.js';
import type { ObjectsRestoreRequest } from '../../core/restore/restore-request.js';
import type { ObjectStore } from '../../ports/object-store.js';
import { toFailure } from '../work-outcomes.js';
import { selectedEntries } from './objects-manifest-selection.js';

/** The ports of an objects restore's preflight (real ones: functions/handlers/objects-restore-ports.ts). */
export interface ObjectsPreflightPorts {
  /** S3 in the point's region: the backup bucket and its manifest. */
  backup: ObjectStore;
  /** S3 in the target bucket's region. */
  target: Pick<ObjectStore, 'bucketExists' | 'describeObject'>;
  /** The product's backup buckets (the deployment's, by name); the point's own is added. */
  backupBuckets: ReadonlySet<string>;
  /** The configuration's `restore.targetBuckets`; empty: any bucket that is not a backup bucket. */
  allowedTargetBuckets?: readonly string[];
}

/** Selected keys HEADed in the target when `existingObjects` is `fail`: a cheap early warning. */
export const EXISTING_SAMPLE = 20;

/**
 * The DR stacks' backup bucket names (infra/constructs/backup-bucket.ts:
 * `<prefix>-backup-<account>-<region>`): refused as targets even when the deployment's list
 * misses one (fail closed: a restore must never write into a backup).
 */
const backupBucketName = /-backup-\d{12}-[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Every reason the objects restore cannot be carried out as asked, each by request field, with
 * nothing written (docs/adr/0012-restore-api.md, decision 2): the point is a bucket copy with a
 * manifest; the globs compile; the target bucket is not a backup bucket, is on the
 * configuration's `restore.targetBuckets` when that lists any, and exists; and for
 * `existingObjects: fail`, a sample of the selection is looked for in the target (the workflow's
 * survey checks every key before it copies any).
 */
export async function preflightObjectsRestore(
  request: ObjectsRestoreRequest,
  point: RecoveryPoint,
  ports: ObjectsPreflightPorts,
): Promise<RestoreProblem[]> {
  const problems: RestoreProblem[] = [
    ...pointProblems(point),
    ...globProblems(request),
    ...(await targetBucketProblems(request, point, ports)),
  ];
  if (problems.length > 0 || request.existingObjects !== 'fail') return problems;
  return existingObjectProblems(request, point, ports);
}

function pointProblems(point: RecoveryPoint): RestoreProblem[] {
  if (point.kind !== 'bucket-copy' || !point.manifest)
    return [
      {
        path: 'recoveryPointId',
        code: 'not-a-bucket-copy',
        message: `recovery point ${point.id} is a ${point.kind}, not a bucket copy with a manifest`,
      },
    ];
  if (point.state !== 'available')
    return [
      {
        path: 'recoveryPointId',
        code: 'point-not-available',
        message: `bucket copy ${point.id} is ${point.state}, not available`,
      },
    ];
  return [];
}

async function targetBucketProblems(
  request: ObjectsRestoreRequest,
  point: RecoveryPoint,
  ports: ObjectsPreflightPorts,
): Promise<RestoreProblem[]> {
  const { bucket } = request.target;
  const path = 'target.bucket';
  if (
    ports.backupBuckets.has(bucket) ||
    point.manifest?.bucket === bucket ||
    backupBucketName.test(bucket)
  )
    return [
      {
        path,
        code: 'target-is-backup-bucket',
        message: `target bucket ${bucket} is one of the product's backup buckets: restore into another bucket`,
      },
    ];
  const allowed = ports.allowedTargetBuckets ?? [];
  if (allowed.length > 0 && !allowed.includes(bucket))
    return [
      {
        path,
        code: 'target-bucket-not-allowed',
        message: `target bucket ${bucket} is not on the configuration's restore.targetBuckets (${allowed.join(', ')})`,
      },
    ];
  try {
    if (await ports.target.bucketExists(bucket)) return [];
    return [
      { path, code: 'target-bucket-not-found', message: `target bucket ${bucket} does not exist` },
    ];
  } catch (error) {
    const { name, message } = toFailure(error);
    return [
      {
        path,
        code: 'target-bucket-unreachable',
        message: `target bucket ${bucket} cannot be checked (${name}): ${message}`,
      },
    ];
  }
}

async function existingObjectProblems(
  request: ObjectsRestoreRequest,
  point: RecoveryPoint,
  ports: ObjectsPreflightPorts,
): Promise<RestoreProblem[]> {
  const existing: string[] = [];
  let sampled = 0;
  const entries = selectedEntries(ports.backup, point.manifest!, objectSelection(request));
  for await (const entry of entries) {
    const key = targetKeyOf(request, entry.key);
    if (await ports.target.describeObject(request.target.bucket, key)) existing.push(key);
    sampled += 1;
    if (sampled >= EXISTING_SAMPLE) break;
  }
  if (existing.length === 0) return [];
  return [
    {
      path: 'existingObjects',
      code: 'target-objects-exist',
      message: `existingObjects is fail and target bucket ${request.target.bucket} already holds ${existing.length} of the first ${sampled} selected keys: ${existing.slice(0, 5).join(', ')}`,
    },
  ];
}
