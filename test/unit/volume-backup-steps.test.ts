import { InMemoryBucketInventory } from '../../functions/adapters/in-memory/in-memory-bucket-inventory.js';
import { InMemoryEc2 } from '../../functions/adapters/in-memory/in-memory-ec2.js';
import { InMemoryRecoveryPointCatalog } from '../../functions/adapters/in-memory/in-memory-recovery-point-catalog.js';
import { BucketCopyOptionsSchema, parseConfig } from '../../functions/core/config.js';
import { PacingSchema, type RunContext } from '../../functions/core/run-state/backup-run.js';
import { type BatchState } from '../../functions/core/run-state/volume-batch.js';
import { type DiscoverResourcesResult } from '../../functions/core/run-state/discovery.js';
import { ThrottledError } from '../../functions/ports/errors/aws-request-errors.js';
import { copySnapshots } from '../../functions/steps/copy-snapshots.js';
import { discoverResources } from '../../functions/steps/discover-resources.js';
import { recordRecoveryPoints } from '../../functions/steps/record-recovery-points.js';
import { snapshotVolumes } from '../../functions/steps/snapshot-volumes.js';
import { summarizeRun } from '../../functions/steps/summarize-run.js';

const config = parseConfig({
  primaryRegion: 'us-east-1',
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { daily: 7 },
      copyTo: [{ region: 'us-west-2', kmsKeyId: 'alias/dr' }],
    },
    weekly: { schedule: 'cron(0 3 ? * SUN *)', retention: { weekly: 4 } },
  },
});
const unpaced = <T>(call: () => Promise<T>) => call();
const always = () => true;

async function discover(
  ec2: InMemoryEc2,
  runId = 'run-1',
  pacing = {},
): Promise<DiscoverResourcesResult> {
  return discoverResources(
    {
      request: { policyName: 'daily', config, pacing },
      executionName: runId,
      executionStartTime: '2026-11-22T03:00:00.000Z',
    },
    {
      volumes: ec2.inventory('us-east-1'),
      instances: ec2.instanceInventory('us-east-1'),
      buckets: new InMemoryBucketInventory(),
    },
  );
}

async function snapshotLoop(
  ec2: InMemoryEc2,
  discovery: DiscoverResourcesResult,
): Promise<{ state: BatchState; polls: number }> {
  const batch = discovery.volumeBatches[0];
  if (!batch) throw new Error('no batch');
  let state = await snapshotVolumes(
    { run: discovery.run, ...batch },
    { store: ec2.store('us-east-1'), pace: unpaced, hasTime: always },
  );
  let polls = 1;
  while (!state.loop.settled) {
    state = await snapshotVolumes(state, {
      store: ec2.store('us-east-1'),
      pace: unpaced,
      hasTime: always,
    });
    polls += 1;
  }
  return { state, polls };
}

async function copyLoop(
  ec2: InMemoryEc2,
  start: BatchState,
): Promise<{ state: BatchState; polls: number }> {
  const deps = { storeFor: (region: string) => ec2.store(region), pace: unpaced, hasTime: always };
  let state = await copySnapshots(start, deps);
  let polls = 1;
  while (!state.loop.settled) {
    state = await copySnapshots(state, deps);
    polls += 1;
  }
  return { state, polls };
}

function estate(): { ec2: InMemoryEc2; ids: Record<string, string> } {
  const ec2 = new InMemoryEc2();
  const ids = {
    daily: ec2.addVolume('us-east-1', { 'backup:policy': 'daily' }),
    both: ec2.addVolume('us-east-1', { 'backup:policy': 'daily weekly' }),
    excluded: ec2.addVolume('us-east-1', { 'backup:policy': 'daily', 'backup:exclude': 'true' }),
    unknown: ec2.addVolume('us-east-1', { 'backup:policy': 'hourly' }),
    weeklyOnly: ec2.addVolume('us-east-1', { 'backup:policy': 'weekly' }),
    broken: ec2.addVolume('us-east-1', { 'backup:policy': 'daily' }, { state: 'error' }),
    untagged: ec2.addVolume('us-east-1', {}),
  };
  return { ec2, ids };
}

/** A run context for summaries that need no pacing or copy targets. */
function minimalRun(): RunContext {
  return {
    runId: 'r',
    policyName: 'daily',
    primaryRegion: 'us-east-1',
    startedAt: '2026-11-22T03:00:00Z',
    expiresAt: 'never',
    copyTargets: [],
    pacing: PacingSchema.parse({}),
    image: { noReboot: true },
    buckets: BucketCopyOptionsSchema.parse({}),
  };
}

describe('discoverResources', () => {
  it('selects the policy’s volumes, reports exclusions, unknown names and unusable volumes', async () => {
    const { ec2, ids } = estate();
    const result = await discover(ec2);
    expect(
      result.volumeBatches.flatMap((batch) => batch.volumes.map((volume) => volume.volumeId)),
    ).toEqual([ids.daily, ids.both]);
    expect(result.discovery).toMatchObject({
      optedIn: 6,
      selected: 2,
      excluded: [ids.excluded],
      tagProblemCount: 1,
    });
    expect(result.discovery.tagProblems[0]).toMatchObject({
      kind: 'unknown-policy',
      resourceId: ids.unknown,
    });
    expect(result.discovery.failures).toEqual([
      expect.objectContaining({ sourceId: ids.broken, name: 'VolumeNotUsableError' }),
    ]);
    expect(result.run).toMatchObject({
      runId: 'run-1',
      startedAt: '2026-11-22T03:00:00.000Z',
      expiresAt: '2026-11-29T03:00:00.000Z',
      copyTargets: [
        { region: 'us-west-2', kmsKeyId: 'alias/dr', expiresAt: '2026-11-29T03:00:00.000Z' },
      ],
    });
  });

  it('splits into batches of pacing.batchSize', async () => {
    const ec2 = new InMemoryEc2();
    for (let index = 0; index < 7; index += 1)
      ec2.addVolume('us-east-1', { 'backup:policy': 'daily' });
    const result = await discover(ec2, 'run-1', { batchSize: 3 });
    expect(result.volumeBatches.map((batch) => [batch.batchIndex, batch.volumes.length])).toEqual([
      [0, 3],
      [1, 3],
      [2, 1],
    ]);
  });

  it('an unknown policy to run is a clear error', async () => {
    await expect(
      discoverResources(
        {
          request: { policyName: 'nope', config },
          executionName: 'r',
          executionStartTime: '2026-11-22T03:00:00Z',
        },
        {
          volumes: new InMemoryEc2().inventory('us-east-1'),
          instances: new InMemoryEc2().instanceInventory('us-east-1'),
          buckets: new InMemoryBucketInventory(),
        },
      ),
    ).rejects.toMatchObject({
      name: 'UnknownPolicyError',
      message: expect.stringMatching(/"nope".*daily, weekly/),
    });
  });
});

describe('snapshotVolumes', () => {
  it('starts one tagged snapshot per volume and polls all pending ones with one Describe per turn', async () => {
    const { ec2, ids } = estate();
    ec2.pendingPolls = 3;
    const { state, polls } = await snapshotLoop(ec2, await discover(ec2));
    expect(polls).toBe(4);
    expect(ec2.calls.describeSnapshots).toBe(4);
    expect(state.items.map((item) => item.snapshot.status)).toEqual(['completed', 'completed']);
    const snapshot = ec2.snapshots.get(state.items[0]?.snapshot.id ?? '');
    expect(snapshot?.tags).toEqual({
      'backup:managed-by': 'backup-orchestrator',
      'backup:policy': 'daily',
      'backup:source': ids.daily,
      'backup:run': 'run-1',
      'backup:created-at': '2026-11-22T03:00:00.000Z',
      'backup:expires-at': '2026-11-29T03:00:00.000Z',
    });
  });

  it('a re-run with the same run id adopts the existing snapshots and creates none', async () => {
    const { ec2 } = estate();
    const first = await snapshotLoop(ec2, await discover(ec2, 'run-7'));
    const second = await snapshotLoop(ec2, await discover(ec2, 'run-7'));
    expect(ec2.calls.createSnapshot).toBe(2);
    expect(second.state.items.map((item) => item.snapshot.id)).toEqual(
      first.state.items.map((item) => item.snapshot.id),
    );
    expect(ec2.snapshots.size).toBe(2);
  });

  it('a throttled start stays queued and is retried on the next turn; nothing is lost', async () => {
    const { ec2 } = estate();
    ec2.failNext.createSnapshot.push(new ThrottledError('CreateSnapshot', 'RequestLimitExceeded'));
    const discovery = await discover(ec2);
    const batch = discovery.volumeBatches[0]!;
    const firstTurn = await snapshotVolumes(
      { run: discovery.run, ...batch },
      { store: ec2.store('us-east-1'), pace: unpaced, hasTime: always },
    );
    expect(firstTurn.items[0]?.snapshot).toMatchObject({
      status: 'queued',
      attempts: 1,
      error: { name: 'ThrottledError' },
    });
    expect(firstTurn.loop.settled).toBe(false);
    const { state } = await snapshotLoop(ec2, discovery);
    expect(state.items.every((item) => item.snapshot.status === 'completed')).toBe(true);
  });

  it('gives up on a start after maxStartAttempts throttles, failing only that volume', async () => {
    const { ec2 } = estate();
    // Turn 1 throttles both volumes' starts; turn 2 throttles the first again, its last attempt.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      ec2.failNext.createSnapshot.push(
        new ThrottledError('CreateSnapshot', 'RequestLimitExceeded'),
      );
    }
    const { state } = await snapshotLoop(
      ec2,
      await discover(ec2, 'run-1', { maxStartAttempts: 2 }),
    );
    expect(state.items.map((item) => item.snapshot.status)).toEqual(['failed', 'completed']);
    expect(state.items[0]?.snapshot.error?.name).toBe('ThrottledError');
  });

  it('a volume deleted after discovery fails alone with VolumeNotFoundError', async () => {
    const { ec2, ids } = estate();
    const discovery = await discover(ec2);
    ec2.volumes.delete(ids.daily ?? '');
    const { state } = await snapshotLoop(ec2, discovery);
    expect(
      state.items.map((item) => [item.volumeId, item.snapshot.status, item.snapshot.error?.name]),
    ).toEqual([
      [ids.daily, 'failed', 'VolumeNotFoundError'],
      [ids.both, 'completed', undefined],
    ]);
  });

  it('fails snapshots still pending after maxWaitSeconds', async () => {
    const { ec2 } = estate();
    ec2.pendingPolls = 1000;
    const { state } = await snapshotLoop(
      ec2,
      await discover(ec2, 'run-1', { firstPollSeconds: 60, maxWaitSeconds: 300 }),
    );
    expect(state.items.map((item) => item.snapshot.error?.name)).toEqual([
      'SnapshotTimeoutError',
      'SnapshotTimeoutError',
    ]);
  });
});

describe('copySnapshots', () => {
  it('copies each completed snapshot to the DR region, re-encrypted, within the in-flight limit', async () => {
    const { ec2, ids } = estate();
    const discovery = await discover(ec2, 'run-1', { copiesInFlightPerRegion: 1 });
    const { state: snapshotted } = await snapshotLoop(ec2, discovery);
    ec2.pendingPolls = 2;
    const { state, polls } = await copyLoop(ec2, snapshotted);
    expect(polls).toBeGreaterThanOrEqual(6);
    const copies = [...ec2.snapshots.values()].filter(
      (snapshot) => snapshot.region === 'us-west-2',
    );
    expect(copies).toHaveLength(2);
    expect(copies.every((copy) => copy.kmsKeyId === 'alias/dr' && copy.encrypted)).toBe(true);
    expect(copies.map((copy) => copy.tags['backup:copy-of'])).toEqual(
      snapshotted.items.map((item) => `arn:aws:ec2:us-east-1::snapshot/${item.snapshot.id}`),
    );
    expect(
      state.items.map((item) => [item.volumeId, item.copies.map((copy) => copy.status)]),
    ).toEqual([
      [ids.daily, ['completed']],
      [ids.both, ['completed']],
    ]);
  });

  it('a re-run with the same run id adopts existing copies', async () => {
    const { ec2 } = estate();
    const { state: snapshotted } = await snapshotLoop(ec2, await discover(ec2, 'run-9'));
    await copyLoop(ec2, snapshotted);
    await copyLoop(ec2, snapshotted);
    expect(ec2.calls.copySnapshot).toBe(2);
  });
});

describe('recordRecoveryPoints and summarizeRun', () => {
  it('catalogs snapshots and copies and summarizes per region, with failures', async () => {
    const { ec2, ids } = estate();
    const discovery = await discover(ec2);
    ec2.volumes.delete(ids.both ?? '');
    const { state: snapshotted } = await snapshotLoop(ec2, discovery);
    const { state } = await copyLoop(ec2, snapshotted);
    const catalog = new InMemoryRecoveryPointCatalog();
    const result = await recordRecoveryPoints(state, catalog);

    const points = await catalog.list({ sourceId: ids.daily });
    expect(points.map((point) => [point.region, point.state, point.copyOf?.region])).toEqual(
      expect.arrayContaining([
        ['us-east-1', 'available', undefined],
        ['us-west-2', 'available', 'us-east-1'],
      ]),
    );
    expect(result.failures).toEqual([
      expect.objectContaining({
        sourceId: ids.both,
        stage: 'snapshot',
        name: 'VolumeNotFoundError',
      }),
    ]);

    const summary = summarizeRun(
      {
        run: discovery.run,
        discovery: discovery.discovery,
        volumeResults: [result],
        imageResults: [],
        bucketResults: [],
      },
      new Date('2026-11-22T03:02:00Z'),
    );
    expect(summary).toMatchObject({
      outcome: 'partial',
      durationSeconds: 120,
      snapshotsCreated: 1,
      copiesCreated: 1,
      volumes: { selected: 2, succeeded: 1, failed: 2 },
    });
    expect(Object.keys(summary.recoveryPointsByRegion).sort()).toEqual(['us-east-1', 'us-west-2']);
  });

  it('a batch that failed as a whole reports each of its volumes', () => {
    const summary = summarizeRun(
      {
        run: minimalRun(),
        discovery: {
          optedIn: 1,
          selected: 1,
          instancesOptedIn: 0,
          instancesSelected: 0,
          bucketsOptedIn: 0,
          bucketsSelected: 0,
          excluded: [],
          excludedCount: 0,
          tagProblems: [],
          tagProblemCount: 0,
          failures: [],
        },
        imageResults: [],
        bucketResults: [],
        volumeResults: [
          {
            batchIndex: 0,
            batchError: { Error: 'States.Timeout', Cause: '{"errorMessage":"took too long"}' },
            volumes: [{ volumeId: 'vol-1', availabilityZone: 'a', sizeGiB: 1 }],
          },
        ],
      },
      new Date('2026-11-22T03:00:10Z'),
    );
    expect(summary.outcome).toBe('failed');
    expect(summary.failures).toEqual([
      {
        sourceId: 'vol-1',
        stage: 'batch',
        region: 'us-east-1',
        name: 'States.Timeout',
        message: 'batch 0 failed as a whole: took too long',
      },
    ]);
  });
});

describe('summarizeRun with a branch that failed as a whole', () => {
  it('reports the branch, counts its resources as not succeeded, and still summarizes the others', () => {
    const summary = summarizeRun(
      {
        run: minimalRun(),
        discovery: {
          optedIn: 0,
          selected: 0,
          instancesOptedIn: 0,
          instancesSelected: 0,
          bucketsOptedIn: 2,
          bucketsSelected: 2,
          excluded: [],
          excludedCount: 0,
          tagProblems: [],
          tagProblemCount: 0,
          failures: [],
        },
        volumeResults: [],
        imageResults: [],
        bucketResults: { branchError: { Error: 'States.DataLimitExceeded', Cause: 'too big' } },
      },
      new Date('2026-11-22T03:00:10Z'),
    );
    expect(summary.outcome).toBe('failed');
    expect(summary.buckets).toMatchObject({ selected: 2, succeeded: 0 });
    expect(summary.failures).toEqual([
      expect.objectContaining({
        sourceId: '(buckets)',
        name: 'States.DataLimitExceeded',
        message: expect.stringContaining('too big'),
      }),
    ]);
  });
});

describe('discovery output size', () => {
  it('stays under the 256 KB state limit for 5,000 volumes', async () => {
    const ec2 = new InMemoryEc2();
    for (let index = 0; index < 5000; index += 1)
      ec2.addVolume('us-east-1', { 'backup:policy': 'daily' });
    const result = await discover(ec2);
    expect(result.volumeBatches.flatMap((batch) => batch.volumes)).toHaveLength(5000);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(256 * 1024);
  });
});
