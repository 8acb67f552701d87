import {
  CreateStoreImageTaskCommand,
  DescribeExportImageTasksCommand,
  DescribeStoreImageTasksCommand,
  EC2Client,
  ExportImageCommand,
  type ExportImageTask,
} from '@aws-sdk/client-ec2';
import { exportExtension } from '../core/image-exportability.js';
import { TagKeys, type Tags } from '../core/tag-keys.js';
import { ImageNotFoundError } from '../ports/errors/image-errors.js';
import type {
  ExportImageRequest,
  ExportTaskRecord,
  ImageExporter,
} from '../ports/image-exporter.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { toTags } from './ec2-volume-inventory.js';

/** ExportImage and CreateStoreImageTask in one region. */
export class Ec2ImageExporter implements ImageExporter {
  private readonly client: EC2Client;

  constructor(
    readonly region: string,
    client?: EC2Client,
  ) {
    this.client = client ?? new EC2Client(awsClientConfig(region));
  }

  async findRunExports(runId: string): Promise<ExportTaskRecord[]> {
    try {
      const output = await this.client.send(
        new DescribeExportImageTasksCommand({
          Filters: [{ Name: `tag:${TagKeys.run}`, Values: [runId] }],
        }),
      );
      return (output.ExportImageTasks ?? []).map(toExportRecord);
    } catch (error) {
      throw translateAwsError('DescribeExportImageTasks', error);
    }
  }

  async startExport(request: ExportImageRequest): Promise<string> {
    try {
      const output = await this.client.send(
        new ExportImageCommand({
          ImageId: request.imageId,
          DiskImageFormat: request.format,
          S3ExportLocation: { S3Bucket: request.bucket, S3Prefix: request.prefix },
          RoleName: request.roleName,
          ClientToken: request.clientToken,
          TagSpecifications: [
            {
              ResourceType: 'export-image-task',
              Tags: Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })),
            },
          ],
        }),
      );
      return output.ExportImageTaskId ?? '';
    } catch (error) {
      throw translateAwsError('ExportImage', error, {
        'InvalidAMIID.NotFound': (cause) =>
          new ImageNotFoundError(`image ${request.imageId} does not exist in ${this.region}`, {
            cause,
          }),
      });
    }
  }

  async describeExports(taskIds: string[]): Promise<ExportTaskRecord[]> {
    if (taskIds.length === 0) return [];
    try {
      const output = await this.client.send(
        new DescribeExportImageTasksCommand({ ExportImageTaskIds: taskIds }),
      );
      return (output.ExportImageTasks ?? []).map(toExportRecord);
    } catch (error) {
      throw translateAwsError('DescribeExportImageTasks', error);
    }
  }

  async startStoreTask(request: {
    imageId: string;
    bucket: string;
    objectTags: Tags;
  }): Promise<string> {
    try {
      const output = await this.client.send(
        new CreateStoreImageTaskCommand({
          ImageId: request.imageId,
          Bucket: request.bucket,
          S3ObjectTags: Object.entries(request.objectTags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      return output.ObjectKey ?? `${request.imageId}.bin`;
    } catch (error) {
      throw translateAwsError('CreateStoreImageTask', error, {
        'InvalidAMIID.NotFound': (cause) =>
          new ImageNotFoundError(`image ${request.imageId} does not exist in ${this.region}`, {
            cause,
          }),
      });
    }
  }

  async describeStoreTasks(imageIds: string[]): Promise<ExportTaskRecord[]> {
    if (imageIds.length === 0) return [];
    try {
      const output = await this.client.send(
        new DescribeStoreImageTasksCommand({ ImageIds: imageIds }),
      );
      return (output.StoreImageTaskResults ?? []).map((task) => {
        const state = task.StoreTaskState ?? 'InProgress';
        return {
          taskId: task.AmiId ?? '',
          imageId: task.AmiId ?? '',
          status: state === 'Completed' ? 'completed' : state === 'Failed' ? 'failed' : 'active',
          ...(task.ProgressPercentage !== undefined
            ? { progress: `${task.ProgressPercentage}%` }
            : {}),
          ...(task.StoreTaskFailureReason ? { statusMessage: task.StoreTaskFailureReason } : {}),
          bucket: task.Bucket ?? '',
          ...(task.S3objectKey ? { key: task.S3objectKey } : {}),
          tags: {},
        };
      });
    } catch (error) {
      throw translateAwsError('DescribeStoreImageTasks', error);
    }
  }
}

function toExportRecord(task: ExportImageTask): ExportTaskRecord {
  const status = task.Status ?? 'active';
  const prefix = task.S3ExportLocation?.S3Prefix ?? '';
  const taskId = task.ExportImageTaskId ?? '';
  const diskFormat = (toTags(task.Tags)[TagKeys.exportFormat] ?? 'VMDK') as 'VMDK' | 'VHD' | 'RAW';
  return {
    taskId,
    imageId: task.ImageId ?? '',
    status: (['active', 'completed', 'deleting', 'deleted'].includes(status)
      ? status
      : 'failed') as ExportTaskRecord['status'],
    ...(task.Progress ? { progress: task.Progress } : {}),
    ...(task.StatusMessage ? { statusMessage: task.StatusMessage } : {}),
    bucket: task.S3ExportLocation?.S3Bucket ?? '',
    // ExportImage writes <prefix><task id>.<format>; the task does not echo the format, so it is tagged.
    key: `${prefix}${taskId}.${exportExtension(diskFormat)}`,
    tags: toTags(task.Tags),
  };
}
