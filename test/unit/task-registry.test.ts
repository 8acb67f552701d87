import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CatalogTable } from '../../infra/constructs/catalog-table.js';
import type { DeploymentAccess } from '../../infra/constructs/task-access.js';
import { TaskWorkflow } from '../../infra/constructs/task-workflow.js';
import { handlersDir } from '../../infra/paths.js';
import { aslFiles, placeholdersOf } from '../../statemachines/definitions.js';
import { runWorkflowLocally } from '../../statemachines/local/run-workflow.js';
import { workflows, workflowOfDefinition } from '../../statemachines/tasks/registry.js';
import { retryPolicies } from '../../statemachines/tasks/retry-policies.js';
import {
  handlerFileOf,
  placeholderOf,
  taskOfPlaceholder,
  type TaskSpec,
  type WorkflowSpec,
} from '../../statemachines/tasks/task-spec.js';

type State = { Type?: string; Resource?: string; Retry?: unknown } & Record<string, unknown>;

/** Every Task state of an ASL definition, nested Map and Parallel states included. */
function taskStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]): [string, State][] => [
    ...(state.Type === 'Task' ? [[name, state] as [string, State]] : []),
    ...[state.ItemProcessor, state.Iterator]
      .filter(Boolean)
      .flatMap((processor) => taskStates((processor as { States: Record<string, State> }).States)),
    ...((state.Branches ?? []) as { States: Record<string, State> }[]).flatMap((branch) =>
      taskStates(branch.States),
    ),
  ]);
}

function definitionOf(file: string): { States: Record<string, State> } {
  return JSON.parse(readFileSync(file, 'utf8')) as { States: Record<string, State> };
}

describe('the Task registry', () => {
  it('has a workflow for every ASL file, and every ASL Task names a Task of its workflow', () => {
    for (const file of aslFiles()) {
      const workflow = workflowOfDefinition(file);
      expect({ file, registered: Boolean(workflow) }).toEqual({ file, registered: true });
      for (const [state, { Resource }] of taskStates(definitionOf(file).States)) {
        const task = taskOfPlaceholder(/^\$\{(\w+)\}$/.exec(String(Resource))?.[1] ?? '');
        expect({ file, state, task }).toEqual({ file, state, task: state });
        expect({ state, inRegistry: task! in workflow!.tasks }).toEqual({
          state,
          inRegistry: true,
        });
      }
    }
  });

  it('uses every registry entry in its ASL file, and names nothing else there', () => {
    for (const workflow of Object.values(workflows)) {
      const placeholders = placeholdersOf(readFileSync(workflow.definitionFile, 'utf8'));
      expect(placeholders).toEqual(Object.keys(workflow.tasks).map(placeholderOf).sort());
    }
  });

  it('has a handler named like each Task that exports `handler`', () => {
    for (const workflow of Object.values(workflows)) {
      for (const name of Object.keys(workflow.tasks)) {
        const file = join(handlersDir, `${handlerFileOf(name)}.ts`);
        expect({ name, exists: existsSync(file) }).toEqual({ name, exists: true });
        expect(readFileSync(file, 'utf8')).toMatch(/export const handler\b/);
        // ...and a step of the same name that does the work (the handler only wires).
        const step = join(handlersDir, '..', 'steps', `${handlerFileOf(name)}.ts`);
        expect({ name, step: existsSync(step) }).toEqual({ name, step: true });
      }
    }
  });

  it('gives every Task state the named retry policy of its registry entry', () => {
    for (const workflow of Object.values(workflows)) {
      const tasks = workflow.tasks as Record<string, TaskSpec>;
      for (const [state, { Retry }] of taskStates(definitionOf(workflow.definitionFile).States)) {
        const policy = tasks[state]?.retry ?? 'awsCalls';
        expect({ state, Retry }).toEqual({ state, Retry: retryPolicies[policy] });
      }
    }
  });

  it('maps Task names to handler files and placeholders one way only', () => {
    expect(handlerFileOf('CleanUpRestoreBatch')).toBe('clean-up-restore-batch');
    expect(placeholderOf('SyncBucket')).toBe('SyncBucketFunctionArn');
    expect(taskOfPlaceholder('SyncBucketFunctionArn')).toBe('SyncBucket');
    expect(taskOfPlaceholder('SomethingElse')).toBeUndefined();
  });
});

describe('adding a Task', () => {
  // What a contributor writes: an ASL state, a handler, and this one registry entry.
  const dummyDir = join(import.meta.dirname, '..', 'support', 'dummy-task');
  const dummy: WorkflowSpec = {
    name: 'dummy',
    definitionFile: join(dummyDir, 'dummy.asl.json'),
    environment: ['catalog'],
    tasks: {
      EchoGreeting: {
        description: 'Dummy: greet and name the catalog',
        timeoutSeconds: 10,
        retry: 'lambdaOnly',
        grant: ({ fn, catalog }) => catalog.grantListRecoveryPoints(fn),
      },
    },
  };

  it('runs locally with the values of its environment groups only', async () => {
    const { output } = await runWorkflowLocally<{
      greeting: string;
      catalog: string;
      variables: string[];
    }>(dummy.definitionFile, {
      executionName: 'dummy-1',
      input: { name: 'newcomer' },
      workflow: dummy,
      handlersDir: join(dummyDir, 'handlers'),
      environment: {
        CATALOG_TABLE_NAME: 'the-catalog',
        AWS_REGION: 'eu-west-1',
        BACKUP_BUCKETS: 'not read by this Task',
      },
    });
    expect(output).toEqual({
      greeting: 'hello newcomer',
      catalog: 'eu-west-1/the-catalog',
      // The handler sees its groups' variables, not the rest of what the caller has.
      variables: ['AWS_REGION', 'CATALOG_TABLE_NAME'],
    });
  });

  it('deploys as a function with its timeout, environment and grant, bound in the state machine', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Dummy', {
      env: { account: '123456789012', region: 'us-east-1' },
    });
    const key = new kms.Key(stack, 'Key');
    const catalog = new CatalogTable(stack, 'Catalog', { encryptionKey: key, tableName: 'cat' });
    const workflow = new TaskWorkflow(stack, 'Dummy', {
      workflow: dummy,
      stateMachineName: 'dummy',
      handlersDir: join(dummyDir, 'handlers'),
      logKey: key,
      logRetentionDays: 7,
      environment: { catalog: { tableName: 'cat' } },
      access: { catalog } as unknown as DeploymentAccess,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Dummy: greet and name the catalog',
      Timeout: 10,
      Environment: { Variables: { CATALOG_TABLE_NAME: 'cat' } },
    });
    const role = workflow.functions.EchoGreeting!.role.node.defaultChild as CfnElement;
    const roles = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: stack.getLogicalId(role) }] },
    });
    const actions = Object.values(roles).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap(
        (statement) => statement.Action,
      ),
    );
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem']));
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(machine!.Properties.DefinitionSubstitutions).toEqual({
      EchoGreetingFunctionArn: {
        'Fn::GetAtt': [expect.stringMatching(/^DummyEchoGreetingFunction/), 'Arn'],
      },
    });
  });
});
