import { configPath, loadConfigFile } from '../../functions/config/load-config-file.js';
import { InvalidInputError } from '../../functions/core/errors.js';
import type { PrunePreview } from '../../functions/steps/preview-prune.js';
import type { PruneSummary } from '../../functions/steps/summarize-prune.js';
import { ExitCode } from '../exit-codes.js';
import { catalogTableName, type GlobalOptions } from '../global-options.js';
import { formatTable, printJson, printLines } from '../output.js';
import { withProgress } from '../progress.js';
import { checkRunId, newRunId } from '../run-id.js';
import { previewPruneRun, runPrune } from '../run-prune.js';

export interface PruneCommandOptions extends GlobalOptions {
  policy: string;
  dryRun?: boolean;
  now?: string;
  force?: boolean;
  runId?: string;
  catalogTable?: string;
  stateMachineArn?: string;
}

export async function pruneCommand(options: PruneCommandOptions): Promise<number> {
  const config = loadConfigFile(configPath(options.config));
  const now = options.now === undefined ? undefined : checkInstant(options.now);
  const runId = checkRunId(options.runId ?? newRunId(`${options.policy}-prune`, new Date()));
  const run = {
    config,
    policyName: options.policy,
    runId,
    local: options.local ?? false,
    catalogTable: catalogTableName(options.catalogTable),
    ...(now ? { now } : {}),
    ...(options.force ? { force: true } : {}),
    ...(options.stateMachineArn ? { stateMachineArn: options.stateMachineArn } : {}),
  };
  if (options.dryRun) {
    const preview = await previewPruneRun(run);
    if (options.json) printJson(preview);
    else printLines(describePreview(preview));
    return ExitCode.ok;
  }
  const summary = await withProgress(`prune ${runId}`, (progress) =>
    runPrune({ ...run, progress }),
  );
  if (options.json) printJson(summary);
  else printLines(describePrune(summary));
  return summary.failures.length > 0 ? ExitCode.somethingFailed : ExitCode.ok;
}

function checkInstant(value: string): string {
  const parsed = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(parsed))
    throw new InvalidInputError(
      `--now must be an ISO-8601 instant such as 2026-11-22T03:00:00Z, got "${value}"`,
    );
  return new Date(parsed).toISOString();
}

/** The plan for people: per region, every point with its decision and the rule that decided. */
export function describePreview(preview: PrunePreview): string[] {
  return [
    `prune plan for policy ${preview.policy} as of ${preview.now} (dry run: nothing is changed)`,
    ...preview.regions.flatMap((region) => [
      `${region.region}: ${region.summary.points} points, keep ${region.summary.keep}, delete ${region.summary.delete}` +
        (region.summary.blockedByFraction.length > 0
          ? ` (delete-fraction limit stops: ${region.summary.blockedByFraction.join(', ')}; --force lifts it)`
          : ''),
      ...formatTable(
        ['action', 'kind', 'source', 'created', 'recovery point', 'why'],
        region.entries.map(({ point, action, reasons }) => [
          action,
          point.kind,
          point.sourceId,
          point.createdAt,
          point.id,
          reasons.join('; '),
        ]),
      ).map((line) => `  ${line}`),
      ...region.orphanedImageSnapshots.map(
        (id) => `  delete  snapshot ${id} of an image an earlier prune deregistered`,
      ),
      ...region.summary.problems.map((problem) => `  kept, bad tag: ${problem}`),
    ]),
  ];
}

/** What a prune did: per region, kept and deleted with the deciding rules, and any failures. */
export function describePrune(summary: PruneSummary): string[] {
  const tally = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort(([, a], [, b]) => b - a)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ') || 'none';
  return [
    `prune ${summary.runId} (policy ${summary.policy}, as of ${summary.now}): ${summary.outcome}`,
    `kept ${summary.kept}: ${tally(summary.keptBy)}`,
    `deleted ${summary.deleted}: ${tally(summary.deletedBy)}`,
    ...summary.regions.map(
      (region) =>
        `  ${region.region}: ${region.totals.snapshotsDeleted} snapshots, ${region.totals.imagesDeregistered} images ` +
        `(+${region.totals.imageSnapshotsDeleted} of their snapshots, ${region.totals.exportsDeleted} exports), ${region.totals.bucketRunsExpired} bucket-copy runs ` +
        `(${region.totals.objectVersionsDeleted} object versions) in ${region.turns} turn(s)`,
    ),
    ...(summary.blockedByFraction.length > 0
      ? [
          `delete-fraction limit stopped: ${summary.blockedByFraction.join(', ')} (--force lifts it)`,
        ]
      : []),
    ...summary.problems.map((problem) => `kept, bad tag: ${problem}`),
    ...(summary.failures.length > 0
      ? [
          `failures: ${summary.failures.length}`,
          ...summary.failures.map(
            (failure) =>
              `  ${failure.id} [${failure.kind} in ${failure.region}] ${failure.name}: ${failure.message}`,
          ),
        ]
      : ['failures: none']),
  ];
}
