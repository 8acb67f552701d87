import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVolumesCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { describeRestoreTest } from '../../cli/commands/restore-test.js';
import { runRestoreTest } from '../../cli/run-restore-test.js';
import {
  DynamoDbRecoveryPointCatalog,
  ensureCatalogTable,
} from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { parseConfig } from '../../functions/core/config.js';
import type { RestoreTestOptionsInput } from '../../functions/core/run-state/restore-test-run.js';
import { ec2At, scanTable } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';
import {
  createImageOfInstance,
  createRestoreTestNetwork,
  imageTags,
  restoreTestLeftovers,
  type RestoreTestNetwork,
} from '../support/restore-lab-estate.js';

// Two SDK attempts, so injected throttling outlives the SDK's retries and reaches the workflow.
process.env.AWS_MAX_ATTEMPTS = '2';

const emulator = useEmulator({ testCloud: true });
const catalogTable = 'restore-test-catalog';
const config = parseConfig({
  primaryRegion: 'us-east-1',
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { daily: 7 },
      restoreTest: { schedule: 'cron(0 6 ? * SUN *)', timeoutMinutes: 1 },
    },
  },
});
/** Waits are skipped locally; the timeout still counts them (60 s = a handful of polls). */
const fast: Partial<RestoreTestOptionsInput> = {
  firstPollSeconds: 10,
  maxPollSeconds: 20,
  runInstancesPerSecond: 100,
};
const moto = () => ec2At(emulator.motoEndpoint, 'us-east-1');

let network: RestoreTestNetwork;

async function catalogImage(imageId: string, sourceId: string) {
  await ensureCatalogTable(catalogTable);
  await new DynamoDbRecoveryPointCatalog(catalogTable).put([
    {
      id: imageId,
      kind: 'image',
      sourceId,
      region: 'us-east-1',
      policy: 'daily',
      runId: 'backup-run-1',
      createdAt: '2026-11-22T03:00:00.000Z',
      expiresAt: '2026-11-29T03:00:00.000Z',
      state: 'available',
    },
  ]);
}

async function image(
  name: string,
  profile: Parameters<typeof emulator.testCloud.setGuestProfile>[1],
) {
  const { imageId, instanceId } = await createImageOfInstance(moto(), network.subnetId, name);
  emulator.testCloud.setGuestProfile(imageId, profile);
  await catalogImage(imageId, instanceId);
  return imageId;
}

function restoreTest(runId: string, options: Partial<RestoreTestOptionsInput> = fast) {
  return runRestoreTest({
    config,
    policyName: 'daily',
    runId,
    local: true,
    catalogTable,
    options,
    network: {
      subnetId: network.subnetId,
      securityGroupIds: network.securityGroupId,
      instanceProfile: network.instanceProfile,
    },
  });
}

/** Nothing a run launched is left: instances terminated, their volumes and interfaces gone. */
async function expectNothingLeft(runId: string, instanceIds: string[]) {
  const ec2 = moto();
  const { instances, volumes, networkInterfaces } = await restoreTestLeftovers(ec2, runId);
  // moto lists terminated instances for a while, as EC2 does: none may be in another state.
  expect(instances.filter((instance) => instance.State?.Name !== 'terminated')).toEqual([]);
  expect(volumes).toEqual([]);
  expect(networkInterfaces).toEqual([]);
  // moto does not tag interfaces from TagSpecifications, so also look by attachment.
  if (instanceIds.length > 0) {
    const attached = { Name: 'attachment.instance-id', Values: instanceIds };
    expect((await ec2.send(new DescribeVolumesCommand({ Filters: [attached] }))).Volumes).toEqual(
      [],
    );
    expect(
      (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [attached] })))
        .NetworkInterfaces,
    ).toEqual([]);
  }
}

beforeEach(async () => {
  await emulator.reset();
  network = await createRestoreTestNetwork(moto(), emulator.motoEndpoint);
});

describe('restore-test workflow (ASL executed locally against the emulator and the test cloud)', () => {
  it('passes a healthy image with its RTO, fails the others for their real reasons, and leaves nothing running', async () => {
    const healthy = await image('healthy', {
      agent: 'online',
      selfCheck: 'healthy',
      onlineAfterPolls: 2,
      commandPendingPolls: 1,
    });
    const silent = await image('silent', {
      agent: 'never',
      selfCheck: 'healthy',
      consoleOutput: 'Booting...\ncloud-init: network up\namazon-ssm-agent: failed to start\n',
    });
    const misnumbered = await image('misnumbered', { agent: 'online', selfCheck: 'wrong-ip' });
    // A machine left behind by an older run, past its deadline: the sweeper's job.
    const stale = await moto().send(
      new RunInstancesCommand({
        ImageId: 'ami-12345678',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: network.subnetId,
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              { Key: 'backup:managed-by', Value: 'backup-orchestrator' },
              { Key: 'backup:restore-test-run', Value: 'rt-crashed' },
              { Key: 'backup:restore-test-deadline', Value: '2020-01-01T00:00:00.000Z' },
            ],
          },
        ],
      }),
    );

    const { summary } = await restoreTest('rt-main');

    const byImage = Object.fromEntries(summary.results.map((result) => [result.imageId, result]));
    expect(summary).toMatchObject({
      outcome: 'failed',
      passed: 1,
      failed: 2,
      selection: { candidates: 3, selected: 3 },
    });
    expect(byImage[healthy]).toMatchObject({
      outcome: 'passed',
      instanceId: expect.stringMatching(/^i-/),
    });
    const rto = byImage[healthy]?.rtoSeconds;
    expect(typeof rto).toBe('number');
    expect(byImage[silent]).toMatchObject({
      outcome: 'agent-never-online',
      evidence: { consoleExcerpt: expect.stringContaining('amazon-ssm-agent: failed to start') },
    });
    expect(byImage[misnumbered]).toMatchObject({
      outcome: 'network-self-check-failed',
      evidence: {
        failedChecks: [
          expect.stringMatching(
            /^ip: the guest reports "10\.0\.1\.\d+", its network interface has 10\.0\.1\.\d+$/,
          ),
        ],
      },
    });

    // The verdicts, read back independently: AMI tags in moto and the catalog table.
    expect(await imageTags(moto(), healthy)).toMatchObject({
      'backup:restore-test-verdict': 'passed',
      'backup:restore-test-rto-seconds': String(rto),
      'backup:restore-tested-at': byImage[healthy]?.testedAt,
    });
    expect(await imageTags(moto(), silent)).toMatchObject({
      'backup:restore-test-verdict': 'agent-never-online',
      'backup:restore-test-rto-seconds': '-',
    });
    const catalog = Object.fromEntries(
      (await scanTable(emulator.motoEndpoint, 'us-east-1', catalogTable)).map((item) => [
        item.id,
        item,
      ]),
    );
    expect(catalog[healthy]?.restoreTest).toMatchObject({
      verdict: 'passed',
      rtoSeconds: rto,
      runId: 'rt-main',
    });
    expect(catalog[misnumbered]?.restoreTest).toMatchObject({
      verdict: 'failed',
      outcome: 'network-self-check-failed',
      evidence: expect.stringContaining('guestReport'),
    });

    // The sweeper took the stale machine; this run's are all terminated, with their volumes and ENIs.
    const staleId = stale.Instances?.[0]?.InstanceId ?? '';
    expect(summary.sweep).toMatchObject({ terminatedInstances: [staleId], problems: [] });
    const staleState = (await moto().send(new DescribeInstancesCommand({ InstanceIds: [staleId] })))
      .Reservations?.[0]?.Instances?.[0]?.State?.Name;
    expect(staleState).toBe('terminated');
    await expectNothingLeft(
      'rt-main',
      summary.results.flatMap((result) => (result.instanceId ? [result.instanceId] : [])),
    );

    // The SSM agent was asked once per batch per poll, not per machine.
    const calls = emulator.testCloud.counts().byOperation;
    expect(calls['ec2:RunInstances']).toBe(3);
    expect(calls['ec2:TerminateInstances']).toBeGreaterThanOrEqual(1);
    expect(calls['ssm:DescribeInstanceInformation']).toBe(calls['ec2:DescribeInstanceStatus']);

    const lines = describeRestoreTest(summary).join('\n');
    expect(lines).toContain(`${healthy} (source `);
    expect(lines).toContain(`PASSED, RTO ${rto}s`);
    expect(lines).toContain('AGENT-NEVER-ONLINE');
    expect(lines).toContain('| amazon-ssm-agent: failed to start');
  });

  it('machines held pending cost the batch-level loop only, and throttled launches are absorbed', async () => {
    await image('a', { agent: 'online', selfCheck: 'healthy' });
    await image('b', { agent: 'online', selfCheck: 'healthy' });
    const quick = await restoreTest('rt-quick');
    expect(quick.summary).toMatchObject({ outcome: 'passed', passed: 2 });

    emulator.testCloud.hold({ kind: 'instance', polls: 3 });
    emulator.testCloud.addFault({ operation: 'ec2:RunInstances', fault: 'throttle', times: 3 });
    // Pending for 3 polls, then status checks initializing for 3: more than the 60 s timeout.
    const held = await restoreTest('rt-held', { ...fast, timeoutSeconds: 600 });
    expect(held.summary).toMatchObject({ outcome: 'passed', passed: 2, failed: 0 });
    expect(emulator.testCloud.counts().faults.byOperation['ec2:RunInstances']).toBe(3);
    // Each extra poll of the one batch costs Task + Choice + Wait, whatever the batch size.
    const extra = (held.stateTransitions ?? 0) - (quick.stateTransitions ?? 0);
    expect(extra % 3).toBe(0);
    expect(extra).toBeGreaterThanOrEqual(3 * 3);
    await expectNothingLeft(
      'rt-held',
      held.summary.results.flatMap((result) => (result.instanceId ? [result.instanceId] : [])),
    );
  });

  it('a batch that fails as a whole is cleaned up by tag and reported; the run still summarizes', async () => {
    const imageId = await image('a', {
      agent: 'online',
      selfCheck: 'healthy',
      onlineAfterPolls: 1,
    });
    emulator.testCloud.addFault({
      operation: 'ssm:DescribeInstanceInformation',
      fault: { status: 400, code: 'AccessDeniedException', message: 'not allowed' },
      times: 100,
    });
    const { summary } = await restoreTest('rt-broken');
    expect(summary.results).toEqual([
      expect.objectContaining({
        imageId,
        outcome: 'not-tested',
        reason: expect.stringContaining('AccessDeniedException'),
      }),
    ]);
    expect(summary.outcome).toBe('failed');
    await expectNothingLeft('rt-broken', []);
  });

  it('refuses to start without the test network, before anything is launched', async () => {
    await image('a', { agent: 'online', selfCheck: 'healthy' });
    const saved = process.env.RESTORE_TEST_SUBNET_ID;
    delete process.env.RESTORE_TEST_SUBNET_ID;
    try {
      await expect(
        runRestoreTest({
          config,
          policyName: 'daily',
          runId: 'rt-nonet',
          local: true,
          catalogTable,
          options: fast,
        }),
      ).rejects.toMatchObject({
        name: 'InvalidInputError',
        message: expect.stringContaining('RESTORE_TEST_SUBNET_ID is not set'),
      });
    } finally {
      if (saved !== undefined) process.env.RESTORE_TEST_SUBNET_ID = saved;
    }
    expect(emulator.testCloud.counts().byOperation['ec2:RunInstances'] ?? 0).toBe(0);
  });
});
