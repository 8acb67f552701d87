import { createDemoEstate, snapshotsOfRun } from '../../emulator/demo-estate.js';
import { ensureMotoInstalled, startMoto, startTestCloud } from '../../emulator/index.js';
import { Ec2VolumeInventory } from '../../functions/adapters/ec2-volume-inventory.js';
import { DynamoDbRecoveryPointCatalog } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { parseConfig } from '../../functions/core/config.js';
import { estimateVolumeBackupCost } from '../../functions/core/cost-estimate.js';
import { surveyOptedInVolumes } from '../../functions/steps/survey-opted-in-volumes.js';
import { ExitCode } from '../exit-codes.js';
import type { GlobalOptions } from '../global-options.js';
import { formatTable, printJson, printLines } from '../output.js';
import { startProgress } from '../progress.js';
import { runBackup } from '../run-backup.js';
import { describeRun } from './backup.js';

const demoConfig = parseConfig({
  primaryRegion: 'us-east-1',
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { keepLast: 3, daily: 7, weekly: 4, monthly: 12 },
      copyTo: [{ region: 'us-west-2', retention: { daily: 7 } }],
    },
    weekly: {
      schedule: 'cron(0 4 ? * SAT *)',
      timezone: 'Europe/Berlin',
      retention: { weekly: 8 },
    },
  },
});
const catalogTable = 'backup-orchestrator-catalog';

/**
 * The whole story on the embedded emulator: a tagged estate, validate, one backup run with its
 * DR copies, the result read back independently, an idempotent re-run, API calls and cost.
 */
export async function demoCommand(options: GlobalOptions): Promise<number> {
  const progress = startProgress('starting the local emulated cloud (moto)');
  await ensureMotoInstalled();
  const moto = await startMoto();
  const testCloud = await startTestCloud({ upstream: moto.endpoint });
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: testCloud.endpoint,
    AWS_ACCESS_KEY_ID: 'demo',
    AWS_SECRET_ACCESS_KEY: 'demo',
    AWS_REGION: demoConfig.primaryRegion,
  });
  try {
    const drRegion = demoConfig.policies.daily?.copyTo[0]?.region ?? 'us-west-2';
    progress.update('creating a tagged estate');
    const estate = await createDemoEstate(
      demoConfig.primaryRegion,
      drRegion,
      demoConfig.drKeyAlias,
    );
    const survey = await surveyOptedInVolumes(
      new Ec2VolumeInventory(demoConfig.primaryRegion),
      new Set(Object.keys(demoConfig.policies)),
    );

    progress.update('backup run of policy daily');
    const runId = 'demo-daily-1';
    const first = await runBackup({
      config: demoConfig,
      policyName: 'daily',
      runId,
      local: true,
      catalogTable,
    });
    const callsOfFirstRun = testCloud.counts();
    testCloud.resetCounts();
    const rerun = await runBackup({
      config: demoConfig,
      policyName: 'daily',
      runId,
      local: true,
      catalogTable,
    });
    const callsOfRerun = testCloud.counts();

    progress.update('reading back what the cloud holds');
    const primary = await snapshotsOfRun(demoConfig.primaryRegion, runId);
    const copies = await snapshotsOfRun(drRegion, runId);
    const catalog = await new DynamoDbRecoveryPointCatalog(catalogTable).list({ policy: 'daily' });
    const policy = demoConfig.policies.daily!;
    const backedUp = estate.volumes.filter((volume) =>
      primary.some((snapshot) => snapshot.volumeId === volume.volumeId),
    );
    const cost = backedUp.map((volume) => ({
      volumeId: volume.volumeId,
      sizeGiB: volume.sizeGiB,
      ...estimateVolumeBackupCost({
        sizeGiB: volume.sizeGiB,
        changeRatePerRun: 0.02,
        runsPerMonth: 30,
        retention: policy.retention,
        copyRegions: policy.copyTo.map((target) => ({
          retention: target.retention ?? policy.retention,
        })),
      }),
    }));
    progress.succeed(`demo finished on ${moto.endpoint}`);

    const report = {
      emulator: moto.endpoint,
      estate: estate.volumes,
      survey,
      run: first.summary,
      stateTransitions: first.stateTransitions,
      readBack: {
        primaryRegion: demoConfig.primaryRegion,
        primary,
        drRegion,
        copies,
        catalogEntries: catalog.length,
      },
      rerun: {
        summary: rerun.summary,
        createSnapshotCalls: callsOfRerun.byOperation['ec2:CreateSnapshot'] ?? 0,
        copySnapshotCalls: callsOfRerun.byOperation['ec2:CopySnapshot'] ?? 0,
      },
      apiCalls: callsOfFirstRun.byOperation,
      costEstimate: {
        assumptions:
          'us-east-1 list prices; 2% of blocks change per daily run; full first snapshot',
        volumes: cost,
      },
    };
    if (options.json) printJson(report);
    else printLines(describeDemo(report));
    return first.summary.failures.length > 0 ? ExitCode.somethingFailed : ExitCode.ok;
  } finally {
    process.env = saved;
    await testCloud.stop();
    await moto.stop();
  }
}

type DemoReport = {
  emulator: string;
  estate: Awaited<ReturnType<typeof createDemoEstate>>['volumes'];
  survey: Awaited<ReturnType<typeof surveyOptedInVolumes>>;
  run: Awaited<ReturnType<typeof runBackup>>['summary'];
  stateTransitions: number | undefined;
  readBack: {
    primaryRegion: string;
    primary: Awaited<ReturnType<typeof snapshotsOfRun>>;
    drRegion: string;
    copies: Awaited<ReturnType<typeof snapshotsOfRun>>;
    catalogEntries: number;
  };
  rerun: {
    summary: Awaited<ReturnType<typeof runBackup>>['summary'];
    createSnapshotCalls: number;
    copySnapshotCalls: number;
  };
  apiCalls: Record<string, number>;
  costEstimate: {
    assumptions: string;
    volumes: ({ volumeId: string; sizeGiB: number } & ReturnType<
      typeof estimateVolumeBackupCost
    >)[];
  };
};

function describeDemo(report: DemoReport): string[] {
  const { primary, copies, primaryRegion, drRegion } = report.readBack;
  const total = report.costEstimate.volumes.reduce((sum, volume) => sum + volume.monthlyTotal, 0);
  return [
    `== 1. a tagged estate on the emulated cloud (${report.emulator})`,
    ...formatTable(
      ['volume', 'name', 'GiB', 'tags', ''],
      report.estate.map((volume) => [
        volume.volumeId,
        volume.name,
        String(volume.sizeGiB),
        Object.entries(volume.tags)
          .map(([key, value]) => `${key}=${value}`)
          .join(', ') || '(none)',
        volume.note,
      ]),
    ).map((line) => `  ${line}`),
    '',
    '== 2. backupctl validate: effective policies and tag problems',
    ...report.survey.resources.map(
      (resource) =>
        `  ${resource.resourceId}  ${resource.excluded ? '(excluded)' : resource.policies.join(' ') || '(no known policy)'}`,
    ),
    ...report.survey.problems.map((problem) => `  problem: ${problem.message}`),
    '',
    `== 3. backupctl backup --policy daily --local --run-id ${report.run.runId}`,
    ...describeRun(report.run).map((line) => `  ${line}`),
    `  state transitions: ${report.stateTransitions} for ${report.run.volumes.selected} volumes`,
    '',
    '== 4. read back from the emulated cloud, not through the product',
    `  ${primaryRegion}: ${primary.length} snapshots, ${primary.filter((snapshot) => snapshot.state === 'completed').length} completed`,
    `  ${drRegion}: ${copies.length} copies, encrypted with ${[...new Set(copies.map((copy) => copy.kmsKeyId))].join(', ')}`,
    `  catalog entries (DynamoDB): ${report.readBack.catalogEntries}`,
    '',
    `== 5. the same run id again: ${report.rerun.createSnapshotCalls} CreateSnapshot and ${report.rerun.copySnapshotCalls} CopySnapshot calls (idempotent), outcome ${report.rerun.summary.outcome}`,
    '',
    '== 6. API calls of the first run (counted by the test cloud proxy)',
    ...Object.entries(report.apiCalls)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operation, count]) => `  ${operation}: ${count}`),
    '',
    `== 7. estimated monthly cost (${report.costEstimate.assumptions})`,
    ...formatTable(
      ['volume', 'GiB', 'storage $/mo', 'transfer $/mo', 'first copy $'],
      report.costEstimate.volumes.map((volume) => [
        volume.volumeId,
        String(volume.sizeGiB),
        volume.monthlyStorage.toFixed(2),
        volume.monthlyTransfer.toFixed(2),
        volume.firstCopyTransfer.toFixed(2),
      ]),
    ).map((line) => `  ${line}`),
    `  total: $${total.toFixed(2)} per month`,
    '',
    'Not in this build yet: boot images and restore tests, bucket copies, retention pruning (open issues).',
  ];
}
