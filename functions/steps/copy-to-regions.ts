import { recordPoll, startPollLoop } from '../core/poll-loop.js';
import type { RunContext } from '../core/run-state/backup-run.js';
import type { CopyWork, PollLoop, SnapshotWork } from '../core/run-state/volume-batch.js';
import type { SnapshotRecord } from '../ports/snapshot-store.js';
import type { Pacer } from './pacer.js';
import {
  afterObservation,
  afterStart,
  afterStartFailure,
  afterTimeout,
  isUnsettled,
  observePending,
} from './work-outcomes.js';

export type CopyTarget = RunContext['copyTargets'][number];

/** A batch item with one copy per DR region (a volume's snapshot or an instance's image). */
interface Copyable {
  copies: CopyWork[];
}

/** One region's side of a copy: what the shared loop asks of a snapshot or image store there. */
export interface RegionCopier<I> {
  /** This run's copies already in the region (found by tags), keyed by the id of their source. */
  findExisting(): Promise<Map<string, SnapshotRecord>>;
  /** How many copies may start now; Infinity where only the pace limits them. */
  freeSlots(): Promise<number>;
  /** Starts the copy of an item's source and returns the copy's id. */
  start(item: I): Promise<string>;
  /** One Describe for the pending copies, keyed by id, in the work outcomes' vocabulary. */
  describe(ids: string[]): Promise<Map<string, SnapshotRecord>>;
}

/** What differs between copying snapshots and copying images. */
export interface CopyKind<I extends Copyable> {
  /** The batch loop's phase while copying. */
  phase: Extract<PollLoop['phase'], 'copy' | 'image-copy'>;
  /** The work of the item's source (its snapshot or image); only completed sources are copied. */
  sourceOf(item: I): SnapshotWork;
  inRegion(target: CopyTarget): RegionCopier<I>;
}

export interface CopyLoopDeps {
  pace: Pacer;
  /** Starts stop when this returns false (the Lambda is near its timeout); the rest wait a poll. */
  hasTime: () => boolean;
}

/**
 * One turn of a batch's copy loop, safe to repeat, for snapshots (copy-snapshots.ts) and images
 * (copy-images.ts) alike: per DR region, adopts this run's existing copies, starts the missing
 * ones at the paced rate within the region's free slots, and reads the pending ones with one
 * Describe per region; copies still unsettled at the wait limit fail.
 */
export async function copyToRegions<I extends Copyable, S extends CopyBatch<I>>(
  state: S,
  kind: CopyKind<I>,
  deps: CopyLoopDeps,
): Promise<S> {
  const { run } = state;
  const continuing = state.loop.phase === kind.phase;
  let items = continuing ? state.items : withCopiesQueued(state.items, run.copyTargets, kind);

  for (const target of run.copyTargets) {
    const region = { target, copier: kind.inRegion(target), sourceOf: kind.sourceOf };
    items = await advanceRegion(items, region, run.pacing.maxStartAttempts, deps);
  }

  const loopState = continuing ? state.loop : startPollLoop(kind.phase, run.pacing);
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

interface CopyBatch<I> {
  run: RunContext;
  items: I[];
  loop: PollLoop;
}

/** Every item whose source completed gets one queued copy per DR region; the others none. */
function withCopiesQueued<I extends Copyable>(
  items: I[],
  targets: CopyTarget[],
  kind: CopyKind<I>,
): I[] {
  return items.map((item) => ({
    ...item,
    copies:
      kind.sourceOf(item).status === 'completed'
        ? targets.map((target) => ({
            region: target.region,
            status: 'queued' as const,
            attempts: 0,
            unseenPolls: 0,
          }))
        : [],
  }));
}

interface Region<I> {
  target: CopyTarget;
  copier: RegionCopier<I>;
  sourceOf: (item: I) => SnapshotWork;
}

async function advanceRegion<I extends Copyable>(
  items: I[],
  region: Region<I>,
  maxStartAttempts: number,
  deps: CopyLoopDeps,
): Promise<I[]> {
  const { copier } = region;
  const copyIn = (item: I) => item.copies.find((copy) => copy.region === region.target.region);
  const update = (item: I, copy: CopyWork): I => ({
    ...item,
    copies: item.copies.map((existing) => (existing.region === copy.region ? copy : existing)),
  });
  const isQueued = (item: I) => copyIn(item)?.status === 'queued';

  if (items.some(isQueued)) {
    const existing = await copier.findExisting();
    items = items.map((item) => {
      const copy = copyIn(item);
      const sourceId = region.sourceOf(item).id;
      const found = sourceId ? existing.get(sourceId) : undefined;
      if (!copy || copy.status !== 'queued' || !found) return item;
      return update(item, afterObservation({ ...copy, id: found.snapshotId }, found));
    });

    let freeSlots = await copier.freeSlots();
    const started: I[] = [];
    for (const item of items) {
      const copy = copyIn(item);
      if (!copy || copy.status !== 'queued' || freeSlots <= 0 || !deps.hasTime()) {
        started.push(item);
        continue;
      }
      freeSlots -= 1;
      started.push(update(item, await startCopy(item, copy, copier, maxStartAttempts, deps)));
    }
    items = started;
  }

  return observePending(items, copyIn, update, (ids) => copier.describe(ids));
}

async function startCopy<I>(
  item: I,
  copy: CopyWork,
  copier: RegionCopier<I>,
  maxStartAttempts: number,
  deps: CopyLoopDeps,
): Promise<CopyWork> {
  let id: string;
  try {
    id = await deps.pace(() => copier.start(item));
  } catch (error) {
    return afterStartFailure(copy, error, maxStartAttempts);
  }
  return afterStart(copy, id);
}
