import { randomBytes } from 'node:crypto';
import type { RenderedResponse } from '../error-responses.js';
import { heldProgress, ImageTasks } from './image-tasks.js';
import {
  EmulatedError,
  ec2Answer,
  ec2Filters,
  el,
  itemSet,
  tagSet,
  wrap,
  type QueryParams,
} from './wire.js';

export type ExportImageStatus = 'active' | 'completed' | 'deleting' | 'deleted';
export type DiskImageFormat = 'VMDK' | 'VHD' | 'RAW';
const FORMATS: readonly string[] = ['VMDK', 'VHD', 'RAW'];

/** An export-image task as the test cloud keeps it (`emulatedState().exportImageTasks`). */
export interface ExportImageTaskState {
  exportImageTaskId: string;
  region: string;
  imageId: string;
  diskImageFormat: DiskImageFormat;
  s3Bucket: string;
  s3Prefix: string;
  roleName: string;
  description?: string;
  clientToken?: string;
  tags: { Key: string; Value: string }[];
  status: ExportImageStatus;
  statusMessage?: string;
  /** Percent done while active. */
  progress?: number;
  /** Where the artifact was written, once completed. */
  s3Key?: string;
  createdAt: string;
}

/**
 * ExportImage, DescribeExportImageTasks and CancelExportTask (export-ami- ids), which
 * moto lacks. A task completes (its artifact written into moto's S3) when it is
 * created, or, while a hold of kind 'export' covers it (by task id or image id), on the
 * first DescribeExportImageTasks poll after the hold's polls are used up.
 */
export class ExportImageTasks extends ImageTasks<ExportImageTaskState> {
  /** Cancelled tasks already shown `deleting` once. */
  private readonly shownDeleting = new Set<string>();

  override clear(): void {
    super.clear();
    this.shownDeleting.clear();
  }

  async exportImage(region: string, params: QueryParams): Promise<RenderedResponse> {
    const imageId = params.required('ImageId');
    const format = params.required('DiskImageFormat').toUpperCase();
    if (!FORMATS.includes(format)) {
      throw new EmulatedError(
        400,
        'InvalidParameterValue',
        `Value (${params.get('DiskImageFormat')}) for parameter DiskImageFormat is invalid. Expected one of VMDK, VHD, RAW.`,
      );
    }
    const location = params.scoped('S3ExportLocation');
    const s3Bucket = location.required('S3Bucket');
    const request = {
      imageId,
      diskImageFormat: format as DiskImageFormat,
      s3Bucket,
      s3Prefix: location.get('S3Prefix') ?? '',
      roleName: params.get('RoleName') ?? 'vmimport',
      description: params.get('Description'),
      tags: exportTaskTags(params),
    };
    const clientToken = params.get('ClientToken');
    if (clientToken !== undefined) {
      const earlier = [...this.tasks.values()].find(
        (task) => task.region === region && task.clientToken === clientToken,
      );
      if (earlier !== undefined) {
        if (!sameRequest(earlier, request)) {
          throw new EmulatedError(
            400,
            'IdempotentParameterMismatch',
            `Client token ${clientToken} was already used with different parameters.`,
          );
        }
        return exportImageAnswer(earlier);
      }
    }
    await this.assertExportable(region, imageId, s3Bucket);
    const task: ExportImageTaskState = {
      ...request,
      exportImageTaskId: `export-ami-${randomBytes(9).toString('hex').slice(0, 17)}`,
      region,
      ...(clientToken === undefined ? {} : { clientToken }),
      status: 'active',
      statusMessage: 'validating',
      progress: 0,
      createdAt: new Date().toISOString(),
    };
    if (task.description === undefined) delete task.description;
    this.tasks.set(task.exportImageTaskId, task);
    const answer = exportImageAnswer(task);
    if (!this.deps.holds.wouldHold('export', [task.exportImageTaskId, imageId]))
      await this.finish(task);
    return answer;
  }

  async describe(region: string, params: QueryParams): Promise<RenderedResponse> {
    const ids = params.list('ExportImageTaskId');
    const inRegion = [...this.tasks.values()].filter((task) => task.region === region);
    const unknown = ids.filter((id) => !inRegion.some((task) => task.exportImageTaskId === id));
    if (unknown.length > 0) {
      throw new EmulatedError(
        400,
        'InvalidExportTaskID.NotFound',
        `The export task ID '${unknown.join(', ')}' does not exist`,
      );
    }
    const selected =
      ids.length === 0 ? inRegion : inRegion.filter((t) => ids.includes(t.exportImageTaskId));
    for (const task of selected) await this.poll(task);
    const filters = ec2Filters(params);
    const shown = selected.filter((task) => matchesFilters(task, filters));
    return ec2Answer(
      'DescribeExportImageTasks',
      itemSet('exportImageTaskSet', shown.map(renderTask)),
    );
  }

  /** Cancels an export-ami- task; other export task ids are moto's (the caller forwards them). */
  cancel(region: string, params: QueryParams): RenderedResponse {
    const id = params.required('ExportTaskId');
    const task = this.tasks.get(id);
    if (task === undefined || task.region !== region) {
      throw new EmulatedError(
        400,
        'InvalidExportTaskID.NotFound',
        `The export task ID '${id}' does not exist`,
      );
    }
    if (task.status !== 'active') {
      throw new EmulatedError(
        400,
        'IncorrectState',
        `Export task ${id} is ${task.status} and cannot be cancelled.`,
      );
    }
    task.status = 'deleting';
    task.statusMessage = 'Canceled by user';
    delete task.progress;
    return ec2Answer('CancelExportTask', el('return', true));
  }

  /** One describe poll: active tasks advance; a cancelled task goes from deleting to deleted. */
  private async poll(task: ExportImageTaskState): Promise<void> {
    if (task.status === 'deleting') {
      if (this.shownDeleting.has(task.exportImageTaskId)) task.status = 'deleted';
      else this.shownDeleting.add(task.exportImageTaskId);
      return;
    }
    if (task.status !== 'active') return;
    const poll = this.deps.holds.poll('export', [task.exportImageTaskId, task.imageId]);
    if (poll.pending) {
      task.statusMessage = 'converting';
      task.progress = heldProgress(poll);
      return;
    }
    await this.finish(task);
  }

  private async finish(task: ExportImageTaskState): Promise<void> {
    delete task.progress;
    const failure = this.markedFailure(task.imageId);
    if (failure !== undefined) {
      task.status = 'deleted';
      task.statusMessage = failure;
      return;
    }
    const key = `${task.s3Prefix}${task.exportImageTaskId}.${task.diskImageFormat.toLowerCase()}`;
    try {
      await this.writeArtifact(task.imageId, { region: task.region, bucket: task.s3Bucket, key });
    } catch (error) {
      task.status = 'deleted';
      task.statusMessage = `ClientError: could not write s3://${task.s3Bucket}/${key}: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    task.status = 'completed';
    delete task.statusMessage;
    task.s3Key = key;
  }
}

function exportTaskTags(params: QueryParams): { Key: string; Value: string }[] {
  const tags: { Key: string; Value: string }[] = [];
  for (const spec of params.members('TagSpecification')) {
    const type = spec.get('ResourceType');
    if (type !== 'export-image-task') {
      throw new EmulatedError(
        400,
        'InvalidParameterValue',
        `'${type ?? ''}' is not a valid taggable resource type for this operation.`,
      );
    }
    for (const tag of spec.members('Tag'))
      tags.push({ Key: tag.get('Key') ?? '', Value: tag.get('Value') ?? '' });
  }
  return tags;
}

function sameRequest(
  task: ExportImageTaskState,
  request: Omit<ExportImageTaskState, 'exportImageTaskId' | 'region' | 'status' | 'createdAt'>,
): boolean {
  return (
    task.imageId === request.imageId &&
    task.diskImageFormat === request.diskImageFormat &&
    task.s3Bucket === request.s3Bucket &&
    task.s3Prefix === request.s3Prefix &&
    task.roleName === request.roleName &&
    task.description === request.description &&
    JSON.stringify(task.tags) === JSON.stringify(request.tags)
  );
}

function matchesFilters(task: ExportImageTaskState, filters: Map<string, string[]>): boolean {
  for (const [name, values] of filters) {
    if (name === 'task-state' || name === 'status') {
      if (!values.includes(task.status)) return false;
    } else if (name.startsWith('tag:')) {
      const key = name.slice(4);
      if (!task.tags.some((tag) => tag.Key === key && values.includes(tag.Value))) return false;
    } else {
      throw new EmulatedError(400, 'InvalidParameterValue', `The filter '${name}' is invalid`);
    }
  }
  return true;
}

function location(task: ExportImageTaskState): string {
  return wrap('s3ExportLocation', el('s3Bucket', task.s3Bucket) + el('s3Prefix', task.s3Prefix));
}

function exportImageAnswer(task: ExportImageTaskState): RenderedResponse {
  return ec2Answer(
    'ExportImage',
    el('description', task.description) +
      el('diskImageFormat', task.diskImageFormat) +
      el('exportImageTaskId', task.exportImageTaskId) +
      el('imageId', task.imageId) +
      el('roleName', task.roleName) +
      el('progress', '0') +
      location(task) +
      el('status', 'active') +
      el('statusMessage', 'validating') +
      tagSet(task.tags),
  );
}

function renderTask(task: ExportImageTaskState): string {
  return (
    el('description', task.description) +
    el('exportImageTaskId', task.exportImageTaskId) +
    el('imageId', task.imageId) +
    el('progress', task.progress === undefined ? undefined : String(task.progress)) +
    location(task) +
    el('status', task.status) +
    el('statusMessage', task.statusMessage) +
    tagSet(task.tags)
  );
}
