import { changeDemoObjects } from '../../../emulator/demo-estate.js';
import type { RequestCounts, TestCloud } from '../../../emulator/index.js';
import type { Progress } from '../../progress.js';
import { runBackup, type BackupRunOutcome } from '../../run-backup.js';
import { catalogTable, demoConfig, firstRunId, sourceBucket } from './demo-config.js';

/** Chapters 3, 5 and 6: the backup runs, with the calls each made (counted by the test cloud). */
export interface DemoBackups {
  first: BackupRunOutcome;
  callsOfFirstRun: RequestCounts;
  /** The same run id again: idempotent. */
  rerun: BackupRunOutcome;
  callsOfRerun: RequestCounts;
  /** A day later, 2 objects changed and 1 added: the bucket copy is incremental. */
  nextDay: BackupRunOutcome;
  callsOfNextDay: RequestCounts;
}

export async function runDemoBackups(
  testCloud: TestCloud,
  bucketKeys: readonly string[],
  progress: Progress,
): Promise<DemoBackups> {
  progress.update('backup run of policy daily');
  const backup = (runId: string) =>
    runBackup({ config: demoConfig, policyName: 'daily', runId, local: true, catalogTable });
  const first = await backup(firstRunId);
  const callsOfFirstRun = testCloud.counts();
  testCloud.resetCounts();
  const rerun = await backup(firstRunId);
  const callsOfRerun = testCloud.counts();

  progress.update('a day later: 2 objects changed, 1 added');
  await changeDemoObjects(demoConfig.primaryRegion, sourceBucket, [
    ...bucketKeys.slice(0, 2),
    'assets/new.json',
  ]);
  testCloud.resetCounts();
  const nextDay = await backup('demo-daily-2');
  const callsOfNextDay = testCloud.counts();
  return { first, callsOfFirstRun, rerun, callsOfRerun, nextDay, callsOfNextDay };
}
