import type { RecoveryPoint } from '../core/recovery-point.js';
import type {
  RestoreBatchResult,
  RestoreBatchState,
  RestoreTestResult,
  RestoreVerdict,
} from '../core/run-state/restore-test-run.js';
import { TagKeys, type Tags } from '../core/tag-keys.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';
import type { RestoreVerdictTags } from '../ports/restore-verdict-tags.js';
import { isRetryableAwsError } from '../ports/errors/aws-request-errors.js';
import { toFailure } from './work-outcomes.js';

/** The catalog's evidence stays a short string: the console excerpt is cut first. */
const evidenceLimit = 4000;

/**
 * Last step of a batch: records each verdict on the image (tags, so the catalog can be rebuilt
 * from tags alone) and on its catalog entry, and returns the batch's results. Idempotent. A
 * throttled or transient refusal fails the step (the ASL retries it); any other refusal for one
 * image is reported on that image and the rest go on.
 */
export async function recordRestoreVerdicts(
  state: RestoreBatchState,
  deps: { verdictTags: RestoreVerdictTags; catalog: RecoveryPointCatalog },
): Promise<RestoreBatchResult> {
  const results: RestoreTestResult[] = [];
  for (const item of state.items) {
    const problems: string[] = [];
    if (item.cleanupError) {
      problems.push(
        `cleanup: ${item.cleanupError.name}: ${item.cleanupError.message} (the sweeper retries)`,
      );
    }
    const verdict = item.verdict;
    if (!verdict) {
      results.push({
        imageId: item.imageId,
        sourceId: item.sourceId,
        outcome: 'not-tested',
        reason: 'the batch settled without a verdict',
        testedAt: new Date(state.run.startedAt).toISOString(),
        problems,
        ...(item.instanceId ? { instanceId: item.instanceId } : {}),
      });
      continue;
    }
    try {
      await deps.verdictTags.tagImage(item.imageId, verdictTags(verdict));
    } catch (error) {
      if (isRetryableAwsError(error)) throw error;
      problems.push(`tagging ${item.imageId}: ${toFailure(error).message}`);
    }
    const point = await deps.catalog.get(item.imageId);
    if (point) {
      await deps.catalog.put([withRestoreTest(point, verdict, state.run.runId)]);
    } else {
      problems.push(
        `image ${item.imageId} is not in the catalog; verdict recorded on its tags only`,
      );
    }
    results.push({
      imageId: item.imageId,
      sourceId: item.sourceId,
      ...(item.instanceId ? { instanceId: item.instanceId } : {}),
      ...(item.launchedAt ? { launchedAt: item.launchedAt } : {}),
      outcome: verdict.outcome,
      reason: verdict.reason,
      ...(verdict.rtoSeconds !== undefined ? { rtoSeconds: verdict.rtoSeconds } : {}),
      testedAt: verdict.decidedAt,
      evidence: verdict.evidence,
      problems,
    });
  }
  return { batchIndex: state.batchIndex, results };
}

export function verdictTags(verdict: RestoreVerdict): Tags {
  return {
    [TagKeys.restoreTestVerdict]: verdict.outcome,
    [TagKeys.restoreTestedAt]: verdict.decidedAt,
    // A failed test leaves no RTO: "-" replaces an earlier pass's value rather than keeping it.
    [TagKeys.restoreTestRtoSeconds]:
      verdict.rtoSeconds !== undefined ? String(verdict.rtoSeconds) : '-',
  };
}

function withRestoreTest(
  point: RecoveryPoint,
  verdict: RestoreVerdict,
  runId: string,
): RecoveryPoint {
  return {
    ...point,
    restoreTest: {
      verdict: verdict.outcome === 'passed' ? 'passed' : 'failed',
      outcome: verdict.outcome,
      runId,
      testedAt: verdict.decidedAt,
      ...(verdict.rtoSeconds !== undefined ? { rtoSeconds: verdict.rtoSeconds } : {}),
      evidence: evidenceText(verdict),
    },
  };
}

/** The verdict's reason and evidence as one JSON string of at most a few KB. */
export function evidenceText(verdict: RestoreVerdict): string {
  const { consoleExcerpt, ...rest } = verdict.evidence;
  const base = { reason: verdict.reason, ...rest };
  const without = JSON.stringify(base);
  if (consoleExcerpt === undefined) return without.slice(0, evidenceLimit);
  const room = evidenceLimit - without.length - 40;
  if (room <= 0) return without.slice(0, evidenceLimit);
  const excerpt = consoleExcerpt.length > room ? `…${consoleExcerpt.slice(-room)}` : consoleExcerpt;
  return JSON.stringify({ ...base, consoleExcerpt: excerpt });
}
