import { policyNamed, type BackupConfig } from '../functions/core/config.js';
import { InvalidInputError } from '../functions/core/errors.js';
import {
  restoreNetworkFrom,
  RestoreNetworkVariables,
} from '../functions/core/restore-test-network.js';
import type {
  RestoreTestOptionsInput,
  RestoreTestRequest,
} from '../functions/core/run-state/restore-test-run.js';
import type { RestoreTestSummary } from '../functions/steps/summarize-restore-test.js';
import { restoreTestDefinitionFile } from '../statemachines/definitions.js';
import type { Progress } from './progress.js';
import { runWorkflow, type WorkflowKind } from './workflow-execution.js';

const restoreTestWorkflow: WorkflowKind = {
  label: 'restore test',
  definitionFile: restoreTestDefinitionFile,
  batchDoneState: 'RecordRestoreVerdicts',
  environmentVariable: 'RESTORE_TEST_STATE_MACHINE_ARN',
};

export interface RestoreTestRunOptions {
  config: BackupConfig;
  policyName: string;
  runId: string;
  local: boolean;
  catalogTable: string;
  stateMachineArn?: string;
  /** The isolated test network for --local runs (a deployed run uses the stack's). */
  network?: { subnetId?: string; securityGroupIds?: string; instanceProfile?: string };
  options?: Partial<RestoreTestOptionsInput>;
  progress?: Progress;
}

export interface RestoreTestRunOutcome {
  summary: RestoreTestSummary;
  stateTransitions?: number;
}

/** One restore test: in-process with the real handlers (--local), or on the deployed state machine. */
export async function runRestoreTest(
  options: RestoreTestRunOptions,
): Promise<RestoreTestRunOutcome> {
  const { config, policyName } = options;
  const policy = policyNamed(config, policyName);
  if (!policy.restoreTest) {
    throw new InvalidInputError(
      `policy "${policyName}" has no restoreTest section; add "restoreTest": { "schedule": ... } to test its images`,
    );
  }
  const request: RestoreTestRequest = {
    policyName,
    config,
    ...(options.options ? { options: options.options } : {}),
  };
  if (options.local) useLocalNetwork(options.network ?? {});
  const { output, stateTransitions } = await runWorkflow<RestoreTestSummary>(restoreTestWorkflow, {
    runId: options.runId,
    region: config.primaryRegion,
    request,
    local: options.local,
    catalogTable: options.catalogTable,
    ...(options.stateMachineArn ? { stateMachineArn: options.stateMachineArn } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  });
  return { summary: output, ...(stateTransitions !== undefined ? { stateTransitions } : {}) };
}

/** A local run takes the test network from the environment, as the Lambdas do; given values win. */
function useLocalNetwork(given: NonNullable<RestoreTestRunOptions['network']>): void {
  if (given.subnetId) process.env[RestoreNetworkVariables.subnetId] = given.subnetId;
  if (given.securityGroupIds)
    process.env[RestoreNetworkVariables.securityGroupIds] = given.securityGroupIds;
  if (given.instanceProfile)
    process.env[RestoreNetworkVariables.instanceProfile] = given.instanceProfile;
  // Fail before the workflow starts, naming every missing setting.
  restoreNetworkFrom(process.env);
}
