import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeImagesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { createRestoreTestNetwork } from '../../emulator/isolated-network.js';
import { ec2At } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';
import { restoreTestLeftovers } from '../support/restore-lab-estate.js';
import { runCli } from '../support/run-cli.js';

const emulator = useEmulator({ testCloud: true });
const config = join(mkdtempSync(join(tmpdir(), 'backupctl-rt-')), 'config.json');
writeFileSync(
  config,
  JSON.stringify({
    primaryRegion: 'us-east-1',
    policies: {
      daily: {
        schedule: 'cron(0 3 * * ? *)',
        retention: { daily: 7 },
        restoreTest: { schedule: 'cron(0 6 ? * SUN *)', timeoutMinutes: 1 },
      },
      weekly: { schedule: 'cron(0 4 ? * SAT *)', retention: { weekly: 4 } },
    },
  }),
);

describe('backupctl restore-test', () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    const ec2 = ec2At(emulator.motoEndpoint, 'us-east-1');
    const network = await createRestoreTestNetwork(ec2, emulator.motoEndpoint);
    env = {
      RESTORE_TEST_SUBNET_ID: network.subnetId,
      RESTORE_TEST_SECURITY_GROUP_ID: network.securityGroupId,
      RESTORE_TEST_INSTANCE_PROFILE: network.instanceProfile,
    };
    await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-12345678',
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [{ Key: 'backup:policy', Value: 'daily' }] },
        ],
      }),
    );
    const backup = await runCli([
      'backup',
      '--policy',
      'daily',
      '--local',
      '--json',
      '--run-id',
      'rt-backup',
      '--config',
      config,
    ]);
    expect(backup.code).toBe(0);
  });

  it('boots the newest image, verifies it and prints the verdict with its RTO (exit 0)', async () => {
    const result = await runCli(
      [
        'restore-test',
        '--policy',
        'daily',
        '--local',
        '--json',
        '--run-id',
        'rt-pass',
        '--config',
        config,
      ],
      env,
    );
    expect(result.stderr).not.toMatch(/backupctl:/);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ outcome: 'passed', passed: 1, failed: 0 });
    expect(summary.results[0].rtoSeconds).toEqual(expect.any(Number));
    const leftovers = await restoreTestLeftovers(
      ec2At(emulator.motoEndpoint, 'us-east-1'),
      'rt-pass',
    );
    expect(leftovers.instances.filter((instance) => instance.State?.Name !== 'terminated')).toEqual(
      [],
    );
  });

  it('exits 1 with the reason when the guest agent never comes online, and leaves nothing running', async () => {
    const image = await listBackupImage();
    emulator.testCloud.setGuestProfile(image, {
      agent: 'never',
      selfCheck: 'healthy',
      consoleOutput: 'kernel panic: demo',
    });
    const result = await runCli(
      [
        'restore-test',
        '--policy',
        'daily',
        '--local',
        '--json',
        '--run-id',
        'rt-never',
        '--config',
        config,
      ],
      env,
    );
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.results[0]).toMatchObject({ outcome: 'agent-never-online' });
    expect(JSON.stringify(summary.results[0])).toContain('kernel panic: demo');
    const leftovers = await restoreTestLeftovers(
      ec2At(emulator.motoEndpoint, 'us-east-1'),
      'rt-never',
    );
    expect(leftovers.instances.filter((instance) => instance.State?.Name !== 'terminated')).toEqual(
      [],
    );
  });

  it('exits 2 for a policy without restoreTest, and for a missing test network, launching nothing', async () => {
    emulator.testCloud.resetCounts();
    expect(
      (await runCli(['restore-test', '--policy', 'weekly', '--local', '--config', config], env))
        .code,
    ).toBe(2);
    expect(
      (await runCli(['restore-test', '--policy', 'daily', '--local', '--config', config])).code,
    ).toBe(2);
    expect(emulator.testCloud.counts().byOperation['ec2:RunInstances'] ?? 0).toBe(0);
  });
});

async function listBackupImage(): Promise<string> {
  const output = await ec2At(emulator.motoEndpoint, 'us-east-1').send(
    new DescribeImagesCommand({
      Owners: ['self'],
      Filters: [{ Name: 'tag:backup:run', Values: ['rt-backup'] }],
    }),
  );
  return output.Images?.[0]?.ImageId ?? '';
}
