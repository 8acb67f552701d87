/**
 * Benchmark: memory of the real SyncBucket path (issue 10, goal 4) — the deployed handler
 * (functions/handlers/sync-bucket.ts through its middy chain, bundled as the stack bundles it) in
 * a child process with the deployed NODE_OPTIONS and memory setting, against the test cloud: the
 * source is a *synthetic bucket* (emulator/README.md, "Synthetic buckets"), so its listing is
 * real S3 XML parsed by the real SDK, HeadObject and CopyObject are real requests answered by the
 * test cloud (copies acknowledged, not written), and the manifest parts are real gzip JSON Lines
 * written to and read back from a real (moto) backup bucket.
 *
 * For each key count:
 *   1. first copy: generation 0, nothing in the backup bucket, no previous manifest;
 *   2. incremental: generation 1 (1% of the keys rewritten, half resized), the backup bucket
 *      declared to hold copies of generation 0, and the first copy's manifest as the previous one.
 * Without the first phase (`--phases incremental`), the incremental run's previous manifest is
 * generated into the backup bucket (sync-memory/previous-manifest.ts: the lines a first copy
 * writes). Each phase is one range over the whole bucket, every turn in the same child (a warm container),
 * each turn with the deployed timeout (the handler stops taking keys with 60 s left, or when its
 * manifest part holds objectsPerPart keys), the state JSON round-tripped between turns as Step
 * Functions passes it. Prints peak RSS (getrusage maxRSS of the child) per key count and phase,
 * the requests the test cloud counted, and the slope of peak RSS over key count. Asserts nothing.
 *
 *   npm run bench:sync-memory -- [--keys 100000,300000,1000000] [--phases first,incremental]
 *     [--node-options='--max-semi-space-size=16'] [--concurrency 16] [--objects-per-part 100000]
 *     [--turns] (print every turn's memory) [--node-args='--trace-gc'] (diagnosis: child node arguments;
 *     BENCH_HEAP_SNAPSHOTS=dir writes a heap snapshot after each turn)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { startMoto, startTestCloud, type TestCloud } from '../emulator/index.js';
import { DEFAULT_CHANGE_EVERY } from '../emulator/emulated/synthetic-bucket.js';
import type { BucketRangeResult, ManifestPart } from '../functions/core/run-state/bucket-copy.js';
import { BucketCopyOptionsSchema } from '../functions/core/config.js';
import { BACKUP_REGION, bucketCopyInput, partsOf } from './sync-memory/bucket-copy-events.js';
import {
  bundleDriver,
  deployedSettings,
  runTurns,
  type DeployedSettings,
} from './sync-memory/deployed-function.js';
import { writePreviousManifest } from './sync-memory/previous-manifest.js';
import { printRun, printSummary, printTurns, type PhaseRun } from './sync-memory/report.js';

const { values } = parseArgs({
  options: {
    keys: { type: 'string', default: '100000,300000,1000000' },
    phases: { type: 'string', default: 'first,incremental' },
    'node-options': { type: 'string' },
    concurrency: { type: 'string' },
    'objects-per-part': { type: 'string' },
    turns: { type: 'boolean', default: false },
    'node-args': { type: 'string' },
  },
});
const keyCounts = (values.keys ?? '').split(',').map((k) => Number(k.trim()));
if (keyCounts.some((k) => !Number.isInteger(k) || k < 1)) throw new Error('--keys: counts ≥ 1');
const phases = new Set((values.phases ?? '').split(',').map((p) => p.trim()));
const buckets: Record<string, number> = {
  ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
  ...(values['objects-per-part'] ? { objectsPerPart: Number(values['objects-per-part']) } : {}),
};
const GOAL_MB = 100;
const BACKUP_BUCKET = 'bench-sync-memory-backup';

interface Bench {
  cloud: TestCloud;
  moto: S3Client;
  driver: string;
  directory: string;
  settings: DeployedSettings;
}

async function createBackupBucket(moto: S3Client): Promise<void> {
  await moto.send(
    new CreateBucketCommand({
      Bucket: BACKUP_BUCKET,
      CreateBucketConfiguration: { LocationConstraint: BACKUP_REGION },
    }),
  );
  await moto.send(
    new PutBucketVersioningCommand({
      Bucket: BACKUP_BUCKET,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
}

/** One phase: the range's every turn in the child, with the requests the test cloud counted. */
async function runPhase(
  bench: Bench,
  phase: PhaseRun['phase'],
  keys: number,
  event: ReturnType<typeof bucketCopyInput>,
  expected: { copied: number; kept: number },
): Promise<PhaseRun & { result: BucketRangeResult }> {
  const eventFile = join(bench.directory, `${phase}-${keys}.json`);
  writeFileSync(eventFile, JSON.stringify(event));
  bench.cloud.resetCounts();
  const started = performance.now();
  const child = await runTurns({
    driver: bench.driver,
    eventFile,
    resultFile: join(bench.directory, `${phase}-${keys}.result.json`),
    settings: bench.settings,
    endpoint: bench.cloud.endpoint,
    traceTurns: values.turns === true,
    nodeArgs: values['node-args']?.split(' ').filter(Boolean) ?? [],
  });
  const seconds = (performance.now() - started) / 1000;
  const result = child.finalState as BucketRangeResult;
  const { copied, kept, failed, verified } = result.totals;
  const problem =
    copied !== expected.copied || kept !== expected.kept || failed !== 0 || verified !== copied
      ? `expected copied ${expected.copied}, kept ${expected.kept}, all verified, none failed`
      : undefined;
  const requests = bench.cloud.counts().byOperation;
  return {
    phase,
    keys,
    child,
    seconds,
    requests,
    totals: { copied, kept, failed, verified },
    problem,
    result,
  };
}

/** The first copy (when asked for) and its parts, else a generated manifest of generation 0. */
async function firstCopy(
  bench: Bench,
  keys: number,
  sourceBucket: string,
): Promise<{ run?: PhaseRun; runId: string; parts: ManifestPart[] }> {
  const runId = `first-${keys}-${Date.now()}`;
  const bucket = bench.cloud.defineSyntheticBucket({ name: sourceBucket, objects: keys });
  if (!phases.has('first')) {
    const objectsPerPart = BucketCopyOptionsSchema.parse(buckets).objectsPerPart;
    const parts = await writePreviousManifest({
      moto: bench.moto,
      bucket,
      backupBucket: BACKUP_BUCKET,
      runId,
      objectsPerPart,
    });
    return { runId, parts };
  }
  const run = await runPhase(
    bench,
    'first',
    keys,
    bucketCopyInput({ sourceBucket, backupBucket: BACKUP_BUCKET, runId, buckets }),
    { copied: keys, kept: 0 },
  );
  return { run, runId, parts: await partsOf(run.result, bench.moto, BACKUP_BUCKET) };
}

async function benchSize(bench: Bench, keys: number): Promise<PhaseRun[]> {
  const sourceBucket = `synthetic-bench-${keys}`;
  const first = await firstCopy(bench, keys, sourceBucket);
  const runs: PhaseRun[] = first.run ? [first.run] : [];
  if (!phases.has('incremental')) return runs;
  bench.cloud.defineSyntheticBucket({
    name: sourceBucket,
    objects: keys,
    generation: 1,
    copies: { bucket: BACKUP_BUCKET, generation: 0 },
  });
  const changed = Math.floor(keys / DEFAULT_CHANGE_EVERY);
  const incremental = await runPhase(
    bench,
    'incremental',
    keys,
    bucketCopyInput({
      sourceBucket,
      backupBucket: BACKUP_BUCKET,
      runId: `incremental-${keys}-${Date.now()}`,
      buckets,
      previousParts: first.parts,
      previousRunId: first.runId,
    }),
    { copied: changed, kept: keys - changed },
  );
  runs.push(incremental);
  return runs;
}

async function main(): Promise<void> {
  const settings = deployedSettings(values['node-options']);
  console.log(
    `sync-bucket memory: node ${process.version}, NODE_OPTIONS "${settings.nodeOptions}", ` +
      `${settings.memoryMb} MB, timeout ${settings.timeoutSeconds} s per turn; keys ${keyCounts
        .map((k) => k.toLocaleString('en'))
        .join(', ')}; bucket options ${JSON.stringify(buckets)}`,
  );
  const directory = mkdtempSync(join(tmpdir(), 'sync-memory-'));
  const motoServer = await startMoto();
  const cloud = await startTestCloud({ upstream: motoServer.endpoint });
  const moto = new S3Client({
    endpoint: motoServer.endpoint,
    region: BACKUP_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    await createBackupBucket(moto);
    const bench: Bench = {
      cloud,
      moto,
      driver: await bundleDriver(directory),
      directory,
      settings,
    };
    const runs: PhaseRun[] = [];
    for (const keys of keyCounts) {
      for (const run of await benchSize(bench, keys)) {
        printRun(run);
        if (values.turns) printTurns(run);
        runs.push(run);
      }
    }
    printSummary(runs, GOAL_MB);
  } finally {
    moto.destroy();
    await cloud.stop();
    await motoServer.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
