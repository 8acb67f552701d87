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
  /**
   * The AWS SDK clients the Task's handler calls (`@aws-sdk/client-<name>`): its bundle holds
   * these and no other, and they set its size budget (`bundleBudgetOf`). @default [] (none)
   */
  readonly clients?: readonly SdkClient[];
}

/** An AWS SDK client a function may call, by its package name after `@aws-sdk/client-`. */
export type SdkClient = 'dynamodb' | 'ec2' | 'resource-groups-tagging-api' | 's3' | 'ssm';

/**
 * Bundle size budgets by what a function calls (docs/adr/0010-lean-bundles.md), in KB of minified
 * bundle (1 KB = 1,000 bytes): `limitKb` is what test/infra/bundle-budgets.test.ts enforces,
 * `goalKb` the figure issue 10 set, which bench/bundle-sizes.ts reports against. A budget class
 * is not written in the registry: it follows from `clients`.
 */
export const BUNDLE_BUDGETS = {
  /** No SDK client: the summaries and the prune plan. */
  planner: { limitKb: 175, goalKb: 100 },
  /** S3 only. */
  s3: { limitKb: 660, goalKb: 150 },
  /** Any other client, or several. */
  aws: { limitKb: 770, goalKb: 250 },
  /**
   * The restore API function (not a Task: infra/constructs/restore-api.ts): five clients, the HTTP
   * router and the OpenAPI generator; 921 KB when the class was added.
   */
  api: { limitKb: 1000, goalKb: 770 },
} as const;
export type BundleBudgetClass = keyof typeof BUNDLE_BUDGETS;

/** The budget class of a Task's bundle, from the SDK clients it calls. */
export function bundleBudgetOf(task: TaskSpec): BundleBudgetClass {
  const clients = task.clients ?? [];
  if (clients.length === 0) return 'planner';
  return clients.every((client) => client === 's3') ? 's3' : 'aws';
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
