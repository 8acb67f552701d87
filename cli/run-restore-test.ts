import { join } from 'node:path';
import { ensureCatalogTable } from '../functions/adapters/dynamodb-recovery-point-catalog.js';
import { StepFunctionsExecutions } from '../functions/adapters/sfn-executions.js';
import type { BackupConfig } from '../functions/core/config.js';
import { InvalidInputError, UnknownPolicyError } from '../functions/core/errors.js';
import {
  restoreNetworkFrom,
  RestoreNetworkVariables,
} from '../functions/core/restore-test-network.js';
import type {
  RestoreTestOptionsInput,
  RestoreTestRequest,
} from '../functions/core/restore-test-state.js';
import type { RestoreTestSummary } from '../functions/steps/restore-test-summarize.js';
import { stateMachinesDir } from '../statemachines/definitions.js';
import { runWorkflowLocally } from '../statemachines/local/run-workflow.js';
import { usingCustomEndpoint } from './global-options.js';
import type { Progress } from './progress.js';

export const restoreTestDefinitionFile = join(stateMachinesDir, 'restore-test.asl.json');

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
  const policy = config.policies[policyName];
  if (!policy) throw new UnknownPolicyError(policyName, Object.keys(config.policies));
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
  return options.local ? runLocally(options, request) : runDeployed(options, request);
}

async function runLocally(
  options: RestoreTestRunOptions,
  request: RestoreTestRequest,
): Promise<RestoreTestRunOutcome> {
  // The handlers read their settings from the environment, as they do in Lambda.
  process.env.AWS_REGION = options.config.primaryRegion;
  process.env.CATALOG_TABLE_NAME = options.catalogTable;
  const given = options.network ?? {};
  if (given.subnetId) process.env[RestoreNetworkVariables.subnetId] = given.subnetId;
  if (given.securityGroupIds)
    process.env[RestoreNetworkVariables.securityGroupIds] = given.securityGroupIds;
  if (given.instanceProfile)
    process.env[RestoreNetworkVariables.instanceProfile] = given.instanceProfile;
  // Fail before the workflow starts, naming every missing setting.
  restoreNetworkFrom(process.env);
  if (usingCustomEndpoint()) await ensureCatalogTable(options.catalogTable);
  let tested = 0;
  const result = await runWorkflowLocally<RestoreTestSummary>(restoreTestDefinitionFile, {
    executionName: options.runId,
    input: request,
    // Against an emulator nothing takes time, so polls need not wait; against AWS they do.
    ...(usingCustomEndpoint() ? { waitMs: 0 } : {}),
    onEvent: (event) => {
      if (event.type === 'StateExited' && event.state?.name === 'RecordRestoreVerdicts')
        tested += 1;
      if (event.type === 'StateEntered' && event.state) {
        options.progress?.update(
          `restore test ${options.runId}: ${event.state.name} (${tested} batches done)`,
        );
      }
    },
  });
  return { summary: result.output, stateTransitions: result.stateTransitions };
}

async function runDeployed(
  options: RestoreTestRunOptions,
  request: RestoreTestRequest,
): Promise<RestoreTestRunOutcome> {
  const stateMachineArn = options.stateMachineArn ?? process.env.RESTORE_TEST_STATE_MACHINE_ARN;
  if (!stateMachineArn) {
    throw new InvalidInputError(
      'no deployed restore-test state machine to start: pass --state-machine-arn (or set RESTORE_TEST_STATE_MACHINE_ARN), or use --local',
    );
  }
  const executions = new StepFunctionsExecutions(options.config.primaryRegion);
  const executionArn = await executions.start(stateMachineArn, options.runId, request);
  const finished = await executions.follow(executionArn, (status) =>
    options.progress?.update(`restore test ${options.runId}: ${status}`),
  );
  return { summary: finished.output as RestoreTestSummary };
}
