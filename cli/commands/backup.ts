import { configPath, loadConfigFile } from '../../functions/config/load-config-file.js';
import { policyNamed } from '../../functions/core/config.js';
import type { RunSummary } from '../../functions/steps/summarize-run.js';
import { ExitCode } from '../exit-codes.js';
import { catalogTableName, type GlobalOptions } from '../global-options.js';
import { formatTable, printJson, printLines } from '../output.js';
import { withProgress } from '../progress.js';
import { runBackup } from '../run-backup.js';
import { checkRunId, newRunId } from '../run-id.js';

export interface BackupCommandOptions extends GlobalOptions {
  policy: string;
  runId?: string;
  catalogTable?: string;
  stateMachineArn?: string;
}

export async function backupCommand(options: BackupCommandOptions): Promise<number> {
  const config = loadConfigFile(configPath(options.config));
  policyNamed(config, options.policy);
  const runId = checkRunId(options.runId ?? newRunId(options.policy, new Date()));
  const { summary } = await withProgress(`run ${runId}`, async (progress) => {
    const outcome = await runBackup({
      config,
      policyName: options.policy,
      runId,
      local: options.local ?? false,
      catalogTable: catalogTableName(options.catalogTable),
      ...(options.stateMachineArn ? { stateMachineArn: options.stateMachineArn } : {}),
      progress,
    });
    return { ...outcome, outcome: outcome.summary.outcome };
  });
  if (options.json) printJson(summary);
  else printLines(describeRun(summary));
  return summary.failures.length > 0 ? ExitCode.somethingFailed : ExitCode.ok;
}

/** The run summary for people: counts, recovery points per region, failures, tag problems. */
export function describeRun(summary: RunSummary): string[] {
  const regions = Object.entries(summary.recoveryPointsByRegion);
  return [
    `run ${summary.runId} (policy ${summary.policy}): ${summary.outcome} in ${summary.durationSeconds}s`,
    `volumes: ${summary.volumes.selected} selected of ${summary.volumes.optedIn} opted in, ` +
      `${summary.volumes.succeeded} succeeded, ${summary.volumes.failed} failed, ${summary.volumes.excluded.length} excluded`,
    `instances: ${summary.instances.selected} selected of ${summary.instances.optedIn} opted in, ` +
      `${summary.instances.succeeded} succeeded, ${summary.instances.failed} failed`,
    `snapshots created: ${summary.snapshotsCreated}, copies created: ${summary.copiesCreated}`,
    `images created: ${summary.imagesCreated}, image copies: ${summary.imageCopiesCreated}, exports: ${summary.exportsCreated}`,
    'recovery points per region:',
    ...(regions.length === 0 ? ['  (none)'] : []),
    ...regions.flatMap(([region, points]) => [
      `  ${region}: ${points.length}`,
      ...formatTable(
        ['recovery point', 'kind', 'source', 'copy of'],
        points.map((point) => [point.id, point.kind, point.sourceId, point.copyOf ?? '']),
      ).map((line) => `    ${line}`),
    ]),
    ...(summary.failures.length > 0
      ? [
          `failures: ${summary.failures.length}`,
          ...summary.failures.map(
            (failure) =>
              `  ${failure.sourceId} [${failure.stage} in ${failure.region}] ${failure.name}: ${failure.message}`,
          ),
        ]
      : ['failures: none']),
    ...(summary.tagProblemCount > 0
      ? [
          `tag problems: ${summary.tagProblemCount}`,
          ...summary.tagProblems.map((problem) => `  ${problem.message}`),
        ]
      : []),
  ];
}
