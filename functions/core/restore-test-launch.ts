import { withVerdict } from './restore-test-verdict.js';
import type { RestoreRunContext, RestoreWork } from './run-state/restore-test-run.js';
import { ManagedByValue, TagKeys, type Tags } from './tag-keys.js';

/** Sweepers leave a test machine alone until its timeout plus this much has passed. */
const deadlineGraceSeconds = 600;

/** A test machine as found by its tags (the lab's LabInstance, as far as adoption reads it). */
export interface FoundMachine {
  instanceId: string;
  state: string;
  launchTime?: string;
  tags: Tags;
}

/**
 * When any sweeper may terminate a machine launched at `launchedAt`: after its timeout and a
 * grace, so concurrent tests of other runs are safe (functions/steps/sweep-restore-leftovers.ts).
 */
export function restoreTestDeadline(run: RestoreRunContext, launchedAt: Date): Date {
  return new Date(launchedAt.getTime() + (run.timeoutSeconds + deadlineGraceSeconds) * 1000);
}

/** Tags on a test machine, its volumes and its network interface. */
export function restoreTestTags(run: RestoreRunContext, imageId: string, deadline: Date): Tags {
  return {
    [TagKeys.managedBy]: ManagedByValue,
    [TagKeys.policy]: run.policyName,
    [TagKeys.restoreTestRun]: run.runId,
    [TagKeys.restoreTestOf]: imageId,
    [TagKeys.restoreTestDeadline]: deadline.toISOString(),
    Name: `restore-test ${imageId} (${run.runId})`.slice(0, 255),
  };
}

/**
 * A machine this run launched before (a repeated turn or a re-run) is adopted, not launched
 * again: a queued image whose pending or running machine is found by the run's tags is under test
 * from that machine's launch time (`now` when EC2 does not say).
 */
export function adoptLaunched(
  items: readonly RestoreWork[],
  found: readonly FoundMachine[],
  now: Date,
  waitedNow: number,
): RestoreWork[] {
  const launched = new Map<string, FoundMachine>();
  for (const machine of found) {
    const imageId = machine.tags[TagKeys.restoreTestOf];
    if (imageId && (machine.state === 'pending' || machine.state === 'running')) {
      launched.set(imageId, machine);
    }
  }
  return items.map((item) => {
    const machine = launched.get(item.imageId);
    if (item.status !== 'queued' || !machine) return item;
    return {
      ...item,
      status: 'testing',
      instanceId: machine.instanceId,
      launchedAt: machine.launchTime ?? now.toISOString(),
      waitedAtLaunch: waitedNow,
    };
  });
}

/** RunInstances accepted: the image is under test from the moment of the call (the RTO's start). */
export function afterLaunch(
  item: RestoreWork,
  machine: { instanceId: string; state: string },
  attempt: number,
  launchedAt: Date,
  waitedNow: number,
): RestoreWork {
  const { lastError: _previous, ...rest } = item;
  return {
    ...rest,
    status: 'testing',
    launchAttempts: attempt,
    instanceId: machine.instanceId,
    launchedAt: launchedAt.toISOString(),
    waitedAtLaunch: waitedNow,
    facts: { ...item.facts, instanceState: machine.state },
  };
}

/**
 * RunInstances refused: a retryable refusal (throttling, a transient fault, no capacity) leaves
 * the image queued for a later turn until `maxLaunchAttempts`; anything else, or the last
 * attempt, is the verdict `launch-failed`, with nothing to terminate.
 */
export function afterLaunchRefused(
  item: RestoreWork,
  refusal: { attempt: number; failure: { name: string; message: string }; retryable: boolean },
  run: RestoreRunContext,
  now: Date,
): RestoreWork {
  const { attempt, failure } = refusal;
  if (refusal.retryable && attempt < run.options.maxLaunchAttempts) {
    return { ...item, launchAttempts: attempt, lastError: failure };
  }
  return withVerdict(
    { ...item, launchAttempts: attempt, lastError: failure, terminated: true },
    'launch-failed',
    `RunInstances of ${item.imageId} refused after ${attempt} attempt(s): ${failure.name}: ${failure.message}`,
    now,
    { facts: { launchAttempts: attempt, error: failure.name } },
  );
}
