import type { BackupConfig } from '../../functions/core/config.js';

/**
 * What the configuration lets a restore use beyond the product's own resources
 * (`restore` in backup.config.json): the restore roles are scoped to these lists, so a restore
 * request can name nothing else.
 */
export interface RestoreAllowLists {
  /** Instance profiles a restored instance may get, by name (`restore.instanceProfiles`). */
  readonly instanceProfiles: readonly string[];
  /**
   * The roles those profiles hold, whose iam:PassRole RunInstances needs
   * (`restore.instanceProfileRoles` where the configuration has it; else each profile's own name,
   * as the console names the profile of a role).
   */
  readonly instanceProfileRoles: readonly string[];
  /** KMS keys a restored volume may be encrypted with: ids, ARNs or aliases (`restore.kmsKeyIds`). */
  readonly kmsKeyIds: readonly string[];
  /**
   * Buckets objects may be restored into (`restore.targetBuckets`); empty: any bucket of the
   * account that is not a backup bucket.
   */
  readonly targetBuckets: readonly string[];
}

/** The part of the configuration's `restore` block the stack reads; every field optional. */
interface RestoreSection {
  readonly instanceProfiles?: readonly string[];
  readonly instanceProfileRoles?: readonly string[];
  readonly kmsKeyIds?: readonly string[];
  readonly targetBuckets?: readonly string[];
}

/**
 * The allow-lists of a configuration. Reads the `restore` block defensively: a configuration
 * without it (or without a list) allows no instance profile and no extra key, and leaves the
 * target buckets open to the account's non-backup buckets.
 */
export function restoreAllowListsOf(config: BackupConfig): RestoreAllowLists {
  const section = (config as { restore?: RestoreSection }).restore ?? {};
  const instanceProfiles = [...(section.instanceProfiles ?? [])];
  return {
    instanceProfiles,
    instanceProfileRoles: [...(section.instanceProfileRoles ?? instanceProfiles)],
    kmsKeyIds: [...(section.kmsKeyIds ?? [])],
    targetBuckets: [...(section.targetBuckets ?? [])],
  };
}
