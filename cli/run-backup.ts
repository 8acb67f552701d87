import { policyNamed, type BackupConfig } from '../functions/core/config.js';
import type { BackupRunRequest, Pacing } from '../functions/core/run-state/backup-run.js';
import type { RunSummary } from '../functions/steps/summarize-run.js';
import { backupDefinitionFile } from '../statemachines/definitions.js';
import type { Progress } from './progress.js';
import { commonRunOptions, runWorkflow, type WorkflowKind } from './workflow-execution.js';

const backupWorkflow: WorkflowKind = {
  label: 'run',
  definitionFile: backupDefinitionFile,
  batchDoneState: 'RecordRecoveryPoints',
  environmentVariable: 'BACKUP_STATE_MACHINE_ARN',
};

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
  policyNamed(config, policyName);
  const request: BackupRunRequest = {
    policyName,
    config,
    ...(options.pacing ? { pacing: options.pacing } : {}),
  };
  const { output, stateTransitions } = await runWorkflow<RunSummary>(backupWorkflow, {
    ...commonRunOptions(options),
    request,
  });
  return { summary: output, ...(stateTransitions !== undefined ? { stateTransitions } : {}) };
}
