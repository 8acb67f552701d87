import type { ImageBatchState, ImageWork } from '../core/run-state/image-batch.js';
import { imageName } from '../core/image-naming.js';
import { recordPoll, startPollLoop } from '../core/poll-loop.js';
import { parseCopyOf, recoveryPointTags } from '../core/recovery-point.js';
import { TagKeys } from '../core/tag-keys.js';
import type { CopyWork } from '../core/run-state/volume-batch.js';
import type { ImageStore, ImageStoreFactory } from '../ports/image-store.js';
import { asObservation, imagesById } from './image-observation.js';
import type { Pacer } from './pacer.js';
import {
  afterObservation,
  afterStart,
  afterStartFailure,
  afterTimeout,
  isUnsettled,
  observePending,
} from './work-outcomes.js';

export interface CopyImagesDeps {
  storeFor: ImageStoreFactory;
  /** CopyImage is rate limited to about one call per second per account. */
  pace: Pacer;
  hasTime: () => boolean;
}

type Target = ImageBatchState['run']['copyTargets'][number];

/**
 * One turn of a batch's image-copy loop, safe to repeat: per DR region, adopts this run's
 * existing copies (by tags), starts CopyImage for the rest (re-encrypted with the region's key,
 * tags applied at once so a re-run finds them), and reads pending copies with one Describe.
 */
export async function copyImages(
  state: ImageBatchState,
  deps: CopyImagesDeps,
): Promise<ImageBatchState> {
  const { run } = state;
  let items =
    state.loop.phase === 'image-copy'
      ? state.items
      : state.items.map((item) => ({
          ...item,
          copies:
            item.image.status === 'completed'
              ? run.copyTargets.map((target) => ({
                  region: target.region,
                  status: 'queued' as const,
                  attempts: 0,
                  unseenPolls: 0,
                }))
              : [],
        }));

  for (const target of run.copyTargets) {
    items = await advanceRegion(items, state, deps.storeFor(target.region), target, deps);
  }

  const loopState =
    state.loop.phase === 'image-copy' ? state.loop : startPollLoop('image-copy', run.pacing);
  const { loop, timedOut } = recordPoll(
    loopState,
    !items.some((item) => item.copies.some(isUnsettled)),
    run.pacing,
  );
  if (timedOut) {
    items = items.map((item) => ({
      ...item,
      copies: item.copies.map((copy) => afterTimeout(copy, loop.waitedSeconds)),
    }));
  }
  return { ...state, items, loop };
}

async function advanceRegion(
  items: ImageWork[],
  state: ImageBatchState,
  store: ImageStore,
  target: Target,
  deps: CopyImagesDeps,
): Promise<ImageWork[]> {
  const { run } = state;
  const copyIn = (item: ImageWork) => item.copies.find((copy) => copy.region === target.region);
  const update = (item: ImageWork, copy: CopyWork): ImageWork => ({
    ...item,
    copies: item.copies.map((existing) => (existing.region === copy.region ? copy : existing)),
  });

  if (items.some((item) => copyIn(item)?.status === 'queued')) {
    const existing = new Map(
      (await store.findRunImages(run.runId, run.policyName)).flatMap((image) => {
        const source = parseCopyOf(image.tags[TagKeys.copyOf] ?? '');
        return source ? [[source.id, image] as const] : [];
      }),
    );
    const next: ImageWork[] = [];
    for (const item of items) {
      const copy = copyIn(item);
      if (!copy || copy.status !== 'queued') {
        next.push(item);
        continue;
      }
      const found = item.image.id ? existing.get(item.image.id) : undefined;
      if (found) {
        next.push(
          update(item, afterObservation({ ...copy, id: found.imageId }, asObservation(found))),
        );
      } else if (deps.hasTime()) {
        next.push(update(item, await startCopy(item, copy, state, store, target, deps)));
      } else {
        next.push(item);
      }
    }
    items = next;
  }

  return observePending(items, copyIn, update, imagesById(store));
}

async function startCopy(
  item: ImageWork,
  copy: CopyWork,
  state: ImageBatchState,
  store: ImageStore,
  target: Target,
  deps: CopyImagesDeps,
): Promise<CopyWork> {
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
  let imageId: string;
  try {
    imageId = await deps.pace(() =>
      store.copyImage({
        sourceImageId: sourceId,
        sourceRegion: run.primaryRegion,
        name: imageName(run.policyName, item.instanceId, run.runId),
        description: `backup-orchestrator copy of ${sourceId} (${item.instanceId}) from ${run.primaryRegion}`,
        kmsKeyId: target.kmsKeyId,
        tags,
      }),
    );
  } catch (error) {
    return afterStartFailure(copy, error, run.pacing.maxStartAttempts);
  }
  try {
    // Tags are part of the request, but are applied again so that a re-run can always find the
    // copy by them, even where CopyImage drops them (the local emulator does).
    await store.tagResources([imageId], tags);
  } catch {
    // Not fatal: the copy exists and is tracked by id; the record step tags it again.
  }
  return afterStart(copy, imageId);
}
