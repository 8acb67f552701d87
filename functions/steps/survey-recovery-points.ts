import type { ManifestIndex } from '../core/bucket-copy-state.js';
import type { PruneContext, PruneTarget } from '../core/prune-state.js';
import {
  planRegionPrune,
  type RegionPrunePlan,
  type SurveyedPoint,
} from '../core/region-prune-plan.js';
import type { RecoveryPointState } from '../core/recovery-point.js';
import { ManagedByValue, TagKeys, type Tags } from '../core/tag-keys.js';
import type { Ec2RecoveryPointStore } from '../ports/ec2-recovery-point-store.js';
import type { ObjectStore } from '../ports/object-store.js';
import { readManifestIndex } from './manifest-index.js';
import { ManifestPartMissingError } from './manifest-stream.js';

/** Everything pruning found of one policy in one region. */
export interface RegionSurvey {
  points: SurveyedPoint[];
  /** Snapshots of an image an earlier prune deregistered: finishing that deletion is due. */
  orphanedImageSnapshots: { snapshotId: string; imageId: string }[];
  /** Bucket-copy manifests, by recovery point id, read once for the executor. */
  manifests: Map<string, ManifestIndex>;
  /** What could not be read (a manifest index that does not parse): kept, reported. */
  problems: string[];
}

export interface SurveyDeps {
  ec2: Ec2RecoveryPointStore;
  objects: ObjectStore;
  now: Date;
}

/**
 * Reads the recovery points of a policy in a region from the resources themselves (their tags and
 * manifests), not from the catalog: what pruning deletes must be what is really there.
 */
export async function surveyRecoveryPoints(
  policy: string,
  backupBucket: string | undefined,
  deps: SurveyDeps,
): Promise<RegionSurvey> {
  const { ec2 } = deps;
  const [snapshots, images, imageBacked] = await Promise.all([
    ec2.listPolicySnapshots(policy),
    ec2.listPolicyImages(policy),
    ec2.imageBackedSnapshotIds(),
  ]);
  const locked = await ec2.lockedSnapshotIds(snapshots.map((snapshot) => snapshot.snapshotId));
  const points: SurveyedPoint[] = [];
  const orphanedImageSnapshots: RegionSurvey['orphanedImageSnapshots'] = [];

  const ownImageSnapshots = new Set(images.flatMap((image) => image.snapshotIds));
  for (const snapshot of snapshots) {
    const id = snapshot.snapshotId;
    // A snapshot of one of the policy's images is part of that image's recovery point.
    if (ownImageSnapshots.has(id)) continue;
    const prunedWith = snapshot.tags[TagKeys.prunedWithImage];
    if (prunedWith !== undefined && !imageBacked.has(id)) {
      orphanedImageSnapshots.push({ snapshotId: id, imageId: prunedWith });
      continue;
    }
    points.push({
      ...pointFacts(id, snapshot.tags, snapshot.startTime, ec2.region),
      kind: 'volume-snapshot',
      state: snapshotState(snapshot.state),
      locked: locked.has(id),
      backsImage: imageBacked.has(id),
    });
  }
  const lockedImageSnapshots = await ec2.lockedSnapshotIds([...ownImageSnapshots]);
  for (const image of images) {
    points.push({
      ...pointFacts(image.imageId, image.tags, image.creationDate, ec2.region),
      kind: 'image',
      state: imageState(image.state),
      // A locked snapshot cannot be deleted, so neither can the image it belongs to.
      locked: image.snapshotIds.some((id) => lockedImageSnapshots.has(id)),
      verified: image.tags[TagKeys.restoreTestVerdict] === 'passed',
      snapshotIds: image.snapshotIds,
    });
  }

  const manifests = new Map<string, ManifestIndex>();
  const problems: string[] = [];
  if (backupBucket) {
    for (const indexKey of await manifestIndexKeys(deps.objects, backupBucket)) {
      const id = `s3://${backupBucket}/${indexKey}`;
      const index = await readIndex(deps.objects, backupBucket, indexKey);
      if (!index) {
        problems.push(`${id}: manifest index is not a bucket-copy manifest; kept`);
        continue;
      }
      if (index.policy !== policy) continue;
      const lock = await deps.objects.describeObjectLock(backupBucket, indexKey);
      if (!lock) continue;
      manifests.set(id, index);
      points.push({
        id,
        kind: 'bucket-copy',
        sourceId: index.sourceBucket,
        region: ec2.region,
        createdAt: index.createdAt,
        state: 'available',
        managedByUs: true,
        locked: lock.retainUntil !== undefined && lock.retainUntil > deps.now.toISOString(),
        legalHold: lock.legalHold,
        verified: index.totals.failed === 0,
        expiresAtTag: index.expiresAt,
        manifest: { bucket: backupBucket, indexKey },
      });
    }
  }
  return { points, orphanedImageSnapshots, manifests, problems };
}

/**
 * What a prune's turn (and its dry run) starts from: the region surveyed and planned with the
 * target's retention. The plan's problems include what the survey could not read.
 */
export async function surveyAndPlanRegion(
  prune: PruneContext,
  target: PruneTarget,
  deps: Omit<SurveyDeps, 'now'>,
): Promise<{ survey: RegionSurvey; plan: RegionPrunePlan }> {
  const now = new Date(prune.now);
  const survey = await surveyRecoveryPoints(prune.policyName, target.backupBucket, {
    ...deps,
    now,
  });
  const plan = planRegionPrune(survey.points, {
    rules: target.retention,
    timezone: prune.timezone,
    now,
    maxDeleteFraction: prune.maxDeleteFraction,
    force: prune.force,
  });
  plan.summary.problems.push(...survey.problems);
  return { survey, plan };
}

function pointFacts(id: string, tags: Tags, fallbackTime: string | undefined, region: string) {
  const legalHold = tags[TagKeys.legalHold];
  return {
    id,
    region,
    sourceId: tags[TagKeys.source] ?? 'unknown',
    ...(tags[TagKeys.run] !== undefined ? { runId: tags[TagKeys.run] } : {}),
    // The tag is the point's time (copies and re-runs keep it); the resource's own time otherwise.
    createdAt: tags[TagKeys.createdAt] ?? fallbackTime ?? '',
    managedByUs: tags[TagKeys.managedBy] === ManagedByValue,
    legalHold: legalHold !== undefined && legalHold.toLowerCase() !== 'false',
    ...(tags[TagKeys.expiresAt] !== undefined ? { expiresAtTag: tags[TagKeys.expiresAt] } : {}),
  };
}

function snapshotState(state: string): RecoveryPointState {
  if (state === 'completed') return 'available';
  if (state === 'error') return 'failed';
  return 'creating';
}

function imageState(state: string): RecoveryPointState {
  if (state === 'available') return 'available';
  if (state === 'pending') return 'creating';
  return 'failed';
}

/** `.manifests/<bucket>/<run>/index.json` keys; the parts beside them are skipped. */
async function manifestIndexKeys(objects: ObjectStore, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of objects.listObjects(bucket, '.manifests/'))
    for (const object of page) if (object.key.endsWith('/index.json')) keys.push(object.key);
  return keys;
}

/** A manifest index, or undefined when the object is not one (kept and reported by the caller). */
async function readIndex(
  objects: ObjectStore,
  bucket: string,
  key: string,
): Promise<ManifestIndex | undefined> {
  try {
    return await readManifestIndex(objects, bucket, key);
  } catch (error) {
    if (error instanceof ManifestPartMissingError) return undefined;
    throw error;
  }
}
