import {
  MANIFESTS_PREFIX,
  manifestPrefix,
  type ManifestIndex,
} from '../core/run-state/bucket-copy.js';
import type { PruneContext, PruneTarget } from '../core/run-state/prune-run.js';
import {
  planRegionPrune,
  type RegionPrunePlan,
  type SurveyedPoint,
} from '../core/region-prune-plan.js';
import type { RecoveryPointState } from '../core/recovery-point.js';
import { parseInstant } from '../core/retention-plan.js';
import { ManagedByValue, TagKeys, type Tags } from '../core/tag-keys.js';
import type {
  Ec2RecoveryPointStore,
  PrunableImage,
  PrunableSnapshot,
} from '../ports/ec2-recovery-point-store.js';
import type { ObjectStore } from '../ports/object-store.js';
import { readManifestIndex } from './manifest-index.js';
import { ManifestPartMissingError } from './manifest-stream.js';
import { copyPrefix } from './sync-bucket.js';

/** A bucket-copy run found in a backup bucket: its manifest index, whatever its policy. */
export interface SurveyedBucketRun {
  id: string;
  backupBucket: string;
  indexKey: string;
  index: ManifestIndex;
}

/** Everything pruning found of one policy in one region. */
export interface RegionSurvey {
  points: SurveyedPoint[];
  /** Snapshots of an image an earlier prune deregistered: finishing that deletion is due. */
  orphanedImageSnapshots: { snapshotId: string; imageId: string }[];
  /**
   * Every readable bucket-copy run in the region's backup bucket, of any policy: runs of other
   * policies are never deleted here, but they share copies with this policy's runs.
   */
  bucketRuns: SurveyedBucketRun[];
  /** What could not be read (a manifest index that does not parse): kept, reported. */
  problems: string[];
}

export interface SurveyDeps {
  ec2: Ec2RecoveryPointStore;
  objects: ObjectStore;
  now: Date;
}

/** `backup:pruned-with-image` as the product writes it: an AMI id. */
const amiId = /^ami-[0-9a-f]{8,17}$/;

/**
 * Reads the recovery points of a policy in a region from the resources themselves (their tags and
 * manifests), not from the catalog: what pruning deletes must be what is really there.
 */
async function surveyRecoveryPoints(
  policy: string,
  backupBucket: string | undefined,
  deps: SurveyDeps,
): Promise<RegionSurvey> {
  const { points, orphanedImageSnapshots } = await surveyEc2(policy, deps.ec2);
  if (!backupBucket) return { points, orphanedImageSnapshots, bucketRuns: [], problems: [] };
  const runs = await surveyBucketRuns(policy, backupBucket, deps);
  return {
    points: [...points, ...runs.points],
    orphanedImageSnapshots,
    bucketRuns: runs.bucketRuns,
    problems: runs.problems,
  };
}

/** The policy's snapshots and images, with their locks and holds, and the orphans of earlier prunes. */
async function surveyEc2(
  policy: string,
  ec2: Ec2RecoveryPointStore,
): Promise<Pick<RegionSurvey, 'points' | 'orphanedImageSnapshots'>> {
  const [snapshots, images, imageBacked] = await Promise.all([
    ec2.listPolicySnapshots(policy),
    ec2.listPolicyImages(policy),
    ec2.imageBackedSnapshotIds(),
  ]);
  const ownImageSnapshots = new Set(images.flatMap((image) => image.snapshotIds));
  // One lock lookup for the loose snapshots and the images' snapshots together.
  const locked = await ec2.lockedSnapshotIds([
    ...new Set([...snapshots.map((snapshot) => snapshot.snapshotId), ...ownImageSnapshots]),
  ]);
  const loose = snapshotPoints(snapshots, { ownImageSnapshots, imageBacked, locked }, ec2.region);
  const snapshotTags = new Map(snapshots.map((snapshot) => [snapshot.snapshotId, snapshot.tags]));
  return {
    points: [...loose.points, ...imagePoints(images, locked, snapshotTags, ec2.region)],
    orphanedImageSnapshots: loose.orphanedImageSnapshots,
  };
}

function snapshotPoints(
  snapshots: PrunableSnapshot[],
  known: { ownImageSnapshots: Set<string>; imageBacked: Set<string>; locked: Set<string> },
  region: string,
): Pick<RegionSurvey, 'points' | 'orphanedImageSnapshots'> {
  const { ownImageSnapshots, imageBacked, locked } = known;
  const points: SurveyedPoint[] = [];
  const orphanedImageSnapshots: RegionSurvey['orphanedImageSnapshots'] = [];
  for (const snapshot of snapshots) {
    const id = snapshot.snapshotId;
    // A snapshot of one of the policy's images is part of that image's recovery point.
    if (ownImageSnapshots.has(id)) continue;
    const facts = pointFacts(id, snapshot.tags, snapshot.startTime, region);
    // Finishing an earlier prune's image deletion skips the plan, so only the product's own mark
    // on the product's own, unheld, unlocked snapshot counts; anything else is planned as a point.
    const prunedWith = snapshot.tags[TagKeys.prunedWithImage];
    if (
      prunedWith !== undefined &&
      amiId.test(prunedWith) &&
      !imageBacked.has(id) &&
      facts.managedByUs &&
      !facts.legalHold &&
      !locked.has(id)
    ) {
      orphanedImageSnapshots.push({ snapshotId: id, imageId: prunedWith });
      continue;
    }
    points.push({
      ...facts,
      kind: 'volume-snapshot',
      state: snapshotState(snapshot.state),
      locked: locked.has(id),
      backsImage: imageBacked.has(id),
    });
  }
  return { points, orphanedImageSnapshots };
}

function imagePoints(
  images: PrunableImage[],
  locked: Set<string>,
  snapshotTags: Map<string, Tags>,
  region: string,
): SurveyedPoint[] {
  return images.map((image) => {
    const facts = pointFacts(image.imageId, image.tags, image.creationDate, region);
    return {
      ...facts,
      kind: 'image',
      state: imageState(image.state),
      // A locked snapshot cannot be deleted, so neither can the image it belongs to.
      locked: image.snapshotIds.some((id) => locked.has(id)),
      // A hold on any piece of the image holds all of it.
      legalHold:
        facts.legalHold ||
        image.snapshotIds.some((id) => isLegalHold(snapshotTags.get(id)?.[TagKeys.legalHold])),
      verified: image.tags[TagKeys.restoreTestVerdict] === 'passed',
      snapshotIds: image.snapshotIds,
    };
  });
}

/**
 * Every readable bucket-copy run in the backup bucket, and the policy's runs as points (with
 * their Object Lock and legal hold). An unreadable index is reported, and marks its source's runs.
 */
async function surveyBucketRuns(
  policy: string,
  backupBucket: string,
  deps: SurveyDeps,
): Promise<{ points: SurveyedPoint[]; bucketRuns: SurveyedBucketRun[]; problems: string[] }> {
  const points: SurveyedPoint[] = [];
  const bucketRuns: SurveyedBucketRun[] = [];
  const problems: string[] = [];
  const unreadableSources = new Set<string>();
  for (const indexKey of await manifestIndexKeys(deps.objects, backupBucket)) {
    const id = `s3://${backupBucket}/${indexKey}`;
    const index = await readIndex(deps.objects, backupBucket, indexKey);
    // An index must describe the run its key names: expiry deletes by what the index says.
    if (!index || !describesItsOwnKey(index, indexKey)) {
      // Its copies cannot be told apart from the others': no run of that source is expired.
      unreadableSources.add(indexKey.split('/')[1] ?? '');
      problems.push(`${id}: not a readable bucket-copy manifest; no run of its source is pruned`);
      continue;
    }
    const run = { id, backupBucket, indexKey, index };
    bucketRuns.push(run);
    if (index.policy !== policy) continue;
    const point = await bucketRunPoint(run, deps);
    if (point) points.push(point);
  }
  for (const point of points) {
    if (unreadableSources.has(point.sourceId))
      (point.problems ??= []).push('a manifest of the same source is unreadable');
  }
  return { points, bucketRuns, problems };
}

/** A run of the policy as a point; none when its index is gone by now. */
async function bucketRunPoint(
  { id, backupBucket, indexKey, index }: SurveyedBucketRun,
  deps: SurveyDeps,
): Promise<SurveyedPoint | undefined> {
  const lock = await deps.objects.describeObjectLock(backupBucket, indexKey);
  if (!lock) return undefined;
  const tags = await deps.objects.objectTags(backupBucket, indexKey);
  return {
    id,
    kind: 'bucket-copy',
    sourceId: index.sourceBucket,
    region: deps.ec2.region,
    runId: index.runId,
    createdAt: index.createdAt,
    state: 'available',
    managedByUs: true,
    locked: lock.retainUntil !== undefined && lock.retainUntil > deps.now.toISOString(),
    legalHold: lock.legalHold || isLegalHold(tags[TagKeys.legalHold]),
    verified: index.totals.failed === 0,
    expiresAtTag: index.expiresAt,
    manifest: { bucket: backupBucket, indexKey },
  };
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
  const source = tags[TagKeys.source];
  return {
    id,
    region,
    // Without a source a point has no group to be planned in: it is kept alone, and reported.
    sourceId: source ?? `(no ${TagKeys.source}) ${id}`,
    ...(source === undefined ? { problems: [`missing tag ${TagKeys.source}`] } : {}),
    ...(tags[TagKeys.run] !== undefined ? { runId: tags[TagKeys.run] } : {}),
    // The tag is the point's time (copies and re-runs keep it); the resource's own time otherwise.
    createdAt: tags[TagKeys.createdAt] ?? fallbackTime ?? '',
    managedByUs: tags[TagKeys.managedBy] === ManagedByValue,
    legalHold: isLegalHold(tags[TagKeys.legalHold]),
    ...(tags[TagKeys.expiresAt] !== undefined ? { expiresAtTag: tags[TagKeys.expiresAt] } : {}),
  };
}

/** `backup:legal-hold` holds while present, whatever its value, unless it says `false`. */
function isLegalHold(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() !== 'false';
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
  for await (const page of objects.listObjects(bucket, MANIFESTS_PREFIX))
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

/** The run's key, copies and time as its index says: expiry orders runs and deletes by them. */
function describesItsOwnKey(index: ManifestIndex, indexKey: string): boolean {
  return (
    indexKey === `${manifestPrefix(index.sourceBucket, index.runId)}index.json` &&
    index.keyPrefix === copyPrefix(index.sourceBucket) &&
    !Number.isNaN(parseInstant(index.createdAt))
  );
}
