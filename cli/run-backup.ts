import type { BackupConfig } from '../functions/core/config.js';
import { UnknownPolicyError } from '../functions/core/errors.js';
import type { BackupRunRequest, Pacing } from '../functions/core/volume-backup-state.js';
import type { RunSummary } from '../functions/steps/summarize-run.js';
import { backupDefinitionFile } from '../statemachines/definitions.js';
import type { Progress } from './progress.js';
import { runInProcess, runOnDeployedStateMachine } from './workflow-execution.js';

export interface BackupRunOptions {
  config: BackupConfig;
  policyName: string;
  runId: string;
  local: boolean;
  catalogTable: string;
  stateMachineArn?: string;
  pacing?: Partial<Pacing>;
  progress?: Progress;
}

export interface BackupRunOutcome {
  summary: RunSummary;
  /** Known for local runs: StateEntered events of the whole execution. */
  stateTransitions?: number;
}

/** One backup run: in-process with the real handlers (--local), or on the deployed state machine. */
export async function runBackup(options: BackupRunOptions): Promise<BackupRunOutcome> {
  const { config, policyName } = options;
  if (!config.policies[policyName])
    throw new UnknownPolicyError(policyName, Object.keys(config.policies));
  const request: BackupRunRequest = {
    policyName,
    config,
    ...(options.pacing ? { pacing: options.pacing } : {}),
  };
  return options.local ? runLocally(options, request) : runDeployed(options, request);
}

async function runLocally(
  options: BackupRunOptions,
  request: BackupRunRequest,
): Promise<BackupRunOutcome> {
  const { output, stateTransitions } = await runInProcess<RunSummary>({
    label: 'run',
    runId: options.runId,
    region: options.config.primaryRegion,
    request,
    definitionFile: backupDefinitionFile,
    catalogTable: options.catalogTable,
    batchDoneState: 'RecordRecoveryPoints',
    ...(options.progress ? { progress: options.progress } : {}),
  });
  return { summary: output, stateTransitions };
}

async function runDeployed(
  options: BackupRunOptions,
  request: BackupRunRequest,
): Promise<BackupRunOutcome> {
  const summary = await runOnDeployedStateMachine<RunSummary>({
    label: 'run',
    runId: options.runId,
    region: options.config.primaryRegion,
    request,
    environmentVariable: 'BACKUP_STATE_MACHINE_ARN',
    ...(options.stateMachineArn ? { stateMachineArn: options.stateMachineArn } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  });
  return { summary };
}
