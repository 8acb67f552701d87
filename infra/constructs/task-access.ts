import type { BackupFunction } from './backup-function.js';
import type { BucketCopyAccess } from './bucket-copy-access.js';
import type { CatalogTable } from './catalog-table.js';
import type { Ec2DescribeAccess } from './ec2-describe-access.js';
import type { ImageAccess } from './image-access.js';
import type { PruneAccess } from './prune-access.js';
import type { RestoreAccess } from './restore-access.js';
import type { RestoreTestAccess } from './restore-test-access.js';
import type { SnapshotAccess } from './snapshot-access.js';

/**
 * The grants a deployment offers its Tasks, each a `grantX(fn)` method scoped to the
 * deployment's regions, keys and buckets (infra/constructs/recovery-point-scope.ts). A Task's
 * registry entry (statemachines/tasks/) calls the ones its calls need, for its own function.
 */
export interface DeploymentAccess {
  readonly catalog: CatalogTable;
  readonly ec2: Ec2DescribeAccess;
  readonly snapshots: SnapshotAccess;
  readonly images: ImageAccess;
  readonly bucketCopies: BucketCopyAccess;
  readonly prune: PruneAccess;
  /** The restore workflows' grants: restore tags, the product's points, the allow-lists. */
  readonly restores: RestoreAccess;
  /** Only where the stack has the restore-test network; a grant on it elsewhere is an error. */
  readonly restoreTests: RestoreTestAccess;
}

/** What a Task's `grant` receives: the deployment's grants and the Task's own function. */
export interface TaskAccess extends DeploymentAccess {
  readonly fn: BackupFunction;
}
