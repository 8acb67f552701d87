import type {
  FailedRestoreBatch,
  FailedRestoreBatchEvent,
} from '../core/run-state/restore-test-run.js';
import { TagKeys } from '../core/tag-keys.js';
import type { RestoreCleanup } from '../ports/restore-cleanup.js';
import { toFailure } from './work-outcomes.js';

/**
 * The Catch path of a batch that failed as a whole: terminates every machine the batch launched
 * (found by tag, since the batch's state is lost) and reports the batch. Never throws: what it
 * cannot terminate is left to the sweeper and named in the report.
 */
export async function cleanUpRestoreBatch(
  event: FailedRestoreBatchEvent,
  cleanup: RestoreCleanup,
): Promise<FailedRestoreBatch> {
  const report: FailedRestoreBatch = {
    batchIndex: event.batchIndex,
    batchError: event.batchError,
    images: event.images,
    terminatedInstances: [],
  };
  try {
    const images = new Set(event.images.map((image) => image.imageId));
    const ids = (await cleanup.findTestInstances(event.run.runId))
      .filter((instance) => images.has(instance.tags[TagKeys.restoreTestOf] ?? ''))
      .map((instance) => instance.instanceId);
    if (ids.length > 0) await cleanup.terminate(ids);
    report.terminatedInstances = ids;
  } catch (error) {
    report.cleanupError = toFailure(error);
  }
  return report;
}
