import type { ImageRecord, ImageStore } from '../ports/image-store.js';
import type { SnapshotRecord } from '../ports/snapshot-store.js';

/**
 * An image's state in the vocabulary the work outcomes understand: available is "completed";
 * failed, invalid and error are "error" (with EBS's reason); anything else is still pending.
 */
export function asObservation(image: ImageRecord | undefined): SnapshotRecord | undefined {
  if (!image) return undefined;
  const state =
    image.state === 'available'
      ? 'completed'
      : ['failed', 'invalid', 'error', 'deregistered'].includes(image.state)
        ? 'error'
        : 'pending';
  return {
    snapshotId: image.imageId,
    volumeId: '',
    state,
    stateMessage: `image ${image.imageId} is ${image.state}${image.stateReason ? `: ${image.stateReason}` : ''}`,
    tags: image.tags,
  };
}

/** A Describe of images for observePending, keyed by id, in the work outcomes' vocabulary. */
export function imagesById(store: ImageStore) {
  return async (ids: string[]) =>
    new Map(
      (await store.describeImages(ids)).map(
        (image) => [image.imageId, asObservation(image)!] as const,
      ),
    );
}
