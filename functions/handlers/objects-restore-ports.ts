import type { EnvironmentSource } from '../environment/environment-contract.js';
import { backupBucketsEnvironment } from '../environment/backup-buckets-environment.js';
import type { ObjectsPreflightPorts } from '../steps/restore/objects-preflight.js';
import { objectStoreFor } from './s3-ports.js';

/**
 * The real ports of an objects restore's preflight: S3 in the point's region (the manifest) and in
 * the target's, and the deployment's backup buckets by name (the `backupBuckets` environment
 * group, BACKUP_BUCKETS; absent, the point's own bucket and the DR stacks' naming still count).
 */
export function objectsPreflightPortsFor(
  pointRegion: string,
  targetRegion: string,
  environment: EnvironmentSource = process.env,
  /** The configuration's `restore.targetBuckets` (empty: any bucket that is not a backup bucket). */
  allowedTargetBuckets: readonly string[] = [],
): ObjectsPreflightPorts {
  const { byRegion } = backupBucketsEnvironment.read(environment);
  return {
    backup: objectStoreFor(pointRegion),
    target: objectStoreFor(targetRegion),
    backupBuckets: new Set(Object.values(byRegion ?? {})),
    allowedTargetBuckets,
  };
}
