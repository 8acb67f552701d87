import type { ImageBatchState, ImageWork } from '../core/run-state/image-batch.js';
import { imageName } from '../core/image-naming.js';
import { parseCopyOf, recoveryPointTags } from '../core/recovery-point.js';
import { TagKeys } from '../core/tag-keys.js';
import type { ImageStore, ImageStoreFactory } from '../ports/image-store.js';
import { copyToRegions, type CopyKind, type CopyTarget } from './copy-to-regions.js';
import { asObservation, imagesById } from './image-observation.js';
import type { Pacer } from './pacer.js';

export interface CopyImagesDeps {
  storeFor: ImageStoreFactory;
  /** CopyImage is rate limited to about one call per second per account. */
  pace: Pacer;
  hasTime: () => boolean;
}

/**
 * One turn of a batch's image-copy loop, safe to repeat: per DR region, adopts this run's
 * existing copies (by tags), starts CopyImage for the rest (re-encrypted with the region's key,
 * tags applied at once so a re-run finds them), and reads pending copies with one Describe
 * (the loop itself: copy-to-regions.ts).
 */
export async function copyImages(
  state: ImageBatchState,
  deps: CopyImagesDeps,
): Promise<ImageBatchState> {
  const kind: CopyKind<ImageWork> = {
    phase: 'image-copy',
    sourceOf: (item) => item.image,
    inRegion: (target) => {
      const store = deps.storeFor(target.region);
      return {
        findExisting: () => existingCopies(store, state),
        // Only the pace (about 1/s) limits CopyImage; there is no per-region slot count.
        freeSlots: async () => Number.POSITIVE_INFINITY,
        start: (item) => startCopy(item, state, store, target),
        describe: imagesById(store),
      };
    },
  };
  return copyToRegions(state, kind, deps);
}

/** This run's image copies in a region, keyed by the image they copy. */
async function existingCopies(store: ImageStore, state: ImageBatchState) {
  const { run } = state;
  return new Map(
    (await store.findRunImages(run.runId, run.policyName)).flatMap((image) => {
      const source = parseCopyOf(image.tags[TagKeys.copyOf] ?? '');
      const observed = asObservation(image);
      return source && observed ? [[source.id, observed] as const] : [];
    }),
  );
}

async function startCopy(
  item: ImageWork,
  state: ImageBatchState,
  store: ImageStore,
  target: CopyTarget,
): Promise<string> {
  const { run } = state;
  const sourceId = item.image.id ?? '';
  const tags = recoveryPointTags({
    policy: run.policyName,
    sourceId: item.instanceId,
    runId: run.runId,
    createdAt: new Date(run.startedAt),
    expiresAt: target.expiresAt,
    copyOf: { id: sourceId, region: run.primaryRegion },
  });
  const imageId = await store.copyImage({
    sourceImageId: sourceId,
    sourceRegion: run.primaryRegion,
    name: imageName(run.policyName, item.instanceId, run.runId),
    description: `backup-orchestrator copy of ${sourceId} (${item.instanceId}) from ${run.primaryRegion}`,
    kmsKeyId: target.kmsKeyId,
    tags,
  });
  try {
    // Tags are part of the request, but are applied again so that a re-run can always find the
    // copy by them, even where CopyImage drops them (the local emulator does).
    await store.tagResources([imageId], tags);
  } catch {
    // Not fatal: the copy exists and is tracked by id; the record step tags it again.
  }
  return imageId;
}
