import { BackupError } from '../../functions/core/errors.js';
import type { RestoreKind } from '../../functions/core/restore/restore-request.js';
import type { EnvironmentSource } from '../../functions/environment/environment-contract.js';
import type {
  RestoreExecutionInput,
  RestoreWorkflows,
} from '../../functions/ports/restore-workflows.js';
import { workflows } from '../tasks/registry.js';
import type { WorkflowSpec } from '../tasks/task-spec.js';
import { runWorkflowLocally } from './run-workflow.js';

/** The registry's workflow of each restore kind (docs/adr/0012-restore-api.md, decision 1). */
export const restoreWorkflowKeys: Readonly<Record<RestoreKind, string>> = {
  volume: 'restoreVolume',
  instance: 'restoreInstance',
  objects: 'restoreObjects',
  image: 'restoreImage',
};

/** The registry has no workflow for the kind yet. */
export class RestoreWorkflowMissingError extends BackupError {
  constructor(readonly kind: RestoreKind) {
    super(`no ${kind} restore workflow (${restoreWorkflowKeys[kind]}) in the Task registry`);
  }
}

export interface LocalRestoreWorkflowsOptions {
  /** What the handlers read (the restore table, the catalog, ...); default process.env. */
  environment?: EnvironmentSource;
  /** Overrides every Wait state (ms), as the local runs of the other workflows do. */
  waitMs?: number;
  /** Awaited after the named Task states (a test changing the world mid-restore, a cancel). */
  afterTask?: Readonly<Record<string, (restoreId: string, output: unknown) => Promise<void>>>;
  /** Told when an execution ends, how it ended (a failed restore is recorded by its workflow). */
  onEnd?: (restoreId: string, outcome: { error?: unknown }) => void;
}

/**
 * The restore workflows run in this process by the local runner (statemachines/local/), for
 * `backupctl serve` and the tests: one execution per restoreId, as Step Functions keeps one per
 * name, and stop aborts it.
 */
export class LocalRestoreWorkflows implements RestoreWorkflows {
  private readonly executions = new Map<string, { abort: AbortController; ended: Promise<void> }>();

  constructor(private readonly options: LocalRestoreWorkflowsOptions = {}) {}

  /** How many executions were started (each restoreId once). */
  get started(): number {
    return this.executions.size;
  }

  async start(kind: RestoreKind, restoreId: string, input: RestoreExecutionInput): Promise<void> {
    if (this.executions.has(restoreId)) return;
    const workflow = (workflows as Record<string, WorkflowSpec | undefined>)[
      restoreWorkflowKeys[kind]
    ];
    if (!workflow) throw new RestoreWorkflowMissingError(kind);
    const abort = new AbortController();
    const ended = runWorkflowLocally(workflow.definitionFile, {
      executionName: restoreId,
      input,
      signal: abort.signal,
      ...(this.options.environment ? { environment: this.options.environment } : {}),
      ...(this.options.waitMs !== undefined ? { waitMs: this.options.waitMs } : {}),
      ...(this.options.afterTask ? { afterTask: hooksOf(restoreId, this.options.afterTask) } : {}),
    }).then(
      () => this.options.onEnd?.(restoreId, {}),
      (error: unknown) => this.options.onEnd?.(restoreId, { error }),
    );
    this.executions.set(restoreId, { abort, ended });
  }

  /** Aborts the execution and returns at once, as StopExecution does (`settled` waits for it). */
  async stop(_kind: RestoreKind, restoreId: string): Promise<void> {
    this.executions.get(restoreId)?.abort.abort();
  }

  /** When this process's execution of the restore ends; undefined when it runs none of it. */
  ended(restoreId: string): Promise<void> | undefined {
    return this.executions.get(restoreId)?.ended;
  }

  /** Waits for every execution to end (a test's clean-up, a server's shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.executions.values()].map((execution) => execution.ended));
  }

  /** Stops every execution still running. */
  async stopAll(): Promise<void> {
    for (const execution of this.executions.values()) execution.abort.abort();
    await this.settled();
  }
}

function hooksOf(
  restoreId: string,
  hooks: NonNullable<LocalRestoreWorkflowsOptions['afterTask']>,
): Record<string, (output: unknown) => Promise<void>> {
  return Object.fromEntries(
    Object.entries(hooks).map(([state, hook]) => [
      state,
      (output: unknown) => hook(restoreId, output),
    ]),
  );
}
