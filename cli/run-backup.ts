import { ensureCatalogTable } from '../functions/adapters/dynamodb-recovery-point-catalog.js';
import { StepFunctionsExecutions } from '../functions/adapters/sfn-executions.js';
import type { BackupConfig } from '../functions/core/config.js';
import { InvalidInputError, UnknownPolicyError } from '../functions/core/errors.js';
import type { BackupRunRequest, Pacing } from '../functions/core/volume-backup-state.js';
import type { RunSummary } from '../functions/steps/summarize-run.js';
import { backupDefinitionFile } from '../statemachines/definitions.js';
import { runWorkflowLocally } from '../statemachines/local/run-workflow.js';
import { usingCustomEndpoint } from './global-options.js';
import type { Progress } from './progress.js';

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
  // The handlers read their settings from the environment, as they do in Lambda.
  process.env.AWS_REGION = options.config.primaryRegion;
  process.env.CATALOG_TABLE_NAME = options.catalogTable;
  if (usingCustomEndpoint()) await ensureCatalogTable(options.catalogTable);
  let batchesDone = 0;
  const result = await runWorkflowLocally<RunSummary>(backupDefinitionFile, {
    executionName: options.runId,
    input: request,
    // Against an emulator nothing takes time, so polls need not wait; against AWS they do.
    ...(usingCustomEndpoint() ? { waitMs: 0 } : {}),
    onEvent: (event) => {
      if (event.type === 'StateExited' && event.state?.name === 'RecordRecoveryPoints')
        batchesDone += 1;
      if (event.type === 'StateEntered' && event.state) {
        options.progress?.update(
          `run ${options.runId}: ${event.state.name} (${batchesDone} batches done)`,
        );
      }
    },
  });
  return { summary: result.output, stateTransitions: result.stateTransitions };
}

async function runDeployed(
  options: BackupRunOptions,
  request: BackupRunRequest,
): Promise<BackupRunOutcome> {
  const stateMachineArn = options.stateMachineArn ?? process.env.BACKUP_STATE_MACHINE_ARN;
  if (!stateMachineArn) {
    throw new InvalidInputError(
      'no deployed state machine to start: pass --state-machine-arn (or set BACKUP_STATE_MACHINE_ARN), or use --local',
    );
  }
  const executions = new StepFunctionsExecutions(options.config.primaryRegion);
  const executionArn = await executions.start(stateMachineArn, options.runId, request);
  const finished = await executions.follow(executionArn, (status) =>
    options.progress?.update(`run ${options.runId}: ${status}`),
  );
  return { summary: finished.output as RunSummary };
}
