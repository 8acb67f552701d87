import { formatTable } from '../../output.js';
import { describeRun } from '../backup.js';
import { describePrune } from '../prune.js';
import { describeRestore } from '../../follow-restore.js';
import { describeRestoreTest } from '../restore-test.js';
import { backupBucket, sourceBucket } from './demo-config.js';
import { restoredBucket } from './restores.js';
import type { DemoReport } from './story.js';

/** The demo report as the numbered chapters `npm run demo` prints. */
export function describeDemo(report: DemoReport): string[] {
  return [
    ...estateChapter(report),
    '',
    ...validateChapter(report),
    '',
    `== 3. backupctl backup --policy daily --local --run-id ${report.run.runId}`,
    ...indented(describeRun(report.run)),
    `  state transitions: ${report.stateTransitions} for ${report.run.volumes.selected} volumes and ${report.run.instances.selected} instance`,
    '',
    ...readBackChapter(report),
    '',
    `== 5. the same run id again: ${report.rerun.createSnapshotCalls} CreateSnapshot, ${report.rerun.copySnapshotCalls} CopySnapshot, ` +
      `${report.rerun.createImageCalls} CreateImage, ${report.rerun.exportImageCalls} ExportImage calls (idempotent), outcome ${report.rerun.summary.outcome}`,
    '',
    ...bucketCopyChapter(report),
    '',
    '== 7. backupctl restore-test --policy daily --local',
    ...indented(describeRestoreTest(report.restoreTest)),
    '',
    ...restoresChapter(report),
    '',
    ...pruneChapter(report),
    '',
    '== 10. API calls of the first backup run (counted by the test cloud proxy)',
    ...Object.entries(report.apiCalls)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operation, count]) => `  ${operation}: ${count}`),
    '',
    ...costChapter(report),
  ];
}

function indented(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

function estateChapter(report: DemoReport): string[] {
  return [
    `== 1. a tagged estate on the emulated cloud (${report.emulator})`,
    ...indented(
      formatTable(
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
      ),
    ),
    `  instance ${report.estate.instanceId} (app-server) backup:policy=daily; exports go to s3://${report.estate.exportBucket}`,
  ];
}

function validateChapter(report: DemoReport): string[] {
  return [
    '== 2. backupctl validate: effective policies and tag problems',
    ...report.survey.resources.map(
      (resource) =>
        `  ${resource.resourceId}  ${resource.excluded ? '(excluded)' : resource.policies.join(' ') || '(no known policy)'}`,
    ),
    ...report.survey.problems.map((problem) => `  problem: ${problem.message}`),
  ];
}

function readBackChapter(report: DemoReport): string[] {
  const { primary, copies, images, imageCopies, artifacts, primaryRegion, drRegion } =
    report.readBack;
  return [
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
  ];
}

function bucketCopyChapter(report: DemoReport): string[] {
  const { run, rerun, nextDay } = report;
  return [
    `== 6. bucket ${sourceBucket} copied to s3://${backupBucket}/${sourceBucket}/ in ${report.readBack.drRegion}`,
    `  first run: ${run.bucketCopies.copied} objects, ${run.bucketCopies.bytesCopied} bytes copied server-side, ${run.bucketCopies.verified} checksums verified`,
    `  same run id again: ${rerun.summary.bucketCopies.copied} copied, ${rerun.summary.bucketCopies.kept} unchanged (no object read)`,
    `  next day (2 changed, 1 new): ${nextDay.bucketCopies.copied} copied with ${nextDay.copyObjectCalls} CopyObject calls and ${nextDay.listPages} listing pages; ${nextDay.bucketCopies.kept} unchanged`,
    `  restore any run: backupctl restore --source ${sourceBucket} --at <time> --target-bucket <bucket>`,
  ];
}

function pruneChapter(report: DemoReport): string[] {
  return [
    '== 9. backupctl prune --policy daily --local (us-east-1: keepLast 3, daily 7, weekly 4, monthly 12; us-west-2: daily 7)',
    ...report.prune.plan.flatMap((region) =>
      region.decisions.map(
        (decision) =>
          `  ${region.region}  ${decision.action.padEnd(6)}  ${decision.kind.padEnd(15)}  ${decision.id}  (${decision.reasons.join('; ')})`,
      ),
    ),
    ...indented(describePrune(report.prune.summary)),
    `  read back: ${report.prune.drSnapshotCopiesOfFirstRunLeft} snapshot copies of ${report.run.runId} left in ${report.readBack.drRegion}`,
  ];
}

function costChapter(report: DemoReport): string[] {
  const total = report.costEstimate.volumes.reduce((sum, volume) => sum + volume.monthlyTotal, 0);
  return [
    `== 11. estimated monthly cost of the volume backups (${report.costEstimate.assumptions})`,
    ...indented(
      formatTable(
        ['volume', 'GiB', 'storage $/mo', 'transfer $/mo', 'first copy $'],
        report.costEstimate.volumes.map((volume) => [
          volume.volumeId,
          String(volume.sizeGiB),
          volume.monthlyStorage.toFixed(2),
          volume.monthlyTransfer.toFixed(2),
          volume.firstCopyTransfer.toFixed(2),
        ]),
      ),
    ),
    `  total: $${total.toFixed(2)} per month`,
  ];
}

function restoresChapter(report: DemoReport): string[] {
  const { restores } = report;
  return [
    `== 8. restores through the restore API over HTTP (${restores.apiUrl}, SigV4-signed): a volume, the instance (verified), assets/ into s3://${restoredBucket}`,
    ...indented([restores.volume, restores.instance, restores.objects].flatMap(describeRestore)),
    ...Object.entries(restores.measured).map(
      ([kind, figures]) =>
        `  ${kind}: ${figures.wallSeconds} s from the POST to its end, ${figures.requests} requests (` +
        Object.entries(figures.byOperation)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([operation, count]) => `${operation} ${count}`)
          .join(', ') +
        ')',
    ),
    `  read back: ${restores.readBack.volumes.length} volumes tagged by these restores (the restored one and the instance's root), ${restores.readBack.runningInstances.length} running restored instance, ${restores.readBack.restoredKeys} objects in s3://${restoredBucket}`,
  ];
}
