import { exportExtension } from '../../core/image-exportability.js';
import { TagKeys, type Tags } from '../../core/tag-keys.js';
import type { ArtifactStore, StoredObjectFacts } from '../../ports/artifact-store.js';
import { ImageNotFoundError, InstanceNotImageableError } from '../../ports/errors/image-errors.js';
import type {
  ExportImageRequest,
  ExportTaskRecord,
  ImageExporter,
} from '../../ports/image-exporter.js';
import type {
  CopyImageRequest,
  CreateImageRequest,
  ImageRecord,
  ImageStore,
} from '../../ports/image-store.js';

interface StoredImage extends ImageRecord {
  region: string;
  pendingPolls: number;
}

interface StoredTask extends ExportTaskRecord {
  region: string;
  pendingPolls: number;
  kind: 'export' | 'store';
}

/**
 * The in-memory twin of AMIs, export/store tasks and the export bucket, across regions: the same
 * port contracts as the EC2 and S3 adapters (one suite runs against both), with knobs for
 * pending polls, product codes and failures.
 */
export class InMemoryImageCloud {
  readonly instances = new Set<string>();
  readonly images = new Map<string, StoredImage>();
  readonly tasks = new Map<string, StoredTask>();
  readonly objects = new Map<string, StoredObjectFacts & { tags: Tags }>();
  readonly buckets = new Set<string>();
  readonly deprecations = new Map<string, Date>();
  readonly tagged = new Map<string, Tags>();
  pendingPolls = 0;
  readonly failNext: Record<'createImage' | 'copyImage' | 'startExport', Error[]> = {
    createImage: [],
    copyImage: [],
    startExport: [],
  };
  readonly calls: Record<string, number> = {};
  private sequence = 0;

  private count(operation: string) {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }

  private nextId(prefix: string): string {
    return `${prefix}-${(++this.sequence).toString(16).padStart(17, '0')}`;
  }

  private view(image: StoredImage): ImageRecord {
    if (image.state === 'pending' && image.pendingPolls-- <= 0) image.state = 'available';
    const { region: _region, pendingPolls: _polls, ...record } = image;
    return structuredClone({
      ...record,
      tags: { ...record.tags, ...(this.tagged.get(image.imageId) ?? {}) },
    });
  }

  private register(region: string, tags: Tags, name: string, productCodes: string[] = []): string {
    const imageId = this.nextId('ami');
    const snapshotId = this.nextId('snap');
    this.images.set(imageId, {
      imageId,
      region,
      name,
      state: 'pending',
      pendingPolls: this.pendingPolls,
      productCodes,
      snapshots: [{ snapshotId, encrypted: false }],
      tags,
    });
    return imageId;
  }

  imageStore(region: string): ImageStore {
    const inRegion = () => [...this.images.values()].filter((image) => image.region === region);
    return {
      region,
      findRunImages: async (runId, policy) => {
        this.count('findRunImages');
        return inRegion()
          .map((image) => this.view(image))
          .filter(
            (image) => image.tags[TagKeys.run] === runId && image.tags[TagKeys.policy] === policy,
          );
      },
      createImage: async (request: CreateImageRequest) => {
        this.count('createImage');
        const failure = this.failNext.createImage.shift();
        if (failure) throw failure;
        if (!this.instances.has(request.instanceId)) {
          throw new InstanceNotImageableError(
            `instance ${request.instanceId} does not exist (terminated after discovery?)`,
          );
        }
        return this.register(region, request.tags, request.name);
      },
      describeImages: async (imageIds) => {
        this.count('describeImages');
        return inRegion()
          .filter((image) => imageIds.includes(image.imageId))
          .map((image) => this.view(image));
      },
      copyImage: async (request: CopyImageRequest) => {
        this.count('copyImage');
        const failure = this.failNext.copyImage.shift();
        if (failure) throw failure;
        const source = this.images.get(request.sourceImageId);
        if (!source || source.region !== request.sourceRegion) {
          throw new ImageNotFoundError(
            `image ${request.sourceImageId} does not exist in ${request.sourceRegion}`,
          );
        }
        const copyId = this.register(region, request.tags, request.name);
        const copy = this.images.get(copyId)!;
        copy.snapshots = copy.snapshots.map((snapshot) => ({
          ...snapshot,
          encrypted: Boolean(request.kmsKeyId),
          ...(request.kmsKeyId ? { kmsKeyId: request.kmsKeyId } : {}),
        }));
        return copyId;
      },
      tagResources: async (resourceIds, tags) => {
        this.count('tagResources');
        for (const id of resourceIds)
          this.tagged.set(id, { ...(this.tagged.get(id) ?? {}), ...tags });
      },
      deprecateAt: async (imageId, at) => {
        this.count('deprecateAt');
        this.deprecations.set(imageId, at);
      },
    };
  }

  exporter(region: string): ImageExporter {
    const ofKind = (kind: StoredTask['kind']) => (id: string) => {
      const task = this.tasks.get(id);
      return task && task.kind === kind ? [this.taskView(task)] : [];
    };
    return {
      region,
      findRunExports: async (runId) => {
        this.count('findRunExports');
        return [...this.tasks.values()]
          .filter(
            (task) =>
              task.kind === 'export' && task.region === region && task.tags[TagKeys.run] === runId,
          )
          .map((task) => this.taskView(task));
      },
      startExport: async (request: ExportImageRequest) => {
        this.count('startExport');
        const failure = this.failNext.startExport.shift();
        if (failure) throw failure;
        const existing = [...this.tasks.values()].find(
          (task) => task.tags['client-token'] === request.clientToken,
        );
        if (existing) return existing.taskId;
        const taskId = this.nextId('export-ami');
        const key = `${request.prefix}${taskId}.${exportExtension(request.format)}`;
        const tags = { ...request.tags, 'client-token': request.clientToken };
        return this.startTask(
          { kind: 'export', region, imageId: request.imageId, taskId, tags },
          request.bucket,
          key,
        );
      },
      describeExports: async (taskIds) => {
        this.count('describeExports');
        return taskIds.flatMap(ofKind('export'));
      },
      startStoreTask: async (request) => {
        this.count('startStoreTask');
        const key = `${request.imageId}.bin`;
        const task = {
          kind: 'store' as const,
          region,
          imageId: request.imageId,
          taskId: request.imageId,
        };
        this.startTask({ ...task, tags: request.objectTags }, request.bucket, key);
        return key;
      },
      describeStoreTasks: async (imageIds) => {
        this.count('describeStoreTasks');
        return imageIds.flatMap(ofKind('store'));
      },
    };
  }

  /** A task as Describe shows it; an active one completes (its object appears) after its polls. */
  private taskView(task: StoredTask): ExportTaskRecord {
    if (task.status === 'active' && task.pendingPolls-- <= 0) {
      task.status = 'completed';
      const key = task.key ?? '';
      this.objects.set(`${task.bucket}/${key}`, {
        sizeBytes: 65_536,
        etag: `etag-${task.taskId}`,
        tags: {},
      });
    }
    const { region: _region, pendingPolls: _polls, kind: _kind, ...record } = task;
    return structuredClone(record);
  }

  /** Starts an export or store task of an image of the task's region into an existing bucket. */
  private startTask(
    task: Pick<StoredTask, 'kind' | 'region' | 'imageId' | 'taskId' | 'tags'>,
    bucket: string,
    key: string,
  ): string {
    const image = this.images.get(task.imageId);
    if (!image || image.region !== task.region)
      throw new ImageNotFoundError(`image ${task.imageId} does not exist in ${task.region}`);
    if (!this.buckets.has(bucket)) throw new ImageNotFoundError(`bucket ${bucket} does not exist`);
    this.tasks.set(task.taskId, {
      taskId: task.taskId,
      imageId: task.imageId,
      status: 'active',
      bucket,
      key,
      tags: task.tags,
      region: task.region,
      pendingPolls: this.pendingPolls,
      kind: task.kind,
    });
    return task.taskId;
  }

  artifactStore(): ArtifactStore {
    return {
      describeObject: async (bucket, key) => {
        this.count('describeObject');
        const found = this.objects.get(`${bucket}/${key}`);
        if (!found) return undefined;
        const { tags: _tags, ...facts } = found;
        return { ...facts };
      },
      tagObject: async (bucket, key, tags) => {
        this.count('tagObject');
        const found = this.objects.get(`${bucket}/${key}`);
        if (found) found.tags = { ...tags };
      },
    };
  }
}
