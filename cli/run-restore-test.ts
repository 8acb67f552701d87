import { policyNamed, type BackupConfig } from '../functions/core/config.js';
import { InvalidInputError } from '../functions/core/errors.js';
import type {
  RestoreTestOptionsInput,
  RestoreTestRequest,
} from '../functions/core/run-state/restore-test-run.js';
import { restoreTestNetworkEnvironment } from '../functions/environment/restore-test-network-environment.js';
import type { RestoreTestSummary } from '../functions/steps/summarize-restore-test.js';
import { restoreTestDefinitionFile } from '../statemachines/definitions.js';
import type { Progress } from './progress.js';
import { commonRunOptions, runWorkflow, type WorkflowKind } from './workflow-execution.js';

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
  const { output, stateTransitions } = await runWorkflow<RestoreTestSummary>(restoreTestWorkflow, {
    ...commonRunOptions(options),
    request,
    ...(options.local ? { environment: localNetwork(options.network ?? {}) } : {}),
  });
  return { summary: output, ...(stateTransitions !== undefined ? { stateTransitions } : {}) };
}

/**
 * A local run's test network: the given values, else the caller's environment (the variables the
 * deployed functions read). Checked here, so a missing setting fails before the workflow starts.
 */
function localNetwork(
  given: NonNullable<RestoreTestRunOptions['network']>,
): Record<string, string> {
  const { fields } = restoreTestNetworkEnvironment;
  const pick = (value: string | undefined, name: string) => value ?? process.env[name];
  const values = restoreTestNetworkEnvironment.render(
    Object.fromEntries(
      Object.entries({
        subnetId: pick(given.subnetId, fields.subnetId.name),
        securityGroupIds: pick(given.securityGroupIds, fields.securityGroupIds.name),
        instanceProfile: pick(given.instanceProfile, fields.instanceProfile.name),
      }).filter(([, value]) => value !== undefined),
    ) as Parameters<typeof restoreTestNetworkEnvironment.render>[0],
  );
  restoreTestNetworkEnvironment.parse(values);
  return values;
}
