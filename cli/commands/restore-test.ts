import { configPath, loadConfigFile } from '../../functions/config/load-config-file.js';
import { policyNamed } from '../../functions/core/config.js';
import type { RestoreTestResult } from '../../functions/core/run-state/restore-test-run.js';
import type { RestoreTestSummary } from '../../functions/steps/summarize-restore-test.js';
import { ExitCode } from '../exit-codes.js';
import { catalogTableName, type GlobalOptions } from '../global-options.js';
import { printJson, printLines } from '../output.js';
import { withProgress } from '../progress.js';
import { runRestoreTest } from '../run-restore-test.js';
import { checkRunId, newRunId } from '../run-id.js';

export interface RestoreTestCommandOptions extends GlobalOptions {
  policy: string;
  runId?: string;
  catalogTable?: string;
  stateMachineArn?: string;
  subnetId?: string;
  securityGroupId?: string;
  instanceProfile?: string;
}

export async function restoreTestCommand(options: RestoreTestCommandOptions): Promise<number> {
  const config = loadConfigFile(configPath(options.config));
  policyNamed(config, options.policy);
  const runId = checkRunId(options.runId ?? newRunId(`${options.policy}-rt`, new Date()));
  const { summary } = await withProgress(`restore test ${runId}`, async (progress) => {
    const outcome = await runRestoreTest({
      config,
      policyName: options.policy,
      runId,
      local: options.local ?? false,
      catalogTable: catalogTableName(options.catalogTable),
      ...(options.stateMachineArn ? { stateMachineArn: options.stateMachineArn } : {}),
      network: {
        ...(options.subnetId ? { subnetId: options.subnetId } : {}),
        ...(options.securityGroupId ? { securityGroupIds: options.securityGroupId } : {}),
        ...(options.instanceProfile ? { instanceProfile: options.instanceProfile } : {}),
      },
      progress,
    });
    return { ...outcome, outcome: outcome.summary.outcome };
  });
  if (options.json) printJson(summary);
  else printLines(describeRestoreTest(summary));
  return summary.failed > 0 ? ExitCode.somethingFailed : ExitCode.ok;
}

/** The restore test for people: per image, the machine, the verdict, the RTO, the reason, the evidence. */
export function describeRestoreTest(summary: RestoreTestSummary): string[] {
  const sweep =
    'error' in summary.sweep
      ? [`sweeper failed: ${summary.sweep.error}`]
      : summary.sweep.terminatedInstances.length +
            summary.sweep.deletedVolumes.length +
            summary.sweep.deletedNetworkInterfaces.length >
          0
        ? [
            `sweeper: terminated ${summary.sweep.terminatedInstances.length} instance(s), deleted ${summary.sweep.deletedVolumes.length} volume(s) and ${summary.sweep.deletedNetworkInterfaces.length} network interface(s) left by restore tests`,
          ]
        : [];
  return [
    `restore test ${summary.runId} (policy ${summary.policy}): ${summary.outcome} in ${summary.durationSeconds}s`,
    `images: ${summary.selection.selected} tested of ${summary.selection.candidates} candidates` +
      `${summary.selection.sample !== undefined ? ` (sample ${summary.selection.sample})` : ''}, ` +
      `${summary.passed} passed, ${summary.failed} failed`,
    ...summary.results.flatMap(describeResult),
    ...sweep,
    ...('problems' in summary.sweep && summary.sweep.problems.length > 0
      ? summary.sweep.problems.map((problem) => `sweeper problem: ${problem}`)
      : []),
  ];
}

function describeResult(result: RestoreTestResult): string[] {
  const lines = [
    `  ${result.imageId} (source ${result.sourceId}): ${result.outcome.toUpperCase()}` +
      (result.rtoSeconds !== undefined ? `, RTO ${result.rtoSeconds}s` : ''),
    `    instance: ${result.instanceId ? `${result.instanceId} launched ${result.launchedAt ?? ''}`.trim() : 'not launched'}`,
    `    reason: ${result.reason}`,
  ];
  const evidence = result.evidence;
  if (evidence && result.outcome !== 'passed') {
    if (evidence.failedChecks?.length) {
      lines.push(...evidence.failedChecks.map((check) => `    failed check: ${check}`));
    }
    if (evidence.guestReport) lines.push(`    guest report: ${evidence.guestReport}`);
    const facts = Object.entries(evidence.facts)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(' ');
    if (facts) lines.push(`    facts: ${facts}`);
    if (evidence.consoleExcerpt) {
      const excerpt = evidence.consoleExcerpt.trimEnd().split('\n').slice(-8);
      lines.push('    console output (last lines):', ...excerpt.map((line) => `      | ${line}`));
    }
  }
  lines.push(...result.problems.map((problem) => `    problem: ${problem}`));
  return lines;
}
