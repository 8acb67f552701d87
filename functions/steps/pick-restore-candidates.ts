import { toBatches } from '../core/batching.js';
import { policyNamed } from '../core/config.js';
import { InvalidInputError } from '../core/errors.js';
import { selectRestoreCandidates } from '../core/restore-test-picking.js';
import {
  RestoreTestOptionsInputSchema,
  type PickRestoreCandidatesEvent,
  type PickRestoreCandidatesResult,
  type RestoreNetwork,
} from '../core/run-state/restore-test-run.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';

/**
 * First step of a restore test: resolves the policy's restoreTest settings, picks the images to
 * boot from the catalog, and splits them into batches for the Map. The test network comes from
 * the deployment (the handler reads it from the environment and fails before any launch).
 */
export async function pickRestoreCandidates(
  event: PickRestoreCandidatesEvent,
  catalog: RecoveryPointCatalog,
  network: RestoreNetwork,
): Promise<PickRestoreCandidatesResult> {
  const { config, policyName } = event.request;
  const policy = policyNamed(config, policyName);
  if (!policy.restoreTest) {
    throw new InvalidInputError(
      `policy "${policyName}" has no restoreTest section; add "restoreTest": { "schedule": ... } to test its images`,
    );
  }
  const options = RestoreTestOptionsInputSchema.parse(event.request.options ?? {});
  const points = await catalog.list({ policy: policyName, kind: 'image' });
  const { candidates, selected } = selectRestoreCandidates(points, {
    policy: policyName,
    region: config.primaryRegion,
    ...(policy.restoreTest.sample !== undefined ? { sample: policy.restoreTest.sample } : {}),
  });
  return {
    run: {
      runId: event.executionName,
      policyName,
      primaryRegion: config.primaryRegion,
      startedAt: new Date(event.executionStartTime).toISOString(),
      instanceType: policy.restoreTest.instanceType,
      timeoutSeconds: options.timeoutSeconds ?? policy.restoreTest.timeoutMinutes * 60,
      network,
      options,
    },
    batches: toBatches(selected, options.batchSize).map((images, batchIndex) => ({
      batchIndex,
      images,
    })),
    selection: {
      candidates: candidates.length,
      selected: selected.length,
      ...(policy.restoreTest.sample !== undefined ? { sample: policy.restoreTest.sample } : {}),
    },
  };
}
