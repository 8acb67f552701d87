import type { VolumeSpec } from '../core/restore/volume-restore-plan.js';
import type { Tags } from '../core/tag-keys.js';

/** A snapshot as a volume restore needs to know it. */
export interface RestorableSnapshot {
  snapshotId: string;
  /** pending | completed | error | ... */
  state: string;
  sizeGiB: number;
  /** The account that owns it: ours, so the account of what a restore creates from it. */
  ownerId: string;
  tags: Tags;
}

/** An instance a restored volume may be attached to. */
export interface AttachTarget {
  instanceId: string;
  /** pending | running | stopping | stopped | shutting-down | terminated */
  state: string;
  availabilityZone: string;
  /** Device names already mapped (root device included). */
  devices: string[];
}

export interface RestoredVolume {
  volumeId: string;
  /** creating | available | in-use | deleting | deleted | error */
  state: string;
  availabilityZone: string;
  tags: Tags;
  attachments: { instanceId: string; device: string; state: string }[];
}

export interface CreateRestoredVolumeRequest extends VolumeSpec {
  snapshotId: string;
  availabilityZone: string;
  /** Absent: the account's default EBS key. The volume is encrypted either way. */
  kmsKeyId?: string;
  /** Applied at creation (TagSpecifications). */
  tags: Tags;
  /** CreateVolume's ClientToken: a retried call creates nothing new where EC2 honours it. */
  clientToken: string;
}

/** What EC2's DryRun said of a create: it would succeed, or why not ("Code: message"). */
export type DryRunAnswer = { wouldSucceed: true } | { wouldSucceed: false; reason: string };

/**
 * EBS in one region, as a volume restore uses it: the facts the preflight checks, the create
 * and attach it makes, and the tag look-up by restore id that makes retries adopt what exists
 * and lets a cancel find everything (functions/steps/restore/clean-up-restore.ts).
 */
export interface VolumeRestoreTarget {
  readonly region: string;
  /** Undefined when the snapshot does not exist (in this region). */
  describeSnapshot(snapshotId: string): Promise<RestorableSnapshot | undefined>;
  availabilityZones(): Promise<string[]>;
  describeAttachTarget(instanceId: string): Promise<AttachTarget | undefined>;
  /** CreateVolume with DryRun: creates nothing. */
  dryRunCreateVolume(request: CreateRestoredVolumeRequest): Promise<DryRunAnswer>;
  createVolume(request: CreateRestoredVolumeRequest): Promise<RestoredVolume>;
  /** Undefined when the volume is gone. */
  describeVolume(volumeId: string): Promise<RestoredVolume | undefined>;
  /** Volumes tagged `backup:restore-id=<restoreId>` (not deleted). */
  findRestoreVolumes(restoreId: string): Promise<RestoredVolume[]>;
  attachVolume(volumeId: string, instanceId: string, device: string): Promise<void>;
  /** Force-detaches from every instance; nothing when it is not attached. */
  detachVolume(volumeId: string): Promise<void>;
  /** Nothing when it is already gone. */
  deleteVolume(volumeId: string): Promise<void>;
}

/** A KMS key as the preflight judges it usable for EBS encryption. */
export interface KeyFacts {
  keyArn: string;
  enabled: boolean;
  /** Enabled | Disabled | PendingDeletion | ... */
  keyState: string;
  /** ENCRYPT_DECRYPT | SIGN_VERIFY | ... */
  keyUsage: string;
  /** SYMMETRIC_DEFAULT | RSA_2048 | ... */
  keySpec: string;
}

export interface KeyDirectory {
  readonly region: string;
  /** Undefined when no key answers to that id, ARN or alias. */
  describeKey(keyId: string): Promise<KeyFacts | undefined>;
}
