import { backupBucketsEnvironment } from './backup-buckets-environment.js';
import { catalogEnvironment } from './catalog-environment.js';
import type { EnvironmentContract, RenderedValues } from './environment-contract.js';
import { exportEnvironment } from './export-environment.js';
import {
  restoreAllowListsEnvironment,
  restoreEnvironment,
  restoreWorkflowsEnvironment,
} from './restore-environment.js';
import { restoreTestNetworkEnvironment } from './restore-test-network-environment.js';

/**
 * The environment groups a Task may read, by the name the Task registry
 * (statemachines/tasks/) uses for them.
 */
export const taskEnvironments = {
  catalog: catalogEnvironment,
  export: exportEnvironment,
  backupBuckets: backupBucketsEnvironment,
  restoreTestNetwork: restoreTestNetworkEnvironment,
  restores: restoreEnvironment,
  restoreWorkflows: restoreWorkflowsEnvironment,
  restoreAllowLists: restoreAllowListsEnvironment,
} as const;

export type EnvironmentGroup = keyof typeof taskEnvironments;

type FieldsOf<C> = C extends EnvironmentContract<infer F> ? F : never;

/** What the stack sets for each group, as strings (CDK tokens welcome). */
export type TaskEnvironmentValues = {
  readonly [G in EnvironmentGroup]?: RenderedValues<FieldsOf<(typeof taskEnvironments)[G]>>;
};

/** The variables of the given groups, rendered from the values; a group without values is an error. */
export function renderTaskEnvironment(
  groups: readonly EnvironmentGroup[],
  values: TaskEnvironmentValues,
): Record<string, string> {
  const rendered: Record<string, string> = {};
  for (const group of groups) {
    const given = values[group];
    if (!given) throw new Error(`no values for the ${group} environment of a Task`);
    Object.assign(
      rendered,
      (taskEnvironments[group] as EnvironmentContract<never>).render(given as never),
    );
  }
  return rendered;
}
