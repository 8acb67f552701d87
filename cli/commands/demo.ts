import {
  changeDemoObjects,
  createDemoBucketEstate,
  createDemoEstate,
  createDemoInstanceEstate,
  exportArtifacts,
  imagesOfRun,
  snapshotsOfRun,
} from '../../emulator/demo-estate.js';
import { ensureMotoInstalled, startMoto, startTestCloud } from '../../emulator/index.js';
import { Ec2InstanceInventory } from '../../functions/adapters/ec2-instance-inventory.js';
import { Ec2VolumeInventory } from '../../functions/adapters/ec2-volume-inventory.js';
import { DynamoDbRecoveryPointCatalog } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { parseConfig } from '../../functions/core/config.js';
import { estimateVolumeBackupCost } from '../../functions/core/cost-estimate.js';
import { surveyOptedInResources } from '../../functions/steps/survey-opted-in-resources.js';
import { ExitCode } from '../exit-codes.js';
import type { GlobalOptions } from '../global-options.js';
import { formatTable, printJson, printLines } from '../output.js';
import { startProgress } from '../progress.js';
import { runBackup } from '../run-backup.js';
import { previewPruneRun, runPrune } from '../run-prune.js';
import { runRestoreTest } from '../run-restore-test.js';
import { describeRun } from './backup.js';
import { describePrune } from './prune.js';
import { describeRestoreTest } from './restore-test.js';

const demoConfig = parseConfig({
  primaryRegion: 'us-east-1',
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { keepLast: 3, daily: 7, weekly: 4, monthly: 12 },
      copyTo: [
        {
          region: 'us-west-2',
          retention: { daily: 7 },
          bucket: 'backup-orchestrator-backup-demo-us-west-2',
        },
      ],
      image: { noReboot: true, export: { format: 'VMDK' } },
      restoreTest: { schedule: 'cron(0 6 ? * SUN *)', timeoutMinutes: 15 },
    },
    weekly: {
      schedule: 'cron(0 4 ? * SAT *)',
      timezone: 'Europe/Berlin',
      retention: { weekly: 8 },
    },
  },
});
const catalogTable = 'backup-orchestrator-catalog';
const exportBucket = 'backup-orchestrator-exports-demo';
const sourceBucket = 'app-assets-demo';
const backupBucket = 'backup-orchestrator-backup-demo-us-west-2';

type Snapshots = Awaited<ReturnType<typeof snapshotsOfRun>>;

/**
 * The whole story on the embedded emulator: a tagged estate, validate, one backup run (volume
 * snapshots, an image, DR copies, a portable export), the result read back independently, an
 * idempotent re-run, a restore test with its measured RTO, API calls and cost.
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
    EXPORT_BUCKET_NAME: exportBucket,
    EXPORT_ROLE_NAME: 'backup-orchestrator-vmimport',
  });
  try {
    const policy = demoConfig.policies.daily!;
    const drRegion = policy.copyTo[0]?.region ?? 'us-west-2';
    progress.update('creating a tagged estate');
    const estate = await createDemoEstate(
      demoConfig.primaryRegion,
      drRegion,
      demoConfig.drKeyAlias,
    );
    const bucketEstate = await createDemoBucketEstate(
      demoConfig.primaryRegion,
      drRegion,
      sourceBucket,
      backupBucket,
    );
    const instanceEstate = await createDemoInstanceEstate(
      demoConfig.primaryRegion,
      moto.endpoint,
      exportBucket,
    );
    const survey = await surveyOptedInResources(
      {
        volumes: new Ec2VolumeInventory(demoConfig.primaryRegion),
        instances: new Ec2InstanceInventory(demoConfig.primaryRegion),
      },
      new Set(Object.keys(demoConfig.policies)),
    );

    progress.update('backup run of policy daily');
    const runId = 'demo-daily-1';
    const backup = () =>
      runBackup({ config: demoConfig, policyName: 'daily', runId, local: true, catalogTable });
    const first = await backup();
    const callsOfFirstRun = testCloud.counts();
    testCloud.resetCounts();
    const rerun = await backup();
    const callsOfRerun = testCloud.counts();

    progress.update('a day later: 2 objects changed, 1 added');
    await changeDemoObjects(demoConfig.primaryRegion, sourceBucket, [
      ...bucketEstate.keys.slice(0, 2),
      'assets/new.json',
    ]);
    testCloud.resetCounts();
    const nextDay = await runBackup({
      config: demoConfig,
      policyName: 'daily',
      runId: 'demo-daily-2',
      local: true,
      catalogTable,
    });
    const callsOfNextDay = testCloud.counts();

    progress.update('restore test: booting the newest image in the isolated network');
    const restore = await runRestoreTest({
      config: demoConfig,
      policyName: 'daily',
      runId: 'demo-restore-1',
      local: true,
      catalogTable,
      network: {
        subnetId: instanceEstate.network.subnetId,
        securityGroupIds: instanceEstate.network.securityGroupId,
        instanceProfile: instanceEstate.network.instanceProfile,
      },
      options: { firstPollSeconds: 1, maxPollSeconds: 2 },
    });

    progress.update('reading back what the cloud holds');
    const isVolume = (snapshot: Snapshots[number]) =>
      (snapshot.tags['backup:source'] ?? '').startsWith('vol-');
    const primary = (await snapshotsOfRun(demoConfig.primaryRegion, runId)).filter(isVolume);
    const copies = (await snapshotsOfRun(drRegion, runId)).filter(isVolume);
    const images = await imagesOfRun(demoConfig.primaryRegion, runId);
    const imageCopies = await imagesOfRun(drRegion, runId);
    const artifacts = await exportArtifacts(demoConfig.primaryRegion, exportBucket);
    const catalog = await new DynamoDbRecoveryPointCatalog(catalogTable).list({ policy: 'daily' });
    const cost = estate.volumes
      .filter((volume) => primary.some((snapshot) => snapshot.volumeId === volume.volumeId))
      .map((volume) => ({
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

    progress.update('prune: retention applied in each region');
    const pruneRun = {
      config: demoConfig,
      policyName: 'daily',
      runId: 'demo-prune-1',
      local: true,
      catalogTable,
    };
    const prunePlan = await previewPruneRun(pruneRun);
    const pruned = await runPrune(pruneRun);
    const drCopiesAfterPrune = (await snapshotsOfRun(drRegion, runId)).filter(isVolume).length;
    progress.succeed(`demo finished on ${moto.endpoint}`);

    const report = {
      emulator: moto.endpoint,
      estate: { volumes: estate.volumes, instanceId: instanceEstate.instanceId, exportBucket },
      survey,
      run: first.summary,
      stateTransitions: first.stateTransitions,
      readBack: {
        primaryRegion: demoConfig.primaryRegion,
        drRegion,
        primary,
        copies,
        images,
        imageCopies,
        artifacts,
        catalogEntries: catalog.length,
      },
      rerun: {
        summary: rerun.summary,
        createSnapshotCalls: callsOfRerun.byOperation['ec2:CreateSnapshot'] ?? 0,
        copySnapshotCalls: callsOfRerun.byOperation['ec2:CopySnapshot'] ?? 0,
        createImageCalls: callsOfRerun.byOperation['ec2:CreateImage'] ?? 0,
        exportImageCalls: callsOfRerun.byOperation['ec2:ExportImage'] ?? 0,
      },
      restoreTest: restore.summary,
      nextDay: {
        bucketCopies: nextDay.summary.bucketCopies,
        copyObjectCalls: callsOfNextDay.byOperation['s3:CopyObject'] ?? 0,
        listPages: callsOfNextDay.byOperation['s3:ListObjectsV2'] ?? 0,
      },
      prune: {
        plan: prunePlan.regions.map((region) => ({
          region: region.region,
          decisions: region.entries.map(({ point, action, reasons }) => ({
            id: point.id,
            kind: point.kind,
            action,
            reasons,
          })),
        })),
        summary: pruned,
        drSnapshotCopiesOfFirstRunLeft: drCopiesAfterPrune,
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
    const failed =
      first.summary.failures.length > 0 ||
      restore.summary.outcome !== 'passed' ||
      pruned.failures.length > 0;
    return failed ? ExitCode.somethingFailed : ExitCode.ok;
  } finally {
    process.env = saved;
    await testCloud.stop();
    await moto.stop();
  }
}

type DemoReport = {
  emulator: string;
  estate: {
    volumes: Awaited<ReturnType<typeof createDemoEstate>>['volumes'];
    instanceId: string;
    exportBucket: string;
  };
  survey: Awaited<ReturnType<typeof surveyOptedInResources>>;
  run: Awaited<ReturnType<typeof runBackup>>['summary'];
  stateTransitions: number | undefined;
  readBack: {
    primaryRegion: string;
    drRegion: string;
    primary: Snapshots;
    copies: Snapshots;
    images: Awaited<ReturnType<typeof imagesOfRun>>;
    imageCopies: Awaited<ReturnType<typeof imagesOfRun>>;
    artifacts: Awaited<ReturnType<typeof exportArtifacts>>;
    catalogEntries: number;
  };
  rerun: {
    summary: Awaited<ReturnType<typeof runBackup>>['summary'];
    createSnapshotCalls: number;
    copySnapshotCalls: number;
    createImageCalls: number;
    exportImageCalls: number;
  };
  restoreTest: Awaited<ReturnType<typeof runRestoreTest>>['summary'];
  nextDay: {
    bucketCopies: Awaited<ReturnType<typeof runBackup>>['summary']['bucketCopies'];
    copyObjectCalls: number;
    listPages: number;
  };
  prune: {
    plan: {
      region: string;
      decisions: { id: string; kind: string; action: string; reasons: string[] }[];
    }[];
    summary: Awaited<ReturnType<typeof runPrune>>;
    drSnapshotCopiesOfFirstRunLeft: number;
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
  const { primary, copies, images, imageCopies, artifacts, primaryRegion, drRegion } =
    report.readBack;
  const total = report.costEstimate.volumes.reduce((sum, volume) => sum + volume.monthlyTotal, 0);
  return [
    `== 1. a tagged estate on the emulated cloud (${report.emulator})`,
    ...formatTable(
      ['volume', 'name', 'GiB', 'tags', ''],
      report.estate.volumes.map((volume) => [
        volume.volumeId,
        volume.name,
        String(volume.sizeGiB),
        Object.entries(volume.tags)
          .map(([key, value]) => `${key}=${value}`)
          .join(', ') || '(none)',
        volume.note,
      ]),
    ).map((line) => `  ${line}`),
    `  instance ${report.estate.instanceId} (app-server) backup:policy=daily; exports go to s3://${report.estate.exportBucket}`,
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
    `  state transitions: ${report.stateTransitions} for ${report.run.volumes.selected} volumes and ${report.run.instances.selected} instance`,
    '',
    '== 4. read back from the emulated cloud, not through the product',
    `  ${primaryRegion}: ${primary.length} volume snapshots, ${primary.filter((snapshot) => snapshot.state === 'completed').length} completed`,
    `  ${drRegion}: ${copies.length} snapshot copies, encrypted with ${[...new Set(copies.map((copy) => copy.kmsKeyId))].join(', ')}`,
    ...images.map(
      (image) =>
        `  ${primaryRegion}: image ${image.imageId} (${image.state}), deprecated at ${image.deprecationTime ?? '(not set)'}`,
    ),
    ...imageCopies.map(
      (image) =>
        `  ${drRegion}: image copy ${image.imageId} of ${image.tags['backup:copy-of'] ?? '?'}`,
    ),
    ...artifacts.map(
      (artifact) =>
        `  export: s3://${report.estate.exportBucket}/${artifact.key} (${artifact.sizeBytes} bytes)`,
    ),
    `  catalog entries (DynamoDB): ${report.readBack.catalogEntries}`,
    '',
    `== 5. the same run id again: ${report.rerun.createSnapshotCalls} CreateSnapshot, ${report.rerun.copySnapshotCalls} CopySnapshot, ` +
      `${report.rerun.createImageCalls} CreateImage, ${report.rerun.exportImageCalls} ExportImage calls (idempotent), outcome ${report.rerun.summary.outcome}`,
    '',
    `== 6. bucket ${sourceBucket} copied to s3://${backupBucket}/${sourceBucket}/ in ${drRegion}`,
    `  first run: ${report.run.bucketCopies.copied} objects, ${report.run.bucketCopies.bytesCopied} bytes copied server-side, ${report.run.bucketCopies.verified} checksums verified`,
    `  same run id again: ${report.rerun.summary.bucketCopies.copied} copied, ${report.rerun.summary.bucketCopies.kept} unchanged (no object read)`,
    `  next day (2 changed, 1 new): ${report.nextDay.bucketCopies.copied} copied with ${report.nextDay.copyObjectCalls} CopyObject calls and ${report.nextDay.listPages} listing pages; ${report.nextDay.bucketCopies.kept} unchanged`,
    `  restore any run: backupctl restore --source ${sourceBucket} --at <time> --target-bucket <bucket>`,
    '',
    '== 7. backupctl restore-test --policy daily --local',
    ...describeRestoreTest(report.restoreTest).map((line) => `  ${line}`),
    '',
    '== 8. backupctl prune --policy daily --local (us-east-1: keepLast 3, daily 7, weekly 4, monthly 12; us-west-2: daily 7)',
    ...report.prune.plan.flatMap((region) =>
      region.decisions.map(
        (decision) =>
          `  ${region.region}  ${decision.action.padEnd(6)}  ${decision.kind.padEnd(15)}  ${decision.id}  (${decision.reasons.join('; ')})`,
      ),
    ),
    ...describePrune(report.prune.summary).map((line) => `  ${line}`),
    `  read back: ${report.prune.drSnapshotCopiesOfFirstRunLeft} snapshot copies of ${report.run.runId} left in ${drRegion}`,
    '',
    '== 9. API calls of the first backup run (counted by the test cloud proxy)',
    ...Object.entries(report.apiCalls)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operation, count]) => `  ${operation}: ${count}`),
    '',
    `== 10. estimated monthly cost of the volume backups (${report.costEstimate.assumptions})`,
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
  ];
}
