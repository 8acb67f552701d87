import { parseCopyOf, recoveryPointTags } from '../core/recovery-point.js';
import { TagKeys } from '../core/tag-keys.js';
import type { BatchState, VolumeWork } from '../core/run-state/volume-batch.js';
import type { SnapshotStore, SnapshotStoreFactory } from '../ports/snapshot-store.js';
import { copyToRegions, type CopyKind, type CopyTarget } from './copy-to-regions.js';
import type { Pacer } from './pacer.js';
import { snapshotsById } from './work-outcomes.js';

export interface CopySnapshotsDeps {
  storeFor: SnapshotStoreFactory;
  pace: Pacer;
  hasTime: () => boolean;
}

/**
 * One turn of a batch's copy loop, safe to repeat: for each DR region, adopts this run's
 * existing copies, starts missing ones only up to the region's free copy slots, and reads the
 * pending ones with one Describe per region (the loop itself: copy-to-regions.ts).
 */
export async function copySnapshots(
  state: BatchState,
  deps: CopySnapshotsDeps,
): Promise<BatchState> {
  const kind: CopyKind<VolumeWork> = {
    phase: 'copy',
    sourceOf: (item) => item.snapshot,
    inRegion: (target) => {
      const store = deps.storeFor(target.region);
      return {
        findExisting: () => existingCopies(store, state),
        // EBS caps concurrent copies per destination region.
        freeSlots: async () =>
          state.run.pacing.copiesInFlightPerRegion - (await store.countCopiesInFlight()),
        start: (item) => startCopy(item, state, store, target),
        describe: snapshotsById(store),
      };
    },
  };
  return copyToRegions(state, kind, deps);
}

/** This run's snapshot copies in a region, keyed by the snapshot they copy. */
async function existingCopies(store: SnapshotStore, state: BatchState) {
  const { run } = state;
  return new Map(
    (await store.findRunSnapshots(run.runId, run.policyName)).flatMap((record) => {
      const source = parseCopyOf(record.tags[TagKeys.copyOf] ?? '');
      return source ? [[source.id, record] as const] : [];
    }),
  );
}

async function startCopy(
  item: VolumeWork,
  state: BatchState,
  store: SnapshotStore,
  target: CopyTarget,
): Promise<string> {
  const { run } = state;
  const sourceId = item.snapshot.id ?? '';
  const record = await store.copySnapshot({
    sourceSnapshotId: sourceId,
    sourceRegion: run.primaryRegion,
    description: `backup-orchestrator copy of ${sourceId} (${item.volumeId}) from ${run.primaryRegion}`,
    kmsKeyId: target.kmsKeyId,
    tags: recoveryPointTags({
      policy: run.policyName,
      sourceId: item.volumeId,
      runId: run.runId,
      createdAt: new Date(run.startedAt),
      expiresAt: target.expiresAt,
      copyOf: { id: sourceId, region: run.primaryRegion },
    }),
  });
  return record.snapshotId;
}
