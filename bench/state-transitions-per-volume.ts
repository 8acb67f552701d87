/**
 * Benchmark: billed state transitions and EC2 requests per volume for one backup run, as the
 * time a snapshot stays pending grows (the test cloud holds snapshots and copies pending for N
 * polls). Compares the product's batch-level polling (50 volumes per batch) with the per-volume
 * polling a one-workflow-per-resource design does (the same ASL with batches of 1), on the same
 * emulator endpoint. Prints counts and ratios; it asserts nothing.
 *
 *   npm run bench:transitions -- [--volumes 100] [--polls 0,3,10]
 */
import { CreateVolumeCommand, EC2Client } from '@aws-sdk/client-ec2';
import { parseArgs } from 'node:util';
import { runBackup } from '../cli/run-backup.js';
import { ensureMotoInstalled, startMoto, startTestCloud } from '../emulator/index.js';
import { parseConfig } from '../functions/core/config.js';

const { values } = parseArgs({
  options: {
    volumes: { type: 'string', default: '100' },
    polls: { type: 'string', default: '0,3,10' },
  },
});
const volumeCount = Number(values.volumes);
const pollCounts = (values.polls ?? '0').split(',').map(Number);
const designs = [
  { name: 'batch polling (product, 50/batch)', batchSize: 50 },
  { name: 'per-volume polling (peer design)', batchSize: 1 },
];
const config = parseConfig({
  primaryRegion: 'us-east-1',
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
  polls: number;
  transitions: number;
  perVolume: number;
  describesPerVolume: number;
  requestsPerVolume: number;
  peakRssMiB: number;
}
const rows: Row[] = [];
try {
  for (const polls of pollCounts) {
    for (const design of designs) {
      await moto.reset();
      cloud.reset();
      const ec2 = new EC2Client({ region: 'us-east-1', endpoint: moto.endpoint });
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
      if (polls > 0) cloud.hold({ kind: 'snapshot', polls });
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(
        () => (peakRss = Math.max(peakRss, process.memoryUsage().rss)),
        50,
      );
      const { summary, stateTransitions = 0 } = await runBackup({
        config,
        policyName: 'daily',
        runId: `bench-${design.batchSize}-${polls}`,
        local: true,
        catalogTable: 'bench-catalog',
        pacing: {
          batchSize: design.batchSize,
          createSnapshotsPerSecond: 1000,
          copySnapshotsPerSecond: 1000,
        },
      });
      clearInterval(sampler);
      if (summary.outcome !== 'succeeded')
        throw new Error(`run failed: ${JSON.stringify(summary.failures[0])}`);
      const counts = cloud.counts();
      const ec2Requests = Object.entries(counts.byOperation)
        .filter(([operation]) => operation.startsWith('ec2:'))
        .reduce((sum, [, count]) => sum + count, 0);
      rows.push({
        design: design.name,
        polls,
        transitions: stateTransitions,
        perVolume: stateTransitions / volumeCount,
        describesPerVolume: (counts.byOperation['ec2:DescribeSnapshots'] ?? 0) / volumeCount,
        requestsPerVolume: ec2Requests / volumeCount,
        peakRssMiB: Math.round(peakRss / 2 ** 20),
      });
    }
  }
} finally {
  await cloud.stop();
  await moto.stop();
}

const table = rows.map((row) => ({
  design: row.design,
  'pending polls': row.polls,
  transitions: row.transitions,
  'transitions/volume': row.perVolume.toFixed(2),
  'DescribeSnapshots/volume': row.describesPerVolume.toFixed(2),
  'EC2 requests/volume': row.requestsPerVolume.toFixed(2),
  'peak RSS MiB': row.peakRssMiB,
}));
console.log(
  `\n${volumeCount} volumes, one DR region; snapshots and copies each held pending for N polls\n`,
);
console.table(table);
for (const polls of pollCounts) {
  const [product, peer] = designs.map((design) =>
    rows.find((row) => row.design === design.name && row.polls === polls),
  );
  if (product && peer) {
    console.log(
      `polls=${polls}: peer/product transitions ${(peer.transitions / product.transitions).toFixed(1)}x, ` +
        `DescribeSnapshots ${(peer.describesPerVolume / product.describesPerVolume).toFixed(1)}x`,
    );
  }
}
const product = rows.filter((row) => row.design === designs[0]?.name);
if (product.length > 1) {
  const first = product[0]!;
  const last = product[product.length - 1]!;
  console.log(
    `product: transitions/volume went from ${first.perVolume.toFixed(2)} (${first.polls} polls) to ${last.perVolume.toFixed(2)} (${last.polls} polls): ` +
      `+${((last.perVolume - first.perVolume) / Math.max(1, last.polls - first.polls)).toFixed(3)} per extra poll per volume (3 per poll per batch of 50)`,
  );
}
