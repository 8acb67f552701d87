/**
 * The names of the metrics the workflows publish (Powertools EMF, with the `Policy` dimension).
 * The functions publish with these constants and the stack's alarms read them back with the
 * same ones (infra/constructs/policy-metrics.ts): a rename cannot leave an alarm watching nothing.
 */
export const POLICY_DIMENSION = 'Policy';

/** One backup run (functions/observability/run-metrics.ts runMetrics). */
export const BackupRunMetric = {
  snapshotsCreated: 'SnapshotsCreated',
  snapshotsCopied: 'SnapshotsCopied',
  imagesCreated: 'ImagesCreated',
  imagesCopied: 'ImagesCopied',
  imagesExported: 'ImagesExported',
  snapshotsFailed: 'SnapshotsFailed',
  imagesFailed: 'ImagesFailed',
  /** Every failure a run reports: the backup-failures alarm. */
  failuresTotal: 'FailuresTotal',
  volumesFailed: 'VolumesFailed',
  instancesFailed: 'InstancesFailed',
  bucketObjectsCopied: 'BucketObjectsCopied',
  bucketBytesCopied: 'BucketBytesCopied',
  bucketObjectsFailed: 'BucketObjectsFailed',
  tagProblems: 'TagProblems',
  runDuration: 'RunDuration',
} as const;

/** One restore test (functions/steps/summarize-restore-test.ts restoreTestMetrics). */
export const RestoreTestMetric = {
  passed: 'RestoreTestsPassed',
  /** The restore-test-failures alarm. */
  failed: 'RestoreTestsFailed',
  rto: 'RestoreTestRto',
} as const;

/** One prune (functions/observability/run-metrics.ts pruneMetrics). */
export const PruneMetric = {
  recoveryPointsKept: 'RecoveryPointsKept',
  recoveryPointsPruned: 'RecoveryPointsPruned',
  snapshotsDeleted: 'SnapshotsDeleted',
  imagesDeregistered: 'ImagesDeregistered',
  imageExportsDeleted: 'ImageExportsDeleted',
  bucketRunsExpired: 'BucketRunsExpired',
  objectVersionsDeleted: 'ObjectVersionsDeleted',
  blockedByFraction: 'PruneBlockedByFraction',
  keptForBadTags: 'PruneKeptForBadTags',
  /** Deletions given up on and regions not pruned: the prune-failures alarm. */
  failures: 'PruneFailures',
} as const;
