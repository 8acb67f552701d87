import { StateMachine } from 'aws-local-stepfunctions';
import { placeholdersOf, readDefinition, substitute } from '../definitions.js';
import { localContext } from './lambda-context.js';
import { handlersByPlaceholder } from './task-handlers.js';

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
}

export interface LocalRunResult<Output> {
  output: Output;
  /** StateEntered events: what AWS bills as state transitions, near enough. */
  stateTransitions: number;
  transitionsByState: Record<string, number>;
}

/**
 * Executes an ASL file in-process with aws-local-stepfunctions, each Task mapped to its real
 * handler through the placeholder its Resource names.
 */
export async function runWorkflowLocally<Output>(
  definitionFile: string,
  options: LocalRunOptions,
): Promise<LocalRunResult<Output>> {
  const text = readDefinition(definitionFile);
  const fakeArns = Object.fromEntries(
    placeholdersOf(text).map((name) => [
      name,
      `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    ]),
  );
  const definition = JSON.parse(substitute(text, fakeArns)) as Record<string, unknown>;
  const taskStates = collectStates(definition, 'Task');
  const waitStates = collectStates(definition, 'Wait');

  const taskResourceLocalHandlers = Object.fromEntries(
    taskStates.map(([stateName, state]) => {
      const placeholder = Object.keys(fakeArns).find((name) => fakeArns[name] === state.Resource);
      const handler = placeholder ? handlersByPlaceholder[placeholder] : undefined;
      if (!handler)
        throw new Error(
          `Task state ${stateName} has no local handler (Resource ${String(state.Resource)})`,
        );
      const after = options.afterTask?.[stateName];
      return [
        stateName,
        async (input: unknown) => {
          const output = await handler(input as never, localContext(stateName));
          await after?.(output);
          return output;
        },
      ];
    }),
  );
  const machine = new StateMachine(definition as never, {
    validationOptions: { checkPaths: true },
  });
  const startTime = new Date().toISOString();
  const execution = machine.run(options.input as never, {
    overrides: {
      taskResourceLocalHandlers: taskResourceLocalHandlers as never,
      ...(options.waitMs !== undefined
        ? {
            waitTimeOverrides: Object.fromEntries(
              waitStates.map(([name]) => [name, options.waitMs ?? 0]),
            ),
          }
        : {}),
      ...(options.retryIntervalMs !== undefined
        ? {
            retryIntervalOverrides: Object.fromEntries(
              taskStates.map(([name]) => [name, options.retryIntervalMs ?? 0]),
            ),
          }
        : {}),
    },
    context: {
      Execution: {
        Id: `arn:aws:states:local:000000000000:execution:local:${options.executionName}`,
        Name: options.executionName,
        Input: options.input,
        StartTime: startTime,
      },
    } as never,
  });

  const transitionsByState: Record<string, number> = {};
  let stateTransitions = 0;
  const counting = (async () => {
    for await (const event of execution.eventLogs) {
      const workflowEvent = event as unknown as WorkflowEvent;
      if (workflowEvent.type === 'StateEntered' && workflowEvent.state) {
        stateTransitions += 1;
        const name = workflowEvent.state.name;
        transitionsByState[name] = (transitionsByState[name] ?? 0) + 1;
      }
      options.onEvent?.(workflowEvent);
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
