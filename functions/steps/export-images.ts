import type { ExportWork, ImageBatchState, ImageWork } from '../core/run-state/image-batch.js';
import { exportBlockers, type ExportMethod } from '../core/image-exportability.js';
import { exportClientToken } from '../core/image-naming.js';
import { recordPoll, startPollLoop } from '../core/poll-loop.js';
import { recoveryPointTags } from '../core/recovery-point.js';
import { TagKeys, type Tags } from '../core/tag-keys.js';
import type { ArtifactStore } from '../ports/artifact-store.js';
import { ExportFailedError, ImageNotExportableError } from '../ports/errors/image-errors.js';
import type { ExportTaskRecord, ImageExporter } from '../ports/image-exporter.js';
import type { ImageRecord, ImageStore } from '../ports/image-store.js';
import { afterStartFailure, toFailure } from './work-outcomes.js';

export interface ExportImagesDeps {
  images: ImageStore;
  exporter: ImageExporter;
  artifacts: ArtifactStore;
  hasTime: () => boolean;
}

/**
 * One turn of a batch's export loop, safe to repeat. Images the services cannot export are
 * found first and reported (never started); the rest are exported (ExportImage, with a client
 * token per image and run) or stored (CreateStoreImageTask), a few at a time; a finished task's
 * artifact is verified in S3 (present, not empty, size and checksum recorded) and tagged to
 * expire with the image.
 */
export async function exportImages(
  state: ImageBatchState,
  deps: ExportImagesDeps,
): Promise<ImageBatchState> {
  const { run } = state;
  const plan = run.image.export;
  const firstTurn = state.loop.phase !== 'export';
  let items = state.items;
  if (plan && firstTurn) {
    items = items.map((item) =>
      item.image.status === 'completed'
        ? { ...item, export: { status: 'queued', attempts: 0 } }
        : item,
    );
  }

  if (plan && items.some((item) => item.export?.status === 'queued')) {
    items = await startQueued(items, state, deps);
  }
  if (plan) items = await pollPending(items, state, deps);

  const loopState = firstTurn ? startPollLoop('export', run.pacing) : state.loop;
  const unsettled = items.some(
    (item) => item.export?.status === 'queued' || item.export?.status === 'pending',
  );
  const { loop, timedOut } = recordPoll(loopState, !unsettled, run.pacing);
  if (timedOut) {
    items = items.map((item) =>
      item.export && (item.export.status === 'queued' || item.export.status === 'pending')
        ? withExport(item, {
            ...item.export,
            status: 'failed',
            error: {
              name: 'ExportTimeoutError',
              message: `export of ${item.image.id} did not finish within ${loop.waitedSeconds}s`,
            },
          })
        : item,
    );
  }
  return { ...state, items, loop };
}

function withExport(item: ImageWork, work: ExportWork): ImageWork {
  return { ...item, export: work };
}

function artifactTags(state: ImageBatchState, item: ImageWork): Tags {
  const { run } = state;
  return recoveryPointTags({
    policy: run.policyName,
    sourceId: item.instanceId,
    runId: run.runId,
    createdAt: new Date(run.startedAt),
    expiresAt: run.expiresAt,
  });
}

async function startQueued(
  items: ImageWork[],
  state: ImageBatchState,
  deps: ExportImagesDeps,
): Promise<ImageWork[]> {
  const { run } = state;
  const method = run.image.export?.format === 'STORE_TASK' ? 'store-image-task' : 'export-image';
  const queuedImageIds = items.flatMap((item) =>
    item.export?.status === 'queued' && item.image.id ? [item.image.id] : [],
  );
  const { images, existing } = await lookUpQueued(queuedImageIds, method, run.runId, deps);
  let inFlight = items.filter((item) => item.export?.status === 'pending').length;

  const next: ImageWork[] = [];
  for (const item of items) {
    const work = item.export;
    const imageId = item.image.id ?? '';
    if (work?.status !== 'queued') {
      next.push(item);
      continue;
    }
    const blockers = blockersOf(imageId, images.get(imageId), method);
    if (blockers.length > 0) {
      const error = toFailure(new ImageNotExportableError(blockers.join('; ')));
      next.push(withExport(item, { ...work, status: 'skipped', error }));
      continue;
    }
    const adopted = existing.get(imageId);
    if (adopted) {
      next.push(withExport(item, { ...work, status: 'pending', taskId: adopted.taskId }));
      inFlight += 1;
      continue;
    }
    if (inFlight >= run.pacing.exportsInFlight || !deps.hasTime()) {
      next.push(item);
      continue;
    }
    const started = await startTask(item, work, state, deps);
    if (started.status === 'pending') inFlight += 1;
    next.push(withExport(item, started));
  }
  return next;
}

/**
 * The queued images as EC2 describes them, and the tasks this run already started for them
 * (export tasks by the run's tags; store tasks by image, the service's own key).
 */
async function lookUpQueued(
  imageIds: string[],
  method: ExportMethod,
  runId: string,
  deps: ExportImagesDeps,
): Promise<{ images: Map<string, ImageRecord>; existing: Map<string, ExportTaskRecord> }> {
  const images = new Map(
    (await deps.images.describeImages(imageIds)).map((image) => [image.imageId, image]),
  );
  const tasks =
    method === 'export-image'
      ? await deps.exporter.findRunExports(runId)
      : await deps.exporter.describeStoreTasks(imageIds);
  return { images, existing: new Map(tasks.map((task) => [task.imageId, task])) };
}

/** Why an image cannot be exported by the method, if anything stops it (a vanished image does). */
function blockersOf(
  imageId: string,
  image: ImageRecord | undefined,
  method: ExportMethod,
): string[] {
  if (!image) return [`image ${imageId} is no longer visible`];
  return exportBlockers(
    {
      imageId,
      productCodes: image.productCodes,
      ...(image.platform ? { platform: image.platform } : {}),
      encryptedSnapshots: image.snapshots
        .filter((snapshot) => snapshot.encrypted)
        .map((snapshot) => snapshot.snapshotId),
    },
    method,
  );
}

/** ExportImage (a client token per image and run) or CreateStoreImageTask for one image. */
async function startTask(
  item: ImageWork,
  work: ExportWork,
  state: ImageBatchState,
  deps: ExportImagesDeps,
): Promise<ExportWork> {
  const { run } = state;
  const plan = run.image.export!;
  const imageId = item.image.id ?? '';
  try {
    const tags = artifactTags(state, item);
    const taskId =
      plan.format === 'STORE_TASK'
        ? (await deps.exporter.startStoreTask({ imageId, bucket: plan.bucket, objectTags: tags }),
          imageId)
        : await deps.exporter.startExport({
            imageId,
            format: plan.format,
            bucket: plan.bucket,
            prefix: plan.prefix,
            roleName: plan.roleName,
            clientToken: exportClientToken(run.runId, imageId),
            tags: { ...tags, [TagKeys.exportFormat]: plan.format },
          });
    return { status: 'pending', taskId, attempts: work.attempts + 1 };
  } catch (error) {
    return afterStartFailure(work, error, run.pacing.maxStartAttempts);
  }
}

async function pollPending(
  items: ImageWork[],
  state: ImageBatchState,
  deps: ExportImagesDeps,
): Promise<ImageWork[]> {
  const plan = state.run.image.export!;
  const pendingIds = items.flatMap((item) =>
    item.export?.status === 'pending' && item.export.taskId ? [item.export.taskId] : [],
  );
  if (pendingIds.length === 0) return items;
  const tasks =
    plan.format === 'STORE_TASK'
      ? await deps.exporter.describeStoreTasks(pendingIds)
      : await deps.exporter.describeExports(pendingIds);
  const byId = new Map(tasks.map((task) => [task.taskId, task]));
  return Promise.all(
    items.map(async (item) => {
      const work = item.export;
      if (work?.status !== 'pending' || !work.taskId) return item;
      const task = byId.get(work.taskId);
      if (!task || task.status === 'active') return item;
      if (task.status !== 'completed') {
        const error = new ExportFailedError(
          `export task ${task.taskId} of ${item.image.id} ended ${task.status}: ${task.statusMessage ?? 'no reason given'}`,
        );
        return withExport(item, { ...work, status: 'failed', error: toFailure(error) });
      }
      return withExport(item, await verifyArtifact(item, work, task, state, deps));
    }),
  );
}

/** The "CRC check" of an export: the object exists, is not empty, and its facts are kept. */
async function verifyArtifact(
  item: ImageWork,
  work: ExportWork,
  task: ExportTaskRecord,
  state: ImageBatchState,
  deps: ExportImagesDeps,
): Promise<ExportWork> {
  const plan = state.run.image.export!;
  const key = task.key ?? `${item.image.id}.bin`;
  const bucket = task.bucket || plan.bucket;
  const facts = await deps.artifacts.describeObject(bucket, key);
  if (!facts || facts.sizeBytes === 0) {
    const error = new ExportFailedError(
      `export task ${task.taskId} of ${item.image.id} completed but s3://${bucket}/${key} is ${facts ? 'empty' : 'missing'}`,
    );
    return { ...work, status: 'failed', error: toFailure(error) };
  }
  await deps.artifacts.tagObject(bucket, key, artifactTags(state, item));
  return {
    ...work,
    status: 'completed',
    artifact: {
      bucket,
      key,
      format: plan.format,
      sizeBytes: facts.sizeBytes,
      ...(facts.etag ? { etag: facts.etag } : {}),
      ...(facts.checksum ? { checksum: facts.checksum } : {}),
    },
  };
}
