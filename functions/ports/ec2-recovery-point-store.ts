import type { Tags } from '../core/tag-keys.js';

/** A snapshot as pruning sees it: its tags carry the recovery point's facts. */
export interface PrunableSnapshot {
  snapshotId: string;
  state: string;
  startTime?: string;
  tags: Tags;
}

/** An image as pruning sees it, with the snapshots that back it. */
export interface PrunableImage {
  imageId: string;
  state: string;
  creationDate?: string;
  snapshotIds: string[];
  tags: Tags;
}

/**
 * The snapshots and images of one region that pruning reads and removes. Deletions are
 * idempotent: removing what is already gone succeeds. Errors are translated (ThrottledError, ...).
 */
export interface Ec2RecoveryPointStore {
  readonly region: string;
  /** Snapshots tagged with this policy, whoever made them (the rails decide what is ours). */
  listPolicySnapshots(policy: string): Promise<PrunableSnapshot[]>;
  /** Images tagged with this policy, whoever made them. */
  listPolicyImages(policy: string): Promise<PrunableImage[]>;
  /** Every snapshot id that backs any image this account owns in the region (ours or not). */
  imageBackedSnapshotIds(): Promise<Set<string>>;
  /** Of these snapshots, the ones under an EBS snapshot lock that has not expired. */
  lockedSnapshotIds(snapshotIds: string[]): Promise<Set<string>>;
  tagResources(resourceIds: string[], tags: Tags): Promise<void>;
  deregisterImage(imageId: string): Promise<void>;
  deleteSnapshot(snapshotId: string): Promise<void>;
}

export type Ec2RecoveryPointStoreFactory = (region: string) => Ec2RecoveryPointStore;
