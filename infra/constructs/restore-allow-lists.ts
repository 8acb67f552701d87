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

/**
 * The allow-lists of a configuration (`restore`, functions/core/config.ts): no instance profile,
 * no extra key and any non-backup bucket of the account unless the configuration lists them.
 */
export function restoreAllowListsOf(config: BackupConfig): RestoreAllowLists {
  const { instanceProfiles, instanceProfileRoles, kmsKeyIds, targetBuckets } = config.restore;
  return {
    instanceProfiles,
    instanceProfileRoles: instanceProfileRoles ?? instanceProfiles,
    kmsKeyIds,
    targetBuckets,
  };
}
