import type { RenderedResponse } from '../error-responses.js';
import { heldProgress, ImageTasks } from './image-tasks.js';
import { EmulatedError, ec2Answer, ec2Filters, el, itemSet, type QueryParams } from './wire.js';

export type StoreTaskState = 'InProgress' | 'Completed' | 'Failed';

/** A store-image task as the test cloud keeps it (`emulatedState().storeImageTasks`). */
export interface StoreImageTaskState {
  region: string;
  amiId: string;
  bucket: string;
  s3ObjectKey: string;
  s3ObjectTags: Record<string, string>;
  taskStartTime: string;
  storeTaskState: StoreTaskState;
  progressPercentage: number;
  storeTaskFailureReason?: string;
}

/**
 * CreateStoreImageTask and DescribeStoreImageTasks, which moto lacks. One task per image
 * and region (a new one replaces the last). It completes, writing `${ImageId}.bin` with
 * the S3ObjectTags as object tags into moto's S3, when created, or, while a hold of kind
 * 'store-task' covers the image, on the first DescribeStoreImageTasks poll after the
 * hold's polls are used up.
 */
export class StoreImageTasks extends ImageTasks<StoreImageTaskState> {
  async create(region: string, params: QueryParams): Promise<RenderedResponse> {
    const imageId = params.required('ImageId');
    const bucket = params.required('Bucket');
    const tags: Record<string, string> = {};
    for (const tag of params.members('S3ObjectTag'))
      tags[tag.get('Key') ?? ''] = tag.get('Value') ?? '';
    await this.assertExportable(region, imageId, bucket);
    const task: StoreImageTaskState = {
      region,
      amiId: imageId,
      bucket,
      s3ObjectKey: `${imageId}.bin`,
      s3ObjectTags: tags,
      taskStartTime: new Date().toISOString(),
      storeTaskState: 'InProgress',
      progressPercentage: 0,
    };
    this.tasks.set(taskKey(region, imageId), task);
    this.deps.holds.forget('store-task', imageId);
    if (!this.deps.holds.wouldHold('store-task', [imageId])) await this.finish(task);
    return ec2Answer('CreateStoreImageTask', el('objectKey', task.s3ObjectKey));
  }

  async describe(region: string, params: QueryParams): Promise<RenderedResponse> {
    const ids = params.list('ImageId');
    const selected = [...this.tasks.values()].filter(
      (task) => task.region === region && (ids.length === 0 || ids.includes(task.amiId)),
    );
    for (const task of selected) await this.poll(task);
    const filters = ec2Filters(params);
    const shown = selected.filter((task) => matchesFilters(task, filters));
    return ec2Answer(
      'DescribeStoreImageTasks',
      itemSet(
        'storeImageTaskResultSet',
        shown.map(
          (task) =>
            el('amiId', task.amiId) +
            el('taskStartTime', task.taskStartTime) +
            el('bucket', task.bucket) +
            el('s3objectKey', task.s3ObjectKey) +
            el('progressPercentage', task.progressPercentage) +
            el('storeTaskState', task.storeTaskState) +
            el('storeTaskFailureReason', task.storeTaskFailureReason),
        ),
      ),
    );
  }

  private async poll(task: StoreImageTaskState): Promise<void> {
    if (task.storeTaskState !== 'InProgress') return;
    const poll = this.deps.holds.poll('store-task', [task.amiId]);
    if (poll.pending) {
      task.progressPercentage = heldProgress(poll);
      return;
    }
    await this.finish(task);
  }

  private async finish(task: StoreImageTaskState): Promise<void> {
    const failure = this.markedFailure(task.amiId);
    if (failure !== undefined) {
      task.storeTaskState = 'Failed';
      task.storeTaskFailureReason = failure;
      return;
    }
    try {
      await this.writeArtifact(task.amiId, {
        region: task.region,
        bucket: task.bucket,
        key: task.s3ObjectKey,
        tags: task.s3ObjectTags,
      });
    } catch (error) {
      task.storeTaskState = 'Failed';
      task.storeTaskFailureReason = error instanceof Error ? error.message : String(error);
      return;
    }
    task.storeTaskState = 'Completed';
    task.progressPercentage = 100;
  }
}

function taskKey(region: string, imageId: string): string {
  return `${region}/${imageId}`;
}

function matchesFilters(task: StoreImageTaskState, filters: Map<string, string[]>): boolean {
  for (const [name, values] of filters) {
    if (name === 'task-state') {
      if (!values.includes(task.storeTaskState)) return false;
    } else if (name === 'bucket') {
      if (!values.includes(task.bucket)) return false;
    } else {
      throw new EmulatedError(400, 'InvalidParameterValue', `The filter '${name}' is invalid`);
    }
  }
  return true;
}
