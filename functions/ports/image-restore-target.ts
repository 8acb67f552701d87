import type { Tags } from '../core/tag-keys.js';
import type { RestorableImage } from './instance-restore-target.js';

export interface CreateRestoredImageRequest {
  bucket: string;
  key: string;
  name: string;
  /** Applied to the image by the same call (TagSpecifications). */
  tags: Tags;
}

/**
 * EC2 (and the export's S3 object) in one region, as an image restore from a STORE_TASK export
 * uses it: CreateRestoreImageTask, the polls, and what a restore made found by its
 * `backup:restore-id` tag (retries adopt it, clean-up deregisters it).
 */
export interface ImageRestoreTarget {
  readonly region: string;
  artifactExists(bucket: string, key: string): Promise<boolean>;
  /** The id of this account's image with that name, if any (EC2 refuses a duplicate name). */
  imageNamed(name: string): Promise<string | undefined>;
  createRestoredImage(request: CreateRestoredImageRequest): Promise<string>;
  describeImage(imageId: string): Promise<RestorableImage | undefined>;
  findRestoreImages(restoreId: string): Promise<RestorableImage[]>;
  /** Nothing when it is already gone. */
  deregister(imageId: string): Promise<void>;
}
