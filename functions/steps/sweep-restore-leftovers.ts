import type { RestoreRunContext, SweepResult } from '../core/run-state/restore-test-run.js';
import { TagKeys } from '../core/tag-keys.js';
import type { RestoreCleanup } from '../ports/restore-cleanup.js';
import type { LabInstance } from '../ports/restore-lab.js';
import { toFailure } from './work-outcomes.js';

/** Test machines without a deadline tag are swept once this old (the longest allowed timeout, and more). */
const untaggedMaxAgeSeconds = 4 * 3600;

/**
 * After every batch of a run: terminates what restore tests left behind, found by tag. This
 * run's machines are all over; another run's machine is only touched once its deadline (its
 * timeout plus a grace, tagged at launch) has passed, so concurrent tests of other policies are
 * safe. Detached test volumes and network interfaces (AWS deletes them with the instance unless
 * the image said otherwise) are deleted. Best effort: problems are reported, never thrown.
 */
export async function sweepRestoreLeftovers(
  run: RestoreRunContext,
  cleanup: RestoreCleanup,
  now: Date,
): Promise<SweepResult> {
  const result: SweepResult = {
    terminatedInstances: [],
    deletedVolumes: [],
    deletedNetworkInterfaces: [],
    problems: [],
  };
  const attempt = async (what: string, action: () => Promise<void>) => {
    try {
      await action();
    } catch (error) {
      const failure = toFailure(error);
      result.problems.push(`${what}: ${failure.name}: ${failure.message}`);
    }
  };

  await attempt('listing test instances', async () => {
    const leftovers = (await cleanup.findTestInstances())
      .filter((instance) => isLeftover(instance, run.runId, now))
      .map((instance) => instance.instanceId);
    if (leftovers.length > 0) {
      await cleanup.terminate(leftovers);
      result.terminatedInstances = leftovers;
    }
  });
  await attempt('listing test volumes', async () => {
    for (const volume of await cleanup.findTestVolumes()) {
      if (volume.state !== 'available') continue;
      await attempt(`deleting volume ${volume.volumeId}`, async () => {
        await cleanup.deleteVolume(volume.volumeId);
        result.deletedVolumes.push(volume.volumeId);
      });
    }
  });
  await attempt('listing test network interfaces', async () => {
    for (const eni of await cleanup.findTestNetworkInterfaces()) {
      if (eni.status !== 'available') continue;
      await attempt(`deleting network interface ${eni.networkInterfaceId}`, async () => {
        await cleanup.deleteNetworkInterface(eni.networkInterfaceId);
        result.deletedNetworkInterfaces.push(eni.networkInterfaceId);
      });
    }
  });
  return result;
}

export function isLeftover(instance: LabInstance, runId: string, now: Date): boolean {
  if (instance.tags[TagKeys.restoreTestRun] === runId) return true;
  const deadline = Date.parse(instance.tags[TagKeys.restoreTestDeadline] ?? '');
  if (!Number.isNaN(deadline)) return deadline < now.getTime();
  const launched = Date.parse(instance.launchTime ?? '');
  return !Number.isNaN(launched) && now.getTime() - launched > untaggedMaxAgeSeconds * 1000;
}
