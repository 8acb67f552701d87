/** Tag keys are a public contract (docs/architecture.md §2.1): changing one orphans existing recovery points. */
export const TagKeys = {
  policy: 'backup:policy',
  exclude: 'backup:exclude',
  managedBy: 'backup:managed-by',
  source: 'backup:source',
  run: 'backup:run',
  createdAt: 'backup:created-at',
  expiresAt: 'backup:expires-at',
  copyOf: 'backup:copy-of',
  /** On export tasks: the disk format, from which the artifact's key follows. */
  exportFormat: 'backup:export-format',
  /** On restore-test instances, volumes and ENIs: the restore-test run that launched them. */
  restoreTestRun: 'backup:restore-test-run',
  /** On restore-test instances: the image under test. */
  restoreTestOf: 'backup:restore-test-of',
  /** On restore-test instances: after this instant (ISO-8601) any sweeper may terminate it. */
  restoreTestDeadline: 'backup:restore-test-deadline',
  /** On tested images: the last restore test's outcome (`passed` or the failure's name). */
  restoreTestVerdict: 'backup:restore-test-verdict',
  /** On tested images: seconds from the launch call to the verified machine (passed tests only). */
  restoreTestRtoSeconds: 'backup:restore-test-rto-seconds',
  /** On tested images: when the last restore test reached its verdict (ISO-8601 UTC). */
  restoreTestedAt: 'backup:restore-tested-at',
  /** On any recovery point: while present (and not `false`), pruning never deletes it. */
  legalHold: 'backup:legal-hold',
  /** On an image's snapshots while pruning removes the image: the image id, so a re-run finishes. */
  prunedWithImage: 'backup:pruned-with-image',
  /** On everything a restore creates: the restore that created it (docs/adr/0012-restore-api.md). */
  restoreId: 'backup:restore-id',
  /** On everything a restore creates: the recovery point it was restored from. */
  restoredFrom: 'backup:restored-from',
  /** On images: the instance type of the instance imaged, the default type of its restore. */
  instanceType: 'backup:instance-type',
} as const;

/** Value of `backup:managed-by` on everything this product creates. */
export const ManagedByValue = 'backup-orchestrator';

export type Tags = Record<string, string>;
