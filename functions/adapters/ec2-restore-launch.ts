import {
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
  type BlockDeviceMapping,
  type ResourceType,
} from '@aws-sdk/client-ec2';
import type { LabInstance } from '../ports/restore-lab.js';
import {
  InsufficientCapacityError,
  type LaunchRequest,
  type RestoreLaunch,
} from '../ports/restore-launch.js';
import { deletedOnTermination, hardenedLaunchInput } from './ec2-hardened-launch.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { toLabInstance } from './ec2-lab-instances.js';

const capacityCodes = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'InsufficientHostCapacity',
  'InsufficientReservedInstanceCapacity',
]);

/**
 * Launches restore tests on EC2: in the isolated test subnet, no public IP, IMDSv2 required,
 * every volume deleted with the instance (docs/adr/0005-restore-tests.md, decisions 5 and 6).
 */
export class Ec2RestoreLaunch implements RestoreLaunch {
  private readonly ec2: EC2Client;

  constructor(
    readonly region: string,
    clients: { ec2?: EC2Client } = {},
  ) {
    this.ec2 = clients.ec2 ?? new EC2Client(awsClientConfig(region));
  }

  async launch(request: LaunchRequest): Promise<LabInstance> {
    const blockDevices = await this.deleteOnTermination(request.imageId);
    const tags = Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value }));
    try {
      const output = await this.ec2.send(
        new RunInstancesCommand({
          ...hardenedLaunchInput({ ...request, associatePublicIpAddress: false }),
          IamInstanceProfile: request.instanceProfile.startsWith('arn:')
            ? { Arn: request.instanceProfile }
            : { Name: request.instanceProfile },
          // A guest that powers itself off is gone for good, not a stopped machine that still costs.
          InstanceInitiatedShutdownBehavior: 'terminate',
          ...(blockDevices.length > 0 ? { BlockDeviceMappings: blockDevices } : {}),
          ...(tags.length > 0
            ? {
                TagSpecifications: (
                  ['instance', 'volume', 'network-interface'] as ResourceType[]
                ).map((ResourceType) => ({ ResourceType, Tags: tags })),
              }
            : {}),
        }),
      );
      const instance = output.Instances?.[0];
      if (!instance?.InstanceId) {
        throw new Error(`RunInstances of ${request.imageId} returned no instance`);
      }
      return toLabInstance({ ...instance, Tags: instance.Tags ?? tags });
    } catch (error) {
      throw translateAwsError('RunInstances', error, capacityErrors('RunInstances'));
    }
  }

  /** The image's EBS mappings, each deleted on termination (so a test leaves no volume behind). */
  private async deleteOnTermination(imageId: string): Promise<BlockDeviceMapping[]> {
    try {
      const output = await this.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
      return deletedOnTermination(output.Images?.[0]?.BlockDeviceMappings);
    } catch (error) {
      throw translateAwsError('DescribeImages', error);
    }
  }
}

function capacityErrors(operation: string): Record<string, (cause: Error) => Error> {
  return Object.fromEntries(
    [...capacityCodes].map((code) => [
      code,
      (cause: Error) =>
        new InsufficientCapacityError(operation, `${code}: ${cause.message}`, { cause }),
    ]),
  );
}
