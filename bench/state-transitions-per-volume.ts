/**
 * Benchmark: billed state transitions and EC2 requests per volume for one backup run, as the
 * time a snapshot (and then its copy) stays pending grows. Compares the product's batch-level
 * polling (50 volumes per batch) with the per-volume polling a one-workflow-per-resource design
 * does (the same ASL with batches of 1), on the same emulator endpoint. Prints counts and ratios;
 * it asserts nothing.
 *
 * Pending time is in seconds, so schedules compare fairly. "N polls' worth" is the time the
 * fixed schedule of issue 10's baseline (15 s growing by half per poll, capped at 300 s) had
 * waited at its (N+1)th poll: pending that long cost the baseline N polls. For each pending time
 * T the bench asks the product's own poll loop (functions/core/poll-loop.ts) how many of its
 * polls fall before T, has the test cloud hold every snapshot and copy pending for that many
 * describe calls, runs the workflow locally, and reads back each batch's loop records: the
 * simulated time at which each snapshot loop noticed completion (at or after T, never before).
 * Copies beyond the 20 in flight per region start on the next turns and are held as many polls
 * from their own start, which with a growing interval is somewhat longer than T (conservative
 * for a growing schedule). The slope (transitions per volume per doubling of T) and the
 * 6 h : 10 min ratio are computed from the measured rows.
 *
 *   npm run bench:transitions -- [--volumes 100] [--polls 0,3,10,30,100] [--pending 10m,6h]
 *     [--designs product,peer]
 */
import { CreateVolumeCommand, EC2Client } from '@aws-sdk/client-ec2';
import { parseArgs } from 'node:util';
import { ensureMotoInstalled, startMoto, startTestCloud } from '../emulator/index.js';
import { ensureCatalogTable } from '../functions/adapters/dynamodb-recovery-point-catalog.js';
import { parseConfig } from '../functions/core/config.js';
import { recordPoll, startPollLoop } from '../functions/core/poll-loop.js';
import {
  PacingSchema,
  type BackupRunRequest,
  type Pacing,
} from '../functions/core/run-state/backup-run.js';
import type { PollLoop } from '../functions/core/run-state/volume-batch.js';
import { catalogEnvironment } from '../functions/environment/catalog-environment.js';
import type { RunSummary } from '../functions/steps/summarize-run.js';
import { backupDefinitionFile } from '../statemachines/definitions.js';
import { runWorkflowLocally, type WorkflowEvent } from '../statemachines/local/run-workflow.js';

const { values } = parseArgs({
  options: {
    volumes: { type: 'string', default: '100' },
    polls: { type: 'string', default: '0,3,10,30,100' },
    pending: { type: 'string', default: '10m,6h' },
    designs: { type: 'string', default: 'product,peer' },
  },
});
const volumeCount = Number(values.volumes);
const allDesigns = [
  { key: 'product', name: 'batch polling (product, 50/batch)', batchSize: 50 },
  { key: 'peer', name: 'per-volume polling (peer design)', batchSize: 1 },
];
const designs = allDesigns.filter((design) => values.designs.split(',').includes(design.key));
const region = 'us-east-1';
const catalogTable = 'bench-catalog';
/** Above the default six hours so that 100 polls' worth (7.9 h) is a wait, not a timeout. */
const maxWaitSeconds = 12 * 3600;

/** The baseline's schedule: 15 s, growing by half per poll, capped at 300 s (main before issue 10). */
function baselineWaitedAt(polls: number): number {
  let waited = 0;
  for (let poll = 1; poll <= polls; poll += 1)
    waited += Math.min(300, Math.round(15 * 1.5 ** (poll - 1)));
  return waited;
}

/** "90", "10m", "6h" as seconds. */
function seconds(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(text.trim());
  if (!match) throw new Error(`--pending: expected seconds or 10m / 6h, got ${text}`);
  return Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600 }[match[2] as '' | 's' | 'm' | 'h'];
}

interface PendingCase {
  label: string;
  seconds: number;
}
const cases: PendingCase[] = [
  ...values.polls.split(',').map((polls) => ({
    label: `${polls} polls' worth`,
    seconds: baselineWaitedAt(Number(polls)),
  })),
  ...values.pending.split(',').map((text) => ({ label: text, seconds: seconds(text) })),
];

/** How many polls of the product's loop fall before T (each sees the snapshot still pending). */
function pollsBefore(pendingSeconds: number, pacing: Pacing): number {
  if (pendingSeconds > pacing.maxWaitSeconds) throw new Error('pending past maxWaitSeconds');
  let loop = startPollLoop('snapshot', pacing);
  let pending = 0;
  for (;;) {
    loop = recordPoll(loop, false, pacing).loop;
    if (loop.waitedSeconds >= pendingSeconds) return pending;
    pending += 1;
  }
}

const config = parseConfig({
  primaryRegion: region,
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { daily: 7 },
      copyTo: [{ region: 'us-west-2' }],
    },
  },
});

await ensureMotoInstalled();
const moto = await startMoto();
const cloud = await startTestCloud({ upstream: moto.endpoint });
Object.assign(process.env, {
  AWS_ENDPOINT_URL: cloud.endpoint,
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
});

interface Row {
  design: string;
  pending: PendingCase;
  heldPolls: number;
  transitions: number;
  perVolume: number;
  /** Wait states entered: polls that found something still pending. */
  pendingPolls: number;
  /** Loops (batch × phase) that ran. */
  loops: number;
  /** The latest simulated time at which a snapshot loop noticed completion, and the earliest. */
  noticedAt: { latest: number; earliest: number };
  describesPerVolume: number;
  requestsPerVolume: number;
  peakRssMiB: number;
}

async function createVolumes(): Promise<void> {
  const ec2 = new EC2Client({ region, endpoint: moto.endpoint });
  for (let index = 0; index < volumeCount; index += 1) {
    await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: 'us-east-1a',
        Size: 1,
        TagSpecifications: [
          { ResourceType: 'volume', Tags: [{ Key: 'backup:policy', Value: 'daily' }] },
        ],
      }),
    );
  }
}

/** Each loop's settling poll (the Task's output with `loop.settled`), by phase and batch. */
function settledLoops(): { loops: PollLoop[]; onEvent: (event: WorkflowEvent) => void } {
  const loops: PollLoop[] = [];
  const onEvent = (event: WorkflowEvent) => {
    if (event.type !== 'StateExited' || event.state?.type !== 'Task') return;
    const output = (event.state as { output?: { loop?: PollLoop } }).output;
    if (output?.loop?.settled) loops.push(output.loop);
  };
  return { loops, onEvent };
}

async function runOnce(design: (typeof allDesigns)[number], pending: PendingCase): Promise<Row> {
  await moto.reset();
  cloud.reset();
  await createVolumes();
  const pacing: Partial<Pacing> = {
    batchSize: design.batchSize,
    createSnapshotsPerSecond: 1000,
    copySnapshotsPerSecond: 1000,
    maxWaitSeconds,
  };
  const heldPolls = pollsBefore(pending.seconds, PacingSchema.parse(pacing));
  if (heldPolls > 0) cloud.hold({ kind: 'snapshot', polls: heldPolls });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const request: BackupRunRequest = { policyName: 'daily', config, pacing };
  await ensureCatalogTable(catalogTable, region);
  const { loops, onEvent } = settledLoops();
  const { output: summary, transitionsByState } = await runWorkflowLocally<RunSummary>(
    backupDefinitionFile,
    {
      executionName: `bench-${design.batchSize}-${pending.seconds}`,
      input: request,
      waitMs: 0,
      environment: {
        ...process.env,
        ...catalogEnvironment.render({ tableName: catalogTable }),
        AWS_REGION: region,
      },
      onEvent,
    },
  );
  clearInterval(sampler);
  if (summary.outcome !== 'succeeded')
    throw new Error(`run failed: ${JSON.stringify(summary.failures[0])}`);
  return rowOf(design.name, pending, heldPolls, { loops, transitionsByState, peakRss });
}

function rowOf(
  design: string,
  pending: PendingCase,
  heldPolls: number,
  run: { loops: PollLoop[]; transitionsByState: Record<string, number>; peakRss: number },
): Row {
  const counts = cloud.counts();
  const ec2Requests = Object.entries(counts.byOperation)
    .filter(([operation]) => operation.startsWith('ec2:'))
    .reduce((sum, [, count]) => sum + count, 0);
  const transitions = Object.values(run.transitionsByState).reduce((a, b) => a + b, 0);
  const snapshotLoops = run.loops.filter((loop) => loop.phase === 'snapshot');
  const noticed = snapshotLoops.map((loop) => loop.waitedSeconds);
  return {
    design,
    pending,
    heldPolls,
    transitions,
    perVolume: transitions / volumeCount,
    pendingPolls: Object.entries(run.transitionsByState)
      .filter(([state]) => state.startsWith('WaitFor'))
      .reduce((sum, [, count]) => sum + count, 0),
    loops: run.loops.length,
    noticedAt: { latest: Math.max(...noticed), earliest: Math.min(...noticed) },
    describesPerVolume: (counts.byOperation['ec2:DescribeSnapshots'] ?? 0) / volumeCount,
    requestsPerVolume: ec2Requests / volumeCount,
    peakRssMiB: Math.round(run.peakRss / 2 ** 20),
  };
}

const rows: Row[] = [];
try {
  for (const pending of cases)
    for (const design of designs) rows.push(await runOnce(design, pending));
} finally {
  await cloud.stop();
  await moto.stop();
}

function duration(total: number): string {
  if (total < 120) return `${total} s`;
  if (total < 7200) return `${(total / 60).toFixed(1)} min`;
  return `${(total / 3600).toFixed(2)} h`;
}

/** The product's poll schedule as its defaults say (pollGrowth exists since issue 10). */
function scheduleOf(): Record<string, unknown> {
  const defaults = PacingSchema.parse({}) as Record<string, unknown>;
  const keys = ['firstPollSeconds', 'pollGrowth', 'maxPollSeconds'].filter(
    (key) => key in defaults,
  );
  return Object.fromEntries(keys.map((key) => [key, defaults[key]]));
}

for (const row of rows) {
  if (row.noticedAt.earliest < row.pending.seconds)
    console.warn(`${row.design}, ${row.pending.label}: a loop settled before T (hold too short)`);
}
console.log(
  `\n${volumeCount} volumes, one DR region; every snapshot and copy held pending for T ` +
    `(maxWaitSeconds ${maxWaitSeconds}); the product's schedule: ${JSON.stringify(scheduleOf())}\n`,
);
console.table(
  rows.map((row) => ({
    design: row.design,
    pending: row.pending.label,
    'T (simulated)': duration(row.pending.seconds),
    'held polls': row.heldPolls,
    'noticed at': duration(row.noticedAt.latest),
    'noticed late': duration(row.noticedAt.latest - row.pending.seconds),
    transitions: row.transitions,
    'transitions/volume': row.perVolume.toFixed(2),
    'DescribeSnapshots/volume': row.describesPerVolume.toFixed(2),
    'EC2 requests/volume': row.requestsPerVolume.toFixed(2),
    'peak RSS MiB': row.peakRssMiB,
  })),
);

printComparisons();
printSlope();

function printComparisons(): void {
  for (const pending of cases) {
    const [product, peer] = allDesigns.map((design) =>
      rows.find((row) => row.design === design.name && row.pending === pending),
    );
    if (product && peer) {
      console.log(
        `${pending.label} (${duration(pending.seconds)}): peer/product transitions ` +
          `${(peer.transitions / product.transitions).toFixed(1)}x, DescribeSnapshots ` +
          `${(peer.describesPerVolume / product.describesPerVolume).toFixed(1)}x`,
      );
    }
  }
}

/** Least-squares slope of transitions per volume against log2 of the pending time. */
function slopePerDoubling(points: Row[]): number {
  const xs = points.map((row) => Math.log2(row.pending.seconds));
  const ys = points.map((row) => row.perVolume);
  const mean = (list: number[]) => list.reduce((a, b) => a + b, 0) / list.length;
  const [mx, my] = [mean(xs), mean(ys)];
  const num = xs.reduce((sum, x, i) => sum + (x - mx) * ((ys[i] ?? 0) - my), 0);
  const den = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return num / den;
}

function printSlope(): void {
  for (const design of designs) {
    const own = rows.filter((row) => row.design === design.name);
    const idle = own.find((row) => row.pending.seconds === 0);
    if (idle) {
      const perPoll = own
        .filter((row) => row.pendingPolls > idle.pendingPolls)
        .map(
          (row) => (row.transitions - idle.transitions) / (row.pendingPolls - idle.pendingPolls),
        );
      if (perPoll.length > 0)
        console.log(
          `${design.name}: ${Math.min(...perPoll).toFixed(2)}–${Math.max(...perPoll).toFixed(2)} ` +
            `transitions per extra poll per batch (against the 0 s run, which already waits ` +
            `${idle.pendingPolls} times: copies beyond 20 in flight start on later turns)`,
        );
    }
    const timed = own
      .filter((row) => row.pending.seconds > 0)
      .sort((a, b) => a.pending.seconds - b.pending.seconds);
    if (timed.length > 1)
      console.log(
        `${design.name}: +${slopePerDoubling(timed).toFixed(3)} transitions/volume per doubling ` +
          `of the pending time (least squares over ${duration(timed[0]!.pending.seconds)}..` +
          `${duration(timed[timed.length - 1]!.pending.seconds)})`,
      );
    const tenMinutes = own.find((row) => row.pending.seconds === 600);
    const sixHours = own.find((row) => row.pending.seconds === 21_600);
    if (tenMinutes && sixHours)
      console.log(
        `${design.name}: 6 h : 10 min = ${sixHours.perVolume.toFixed(2)} : ` +
          `${tenMinutes.perVolume.toFixed(2)} transitions/volume = ` +
          `${(sixHours.perVolume / tenMinutes.perVolume).toFixed(2)}x ` +
          `(+${((sixHours.perVolume - tenMinutes.perVolume) / Math.log2(36)).toFixed(3)} per doubling)`,
      );
  }
}
