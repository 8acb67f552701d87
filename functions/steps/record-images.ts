import type { ImageBatchState, ImageWork } from '../core/run-state/image-batch.js';
import { recoveryPointTags, type RecoveryPoint } from '../core/recovery-point.js';
import type { BatchResult } from '../core/run-state/volume-batch.js';
import type { RunFailure } from '../core/run-state/backup-run.js';
import type { ImageStoreFactory } from '../ports/image-store.js';
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
  const { run } = state;
  const points: RecoveryPoint[] = [];
  const failures: RunFailure[] = [];
  const fail = (
    item: ImageWork,
    stage: RunFailure['stage'],
    region: string,
    error: { name: string; message: string },
  ) => failures.push({ sourceId: item.instanceId, stage, region, ...error });

  // The copies' snapshots, with one DescribeImages per region for the whole batch.
  const copySnapshots = new Map<string, Promise<Map<string, string[]>>>();
  const snapshotsOfCopies = (region: string) => {
    let described = copySnapshots.get(region);
    if (!described) {
      const ids = state.items.flatMap((item) =>
        item.copies
          .filter((copy) => copy.region === region && copy.status === 'completed' && copy.id)
          .map((copy) => copy.id!),
      );
      described = deps
        .storeFor(region)
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
      copySnapshots.set(region, described);
    }
    return described;
  };

  for (const item of state.items) {
    const base = {
      sourceId: item.instanceId,
      policy: run.policyName,
      runId: run.runId,
      createdAt: run.startedAt,
    };
    const { image } = item;
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
    if (image.status === 'failed')
      fail(item, 'image', run.primaryRegion, image.error ?? unknownFailure('image'));
    if (image.status === 'completed' && image.id) {
      const tags = recoveryPointTags({
        policy: run.policyName,
        sourceId: item.instanceId,
        runId: run.runId,
        createdAt: new Date(run.startedAt),
        expiresAt: run.expiresAt,
      });
      await settle(item, 'image', run.primaryRegion, async () => {
        const store = deps.storeFor(run.primaryRegion);
        if (item.snapshotIds.length > 0) await store.tagResources(item.snapshotIds, tags);
        await deprecate(store, image.id ?? '', run.expiresAt, deps.now);
      });
    }

    for (const copy of item.copies) {
      const target = run.copyTargets.find((candidate) => candidate.region === copy.region);
      const expiresAt = target?.expiresAt ?? run.expiresAt;
      if (copy.id) {
        points.push({
          ...base,
          ...workFacts(copy),
          id: copy.id,
          kind: 'image',
          region: copy.region,
          expiresAt,
          copyOf: { id: image.id ?? '', region: run.primaryRegion },
        });
      }
      if (copy.status === 'failed')
        fail(item, 'image-copy', copy.region, copy.error ?? unknownFailure('image copy'));
      if (copy.status === 'completed' && copy.id) {
        const tags = recoveryPointTags({
          policy: run.policyName,
          sourceId: item.instanceId,
          runId: run.runId,
          createdAt: new Date(run.startedAt),
          expiresAt,
          copyOf: { id: image.id ?? '', region: run.primaryRegion },
        });
        await settle(item, 'image-copy', copy.region, async () => {
          const store = deps.storeFor(copy.region);
          const snapshots = (await snapshotsOfCopies(copy.region)).get(copy.id ?? '') ?? [];
          await store.tagResources([copy.id ?? '', ...snapshots], tags);
          await deprecate(store, copy.id ?? '', expiresAt, deps.now);
        });
      }
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
    if (work && (work.status === 'failed' || work.status === 'skipped')) {
      fail(item, 'export', run.primaryRegion, work.error ?? unknownFailure('export'));
    }
  }

  async function settle(
    item: ImageWork,
    stage: RunFailure['stage'],
    region: string,
    action: () => Promise<void>,
  ) {
    try {
      await action();
    } catch (error) {
      fail(item, stage, region, toFailure(error));
    }
  }

  await deps.catalog.put(points);
  return {
    batchIndex: state.batchIndex,
    volumeIds: [],
    recoveryPoints: availableRefs(points),
    failures,
  };
}

function unknownFailure(what: string) {
  return { name: 'UnknownError', message: `${what} failed without a reason` };
}

/** Deprecation follows retention: never for "never", and not beyond what the API accepts. */
async function deprecate(
  store: { deprecateAt(imageId: string, at: Date): Promise<void> },
  imageId: string,
  expiresAt: string,
  now: Date,
) {
  if (expiresAt === 'never') return;
  const at = new Date(expiresAt);
  if (at.getTime() - now.getTime() > maxDeprecationMs || at.getTime() <= now.getTime()) return;
  await store.deprecateAt(imageId, at);
}
