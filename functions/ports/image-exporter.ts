import type { Tags } from '../core/tag-keys.js';

export interface ExportImageRequest {
  imageId: string;
  format: 'VMDK' | 'VHD' | 'RAW';
  bucket: string;
  prefix: string;
  roleName: string;
  /** Makes a repeated start return the same task. */
  clientToken: string;
  tags: Tags;
}

export interface ExportTaskRecord {
  taskId: string;
  imageId: string;
  status: 'active' | 'completed' | 'deleting' | 'deleted' | 'failed';
  progress?: string;
  statusMessage?: string;
  /** Where the artifact is (or will be) in S3. */
  bucket: string;
  key?: string;
  tags: Tags;
}

/**
 * Portable copies of AMIs in S3: ExportImage (VMDK/VHD/RAW) and CreateStoreImageTask. Store
 * tasks are keyed by image id (the service allows one per image at a time).
 */
export interface ImageExporter {
  readonly region: string;
  /** Export tasks this product started for a run, found by their tags. */
  findRunExports(runId: string): Promise<ExportTaskRecord[]>;
  startExport(request: ExportImageRequest): Promise<string>;
  describeExports(taskIds: string[]): Promise<ExportTaskRecord[]>;
  startStoreTask(request: { imageId: string; bucket: string; objectTags: Tags }): Promise<string>;
  describeStoreTasks(imageIds: string[]): Promise<ExportTaskRecord[]>;
}
