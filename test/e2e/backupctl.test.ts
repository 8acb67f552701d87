import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTaggedVolume, ec2At, snapshotsOf } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';
import { runCli } from '../support/run-cli.js';

const emulator = useEmulator({ testCloud: true });
const dir = mkdtempSync(join(tmpdir(), 'backupctl-'));

function writeConfig(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

const goodConfig = writeConfig('good.json', {
  primaryRegion: 'us-east-1',
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { daily: 7 },
      copyTo: [{ region: 'us-west-2' }],
    },
    weekly: { schedule: 'cron(0 4 ? * SAT *)', retention: { weekly: 4 } },
  },
});

describe('backupctl', () => {
  let volumes: { daily: string; both: string; unknown: string };
  beforeAll(async () => {
    const ec2 = ec2At(emulator.motoEndpoint, 'us-east-1');
    volumes = {
      daily: await createTaggedVolume(ec2, { 'backup:policy': 'daily' }),
      both: await createTaggedVolume(ec2, { 'backup:policy': 'daily weekly' }),
      unknown: await createTaggedVolume(ec2, { 'backup:policy': 'montly' }),
    };
  });

  it('validate exits 2 on a bad config, listing every problem by path, and calls no API', async () => {
    emulator.testCloud.resetCounts();
    const bad = writeConfig('bad.json', {
      primaryRegion: 'us-east-1',
      policies: {
        daily: {
          schedule: 'cron(0 3 * * ? *)',
          retention: { daily: -1, weekly: 2.5 },
          copyTo: [{ region: 'nowhere' }],
        },
      },
    });
    const result = await runCli(['validate', '--config', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'policies.daily.retention.daily: expected a whole number >= 0, got -1',
    );
    expect(result.stderr).toContain(
      'policies.daily.retention.weekly: expected a whole number >= 0, got 2.5',
    );
    expect(result.stderr).toContain('policies.daily.copyTo.0.region: expected an AWS region');
    expect(emulator.testCloud.counts().total).toBe(0);

    const json = await runCli(['validate', '--config', bad, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error.issues).toHaveLength(3);
  });

  it('validate lists opted-in volumes with effective policies and reports an unknown policy (exit 1)', async () => {
    const result = await runCli(['validate', '--config', goodConfig, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.resources).toEqual(
      expect.arrayContaining([
        { resourceId: volumes.daily, resourceType: 'volume', policies: ['daily'], excluded: false },
        {
          resourceId: volumes.both,
          resourceType: 'volume',
          policies: ['daily', 'weekly'],
          excluded: false,
        },
        { resourceId: volumes.unknown, resourceType: 'volume', policies: [], excluded: false },
      ]),
    );
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'unknown-policy',
        resourceId: volumes.unknown,
        policyName: 'montly',
      }),
    ]);
  });

  it('backup --local --json runs the workflow and prints the run summary; recovery-points lists it', async () => {
    const result = await runCli([
      'backup',
      '--policy',
      'daily',
      '--local',
      '--json',
      '--run-id',
      'cli-run-1',
      '--config',
      goodConfig,
    ]);
    expect(result.stderr).not.toMatch(/backupctl:/);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      runId: 'cli-run-1',
      outcome: 'succeeded',
      snapshotsCreated: 2,
      copiesCreated: 2,
    });
    expect(
      await snapshotsOf(ec2At(emulator.motoEndpoint, 'us-west-2'), {
        'tag:backup:run': 'cli-run-1',
      }),
    ).toHaveLength(2);

    const listed = await runCli([
      'recovery-points',
      '--source',
      volumes.daily,
      '--json',
      '--config',
      goodConfig,
    ]);
    expect(listed.code).toBe(0);
    expect(
      JSON.parse(listed.stdout)
        .map((point: { region: string }) => point.region)
        .sort(),
    ).toEqual(['us-east-1', 'us-west-2']);
  });

  it('bad usage exits 2 and changes nothing', async () => {
    emulator.testCloud.resetCounts();
    expect(
      (await runCli(['backup', '--policy', 'nope', '--local', '--config', goodConfig])).code,
    ).toBe(2);
    expect((await runCli(['backup', '--local', '--config', goodConfig])).code).toBe(2);
    expect(
      (
        await runCli([
          'backup',
          '--policy',
          'daily',
          '--local',
          '--run-id',
          'bad id!',
          '--config',
          goodConfig,
        ])
      ).code,
    ).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect(emulator.testCloud.counts().total).toBe(0);
  });
});
