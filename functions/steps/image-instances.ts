import { imageName } from '../core/image-naming.js';
import type {
  ImageBatchState,
  ImageBatchStepEvent,
  ImageWork,
} from '../core/run-state/image-batch.js';
import { recordPoll, startPollLoop } from '../core/poll-loop.js';
import { recoveryPointTags } from '../core/recovery-point.js';
import { TagKeys } from '../core/tag-keys.js';
import type { ImageStore } from '../ports/image-store.js';
import { asObservation } from './image-observation.js';
import type { Pacer } from './pacer.js';
import {
  afterObservation,
  afterStart,
  afterStartFailure,
  afterTimeout,
  isUnsettled,
} from './work-outcomes.js';

export interface ImageInstancesDeps {
  store: ImageStore;
  pace: Pacer;
  hasTime: () => boolean;
}

/**
 * One turn of a batch's image loop, safe to repeat: adopts the images this run already made
 * (by tags), starts CreateImage for the rest at the paced rate (no reboot unless the policy
 * says so: crash-consistent across the instance's volumes), and reads every pending image with
 * one DescribeImages.
 */
export async function imageInstances(
  event: ImageBatchStepEvent,
  deps: ImageInstancesDeps,
): Promise<ImageBatchState> {
  const state = 'items' in event ? event : initialImageBatchState(event);
  const { run } = state;
  let items = state.items;

  if (items.some((item) => item.image.status === 'queued')) {
    const existing = new Map(
      (await deps.store.findRunImages(run.runId, run.policyName))
        .filter((image) => image.tags[TagKeys.copyOf] === undefined)
        .map((image) => [image.tags[TagKeys.source], image]),
    );
    items = await Promise.all(
      items.map(async (item) => {
        if (item.image.status !== 'queued') return item;
        const found = existing.get(item.instanceId);
        if (found)
          return {
            ...item,
            image: afterObservation({ ...item.image, id: found.imageId }, asObservation(found)),
          };
        if (!deps.hasTime()) return item;
        return { ...item, image: await startImage(item, state, deps) };
      }),
    );
  }

  const pendingIds = items.flatMap((item) =>
    item.image.status === 'pending' && item.image.id ? [item.image.id] : [],
  );
  if (pendingIds.length > 0) {
    const observed = new Map(
      (await deps.store.describeImages(pendingIds)).map((image) => [image.imageId, image]),
    );
    items = items.map((item) => {
      if (item.image.status !== 'pending' || !item.image.id) return item;
      const image = observed.get(item.image.id);
      return {
        ...item,
        image: afterObservation(item.image, asObservation(image)),
        snapshotIds: image
          ? image.snapshots.map((snapshot) => snapshot.snapshotId)
          : item.snapshotIds,
      };
    });
  }

  const loopState = state.loop.phase === 'image' ? state.loop : startPollLoop('image', run.pacing);
  const { loop, timedOut } = recordPoll(
    loopState,
    !items.some((item) => isUnsettled(item.image)),
    run.pacing,
  );
  if (timedOut)
    items = items.map((item) => ({ ...item, image: afterTimeout(item.image, loop.waitedSeconds) }));
  return { ...state, items, loop };
}

export function initialImageBatchState(
  event: Exclude<ImageBatchStepEvent, ImageBatchState>,
): ImageBatchState {
  return {
    ...event,
    items: event.instances.map((instance): ImageWork => ({
      instanceId: instance.instanceId,
      image: { status: 'queued', attempts: 0, unseenPolls: 0 },
      snapshotIds: [],
      copies: [],
    })),
    loop: startPollLoop('image', event.run.pacing),
  };
}

async function startImage(item: ImageWork, state: ImageBatchState, deps: ImageInstancesDeps) {
  const { run } = state;
  try {
    const imageId = await deps.pace(() =>
      deps.store.createImage({
        instanceId: item.instanceId,
        name: imageName(run.policyName, item.instanceId, run.runId),
        description: `backup-orchestrator ${run.policyName} run ${run.runId} of ${item.instanceId}`,
        noReboot: run.image.noReboot,
        tags: {
          ...recoveryPointTags({
            policy: run.policyName,
            sourceId: item.instanceId,
            runId: run.runId,
            createdAt: new Date(run.startedAt),
            expiresAt: run.expiresAt,
          }),
          ...instanceTypeTag(state, item.instanceId),
        },
      }),
    );
    return afterStart(item.image, imageId);
  } catch (error) {
    return afterStartFailure(item.image, error, run.pacing.maxStartAttempts);
  }
}

/** The instance's type, recorded on its image: an instance restore's default type (functions/steps/restore/instance-preflight.ts). */
function instanceTypeTag(state: ImageBatchState, instanceId: string): Record<string, string> {
  const type = state.instances.find((instance) => instance.instanceId === instanceId)?.instanceType;
  return type ? { [TagKeys.instanceType]: type } : {};
}
