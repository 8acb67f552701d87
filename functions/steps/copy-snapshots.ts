import { recordPoll, startPollLoop } from '../core/poll-loop.js';
import { parseCopyOf, recoveryPointTags } from '../core/recovery-point.js';
import { TagKeys } from '../core/tag-keys.js';
import type { BatchState, CopyWork, VolumeWork } from '../core/run-state/volume-batch.js';
import type { SnapshotStore, SnapshotStoreFactory } from '../ports/snapshot-store.js';
import type { Pacer } from './pacer.js';
import {
  afterObservation,
  afterStart,
  afterStartFailure,
  afterTimeout,
  isUnsettled,
  observePending,
  snapshotsById,
} from './work-outcomes.js';

export interface CopySnapshotsDeps {
  storeFor: SnapshotStoreFactory;
  pace: Pacer;
  hasTime: () => boolean;
}

/**
 * One turn of a batch's copy loop, safe to repeat: for each DR region, adopts this run's
 * existing copies, starts missing ones only up to the region's free copy slots, and reads the
 * pending ones with one Describe per region.
 */
export async function copySnapshots(
  state: BatchState,
  deps: CopySnapshotsDeps,
): Promise<BatchState> {
  const { run } = state;
  let items = state.loop.phase === 'copy' ? state.items : withCopiesQueued(state);

  for (const target of run.copyTargets) {
    const store = deps.storeFor(target.region);
    items = await advanceRegion(items, state, store, target, deps);
  }

  const loopState = state.loop.phase === 'copy' ? state.loop : startPollLoop('copy', run.pacing);
  const unsettled = items.some((item) => item.copies.some(isUnsettled));
  const { loop, timedOut } = recordPoll(loopState, !unsettled, run.pacing);
  if (timedOut) {
    items = items.map((item) => ({
      ...item,
      copies: item.copies.map((copy) => afterTimeout(copy, loop.waitedSeconds)),
    }));
  }
  return { ...state, items, loop };
}

/** Every completed snapshot gets one queued copy per DR region. */
function withCopiesQueued(state: BatchState): VolumeWork[] {
  return state.items.map((item) => ({
    ...item,
    copies:
      item.snapshot.status === 'completed'
        ? state.run.copyTargets.map((target) => ({
            region: target.region,
            status: 'queued' as const,
            attempts: 0,
            unseenPolls: 0,
          }))
        : [],
  }));
}

type Target = BatchState['run']['copyTargets'][number];

async function advanceRegion(
  items: VolumeWork[],
  state: BatchState,
  store: SnapshotStore,
  target: Target,
  deps: CopySnapshotsDeps,
): Promise<VolumeWork[]> {
  const { run } = state;
  const copyIn = (item: VolumeWork) => item.copies.find((copy) => copy.region === target.region);
  const update = (item: VolumeWork, copy: CopyWork) => ({
    ...item,
    copies: item.copies.map((existing) => (existing.region === copy.region ? copy : existing)),
  });

  if (items.some((item) => copyIn(item)?.status === 'queued')) {
    const existing = new Map(
      (await store.findRunSnapshots(run.runId, run.policyName)).flatMap((record) => {
        const source = parseCopyOf(record.tags[TagKeys.copyOf] ?? '');
        return source ? [[source.id, record] as const] : [];
      }),
    );
    items = items.map((item) => {
      const copy = copyIn(item);
      const record = item.snapshot.id ? existing.get(item.snapshot.id) : undefined;
      if (!copy || copy.status !== 'queued' || !record) return item;
      return update(item, afterObservation({ ...copy, id: record.snapshotId }, record));
    });

    let freeSlots = run.pacing.copiesInFlightPerRegion - (await store.countCopiesInFlight());
    const started: VolumeWork[] = [];
    for (const item of items) {
      const copy = copyIn(item);
      if (!copy || copy.status !== 'queued' || freeSlots <= 0 || !deps.hasTime()) {
        started.push(item);
        continue;
      }
      freeSlots -= 1;
      started.push(update(item, await startCopy(item, copy, state, store, target, deps)));
    }
    items = started;
  }

  return observePending(items, copyIn, update, snapshotsById(store));
}

async function startCopy(
  item: VolumeWork,
  copy: CopyWork,
  state: BatchState,
  store: SnapshotStore,
  target: Target,
  deps: CopySnapshotsDeps,
): Promise<CopyWork> {
  const { run } = state;
  const sourceId = item.snapshot.id ?? '';
  try {
    const record = await deps.pace(() =>
      store.copySnapshot({
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
      }),
    );
    return afterStart(copy, record.snapshotId);
  } catch (error) {
    return afterStartFailure(copy, error, run.pacing.maxStartAttempts);
  }
}
