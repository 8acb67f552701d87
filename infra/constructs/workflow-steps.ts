import { join } from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { AslStateMachine } from './asl-state-machine.js';
import { BackupFunction } from './backup-function.js';

/** What every step function of one workflow shares. */
export interface WorkflowStepDefaults {
  handlersDir: string;
  logKey: kms.IKey;
  logRetentionDays: number;
  /** Environment of every step (the catalog table, the test network...). */
  environment: Record<string, string>;
}

/** A factory of a workflow's step functions: one per handler file, each with its own role. */
export function workflowSteps(scope: Construct, defaults: WorkflowStepDefaults) {
  return (
    stepId: string,
    file: string,
    description: string,
    timeout: Duration,
    environment: Record<string, string> = {},
    memorySize?: number,
  ): BackupFunction =>
    new BackupFunction(scope, stepId, {
      entry: join(defaults.handlersDir, file),
      description,
      timeout,
      logKey: defaults.logKey,
      logRetentionDays: defaults.logRetentionDays,
      environment: { ...defaults.environment, ...environment },
      ...(memorySize ? { memorySize } : {}),
    });
}

/** The workflow's state machine from its ASL file, each placeholder bound to its step function. */
export function workflowStateMachine<Functions extends { [K in keyof Functions]: BackupFunction }>(
  scope: Construct,
  props: {
    definitionFile: string;
    stateMachineName: string;
    /** Placeholder name (`...FunctionArn`) to the step function it stands for. */
    functions: Functions;
    logKey: kms.IKey;
    logRetentionDays: number;
  },
): sfn.StateMachine {
  return new AslStateMachine(scope, 'StateMachine', {
    definitionFile: props.definitionFile,
    stateMachineName: props.stateMachineName,
    functions: Object.fromEntries(
      Object.entries<BackupFunction>(props.functions).map(([placeholder, fn]) => [
        placeholder,
        fn.function,
      ]),
    ),
    logKey: props.logKey,
    logRetentionDays: props.logRetentionDays,
  }).stateMachine;
}
