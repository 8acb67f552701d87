import type { EnvironmentGroup } from '../../functions/environment/task-environments.js';
import type { TaskAccess } from '../../infra/constructs/task-access.js';
import type { RetryPolicyName } from './retry-policies.js';

/**
 * One Task of a workflow: everything the stack needs to build its function and everything the
 * local runner needs to call its handler. The handler is `functions/handlers/<kebab-name>.ts`,
 * named like the ASL state and its `${<Name>FunctionArn}` placeholder (test/unit/task-registry.test.ts
 * checks all three agree).
 */
export interface TaskSpec {
  /** The function's description: which workflow, what one invocation does. */
  readonly description: string;
  /** Below the ASL Task's TimeoutSeconds, so the function's own timeout ends a stuck turn. */
  readonly timeoutSeconds: number;
  /** @default 512 */
  readonly memoryMb?: number;
  /** V8 flags beyond the common `--enable-source-maps` (NODE_OPTIONS). */
  readonly nodeOptions?: string;
  /** Environment groups this Task reads beyond its workflow's. */
  readonly environment?: readonly EnvironmentGroup[];
  /** The ASL Retry block of the Task's states (statemachines/tasks/retry-policies.ts). @default 'awsCalls' */
  readonly retry?: RetryPolicyName;
  /** The permissions the Task's calls need, granted to its own role (nothing else is). */
  readonly grant?: (access: TaskAccess) => void;
}

/** One workflow: its ASL file, the environment every Task of it reads, and its Tasks. */
export interface WorkflowSpec<TaskName extends string = string> {
  /** Physical state machine name: `<prefix>-<name>`. */
  readonly name: string;
  readonly definitionFile: string;
  readonly environment: readonly EnvironmentGroup[];
  readonly tasks: Readonly<Record<TaskName, TaskSpec>>;
}

/** `SnapshotVolumes` → `snapshot-volumes`: the handler file of a Task. */
export function handlerFileOf(taskName: string): string {
  return taskName.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase();
}

/** `SnapshotVolumes` → `SnapshotVolumesFunctionArn`: the ASL placeholder of a Task. */
export function placeholderOf(taskName: string): string {
  return `${taskName}FunctionArn`;
}

/** The Task a placeholder stands for, or undefined for any other placeholder. */
export function taskOfPlaceholder(placeholder: string): string | undefined {
  return /^([A-Za-z0-9]+)FunctionArn$/.exec(placeholder)?.[1];
}
