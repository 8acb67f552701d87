import type { DemoVolume } from '../../../emulator/demo-estate.js';
import type { Progress } from '../../progress.js';
import type { BackupRunOutcome } from '../../run-backup.js';
import { runDemoBackups, type DemoBackups } from './backups.js';
import { estimateDemoCost, type DemoCostEstimate } from './cost.js';
import type { DemoCloud } from './demo-cloud.js';
import { exportBucket } from './demo-config.js';
import { createDemoEstates, type DemoSurvey } from './estate.js';
import { runDemoPrune, type DemoPrune } from './prune.js';
import { readBackDemo, type DemoReadBack } from './read-back.js';
import { runDemoRestoreTest, type DemoRestoreTest } from './restore-test.js';
import { runDemoRestores, type DemoRestores } from './restores.js';

type RunSummary = BackupRunOutcome['summary'];

/** What `backupctl demo --json` prints, and `describeDemo` tells, chapter by chapter. */
export interface DemoReport {
  emulator: string;
  estate: { volumes: DemoVolume[]; instanceId: string; exportBucket: string };
  survey: DemoSurvey;
  run: RunSummary;
  stateTransitions: number | undefined;
  readBack: DemoReadBack;
  rerun: {
    summary: RunSummary;
    createSnapshotCalls: number;
    copySnapshotCalls: number;
    createImageCalls: number;
    exportImageCalls: number;
  };
  restoreTest: DemoRestoreTest;
  restores: DemoRestores;
  nextDay: {
    bucketCopies: RunSummary['bucketCopies'];
    copyObjectCalls: number;
    listPages: number;
  };
  prune: DemoPrune;
  apiCalls: Record<string, number>;
  costEstimate: DemoCostEstimate;
}

/** The whole story, in order, on the demo cloud; the report of what happened. */
export async function runDemo(cloud: DemoCloud, progress: Progress): Promise<DemoReport> {
  progress.update('creating a tagged estate');
  const estates = await createDemoEstates(cloud.moto.endpoint);
  const backups = await runDemoBackups(cloud.testCloud, estates.bucketEstate.keys, progress);

  progress.update('restore test: booting the newest image in the isolated network');
  const restoreTest = await runDemoRestoreTest(estates.instanceEstate.network);

  progress.update('restores through the restore API: a volume, the instance, a prefix');
  const restores = await runDemoRestores(estates, cloud.testCloud);

  progress.update('reading back what the cloud holds');
  const readBack = await readBackDemo();
  const costEstimate = estimateDemoCost(estates.volumes, readBack.primary);

  progress.update('prune: retention applied in each region');
  const prune = await runDemoPrune();
  progress.succeed(`demo finished on ${cloud.moto.endpoint}`);
  return {
    emulator: cloud.moto.endpoint,
    estate: {
      volumes: estates.volumes,
      instanceId: estates.instanceEstate.instanceId,
      exportBucket,
    },
    survey: estates.survey,
    run: backups.first.summary,
    stateTransitions: backups.first.stateTransitions,
    readBack,
    rerun: rerunReport(backups),
    restoreTest,
    restores,
    nextDay: nextDayReport(backups),
    prune,
    apiCalls: backups.callsOfFirstRun.byOperation,
    costEstimate,
  };
}

/** Whether any part of the story failed (the demo's exit code). */
export function demoFailed(report: DemoReport): boolean {
  return (
    report.run.failures.length > 0 ||
    report.restoreTest.outcome !== 'passed' ||
    [report.restores.volume, report.restores.instance, report.restores.objects].some(
      (restore) => restore.status !== 'COMPLETED',
    ) ||
    report.prune.summary.failures.length > 0
  );
}

function rerunReport({ rerun, callsOfRerun }: DemoBackups): DemoReport['rerun'] {
  return {
    summary: rerun.summary,
    createSnapshotCalls: callsOfRerun.byOperation['ec2:CreateSnapshot'] ?? 0,
    copySnapshotCalls: callsOfRerun.byOperation['ec2:CopySnapshot'] ?? 0,
    createImageCalls: callsOfRerun.byOperation['ec2:CreateImage'] ?? 0,
    exportImageCalls: callsOfRerun.byOperation['ec2:ExportImage'] ?? 0,
  };
}

function nextDayReport({ nextDay, callsOfNextDay }: DemoBackups): DemoReport['nextDay'] {
  return {
    bucketCopies: nextDay.summary.bucketCopies,
    copyObjectCalls: callsOfNextDay.byOperation['s3:CopyObject'] ?? 0,
    listPages: callsOfNextDay.byOperation['s3:ListObjectsV2'] ?? 0,
  };
}
