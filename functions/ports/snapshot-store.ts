import type { Tags } from '../core/tag-keys.js';

export type SnapshotState = 'pending' | 'completed' | 'error' | 'recoverable' | 'recovering';

export interface SnapshotRecord {
  snapshotId: string;
  volumeId: string;
  state: SnapshotState;
  progress?: string;
  stateMessage?: string;
  startTime?: string;
  sizeGiB?: number;
  encrypted?: boolean;
  kmsKeyId?: string;
  tags: Tags;
}

export interface CreateSnapshotRequest {
  volumeId: string;
  description: string;
  tags: Tags;
}

export interface CopySnapshotRequest {
  sourceSnapshotId: string;
  sourceRegion: string;
  description: string;
  /** Re-encrypts the copy with this key (id, ARN or alias in the destination region). */
  kmsKeyId?: string;
  tags: Tags;
}

/**
 * EBS snapshots in one region. Implementations translate provider errors into the classes in
 * core/errors and functions/ports/errors, so callers can decide retry versus failure.
 */
export interface SnapshotStore {
  readonly region: string;
  /** Snapshots this product made for a run and policy, found by their tags (for idempotent re-runs). */
  findRunSnapshots(runId: string, policy: string): Promise<SnapshotRecord[]>;
  createSnapshot(request: CreateSnapshotRequest): Promise<SnapshotRecord>;
  /** One call for many ids; ids that no longer exist are simply absent from the result. */
  describeSnapshots(snapshotIds: string[]): Promise<SnapshotRecord[]>;
  copySnapshot(request: CopySnapshotRequest): Promise<SnapshotRecord>;
  /** Copies this product has in flight into this region (EBS allows 20 per destination region). */
  countCopiesInFlight(): Promise<number>;
}

export type SnapshotStoreFactory = (region: string) => SnapshotStore;
