import './quiet-observability.js';
import type { Context } from 'aws-lambda';
import { handler as copyImages } from '../../functions/handlers/copy-images.js';
import { handler as copySnapshots } from '../../functions/handlers/copy-snapshots.js';
import { handler as discoverResources } from '../../functions/handlers/discover-resources.js';
import { handler as exportImages } from '../../functions/handlers/export-images.js';
import { handler as imageInstances } from '../../functions/handlers/image-instances.js';
import { handler as recordImages } from '../../functions/handlers/record-images.js';
import { handler as planPrune } from '../../functions/handlers/plan-prune.js';
import { handler as pruneRegion } from '../../functions/handlers/prune-region.js';
import { handler as summarizePrune } from '../../functions/handlers/summarize-prune.js';
import { handler as planBucketCopies } from '../../functions/handlers/plan-bucket-copies.js';
import { handler as recordBucketCopies } from '../../functions/handlers/record-bucket-copies.js';
import { handler as syncBucket } from '../../functions/handlers/sync-bucket.js';
import { handler as recordRecoveryPoints } from '../../functions/handlers/record-recovery-points.js';
import { handler as restoreTestCleanup } from '../../functions/handlers/clean-up-restore-batch.js';
import { handler as restoreTestPick } from '../../functions/handlers/pick-restore-candidates.js';
import { handler as restoreTestRecord } from '../../functions/handlers/record-restore-verdicts.js';
import { handler as restoreTestSummarize } from '../../functions/handlers/summarize-restore-test.js';
import { handler as restoreTestSweep } from '../../functions/handlers/sweep-restore-leftovers.js';
import { handler as testRestores } from '../../functions/handlers/test-restores.js';
import { handler as snapshotVolumes } from '../../functions/handlers/snapshot-volumes.js';
import { handler as summarizeRun } from '../../functions/handlers/summarize-run.js';

type LambdaHandler = (event: never, context: Context) => Promise<unknown>;

/**
 * The one map from ASL placeholders to the handlers they stand for: CDK substitutes function ARNs
 * for the same names, the local runner substitutes these handlers. Tests and `--local` share it.
 */
export const handlersByPlaceholder: Record<string, LambdaHandler> = {
  DiscoverResourcesFunctionArn: discoverResources as LambdaHandler,
  SnapshotVolumesFunctionArn: snapshotVolumes as LambdaHandler,
  CopySnapshotsFunctionArn: copySnapshots as LambdaHandler,
  RecordRecoveryPointsFunctionArn: recordRecoveryPoints as LambdaHandler,
  SummarizeRunFunctionArn: summarizeRun as LambdaHandler,
  // restore-test.asl.json
  PickRestoreCandidatesFunctionArn: restoreTestPick as LambdaHandler,
  TestRestoresFunctionArn: testRestores as LambdaHandler,
  RecordRestoreVerdictsFunctionArn: restoreTestRecord as LambdaHandler,
  CleanUpRestoreBatchFunctionArn: restoreTestCleanup as LambdaHandler,
  SweepRestoreLeftoversFunctionArn: restoreTestSweep as LambdaHandler,
  SummarizeRestoreTestFunctionArn: restoreTestSummarize as LambdaHandler,
  ImageInstancesFunctionArn: imageInstances as LambdaHandler,
  CopyImagesFunctionArn: copyImages as LambdaHandler,
  ExportImagesFunctionArn: exportImages as LambdaHandler,
  RecordImagesFunctionArn: recordImages as LambdaHandler,
  SyncBucketFunctionArn: syncBucket as LambdaHandler,
  PlanBucketCopiesFunctionArn: planBucketCopies as LambdaHandler,
  RecordBucketCopiesFunctionArn: recordBucketCopies as LambdaHandler,
  // prune.asl.json
  PlanPruneFunctionArn: planPrune as LambdaHandler,
  PruneRegionFunctionArn: pruneRegion as LambdaHandler,
  SummarizePruneFunctionArn: summarizePrune as LambdaHandler,
};
