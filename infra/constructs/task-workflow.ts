import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  renderTaskEnvironment,
  type TaskEnvironmentValues,
} from '../../functions/environment/task-environments.js';
import {
  handlerFileOf,
  placeholderOf,
  type TaskSpec,
  type WorkflowSpec,
} from '../../statemachines/tasks/task-spec.js';
import { AslStateMachine } from './asl-state-machine.js';
import { BackupFunction, COMMON_ENVIRONMENT } from './backup-function.js';
import type { DeploymentAccess, TaskAccess } from './task-access.js';

export interface TaskWorkflowProps {
  /** The workflow's registry entry (statemachines/tasks/registry.ts). */
  readonly workflow: WorkflowSpec;
  readonly stateMachineName: string;
  /** Where the handlers are: `<handlersDir>/<kebab Task name>.ts`. */
  readonly handlersDir: string;
  readonly logKey: kms.IKey;
  readonly logRetentionDays: number;
  /** What the stack sets for each environment group the Tasks read. */
  readonly environment: TaskEnvironmentValues;
  readonly access: DeploymentAccess;
}

/**
 * One workflow of the registry: a function per Task (each with its own role, granted exactly
 * what its registry entry asks for) and the state machine from the workflow's ASL file, each
 * `${<Task>FunctionArn}` bound to its Task's function.
 */
export class TaskWorkflow extends Construct {
  /** The function of each Task, by Task name. */
  readonly functions: Readonly<Record<string, BackupFunction>>;
  readonly stateMachine: sfn.StateMachine;
  /** The state machine's physical name (its executions' ARNs are built from it). */
  readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: TaskWorkflowProps) {
    super(scope, id);
    this.stateMachineName = props.stateMachineName;
    const tasks = Object.entries<TaskSpec>(props.workflow.tasks);
    this.functions = Object.fromEntries(
      tasks.map(([name, task]) => [name, this.taskFunction(name, task, props)]),
    );
    this.stateMachine = new AslStateMachine(this, 'StateMachine', {
      definitionFile: props.workflow.definitionFile,
      stateMachineName: props.stateMachineName,
      functions: Object.fromEntries(
        Object.entries(this.functions).map(([name, fn]) => [placeholderOf(name), fn.function]),
      ),
      logKey: props.logKey,
      logRetentionDays: props.logRetentionDays,
    }).stateMachine;
  }

  private taskFunction(name: string, task: TaskSpec, props: TaskWorkflowProps): BackupFunction {
    const groups = [...props.workflow.environment, ...(task.environment ?? [])];
    const fn = new BackupFunction(this, name, {
      entry: join(props.handlersDir, `${handlerFileOf(name)}.ts`),
      description: task.description,
      timeout: Duration.seconds(task.timeoutSeconds),
      logKey: props.logKey,
      logRetentionDays: props.logRetentionDays,
      environment: {
        ...renderTaskEnvironment(groups, props.environment),
        ...(task.nodeOptions
          ? { NODE_OPTIONS: `${COMMON_ENVIRONMENT.NODE_OPTIONS} ${task.nodeOptions}` }
          : {}),
      },
      ...(task.memoryMb ? { memorySize: task.memoryMb } : {}),
    });
    // The deployment's grants as the prototype, so a lazy one (restoreTests) is only built when used.
    task.grant?.(Object.create(props.access, { fn: { value: fn } }) as TaskAccess);
    return fn;
  }
}
