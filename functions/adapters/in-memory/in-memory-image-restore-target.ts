import { TagKeys } from '../../core/tag-keys.js';
import type {
  CreateRestoredImageRequest,
  ImageRestoreTarget,
} from '../../ports/image-restore-target.js';
import type { RestorableImage } from '../../ports/instance-restore-target.js';

/**
 * The image restore target's in-memory twin (functions/ports/image-restore-target.ts), held to
 * the preflight suite with the SDK adapter: objects a test declares, images by name (a duplicate
 * refused as EC2 refuses it), images that stay `pending` for N polls, calls counted.
 */
export class InMemoryImageRestoreTarget implements ImageRestoreTarget {
  readonly objects = new Set<string>();
  readonly images = new Map<string, RestorableImage & { name: string; pollsLeft: number }>();
  pendingPolls = 0;
  readonly calls: Record<string, number> = {};
  private sequence = 0;

  constructor(readonly region = 'us-east-1') {}

  addObject(bucket: string, key: string): void {
    this.objects.add(`${bucket}/${key}`);
  }

  addImage(name: string, tags: Record<string, string> = {}): string {
    const imageId = `ami-${(++this.sequence).toString(16).padStart(17, '0')}`;
    this.images.set(imageId, {
      imageId,
      name,
      state: 'available',
      ownerId: '123456789012',
      tags,
      pollsLeft: 0,
    });
    return imageId;
  }

  async artifactExists(bucket: string, key: string) {
    this.count('artifactExists');
    return this.objects.has(`${bucket}/${key}`);
  }

  async imageNamed(name: string) {
    this.count('imageNamed');
    return [...this.images.values()].find(
      (image) => image.name === name && image.state !== 'deregistered',
    )?.imageId;
  }

  async createRestoredImage(request: CreateRestoredImageRequest) {
    this.count('createRestoredImage');
    if (!this.objects.has(`${request.bucket}/${request.key}`))
      throw new Error(`InvalidParameter: s3://${request.bucket}/${request.key}`);
    if (await this.imageNamed(request.name))
      throw new Error(`InvalidAMIName.Duplicate: ${request.name}`);
    const imageId = this.addImage(request.name, { ...request.tags });
    const image = this.images.get(imageId)!;
    image.state = 'pending';
    image.pollsLeft = this.pendingPolls;
    return imageId;
  }

  async describeImage(imageId: string) {
    this.count('describeImage');
    const image = this.images.get(imageId);
    if (!image || image.state === 'deregistered') return undefined;
    if (image.state === 'pending' && image.pollsLeft-- <= 0) image.state = 'available';
    return this.view(image);
  }

  async findRestoreImages(restoreId: string) {
    this.count('findRestoreImages');
    return [...this.images.values()]
      .filter(
        (image) => image.tags[TagKeys.restoreId] === restoreId && image.state !== 'deregistered',
      )
      .map((image) => this.view(image));
  }

  async deregister(imageId: string) {
    this.count('deregister');
    const image = this.images.get(imageId);
    if (image) image.state = 'deregistered';
  }

  private view({
    name: _name,
    pollsLeft: _polls,
    ...image
  }: RestorableImage & { name: string; pollsLeft: number }) {
    return structuredClone(image);
  }

  private count(operation: string) {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }
}
