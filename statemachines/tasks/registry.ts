import { backupWorkflow } from './backup-tasks.js';
import { pruneWorkflow } from './prune-tasks.js';
import { restoreObjectsWorkflow } from './restore-objects-tasks.js';
import { restoreTestWorkflow } from './restore-test-tasks.js';
import { restoreImageWorkflow } from './restore-image-tasks.js';
import { restoreInstanceWorkflow } from './restore-instance-tasks.js';
import { restoreVolumeWorkflow } from './restore-volume-tasks.js';
import type { TaskSpec, WorkflowSpec } from './task-spec.js';

/**
 * The one registry of the product's workflows and their Tasks. The stack builds each Task's
 * function and the state machine's substitutions from it (infra/constructs/task-workflow.ts); the
 * local runner maps each Task to its handler from it (statemachines/local/run-workflow.ts).
 * Adding a step: its ASL state, its handler (and step), and one entry in its workflow's table.
 */
export const workflows = {
  backup: backupWorkflow,
  restoreTest: restoreTestWorkflow,
  prune: pruneWorkflow,
  restoreObjects: restoreObjectsWorkflow,
  restoreVolume: restoreVolumeWorkflow,
  restoreInstance: restoreInstanceWorkflow,
  restoreImage: restoreImageWorkflow,
} as const satisfies Record<string, WorkflowSpec>;

/** The workflow whose ASL file this is, if the registry has one. */
export function workflowOfDefinition(definitionFile: string): WorkflowSpec | undefined {
  return Object.values(workflows).find((workflow) => workflow.definitionFile === definitionFile);
}

/** Every Task of every workflow, by name (Task names are unique across workflows). */
export function allTasks(): ReadonlyMap<string, TaskSpec> {
  return new Map(
    Object.values(workflows).flatMap((workflow) =>
      Object.entries<TaskSpec>(workflow.tasks as Record<string, TaskSpec>),
    ),
  );
}
