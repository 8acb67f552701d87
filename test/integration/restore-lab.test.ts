import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ec2SsmRestoreLab } from '../../functions/adapters/ec2-ssm-restore-lab.js';
import {
  InMemoryRestoreLab,
  type GuestProfile,
} from '../../functions/adapters/in-memory/in-memory-restore-lab.js';
import {
  guestSelfCheckScript,
  parseSelfCheckOutput,
} from '../../functions/core/guest-self-check.js';
import type { RestoreLab } from '../../functions/ports/restore-lab.js';
import type { LaunchRequest, RestoreLaunch } from '../../functions/ports/restore-launch.js';
import { ec2At, tagsOf } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';
import {
  createImageOfInstance,
  createRestoreTestNetwork,
  imageTags,
  restoreTestLeftovers,
} from '../support/restore-lab-estate.js';

const emulator = useEmulator({ testCloud: true });

interface Fixture {
  lab: RestoreLab;
  network: { subnetId: string; securityGroupIds: string[]; instanceProfile: string };
  addImage(profile: GuestProfile): Promise<string>;
  tagsOfImage(imageId: string): Promise<Record<string, string>>;
}

/** One behavioural suite for the EC2 + SSM adapters (on the test cloud) and their in-memory twin. */
const implementations: [string, () => Promise<Fixture>][] = [
  [
    'in-memory twin',
    async () => {
      const lab = new InMemoryRestoreLab('us-east-1');
      return {
        lab: lab.ports(),
        network: { subnetId: 'subnet-0a', securityGroupIds: ['sg-0a'], instanceProfile: 'p' },
        addImage: async (profile) => lab.addImage(undefined, profile),
        tagsOfImage: async (imageId) => ({ ...lab.images.get(imageId)?.tags }),
      };
    },
  ],
  [
    'EC2 + SSM on the test cloud',
    async () => {
      await emulator.reset();
      const moto = ec2At(emulator.motoEndpoint, 'us-east-1');
      const network = await createRestoreTestNetwork(moto, emulator.motoEndpoint);
      const clientConfig = { region: 'us-east-1', maxAttempts: 1 };
      let images = 0;
      return {
        lab: ec2SsmRestoreLab('us-east-1', {
          ec2: new EC2Client(clientConfig),
          ssm: new SSMClient(clientConfig),
        }),
        network: {
          subnetId: network.subnetId,
          securityGroupIds: [network.securityGroupId],
          instanceProfile: network.instanceProfile,
        },
        addImage: async (profile) => {
          const { imageId } = await createImageOfInstance(
            moto,
            network.subnetId,
            `img-${++images}`,
          );
          emulator.testCloud.setGuestProfile(imageId, profile);
          return imageId;
        },
        tagsOfImage: (imageId) => imageTags(moto, imageId),
      };
    },
  ],
];

const healthy: GuestProfile = { agent: 'online', selfCheck: 'healthy' };

describe.each(implementations)('restore lab: %s', (name, create) => {
  let fixture: Fixture;
  let launches = 0;
  beforeEach(async () => {
    fixture = await create();
  });

  const launch = (
    imageId: string,
    runId = 'rt-1',
  ): Promise<ReturnType<RestoreLaunch['launch']> extends Promise<infer T> ? T : never> =>
    fixture.lab.launcher.launch(launchRequest(imageId, runId));
  const launchRequest = (imageId: string, runId: string): LaunchRequest => ({
    imageId,
    instanceType: 't3.micro',
    ...fixture.network,
    clientToken: `token-${++launches}`,
    tags: {
      'backup:managed-by': 'backup-orchestrator',
      'backup:policy': 'daily',
      'backup:restore-test-run': runId,
      'backup:restore-test-of': imageId,
      Name: `restore-test ${imageId}`,
    },
  });

  async function untilRunning(instanceId: string) {
    for (let poll = 0; poll < 10; poll += 1) {
      const [instance] = await fixture.lab.observer.describeInstances([instanceId]);
      if (instance?.state === 'running') return instance;
    }
    throw new Error(`${instanceId} never ran`);
  }

  it('launches an image with the run tags, finds it by run, and forgets it once terminated', async () => {
    const imageId = await fixture.addImage(healthy);
    const launched = await launch(imageId);
    expect(launched.instanceId).toMatch(/^i-/);
    expect(launched.tags).toMatchObject({
      'backup:restore-test-run': 'rt-1',
      'backup:restore-test-of': imageId,
    });

    const found = await fixture.lab.cleanup.findTestInstances('rt-1');
    expect(found.map((instance) => instance.instanceId)).toEqual([launched.instanceId]);
    expect(await fixture.lab.cleanup.findTestInstances('rt-other')).toEqual([]);
    expect((await fixture.lab.cleanup.findTestInstances()).length).toBe(1);

    const running = await untilRunning(launched.instanceId);
    expect(running.privateIp).toMatch(/^10\.0\.1\.\d+$/);
    expect(await fixture.lab.observer.describeInstances(['i-0123456789abcdef0'])).toEqual([]);
    const [status] = await fixture.lab.observer.describeInstanceStatus([launched.instanceId]);
    expect(status).toEqual({
      instanceId: launched.instanceId,
      instanceStatus: 'ok',
      systemStatus: 'ok',
    });

    const terminated = await fixture.lab.cleanup.terminate([launched.instanceId]);
    expect(terminated).toEqual([
      { instanceId: launched.instanceId, state: expect.stringMatching(/shutting-down|terminated/) },
    ]);
    expect(await fixture.lab.cleanup.findTestInstances('rt-1')).toEqual([]);
    expect(await fixture.lab.cleanup.findTestVolumes()).toEqual([]);
    expect(
      (await fixture.lab.cleanup.findTestNetworkInterfaces()).filter(
        (eni) => eni.status !== 'available',
      ),
    ).toEqual([]);
  });

  it("a healthy guest answers the self-check with its interface's IP", async () => {
    const imageId = await fixture.addImage({
      ...healthy,
      onlineAfterPolls: 1,
      commandPendingPolls: 1,
    });
    const { instanceId } = await launch(imageId);
    const { privateIp } = await untilRunning(instanceId);
    expect(await fixture.lab.observer.describeAgents([instanceId])).toEqual([]);
    expect(await fixture.lab.observer.describeAgents([instanceId])).toEqual([
      { instanceId, pingStatus: 'Online' },
    ]);

    const commands = await fixture.lab.observer.sendSelfCheck(
      [instanceId],
      guestSelfCheckScript('us-east-1'),
    );
    const commandId = commands.get(instanceId);
    expect(commandId).toBeDefined();
    expect(await fixture.lab.observer.getSelfCheckResult(commandId!, instanceId)).toMatchObject({
      status: 'pending',
    });
    const result = await fixture.lab.observer.getSelfCheckResult(commandId!, instanceId);
    expect(result).toMatchObject({ status: 'success', detail: 'Success' });
    const parsed = parseSelfCheckOutput(result.stdout);
    expect(parsed).toMatchObject({
      ok: true,
      report: { ip: privateIp, defaultRoute: true, dns: true, imds: true },
    });
  });

  it('a guest whose agent never comes online is not listed and gets no command; the others do', async () => {
    const silent = await launch(await fixture.addImage({ agent: 'never', selfCheck: 'healthy' }));
    const chatty = await launch(await fixture.addImage(healthy));
    await untilRunning(silent.instanceId);
    await untilRunning(chatty.instanceId);
    expect(
      await fixture.lab.observer.describeAgents([silent.instanceId, chatty.instanceId]),
    ).toEqual([{ instanceId: chatty.instanceId, pingStatus: 'Online' }]);
    const commands = await fixture.lab.observer.sendSelfCheck(
      [silent.instanceId, chatty.instanceId],
      guestSelfCheckScript('us-east-1'),
    );
    expect([...commands.keys()]).toEqual([chatty.instanceId]);
  });

  it('a guest with a wrong IP reports it; console output comes back decoded', async () => {
    const imageId = await fixture.addImage({
      agent: 'online',
      selfCheck: 'wrong-ip',
      consoleOutput: 'boot: eth0 up\nhello\n',
    });
    const { instanceId } = await launch(imageId);
    const { privateIp } = await untilRunning(instanceId);
    await fixture.lab.observer.describeAgents([instanceId]);
    const commandId = (
      await fixture.lab.observer.sendSelfCheck([instanceId], guestSelfCheckScript('us-east-1'))
    ).get(instanceId)!;
    const result = await fixture.lab.observer.getSelfCheckResult(commandId, instanceId);
    const parsed = parseSelfCheckOutput(result.stdout);
    expect(parsed.ok && parsed.report.ip).not.toBe(privateIp);
    expect(await fixture.lab.observer.consoleOutput(instanceId)).toBe('boot: eth0 up\nhello\n');
  });

  it('tags an image, replacing earlier values', async () => {
    const imageId = await fixture.addImage(healthy);
    await fixture.lab.verdictTags.tagImage(imageId, { 'backup:restore-test-verdict': 'timed-out' });
    await fixture.lab.verdictTags.tagImage(imageId, {
      'backup:restore-test-verdict': 'passed',
      'backup:restore-test-rto-seconds': '42',
    });
    expect(await fixture.tagsOfImage(imageId)).toMatchObject({
      'backup:restore-test-verdict': 'passed',
      'backup:restore-test-rto-seconds': '42',
    });
  });

  it('refuses to launch an image that does not exist, naming the code', async () => {
    await expect(launch('ami-0000000000000dead')).rejects.toMatchObject({
      name: 'AwsRequestError',
      code: 'InvalidAMIID.NotFound',
    });
  });

  if (name.startsWith('EC2')) {
    it('launches isolated: IMDSv2 required, no public IP, the subnet, group and profile, tags on instance and volume', async () => {
      const imageId = await fixture.addImage(healthy);
      const { instanceId } = await launch(imageId, 'rt-params');
      const moto = ec2At(emulator.motoEndpoint, 'us-east-1');
      const instance = (
        await moto.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))
      ).Reservations?.[0]?.Instances?.[0];
      expect(instance?.MetadataOptions).toMatchObject({
        HttpTokens: 'required',
        HttpEndpoint: 'enabled',
      });
      expect(instance?.PublicIpAddress).toBeUndefined();
      expect(instance?.SubnetId).toBe(fixture.network.subnetId);
      // The groups are on the primary interface (moto leaves the instance's own list empty).
      expect(instance?.NetworkInterfaces?.[0]?.Groups?.map((group) => group.GroupId)).toEqual(
        fixture.network.securityGroupIds,
      );
      expect(instance?.IamInstanceProfile?.Arn).toMatch(/instance-profile\/restore-test-profile$/);
      expect(instance?.InstanceType).toBe('t3.micro');
      expect(tagsOf(instance ?? {})).toMatchObject({ 'backup:restore-test-run': 'rt-params' });
      const { volumes } = await restoreTestLeftovers(moto, 'rt-params');
      expect(volumes.map((volume) => volume.Attachments?.[0]?.InstanceId)).toEqual([instanceId]);
    });

    it('a throttled RunInstances surfaces as ThrottledError, so the turn keeps the image queued', async () => {
      const imageId = await fixture.addImage(healthy);
      emulator.testCloud.addFault({ operation: 'ec2:RunInstances', fault: 'throttle', times: 1 });
      await expect(launch(imageId)).rejects.toMatchObject({ name: 'ThrottledError' });
      emulator.testCloud.addFault({
        operation: 'ec2:RunInstances',
        fault: {
          status: 500,
          code: 'InsufficientInstanceCapacity',
          message: 'no t3.micro in us-east-1a',
        },
        times: 1,
      });
      await expect(launch(imageId)).rejects.toMatchObject({
        name: expect.stringMatching(/InsufficientCapacityError|TransientAwsError/),
      });
    });
  }
});
