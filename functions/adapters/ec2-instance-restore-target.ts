import {
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  paginateDescribeInstances,
  RunInstancesCommand,
  type Instance,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { TagKeys } from '../core/tag-keys.js';
import type {
  InstanceRestoreTarget,
  LaunchRestoredInstanceRequest,
  RestorableImage,
  RestoredInstance,
  RestoreSubnet,
} from '../ports/instance-restore-target.js';
import { deletedOnTermination, hardenedLaunchInput } from './ec2-hardened-launch.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { Ec2RestoreCleanup } from './ec2-restore-cleanup.js';
import { toTags } from './ec2-volume-inventory.js';

const notFound = /NotFound|Malformed|InvalidInstanceType|InvalidParameterValue/;

/** EC2 for instance restores (functions/ports/instance-restore-target.ts), on the SDK. */
export class Ec2InstanceRestoreTarget implements InstanceRestoreTarget {
  private readonly ec2: EC2Client;
  private readonly terminator: Ec2RestoreCleanup;

  constructor(
    readonly region: string,
    clients: { ec2?: EC2Client } = {},
  ) {
    this.ec2 = clients.ec2 ?? new EC2Client(awsClientConfig(region));
    this.terminator = new Ec2RestoreCleanup(region, { ec2: this.ec2 });
  }

  async describeImage(imageId: string): Promise<RestorableImage | undefined> {
    const image = (
      await this.orAbsent('DescribeImages', () =>
        this.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })),
      )
    )?.Images?.[0];
    return image
      ? {
          imageId,
          state: image.State ?? 'pending',
          ownerId: image.OwnerId ?? '',
          tags: toTags(image.Tags),
        }
      : undefined;
  }

  async describeSubnet(subnetId: string): Promise<RestoreSubnet | undefined> {
    const subnet = (
      await this.orAbsent('DescribeSubnets', () =>
        this.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] })),
      )
    )?.Subnets?.[0];
    return subnet
      ? { subnetId, vpcId: subnet.VpcId ?? '', availabilityZone: subnet.AvailabilityZone ?? '' }
      : undefined;
  }

  async securityGroupVpcs(groupIds: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    // One by one: EC2 refuses the whole call when one id does not exist.
    for (const groupId of groupIds) {
      const group = (
        await this.orAbsent('DescribeSecurityGroups', () =>
          this.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })),
        )
      )?.SecurityGroups?.[0];
      if (group) found.set(groupId, group.VpcId ?? '');
    }
    return found;
  }

  async instanceTypeExists(instanceType: string): Promise<boolean> {
    const output = await this.orAbsent('DescribeInstanceTypes', () =>
      this.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as never] })),
    );
    return (output?.InstanceTypes?.length ?? 0) > 0;
  }

  async keyPairExists(keyName: string): Promise<boolean> {
    const output = await this.orAbsent('DescribeKeyPairs', () =>
      this.ec2.send(new DescribeKeyPairsCommand({ KeyNames: [keyName] })),
    );
    return (output?.KeyPairs?.length ?? 0) > 0;
  }

  async sourceInstanceType(instanceId: string): Promise<string | undefined> {
    const [instance] = await this.describe([{ Name: 'instance-id', Values: [instanceId] }]);
    return instance?.InstanceType;
  }

  async dryRunLaunch(request: LaunchRestoredInstanceRequest): Promise<string | undefined> {
    try {
      await this.ec2.send(
        new RunInstancesCommand({ ...(await this.runInput(request)), DryRun: true }),
      );
      return 'the endpoint ignored DryRun and answered the call';
    } catch (error) {
      const code = (error as Error).name;
      if (code === 'DryRunOperation') return undefined;
      const translated = translateAwsError('RunInstances', error);
      if (translated.name === 'ThrottledError' || translated.name === 'TransientAwsError')
        throw translated;
      return `${code}: ${(error as Error).message}`;
    }
  }

  async launch(request: LaunchRestoredInstanceRequest): Promise<RestoredInstance> {
    try {
      const output = await this.ec2.send(new RunInstancesCommand(await this.runInput(request)));
      const instance = output.Instances?.[0];
      if (!instance?.InstanceId)
        throw new Error(`RunInstances of ${request.imageId} returned no instance`);
      return toRestoredInstance(instance, output.OwnerId ?? '');
    } catch (error) {
      throw translateAwsError('RunInstances', error);
    }
  }

  async describeInstance(instanceId: string): Promise<RestoredInstance | undefined> {
    const [instance] = await this.describe([{ Name: 'instance-id', Values: [instanceId] }]);
    return instance ? toRestoredInstance(instance, instance.ownerId) : undefined;
  }

  async findRestoreInstances(restoreId: string): Promise<RestoredInstance[]> {
    const found = await this.describe([
      { Name: `tag:${TagKeys.restoreId}`, Values: [restoreId] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ]);
    return found.map((instance) => toRestoredInstance(instance, instance.ownerId));
  }

  async terminate(instanceIds: string[]): Promise<void> {
    await this.terminator.terminate(instanceIds);
  }

  private async describe(
    filters: { Name: string; Values: string[] }[],
  ): Promise<(Instance & { ownerId: string })[]> {
    const found: (Instance & { ownerId: string })[] = [];
    try {
      for await (const page of paginateDescribeInstances(
        { client: this.ec2, pageSize: 1000 },
        { Filters: filters },
      )) {
        for (const reservation of page.Reservations ?? []) {
          found.push(
            ...(reservation.Instances ?? []).map((instance) => ({
              ...instance,
              ownerId: reservation.OwnerId ?? '',
            })),
          );
        }
      }
    } catch (error) {
      throw translateAwsError('DescribeInstances', error);
    }
    return found;
  }

  /** RunInstances as a restore makes it: IMDSv2 required, no public IP unless asked, volumes deleted with it. */
  private async runInput(
    request: LaunchRestoredInstanceRequest,
  ): Promise<RunInstancesCommandInput> {
    const tags = Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value }));
    return {
      ...hardenedLaunchInput(request),
      ...(request.instanceProfile ? { IamInstanceProfile: { Name: request.instanceProfile } } : {}),
      ...(request.keyName ? { KeyName: request.keyName } : {}),
      BlockDeviceMappings: await this.deleteOnTermination(request.imageId),
      TagSpecifications: (['instance', 'volume'] as const).map((ResourceType) => ({
        ResourceType,
        Tags: tags,
      })),
    };
  }

  /** The image's EBS mappings, each deleted with the instance (a clean-up then leaves no volume). */
  private async deleteOnTermination(imageId: string) {
    const image = (
      await this.orAbsent('DescribeImages', () =>
        this.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })),
      )
    )?.Images?.[0];
    return deletedOnTermination(image?.BlockDeviceMappings);
  }

  private async orAbsent<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (notFound.test((error as Error).name)) return undefined;
      throw translateAwsError(operation, error);
    }
  }
}

function toRestoredInstance(instance: Instance, ownerId: string): RestoredInstance {
  const reason = instance.StateReason;
  return {
    instanceId: instance.InstanceId ?? '',
    state: instance.State?.Name ?? 'pending',
    ownerId,
    ...(reason?.Code || reason?.Message
      ? { stateReason: `${reason.Code ?? ''}: ${reason.Message ?? ''}` }
      : {}),
    tags: toTags(instance.Tags),
  };
}
