import type { PendingHolds } from '../pending-holds.js';
import { artifactBody } from './artifact.js';
import { assertImageCanBeExported } from './export-preconditions.js';
import type { ImageMarkStore } from './image-marks.js';
import type { Upstream } from './upstream.js';

/** What export-image and store-image tasks both need; emulated-cloud.ts hands them one. */
export interface ImageTaskDeps {
  upstream: Upstream;
  holds: PendingHolds;
  marks: ImageMarkStore;
  /** Size of the artifact a completed task writes (the `artifactBytes` setting). */
  artifactBytes: () => number;
}

/**
 * What export tasks (export-image.ts) and store tasks (store-image-task.ts) share: the
 * tasks kept by key, held pending by a hold, and ending in an artifact written into moto's
 * S3, or in the failure an image mark asks for.
 */
export abstract class ImageTasks<Task> {
  protected readonly tasks = new Map<string, Task>();

  constructor(protected readonly deps: ImageTaskDeps) {}

  clear(): void {
    this.tasks.clear();
  }

  list(): Task[] {
    return [...this.tasks.values()].map((task) => structuredClone(task));
  }

  /** Refuses, as EC2 would, an image that cannot be exported to the bucket (export-preconditions.ts). */
  protected assertExportable(region: string, imageId: string, bucket: string): Promise<void> {
    return assertImageCanBeExported(this.deps.upstream, this.deps.marks, region, imageId, bucket);
  }

  /** The failure the image's marks make its tasks end in (`exportFailure`), if any. */
  protected markedFailure(imageId: string): string | undefined {
    return this.deps.marks.get(imageId)?.exportFailure;
  }

  /** Writes the image's artifact (artifact.ts) straight into moto's S3. */
  protected writeArtifact(
    imageId: string,
    target: { region: string; bucket: string; key: string; tags?: Record<string, string> },
  ): Promise<void> {
    const body = artifactBody(imageId, this.deps.artifactBytes());
    return this.deps.upstream.putObject(
      target.region,
      target.bucket,
      target.key,
      body,
      target.tags,
    );
  }
}

/** Percent done after `used` of a hold's `polls`: climbs with each poll, never 100. */
export function heldProgress(poll: { used: number; polls: number }): number {
  return Math.floor((100 * poll.used) / (poll.polls + 1));
}
