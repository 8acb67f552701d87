import { Ec2RecoveryPointStoreAdapter } from '../functions/adapters/ec2-recovery-point-store.js';
import { S3ObjectStore } from '../functions/adapters/s3-object-store.js';
import { policyNamed, type BackupConfig } from '../functions/core/config.js';
import type { PruneRequest } from '../functions/core/run-state/prune-run.js';
import { backupBucketsEnvironment } from '../functions/environment/backup-buckets-environment.js';
import { previewPrune, type PrunePreview } from '../functions/steps/preview-prune.js';
import type { PruneSummary } from '../functions/steps/summarize-prune.js';
import { pruneDefinitionFile } from '../statemachines/definitions.js';
import type { Progress } from './progress.js';
import { commonRunOptions, runWorkflow, type WorkflowKind } from './workflow-execution.js';

const pruneWorkflow: WorkflowKind = {
  label: 'prune',
  definitionFile: pruneDefinitionFile,
  batchDoneState: 'PruneRegion',
  environmentVariable: 'PRUNE_STATE_MACHINE_ARN',
};

export interface PruneRunOptions {
  config: BackupConfig;
  policyName: string;
  runId: string;
  local: boolean;
  catalogTable: string;
  /** Plan as of this instant instead of now. */
  now?: string;
  force?: boolean;
  stateMachineArn?: string;
  progress?: Progress;
}

/** One prune: in-process with the real handlers (--local), or on the deployed state machine. */
export async function runPrune(options: PruneRunOptions): Promise<PruneSummary> {
  const { output } = await runWorkflow<PruneSummary>(pruneWorkflow, {
    ...commonRunOptions(options),
    request: pruneRequest(options),
  });
  return output;
}

/** The dry run reads the regions directly (read-only calls) and changes nothing anywhere. */
export async function previewPruneRun(options: PruneRunOptions): Promise<PrunePreview> {
  return previewPrune(
    {
      request: pruneRequest(options),
      executionName: options.runId,
      executionStartTime: new Date().toISOString(),
    },
    {
      ec2For: (region) => new Ec2RecoveryPointStoreAdapter(region),
      objectsFor: (region) => new S3ObjectStore(region),
      backupBuckets: { ...backupBucketsEnvironment.read().byRegion },
    },
  );
}

function pruneRequest(options: PruneRunOptions): PruneRequest {
  policyNamed(options.config, options.policyName);
  return {
    policyName: options.policyName,
    config: options.config,
    ...(options.now ? { now: options.now } : {}),
    ...(options.force ? { force: true } : {}),
  };
}
