import type { Tags } from '../core/tag-keys.js';

export type ImageState =
  | 'pending'
  | 'available'
  | 'failed'
  | 'invalid'
  | 'deregistered'
  | 'error'
  | 'transient'
  | 'disabled';

export interface ImageRecord {
  imageId: string;
  state: ImageState;
  name?: string;
  stateReason?: string;
  platform?: string;
  rootDeviceType?: string;
  productCodes: string[];
  /** The EBS snapshots behind the image, with their encryption. */
  snapshots: { snapshotId: string; encrypted: boolean; kmsKeyId?: string }[];
  deprecationTime?: string;
  tags: Tags;
}

export interface CreateImageRequest {
  instanceId: string;
  name: string;
  description: string;
  noReboot: boolean;
  tags: Tags;
}

export interface CopyImageRequest {
  sourceImageId: string;
  sourceRegion: string;
  name: string;
  description: string;
  /** Re-encrypts the copy's snapshots with this key (id, ARN or alias in the destination region). */
  kmsKeyId?: string;
  tags: Tags;
}

/** AMIs in one region. Errors are translated as in SnapshotStore (ThrottledError, ...). */
export interface ImageStore {
  readonly region: string;
  /** Images this product made for a run and policy, found by their tags. */
  findRunImages(runId: string, policy: string): Promise<ImageRecord[]>;
  createImage(request: CreateImageRequest): Promise<string>;
  /** One call for many ids; unknown ids are absent from the result. */
  describeImages(imageIds: string[]): Promise<ImageRecord[]>;
  copyImage(request: CopyImageRequest): Promise<string>;
  /** Tags images or snapshots (idempotent). */
  tagResources(resourceIds: string[], tags: Tags): Promise<void>;
  /** Sets when the image stops being offered for launch (EnableImageDeprecation). */
  deprecateAt(imageId: string, at: Date): Promise<void>;
}

export type ImageStoreFactory = (region: string) => ImageStore;
