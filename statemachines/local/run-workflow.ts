import './quiet-observability.js';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import type { EnvironmentSource } from '../../functions/environment/environment-contract.js';
import { taskEnvironments } from '../../functions/environment/task-environments.js';
import { placeholdersOf, readDefinition, substitute } from '../definitions.js';
import { workflowOfDefinition } from '../tasks/registry.js';
import {
  handlerFileOf,
  taskOfPlaceholder,
  type TaskSpec,
  type WorkflowSpec,
} from '../tasks/task-spec.js';
import { localContext } from './lambda-context.js';

/** The runner's execution events (the library does not export their type). */
export type WorkflowEvent = { type: string; state?: { name: string; type: string } } & Record<
  string,
  unknown
>;

export interface LocalRunOptions {
  /** The execution name: the run id. */
  executionName: string;
  input: unknown;
  /** Overrides every Wait state's duration (ms); leave unset to wait as the ASL says. */
  waitMs?: number;
  /** Overrides every Retry interval (ms). */
  retryIntervalMs?: number;
  onEvent?: (event: WorkflowEvent) => void;
  /**
   * Awaited after a Task's handler returns and before its output moves on: lets a test change
   * the world at an exact point (e.g. delete a volume between discovery and snapshot).
   */
  afterTask?: Record<string, (output: unknown) => Promise<void>>;
  /**
   * The environment the handlers read (functions/environment/): each Task gets the variables of
   * its environment groups from these values. Default: `process.env`, as in Lambda.
   */
  environment?: EnvironmentSource;
  /** The workflow's Tasks; default: the registry's workflow of this ASL file. */
  workflow?: WorkflowSpec;
  /** Where the handlers are; default functions/handlers. */
  handlersDir?: string;
  /** Aborting it stops the execution (as StopExecution does): the result rejects. */
  signal?: AbortSignal;
}

export interface LocalRunResult<Output> {
  output: Output;
  /** StateEntered events: what AWS bills as state transitions, near enough. */
  stateTransitions: number;
  transitionsByState: Record<string, number>;
}

/**
 * Executes an ASL file in-process with aws-local-stepfunctions, each Task mapped to its real
 * handler through the Task registry (statemachines/tasks/registry.ts).
 */
export async function runWorkflowLocally<Output>(
  definitionFile: string,
  options: LocalRunOptions,
): Promise<LocalRunResult<Output>> {
  const definition = localDefinition(definitionFile);
  const taskStates = collectStates(definition, 'Task');
  const waitStates = collectStates(definition, 'Wait');
  const workflow = options.workflow ?? workflowOfDefinition(definitionFile);
  if (!workflow) throw new Error(`${definitionFile} is not a workflow of the Task registry`);
  const handlers = await localTaskHandlers(taskStates, workflow, options);
  const machine = new StateMachine(definition as never, {
    validationOptions: { checkPaths: true },
  });
  const execution = machine.run(options.input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      ...(options.waitMs !== undefined
        ? { waitTimeOverrides: everyState(waitStates, options.waitMs) }
        : {}),
      ...(options.retryIntervalMs !== undefined
        ? { retryIntervalOverrides: everyState(taskStates, options.retryIntervalMs) }
        : {}),
    },
    context: executionContext(options) as never,
  });
  if (options.signal?.aborted) execution.abort();
  else options.signal?.addEventListener('abort', () => execution.abort(), { once: true });
  return followExecution<Output>(execution, options.onEvent);
}

/** The ASL with each placeholder replaced by a fake ARN naming it (the handlers stand in). */
function localDefinition(definitionFile: string): Record<string, unknown> {
  const text = readDefinition(definitionFile);
  return JSON.parse(substitute(text, fakeArnsOf(text))) as Record<string, unknown>;
}

function fakeArnsOf(text: string): Record<string, string> {
  return Object.fromEntries(
    placeholdersOf(text).map((name) => [
      name,
      `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    ]),
  );
}

/** Each Task state's local handler, loaded from the registry's handler file of its Task. */
async function localTaskHandlers(
  taskStates: [string, StateDefinition][],
  workflow: WorkflowSpec,
  options: LocalRunOptions,
): Promise<Record<string, (input: unknown) => Promise<unknown>>> {
  const entries = await Promise.all(
    taskStates.map(async ([stateName, state]) => {
      const taskName = taskOfPlaceholder(String(state.Resource).split(':function:')[1] ?? '');
      const task = taskName ? (workflow.tasks as Record<string, TaskSpec>)[taskName] : undefined;
      if (!taskName || !task)
        throw new Error(
          `Task state ${stateName} has no Task in the registry (Resource ${String(state.Resource)})`,
        );
      const handler = await loadHandler(options.handlersDir ?? defaultHandlersDir, taskName);
      const environment = taskEnvironment(workflow, task, options.environment);
      const after = options.afterTask?.[stateName];
      const run = async (input: unknown) => {
        const output = await handler(input as never, localContext(stateName, environment));
        await after?.(output);
        return output;
      };
      return [stateName, run] as const;
    }),
  );
  return Object.fromEntries(entries);
}

type LambdaHandler = (event: never, context: Context) => Promise<unknown>;

const runnerDir = dirname(fileURLToPath(import.meta.url));
const defaultHandlersDir = join(runnerDir, '..', '..', 'functions', 'handlers');

/**
 * Imports `<handlersDir>/<kebab Task name>` by a specifier relative to this module, the form both
 * tsx (the CLI) and Jest resolve from `.js` to the TypeScript source.
 */
async function loadHandler(handlersDir: string, taskName: string): Promise<LambdaHandler> {
  const path = relative(runnerDir, join(handlersDir, handlerFileOf(taskName)));
  const specifier = `${path.startsWith('.') ? '' : './'}${path.split(sep).join('/')}.js`;
  const module = (await import(specifier)) as { handler?: LambdaHandler };
  if (typeof module.handler !== 'function')
    throw new Error(`${specifier} exports no handler for Task ${taskName}`);
  return module.handler;
}

/**
 * The variables a Task's function has in the stack: those of its workflow's and its own
 * environment groups, taken from the given values. Without values, `process.env` as in Lambda.
 */
function taskEnvironment(
  workflow: WorkflowSpec,
  task: TaskSpec,
  given: EnvironmentSource | undefined,
): EnvironmentSource {
  if (!given) return process.env;
  const names = [...workflow.environment, ...(task.environment ?? [])].flatMap(
    (group) => taskEnvironments[group].variableNames,
  );
  return Object.fromEntries(names.map((name) => [name, given[name]]));
}

function everyState(states: [string, StateDefinition][], ms: number): Record<string, number> {
  return Object.fromEntries(states.map(([name]) => [name, ms]));
}

function executionContext(options: LocalRunOptions) {
  return {
    Execution: {
      Id: `arn:aws:states:local:000000000000:execution:local:${options.executionName}`,
      Name: options.executionName,
      Input: options.input,
      StartTime: new Date().toISOString(),
    },
  };
}

/** Counts StateEntered events (per state too) while the execution runs, and awaits its result. */
async function followExecution<Output>(
  execution: { eventLogs: AsyncIterable<unknown>; result: Promise<unknown> },
  onEvent: LocalRunOptions['onEvent'],
): Promise<LocalRunResult<Output>> {
  const transitionsByState: Record<string, number> = {};
  let stateTransitions = 0;
  const counting = (async () => {
    for await (const event of execution.eventLogs) {
      const workflowEvent = event as WorkflowEvent;
      if (workflowEvent.type === 'StateEntered' && workflowEvent.state) {
        stateTransitions += 1;
        const name = workflowEvent.state.name;
        transitionsByState[name] = (transitionsByState[name] ?? 0) + 1;
      }
      onEvent?.(workflowEvent);
    }
  })();
  const output = (await execution.result) as Output;
  await counting;
  return { output, stateTransitions, transitionsByState };
}

type StateDefinition = { Type?: string; Resource?: string; States?: unknown };

/** Every state of a type, nested Map/Parallel states included, with its name. */
function collectStates(
  definition: Record<string, unknown>,
  type: string,
): [string, StateDefinition][] {
  const found: [string, StateDefinition][] = [];
  const visit = (states: unknown) => {
    for (const [name, state] of Object.entries(
      (states ?? {}) as Record<string, Record<string, unknown>>,
    )) {
      if (state.Type === type) found.push([name, state as StateDefinition]);
      const processor = (state.ItemProcessor ?? state.Iterator) as { States?: unknown } | undefined;
      if (processor) visit(processor.States);
      for (const branch of (state.Branches ?? []) as { States?: unknown }[]) visit(branch.States);
    }
  };
  visit(definition.States);
  return found;
}
