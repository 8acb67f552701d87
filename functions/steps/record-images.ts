import type { ImageBatchState, ImageWork } from '../core/run-state/image-batch.js';
import { recoveryPointTags, type RecoveryPoint } from '../core/recovery-point.js';
import type { BatchResult } from '../core/run-state/volume-batch.js';
import type { RunContext, RunFailure } from '../core/run-state/backup-run.js';
import type { Tags } from '../core/tag-keys.js';
import type { ImageStore, ImageStoreFactory } from '../ports/image-store.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';
import { availableRefs, workFacts } from './recovery-point-facts.js';
import { toFailure } from './work-outcomes.js';

/** EnableImageDeprecation accepts at most ten years ahead. */
const maxDeprecationMs = 10 * 365 * 86_400_000;

export interface RecordImagesDeps {
  storeFor: ImageStoreFactory;
  catalog: RecoveryPointCatalog;
  now: Date;
}

/** The snapshots behind a region's completed copies, by copy id (one Describe per region). */
type CopySnapshots = (region: string) => Promise<Map<string, string[]>>;

/**
 * Last step of an image batch: tags each image's snapshots (so every piece of a recovery point
 * carries its tags), sets the images' deprecation time from retention, indexes images, copies
 * and exports in the catalog, and returns a compact result. A tagging or deprecation refusal is
 * reported, never silently dropped, and does not stop the others.
 */
export async function recordImages(
  state: ImageBatchState,
  deps: RecordImagesDeps,
): Promise<BatchResult> {
  const points: RecoveryPoint[] = [];
  const failures: RunFailure[] = [];
  const copySnapshots = copySnapshotsOf(state, deps.storeFor);
  for (const item of state.items) {
    points.push(...catalogEntries(item, state.run));
    failures.push(...(await tagAndDeprecate(item, state.run, deps, copySnapshots)));
  }
  await deps.catalog.put(points);
  return {
    batchIndex: state.batchIndex,
    volumeIds: [],
    recoveryPoints: availableRefs(points),
    failures,
  };
}

/**
 * Tags and deprecates an item's image and copies, and names every failure of the item (the
 * image's, each copy's, the export's) in that order. A refusal fails that piece, not the batch.
 */
async function tagAndDeprecate(
  item: ImageWork,
  run: RunContext,
  deps: RecordImagesDeps,
  copySnapshots: CopySnapshots,
): Promise<RunFailure[]> {
  const failures: RunFailure[] = [];
  const fail = (stage: RunFailure['stage'], region: string, error: Failure) =>
    failures.push({ sourceId: item.instanceId, stage, region, ...error });
  const settle = async (
    stage: RunFailure['stage'],
    region: string,
    action: () => Promise<void>,
  ) => {
    try {
      await action();
    } catch (error) {
      fail(stage, region, toFailure(error));
    }
  };

  const { image } = item;
  if (image.status === 'failed')
    fail('image', run.primaryRegion, image.error ?? unknownFailure('image'));
  if (image.status === 'completed' && image.id) {
    const imageId = image.id;
    await settle('image', run.primaryRegion, async () => {
      const store = deps.storeFor(run.primaryRegion);
      const tags = pointTags(item, run, run.expiresAt);
      if (item.snapshotIds.length > 0) await store.tagResources(item.snapshotIds, tags);
      await deprecate(store, imageId, run.expiresAt, deps.now);
    });
  }

  for (const copy of item.copies) {
    if (copy.status === 'failed')
      fail('image-copy', copy.region, copy.error ?? unknownFailure('image copy'));
    if (copy.status === 'completed' && copy.id) {
      const copyId = copy.id;
      const expiresAt = copyExpiresAt(run, copy.region);
      await settle('image-copy', copy.region, async () => {
        const store = deps.storeFor(copy.region);
        const snapshots = (await copySnapshots(copy.region)).get(copyId) ?? [];
        await store.tagResources([copyId, ...snapshots], pointTags(item, run, expiresAt, true));
        await deprecate(store, copyId, expiresAt, deps.now);
      });
    }
  }

  const work = item.export;
  if (work && (work.status === 'failed' || work.status === 'skipped')) {
    fail('export', run.primaryRegion, work.error ?? unknownFailure('export'));
  }
  return failures;
}

/** The catalog entries of an item: its image, each copy, and its verified export, in that order. */
function catalogEntries(item: ImageWork, run: RunContext): RecoveryPoint[] {
  const base = {
    sourceId: item.instanceId,
    policy: run.policyName,
    runId: run.runId,
    createdAt: run.startedAt,
  };
  const { image } = item;
  const points: RecoveryPoint[] = [];
  if (image.id) {
    points.push({
      ...base,
      ...workFacts(image),
      id: image.id,
      kind: 'image',
      region: run.primaryRegion,
      expiresAt: run.expiresAt,
    });
  }
  for (const copy of item.copies) {
    if (!copy.id) continue;
    points.push({
      ...base,
      ...workFacts(copy),
      id: copy.id,
      kind: 'image',
      region: copy.region,
      expiresAt: copyExpiresAt(run, copy.region),
      copyOf: { id: image.id ?? '', region: run.primaryRegion },
    });
  }
  const work = item.export;
  if (work?.status === 'completed' && work.artifact) {
    points.push({
      ...base,
      id: `s3://${work.artifact.bucket}/${work.artifact.key}`,
      kind: 'image-export',
      region: run.primaryRegion,
      expiresAt: run.expiresAt,
      state: 'available',
      sizeGiB: Math.round((work.artifact.sizeBytes / 2 ** 30) * 1000) / 1000,
      // Linked to its image by source and run; not a copy, so no copyOf.
      artifact: work.artifact,
    });
  }
  return points;
}

type Failure = { name: string; message: string };

/** The recovery-point tags of an item's image, or (`copy`) of one of its copies. */
function pointTags(item: ImageWork, run: RunContext, expiresAt: string, copy = false): Tags {
  return recoveryPointTags({
    policy: run.policyName,
    sourceId: item.instanceId,
    runId: run.runId,
    createdAt: new Date(run.startedAt),
    expiresAt,
    ...(copy ? { copyOf: { id: item.image.id ?? '', region: run.primaryRegion } } : {}),
  });
}

/** A copy expires with its region's retention (or the run's, for a region no longer planned). */
function copyExpiresAt(run: RunContext, region: string): string {
  return run.copyTargets.find((target) => target.region === region)?.expiresAt ?? run.expiresAt;
}

/** Memoizes one DescribeImages per region over the batch's completed copies. */
function copySnapshotsOf(state: ImageBatchState, storeFor: ImageStoreFactory): CopySnapshots {
  const described = new Map<string, Promise<Map<string, string[]>>>();
  return (region) => {
    let found = described.get(region);
    if (!found) {
      const ids = state.items.flatMap((item) =>
        item.copies
          .filter((copy) => copy.region === region && copy.status === 'completed' && copy.id)
          .map((copy) => copy.id!),
      );
      found = storeFor(region)
        .describeImages(ids)
        .then(
          (images) =>
            new Map(
              images.map((image) => [
                image.imageId,
                image.snapshots.map((snapshot) => snapshot.snapshotId),
              ]),
            ),
        );
      described.set(region, found);
    }
    return found;
  };
}

function unknownFailure(what: string): Failure {
  return { name: 'UnknownError', message: `${what} failed without a reason` };
}

/** Deprecation follows retention: never for "never", and not beyond what the API accepts. */
async function deprecate(
  store: Pick<ImageStore, 'deprecateAt'>,
  imageId: string,
  expiresAt: string,
  now: Date,
) {
  if (expiresAt === 'never') return;
  const at = new Date(expiresAt);
  if (at.getTime() - now.getTime() > maxDeprecationMs || at.getTime() <= now.getTime()) return;
  await store.deprecateAt(imageId, at);
}
