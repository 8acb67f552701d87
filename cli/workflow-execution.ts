import { ensureCatalogTable } from '../functions/adapters/dynamodb-recovery-point-catalog.js';
import { StepFunctionsExecutions } from '../functions/adapters/sfn-executions.js';
import { InvalidInputError } from '../functions/core/errors.js';
import { catalogEnvironment } from '../functions/environment/catalog-environment.js';
import { runWorkflowLocally } from '../statemachines/local/run-workflow.js';
import { usingCustomEndpoint } from './global-options.js';
import type { Progress } from './progress.js';

/** What a run of any of the product's workflows needs to be started and followed. */
export interface WorkflowRun {
  /** For progress lines: "run R", "restore test R". */
  label: string;
  runId: string;
  region: string;
  request: unknown;
  progress?: Progress;
  /**
   * Settings of a local run beyond the catalog and region, as the deployed functions' environment
   * variables (functions/environment/): e.g. the restore-test network.
   */
  environment?: Readonly<Record<string, string>>;
}

/**
 * Executes a workflow's ASL in-process with the real handlers (`--local`). The handlers get
 * their settings as values, with the names the deployed functions read from their environment
 * (the caller's environment first, then the run's); against an emulator nothing takes time, so
 * Wait states do not wait (against AWS they do).
 */
async function runInProcess<Output>(
  run: WorkflowRun & { definitionFile: string; catalogTable: string; batchDoneState: string },
): Promise<{ output: Output; stateTransitions: number }> {
  if (usingCustomEndpoint()) await ensureCatalogTable(run.catalogTable, run.region);
  let batchesDone = 0;
  const result = await runWorkflowLocally<Output>(run.definitionFile, {
    executionName: run.runId,
    input: run.request,
    environment: {
      ...process.env,
      ...catalogEnvironment.render({ tableName: run.catalogTable }),
      AWS_REGION: run.region,
      ...run.environment,
    },
    ...(usingCustomEndpoint() ? { waitMs: 0 } : {}),
    onEvent: (event) => {
      if (event.type === 'StateExited' && event.state?.name === run.batchDoneState)
        batchesDone += 1;
      if (event.type === 'StateEntered' && event.state) {
        run.progress?.update(
          `${run.label} ${run.runId}: ${event.state.name} (${batchesDone} batches done)`,
        );
      }
    },
  });
  return { output: result.output, stateTransitions: result.stateTransitions };
}

/** Starts the deployed state machine with the run id as execution name and follows it to the end. */
async function runOnDeployedStateMachine<Output>(
  run: WorkflowRun & { stateMachineArn?: string; environmentVariable: string },
): Promise<Output> {
  const stateMachineArn = run.stateMachineArn ?? process.env[run.environmentVariable];
  if (!stateMachineArn) {
    throw new InvalidInputError(
      `no deployed state machine to start for the ${run.label}: pass --state-machine-arn (or set ${run.environmentVariable}), or use --local`,
    );
  }
  const executions = new StepFunctionsExecutions(run.region);
  const executionArn = await executions.start(stateMachineArn, run.runId, run.request);
  const finished = await executions.follow(executionArn, (status) =>
    run.progress?.update(`${run.label} ${run.runId}: ${status}`),
  );
  return finished.output as Output;
}

/** What tells one of the product's workflows from the others, wherever it runs. */
export interface WorkflowKind {
  /** For progress lines: "run R", "restore test R". */
  label: string;
  definitionFile: string;
  /** The state whose exits count as finished batches in local progress lines. */
  batchDoneState: string;
  /** Where the deployed state machine's ARN is read from when none is given. */
  environmentVariable: string;
}

/** What every CLI run of a workflow passes on from its options: where, who, and how to report. */
export function commonRunOptions(options: {
  config: { primaryRegion: string };
  runId: string;
  local: boolean;
  catalogTable: string;
  stateMachineArn?: string;
  progress?: Progress;
}) {
  return {
    runId: options.runId,
    region: options.config.primaryRegion,
    local: options.local,
    catalogTable: options.catalogTable,
    ...(options.stateMachineArn ? { stateMachineArn: options.stateMachineArn } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  };
}

/**
 * One execution of a workflow: in-process with the real handlers (`local`), or on the deployed
 * state machine. Local runs also report their state transitions.
 */
export async function runWorkflow<Output>(
  kind: WorkflowKind,
  run: Omit<WorkflowRun, 'label'> & {
    local: boolean;
    catalogTable: string;
    stateMachineArn?: string;
  },
): Promise<{ output: Output; stateTransitions?: number }> {
  const { local, catalogTable, stateMachineArn, ...common } = run;
  if (local)
    return runInProcess<Output>({
      ...common,
      label: kind.label,
      definitionFile: kind.definitionFile,
      catalogTable,
      batchDoneState: kind.batchDoneState,
    });
  const output = await runOnDeployedStateMachine<Output>({
    ...common,
    label: kind.label,
    environmentVariable: kind.environmentVariable,
    ...(stateMachineArn ? { stateMachineArn } : {}),
  });
  return { output };
}
