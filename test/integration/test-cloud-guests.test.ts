import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  EC2Client,
  GetConsoleOutputCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { InvalidTestCloudSettingError } from '../../emulator/errors.js';
import { TestCloudClient } from '../../emulator/test-cloud-client.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ testCloud: true });

/** Through the test cloud, as product code would reach AWS. */
const ec2 = (region?: string) => new EC2Client({ region, maxAttempts: 1 });
const ssm = (region?: string) => new SSMClient({ region, maxAttempts: 1 });
/** Straight to moto: how checks see the truth. */
const motoEc2 = () => new EC2Client({ endpoint: emulator.motoEndpoint });

/** Launches an instance from a made-up AMI id (moto accepts any). */
async function launch(imageId: string, tags: Record<string, string> = {}): Promise<string> {
  const run = await ec2().send(
    new RunInstancesCommand({
      ImageId: imageId,
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications:
        Object.keys(tags).length === 0
          ? undefined
          : [
              {
                ResourceType: 'instance',
                Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
              },
            ],
    }),
  );
  return run.Instances?.[0]?.InstanceId ?? '';
}

async function privateIpInMoto(instanceId: string): Promise<string> {
  const out = await motoEc2().send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return out.Reservations?.[0]?.Instances?.[0]?.PrivateIpAddress ?? '';
}

async function managed(instanceIds?: string[]): Promise<string[]> {
  const out = await ssm().send(
    new DescribeInstanceInformationCommand(
      instanceIds === undefined ? {} : { Filters: [{ Key: 'InstanceIds', Values: instanceIds }] },
    ),
  );
  return (out.InstanceInformationList ?? []).map((i) => i.InstanceId ?? '').sort();
}

async function runSelfCheck(instanceId: string): Promise<string> {
  const sent = await ssm().send(
    new SendCommandCommand({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [instanceId],
      Parameters: { commands: ['/usr/local/bin/self-check'] },
    }),
  );
  return sent.Command?.CommandId ?? '';
}

beforeEach(() => emulator.reset());

describe('DescribeInstanceInformation', () => {
  it('lists running instances whose agent is online, with moto’s private IP', async () => {
    const healthy = await launch('ami-11111111');
    const silent = await launch('ami-22222222');
    const gone = await launch('ami-11111111');
    emulator.testCloud.setGuestProfile('ami-22222222', { agent: 'never', selfCheck: 'healthy' });
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [gone] }));

    const out = await ssm().send(new DescribeInstanceInformationCommand({}));
    expect(out.InstanceInformationList).toEqual([
      {
        InstanceId: healthy,
        PingStatus: 'Online',
        LastPingDateTime: expect.any(Date),
        AgentVersion: '3.3.0.0',
        IsLatestVersion: true,
        PlatformType: 'Linux',
        PlatformName: 'Amazon Linux',
        PlatformVersion: '2023',
        IPAddress: await privateIpInMoto(healthy),
        ResourceType: 'EC2Instance',
        ComputerName: expect.stringMatching(/^ip-\d+-\d+-\d+-\d+\.ec2\.internal$/),
        AssociationStatus: 'Success',
      },
    ]);
    expect(await managed([silent])).toEqual([]);
    expect(emulator.testCloud.counts().byOperation['ssm:DescribeInstanceInformation']).toBe(2);
  });

  it('shows an agent only after onlineAfterPolls polls', async () => {
    const slow = await launch('ami-33333333');
    const quick = await launch('ami-44444444');
    emulator.testCloud.setGuestProfile('ami-33333333', {
      agent: 'online',
      onlineAfterPolls: 2,
      selfCheck: 'healthy',
    });
    expect(await managed()).toEqual([quick]);
    // Polls count per instance, only when the call covers it.
    expect(await managed([quick])).toEqual([quick]);
    expect(await managed([slow])).toEqual([]);
    expect(await managed([slow, quick])).toEqual([slow, quick].sort());
  });

  it('filters by InstanceIds in both filter styles, and by tag and PingStatus', async () => {
    const a = await launch('ami-55555555', { role: 'web' });
    const b = await launch('ami-55555555', { role: 'db' });
    const legacy = await ssm().send(
      new DescribeInstanceInformationCommand({
        InstanceInformationFilterList: [{ key: 'InstanceIds', valueSet: [b] }],
      }),
    );
    expect(legacy.InstanceInformationList?.map((i) => i.InstanceId)).toEqual([b]);
    const tagged = await ssm().send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'tag:role', Values: ['web'] }] }),
    );
    expect(tagged.InstanceInformationList?.map((i) => i.InstanceId)).toEqual([a]);
    const lost = await ssm().send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: 'PingStatus', Values: ['ConnectionLost'] }],
      }),
    );
    expect(lost.InstanceInformationList).toEqual([]);
    // Instances live in their region.
    const elsewhere = await ssm('eu-west-1').send(new DescribeInstanceInformationCommand({}));
    expect(elsewhere.InstanceInformationList).toEqual([]);
  });
});

describe('SendCommand and GetCommandInvocation', () => {
  it('answers the healthy guest’s self-check with the real private IP', async () => {
    const instanceId = await launch('ami-66666666');
    const commandId = await runSelfCheck(instanceId);
    const invocation = await ssm().send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
    );
    const ip = await privateIpInMoto(instanceId);
    expect(invocation).toMatchObject({
      CommandId: commandId,
      InstanceId: instanceId,
      DocumentName: 'AWS-RunShellScript',
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      StandardErrorContent: '',
    });
    const lines = (invocation.StandardOutputContent ?? '').trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      ip,
      defaultRoute: true,
      dns: true,
      imds: true,
      hostname: `ip-${ip.replace(/\./g, '-')}`,
    });
    expect(emulator.testCloud.emulatedState().ssmCommands).toEqual([
      {
        commandId,
        region: 'us-east-1',
        documentName: 'AWS-RunShellScript',
        instanceIds: [instanceId],
        parameters: { commands: ['/usr/local/bin/self-check'] },
        requestedAt: expect.any(String),
      },
    ]);
  });

  it.each([
    ['wrong-ip', { ip: 'other' }],
    ['no-default-route', { defaultRoute: false }],
    ['dns-fails', { dns: false }],
    ['imds-fails', { imds: false }],
  ] as const)('reports what a %s guest sees', async (selfCheck, expected) => {
    const instanceId = await launch('ami-77777777');
    emulator.testCloud.setGuestProfile('ami-77777777', { agent: 'online', selfCheck });
    const commandId = await runSelfCheck(instanceId);
    const invocation = await ssm().send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
    );
    const report = JSON.parse(invocation.StandardOutputContent ?? '') as Record<string, unknown>;
    const ip = await privateIpInMoto(instanceId);
    if ('ip' in expected) {
      expect(report.ip).not.toBe(ip);
      expect(String(report.ip).split('.').slice(0, 3)).toEqual(ip.split('.').slice(0, 3));
    } else {
      expect(report).toMatchObject({ ...expected, ip });
    }
  });

  it('answers InProgress for commandPendingPolls polls first', async () => {
    const instanceId = await launch('ami-88888888');
    emulator.testCloud.setGuestProfile('ami-88888888', {
      agent: 'online',
      selfCheck: 'healthy',
      commandPendingPolls: 2,
    });
    const commandId = await runSelfCheck(instanceId);
    const status = async () =>
      (
        await ssm().send(
          new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
        )
      ).Status;
    expect([await status(), await status(), await status()]).toEqual([
      'InProgress',
      'InProgress',
      'Success',
    ]);
  });

  it('refuses commands to instances whose agent is not online, as AWS does', async () => {
    const never = await launch('ami-99999999', { fleet: 'x' });
    const online = await launch('ami-aaaaaaaa', { fleet: 'x' });
    emulator.testCloud.setGuestProfile('ami-99999999', { agent: 'never', selfCheck: 'healthy' });
    await expect(runSelfCheck(never)).rejects.toMatchObject({
      name: 'InvalidInstanceId',
      $metadata: { httpStatusCode: 400 },
    });
    // Sent by tag, the command reaches moto; the silent instance has no invocation.
    const sent = await ssm().send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        Targets: [{ Key: 'tag:fleet', Values: ['x'] }],
        Parameters: { commands: ['true'] },
      }),
    );
    await expect(
      ssm().send(
        new GetCommandInvocationCommand({
          CommandId: sent.Command?.CommandId,
          InstanceId: never,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvocationDoesNotExist', $metadata: { httpStatusCode: 400 } });
    expect(online).toMatch(/^i-/);
  });

  it('leaves commands it did not see to moto', async () => {
    await expect(
      ssm().send(
        new GetCommandInvocationCommand({
          CommandId: '00000000-0000-0000-0000-000000000000',
          InstanceId: 'i-0123456789abcdef0',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidCommandId' });
  });
});

describe('GetConsoleOutput', () => {
  it('answers the profile’s console text, and moto’s otherwise', async () => {
    const custom = await launch('ami-bbbbbbbb');
    const plain = await launch('ami-cccccccc');
    emulator.testCloud.setGuestProfile('ami-bbbbbbbb', {
      agent: 'never',
      selfCheck: 'healthy',
      consoleOutput: 'Kernel panic - not syncing: VFS: Unable to mount root fs\n',
    });
    const custom1 = await ec2().send(new GetConsoleOutputCommand({ InstanceId: custom }));
    expect(custom1.InstanceId).toBe(custom);
    expect(custom1.Timestamp).toBeInstanceOf(Date);
    expect(Buffer.from(custom1.Output ?? '', 'base64').toString()).toBe(
      'Kernel panic - not syncing: VFS: Unable to mount root fs\n',
    );
    const plain1 = await ec2().send(new GetConsoleOutputCommand({ InstanceId: plain }));
    expect(Buffer.from(plain1.Output ?? '', 'base64').toString()).toMatch(/^Linux version/);
  });
});

describe('instance holds', () => {
  it('shows a held instance pending, then its status checks initializing', async () => {
    const instanceId = await launch('ami-dddddddd');
    emulator.testCloud.hold({ kind: 'instance', polls: 2, ids: [instanceId] });
    const state = async () =>
      (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })))
        .Reservations?.[0]?.Instances?.[0]?.State;
    expect(await state()).toEqual({ Code: 0, Name: 'pending' });
    expect(await state()).toEqual({ Code: 0, Name: 'pending' });
    expect(await state()).toEqual({ Code: 16, Name: 'running' });
    const status = async () => {
      const out = await ec2().send(
        new DescribeInstanceStatusCommand({ InstanceIds: [instanceId] }),
      );
      const s = out.InstanceStatuses?.[0];
      return [
        s?.InstanceStatus?.Status,
        s?.SystemStatus?.Status,
        s?.InstanceStatus?.Details?.[0]?.Status,
      ];
    };
    expect(await status()).toEqual(['initializing', 'initializing', 'initializing']);
    expect(await status()).toEqual(['initializing', 'initializing', 'initializing']);
    expect(await status()).toEqual(['ok', 'ok', 'passed']);
    expect(emulator.testCloud.holds()[0]?.polled).toEqual({
      [instanceId]: 2,
      [`${instanceId}/status`]: 2,
    });
  });
});

describe('control', () => {
  it('validates guest profiles, sets them over HTTP, and reset() forgets everything', async () => {
    expect(() =>
      emulator.testCloud.setGuestProfile('ami-12345678', {
        agent: 'sometimes' as 'online',
        selfCheck: 'healthy',
      }),
    ).toThrow(InvalidTestCloudSettingError);
    expect(() =>
      emulator.testCloud.setGuestProfile('ami-12345678', {
        agent: 'online',
        selfCheck: 'healthy',
        onlineAfterPolls: -1,
      }),
    ).toThrow(/onlineAfterPolls/);

    const control = new TestCloudClient(emulator.endpoint);
    await control.setGuestProfile('ami-eeeeeeee', { agent: 'never', selfCheck: 'dns-fails' });
    expect(await control.guestProfiles()).toEqual({
      'ami-eeeeeeee': { agent: 'never', selfCheck: 'dns-fails' },
    });
    await expect(
      control.setGuestProfile('ami-eeeeeeee', { agent: 'online' } as never),
    ).rejects.toThrow(/400.*InvalidTestCloudSettingError/);
    const instanceId = await launch('ami-eeeeeeee');
    expect(await managed()).toEqual([]);
    await runSelfCheck(instanceId).catch(() => undefined);

    await control.reset();
    expect(await control.guestProfiles()).toEqual({});
    expect(await managed()).toEqual([instanceId]);
    await control.setGuestProfile('ami-eeeeeeee', { agent: 'never', selfCheck: 'healthy' });
    await control.clearGuestProfiles();
    expect(await managed()).toEqual([instanceId]);
    expect((await control.emulatedState()).ssmCommands).toEqual([]);
  });
});
