import { recordPoll, startPollLoop } from '../core/poll-loop.js';
import { recoveryPointTags } from '../core/recovery-point.js';
import { TagKeys } from '../core/tag-keys.js';
import type { BatchState, BatchStepEvent, VolumeWork } from '../core/run-state/volume-batch.js';
import type { SnapshotStore } from '../ports/snapshot-store.js';
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

export interface SnapshotVolumesDeps {
  store: SnapshotStore;
  pace: Pacer;
  /** Starts stop when this returns false (the Lambda is near its timeout); the rest wait a poll. */
  hasTime: () => boolean;
}

/**
 * One turn of a batch's snapshot loop, safe to repeat: adopts snapshots this run already made
 * (so a re-run with the same run id creates no duplicates), starts missing ones at the paced
 * rate, then reads every pending one with a single Describe.
 */
export async function snapshotVolumes(
  event: BatchStepEvent,
  deps: SnapshotVolumesDeps,
): Promise<BatchState> {
  const state = 'items' in event ? event : initialBatchState(event);
  const { run } = state;
  let items = state.items;

  if (items.some((item) => item.snapshot.status === 'queued')) {
    items = await adoptExisting(items, deps.store, run.runId, run.policyName);
    items = await Promise.all(
      items.map(async (item) => {
        if (item.snapshot.status !== 'queued' || !deps.hasTime()) return item;
        return { ...item, snapshot: await startSnapshot(item, state, deps) };
      }),
    );
  }

  items = await observePending(
    items,
    (item) => item.snapshot,
    (item, snapshot) => ({ ...item, snapshot }),
    snapshotsById(deps.store),
  );

  const loopState =
    state.loop.phase === 'snapshot' ? state.loop : startPollLoop('snapshot', run.pacing);
  const { loop, timedOut } = recordPoll(
    loopState,
    !items.some((item) => isUnsettled(item.snapshot)),
    run.pacing,
  );
  if (timedOut) {
    items = items.map((item) => ({
      ...item,
      snapshot: afterTimeout(item.snapshot, loop.waitedSeconds),
    }));
  }
  return { ...state, items, loop };
}

export function initialBatchState(event: Exclude<BatchStepEvent, BatchState>): BatchState {
  return {
    ...event,
    items: event.volumes.map((volume) => ({
      volumeId: volume.volumeId,
      snapshot: { status: 'queued', attempts: 0, unseenPolls: 0 },
      copies: [],
    })),
    loop: startPollLoop('snapshot', event.run.pacing),
  };
}

async function adoptExisting(
  items: VolumeWork[],
  store: SnapshotStore,
  runId: string,
  policy: string,
): Promise<VolumeWork[]> {
  const existing = new Map(
    (await store.findRunSnapshots(runId, policy))
      .filter((record) => record.tags[TagKeys.copyOf] === undefined)
      .map((record) => [record.tags[TagKeys.source], record]),
  );
  return items.map((item) => {
    const record = existing.get(item.volumeId);
    if (item.snapshot.status !== 'queued' || !record) return item;
    return {
      ...item,
      snapshot: afterObservation({ ...item.snapshot, id: record.snapshotId }, record),
    };
  });
}

async function startSnapshot(item: VolumeWork, state: BatchState, deps: SnapshotVolumesDeps) {
  const { run } = state;
  try {
    const record = await deps.pace(() =>
      deps.store.createSnapshot({
        volumeId: item.volumeId,
        description: `backup-orchestrator ${run.policyName} run ${run.runId} of ${item.volumeId}`,
        tags: recoveryPointTags({
          policy: run.policyName,
          sourceId: item.volumeId,
          runId: run.runId,
          createdAt: new Date(run.startedAt),
          expiresAt: run.expiresAt,
        }),
      }),
    );
    return afterStart(item.snapshot, record.snapshotId);
  } catch (error) {
    return afterStartFailure(item.snapshot, error, run.pacing.maxStartAttempts);
  }
}
