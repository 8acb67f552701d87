import {
  CreateTagsCommand,
  DeleteNetworkInterfaceCommand,
  DeleteVolumeCommand,
  DescribeImagesCommand,
  EC2Client,
  GetConsoleOutputCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  paginateDescribeInstanceStatus,
  paginateDescribeInstances,
  paginateDescribeNetworkInterfaces,
  paginateDescribeVolumes,
  type BlockDeviceMapping,
  type Filter,
  type Instance,
  type ResourceType,
} from '@aws-sdk/client-ec2';
import {
  GetCommandInvocationCommand,
  SSMClient,
  SendCommandCommand,
  paginateDescribeInstanceInformation,
} from '@aws-sdk/client-ssm';
import { toBatches } from '../core/batching.js';
import { ManagedByValue, TagKeys, type Tags } from '../core/tag-keys.js';
import {
  InsufficientCapacityError,
  type AgentInfo,
  type LabInstance,
  type LabInstanceStatus,
  type LabNetworkInterface,
  type LabVolume,
  type LaunchRequest,
  type RestoreLab,
  type SelfCheckResult,
} from '../ports/restore-lab.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { toTags } from './ec2-volume-inventory.js';

/** EC2 filters take up to 200 values; DescribeInstanceStatus 100 ids; SSM 50 instance ids. */
const filterValuesLimit = 200;
const statusIdsLimit = 100;
const ssmIdsLimit = 50;

const capacityCodes = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'InsufficientHostCapacity',
  'InsufficientReservedInstanceCapacity',
]);
const liveStates = ['pending', 'running', 'stopping', 'stopped'];
const pendingCommandStatuses = new Set(['Pending', 'InProgress', 'Delayed']);

/**
 * The restore-test lab on EC2 and SSM in one region: launches images in the isolated test subnet
 * (no public IP, IMDSv2 required, every volume deleted with the instance), observes them with
 * one call per question, runs the guest self-check through SSM Run Command, and cleans up by tag.
 */
export class Ec2SsmRestoreLab implements RestoreLab {
  private readonly ec2: EC2Client;
  private readonly ssm: SSMClient;

  constructor(
    readonly region: string,
    clients: { ec2?: EC2Client; ssm?: SSMClient } = {},
  ) {
    this.ec2 = clients.ec2 ?? new EC2Client(awsClientConfig(region));
    this.ssm = clients.ssm ?? new SSMClient(awsClientConfig(region));
  }

  async launch(request: LaunchRequest): Promise<LabInstance> {
    const blockDevices = await this.deleteOnTermination(request.imageId);
    const tags = Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value }));
    try {
      const output = await this.ec2.send(
        new RunInstancesCommand({
          ImageId: request.imageId,
          InstanceType: request.instanceType as never,
          MinCount: 1,
          MaxCount: 1,
          ClientToken: request.clientToken,
          IamInstanceProfile: request.instanceProfile.startsWith('arn:')
            ? { Arn: request.instanceProfile }
            : { Name: request.instanceProfile },
          MetadataOptions: {
            HttpTokens: 'required',
            HttpEndpoint: 'enabled',
            HttpPutResponseHopLimit: 1,
          },
          NetworkInterfaces: [
            {
              DeviceIndex: 0,
              SubnetId: request.subnetId,
              Groups: request.securityGroupIds,
              AssociatePublicIpAddress: false,
              DeleteOnTermination: true,
            },
          ],
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

  findTestInstances(runId?: string): Promise<LabInstance[]> {
    return this.instances([
      runId
        ? { Name: `tag:${TagKeys.restoreTestRun}`, Values: [runId] }
        : { Name: 'tag-key', Values: [TagKeys.restoreTestRun] },
      { Name: `tag:${TagKeys.managedBy}`, Values: [ManagedByValue] },
      { Name: 'instance-state-name', Values: liveStates },
    ]);
  }

  async describeInstances(instanceIds: string[]): Promise<LabInstance[]> {
    const found: LabInstance[] = [];
    // A filter (unlike InstanceIds) tolerates ids that no longer exist.
    for (const ids of toBatches(instanceIds, filterValuesLimit)) {
      found.push(...(await this.instances([{ Name: 'instance-id', Values: ids }])));
    }
    return found;
  }

  async describeInstanceStatus(instanceIds: string[]): Promise<LabInstanceStatus[]> {
    const found: LabInstanceStatus[] = [];
    try {
      for (const ids of toBatches(instanceIds, statusIdsLimit)) {
        const pages = paginateDescribeInstanceStatus(
          { client: this.ec2 },
          { InstanceIds: ids, IncludeAllInstances: true },
        );
        for await (const page of pages) {
          for (const status of page.InstanceStatuses ?? []) {
            found.push({
              instanceId: status.InstanceId ?? '',
              instanceStatus: checkStatus(status.InstanceStatus),
              systemStatus: checkStatus(status.SystemStatus),
            });
          }
        }
      }
    } catch (error) {
      throw translateAwsError('DescribeInstanceStatus', error);
    }
    return found;
  }

  async describeAgents(instanceIds: string[]): Promise<AgentInfo[]> {
    const found: AgentInfo[] = [];
    try {
      for (const ids of toBatches(instanceIds, ssmIdsLimit)) {
        const pages = paginateDescribeInstanceInformation(
          { client: this.ssm },
          { Filters: [{ Key: 'InstanceIds', Values: ids }] },
        );
        for await (const page of pages) {
          for (const info of page.InstanceInformationList ?? []) {
            if (info.InstanceId) {
              found.push({ instanceId: info.InstanceId, pingStatus: info.PingStatus ?? 'Unknown' });
            }
          }
        }
      }
    } catch (error) {
      throw translateAwsError('DescribeInstanceInformation', error);
    }
    return found;
  }

  async sendSelfCheck(instanceIds: string[], script: string): Promise<Map<string, string>> {
    const commands = new Map<string, string>();
    for (const ids of toBatches(instanceIds, ssmIdsLimit)) {
      try {
        const commandId = await this.send(ids, script);
        for (const id of ids) commands.set(id, commandId);
      } catch (error) {
        // SSM refuses the whole call when one instance is not ready; ask the others one by one.
        if (!isNotReady(error) || ids.length === 1) {
          if (isNotReady(error)) continue;
          throw translateAwsError('SendCommand', error);
        }
        for (const id of ids) {
          try {
            commands.set(id, await this.send([id], script));
          } catch (single) {
            if (!isNotReady(single)) throw translateAwsError('SendCommand', single);
          }
        }
      }
    }
    return commands;
  }

  async getSelfCheckResult(commandId: string, instanceId: string): Promise<SelfCheckResult> {
    try {
      const output = await this.ssm.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
      );
      const status = output.Status ?? 'Pending';
      return {
        instanceId,
        commandId,
        status: pendingCommandStatuses.has(status)
          ? 'pending'
          : status === 'Success'
            ? 'success'
            : 'failed',
        detail: output.StatusDetails ?? status,
        stdout: output.StandardOutputContent ?? '',
        stderr: output.StandardErrorContent ?? '',
      };
    } catch (error) {
      // Right after SendCommand the invocation may not be visible yet.
      if ((error as Error).name === 'InvocationDoesNotExist') {
        return {
          instanceId,
          commandId,
          status: 'pending',
          detail: 'NotYetVisible',
          stdout: '',
          stderr: '',
        };
      }
      throw translateAwsError('GetCommandInvocation', error);
    }
  }

  async consoleOutput(instanceId: string): Promise<string | undefined> {
    const read = async (latest: boolean) => {
      const output = await this.ec2.send(
        new GetConsoleOutputCommand({
          InstanceId: instanceId,
          ...(latest ? { Latest: true } : {}),
        }),
      );
      return output.Output ? Buffer.from(output.Output, 'base64').toString('utf8') : undefined;
    };
    try {
      return await read(true);
    } catch (error) {
      // Latest=true is for Nitro instances only; older types answer with the buffered output.
      if ((error as Error).name !== 'UnsupportedOperation') {
        throw translateAwsError('GetConsoleOutput', error);
      }
    }
    try {
      return await read(false);
    } catch (error) {
      throw translateAwsError('GetConsoleOutput', error);
    }
  }

  async terminate(instanceIds: string[]): Promise<{ instanceId: string; state: string }[]> {
    if (instanceIds.length === 0) return [];
    try {
      const output = await this.ec2.send(
        new TerminateInstancesCommand({ InstanceIds: instanceIds }),
      );
      return (output.TerminatingInstances ?? []).map((change) => ({
        instanceId: change.InstanceId ?? '',
        state: change.CurrentState?.Name ?? 'shutting-down',
      }));
    } catch (error) {
      if ((error as Error).name !== 'InvalidInstanceID.NotFound') {
        throw translateAwsError('TerminateInstances', error);
      }
    }
    // One id is gone (so nothing was terminated): the others one by one; the gone count as terminated.
    const states: { instanceId: string; state: string }[] = [];
    for (const id of instanceIds) {
      try {
        const output = await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
        states.push({
          instanceId: id,
          state: output.TerminatingInstances?.[0]?.CurrentState?.Name ?? 'shutting-down',
        });
      } catch (error) {
        if ((error as Error).name !== 'InvalidInstanceID.NotFound') {
          throw translateAwsError('TerminateInstances', error);
        }
        states.push({ instanceId: id, state: 'terminated' });
      }
    }
    return states;
  }

  async findTestVolumes(): Promise<LabVolume[]> {
    const volumes: LabVolume[] = [];
    try {
      const pages = paginateDescribeVolumes(
        { client: this.ec2, pageSize: 500 },
        { Filters: testResourceFilters() },
      );
      for await (const page of pages) {
        for (const volume of page.Volumes ?? []) {
          volumes.push({
            volumeId: volume.VolumeId ?? '',
            state: volume.State ?? 'unknown',
            tags: toTags(volume.Tags),
          });
        }
      }
    } catch (error) {
      throw translateAwsError('DescribeVolumes', error);
    }
    return volumes;
  }

  async findTestNetworkInterfaces(): Promise<LabNetworkInterface[]> {
    const found: LabNetworkInterface[] = [];
    try {
      const pages = paginateDescribeNetworkInterfaces(
        { client: this.ec2, pageSize: 500 },
        { Filters: testResourceFilters() },
      );
      for await (const page of pages) {
        for (const eni of page.NetworkInterfaces ?? []) {
          found.push({
            networkInterfaceId: eni.NetworkInterfaceId ?? '',
            status: eni.Status ?? 'unknown',
            tags: toTags(eni.TagSet),
          });
        }
      }
    } catch (error) {
      throw translateAwsError('DescribeNetworkInterfaces', error);
    }
    return found;
  }

  async deleteVolume(volumeId: string): Promise<void> {
    try {
      await this.ec2.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
    } catch (error) {
      if ((error as Error).name !== 'InvalidVolume.NotFound') {
        throw translateAwsError('DeleteVolume', error);
      }
    }
  }

  async deleteNetworkInterface(networkInterfaceId: string): Promise<void> {
    try {
      await this.ec2.send(
        new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: networkInterfaceId }),
      );
    } catch (error) {
      if ((error as Error).name !== 'InvalidNetworkInterfaceID.NotFound') {
        throw translateAwsError('DeleteNetworkInterface', error);
      }
    }
  }

  async tagImage(imageId: string, tags: Tags): Promise<void> {
    try {
      await this.ec2.send(
        new CreateTagsCommand({
          Resources: [imageId],
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    } catch (error) {
      throw translateAwsError('CreateTags', error);
    }
  }

  private async send(instanceIds: string[], script: string): Promise<string> {
    const output = await this.ssm.send(
      new SendCommandCommand({
        InstanceIds: instanceIds,
        DocumentName: 'AWS-RunShellScript',
        Comment: 'backup-orchestrator restore test: network self-check',
        TimeoutSeconds: 60,
        Parameters: { commands: script.split('\n'), executionTimeout: ['60'] },
      }),
    );
    const commandId = output.Command?.CommandId;
    if (!commandId) throw new Error('SendCommand returned no command id');
    return commandId;
  }

  /** The image's EBS mappings, each deleted on termination (so a test leaves no volume behind). */
  private async deleteOnTermination(imageId: string): Promise<BlockDeviceMapping[]> {
    try {
      const output = await this.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
      // The image's own snapshot, size and type are repeated (EC2 accepts it; moto needs it).
      return (output.Images?.[0]?.BlockDeviceMappings ?? []).flatMap((mapping) => {
        const ebs = mapping.Ebs;
        if (!ebs || !mapping.DeviceName) return [];
        return [
          {
            DeviceName: mapping.DeviceName,
            Ebs: {
              DeleteOnTermination: true,
              ...(ebs.SnapshotId ? { SnapshotId: ebs.SnapshotId } : {}),
              ...(ebs.VolumeSize !== undefined ? { VolumeSize: ebs.VolumeSize } : {}),
              ...(ebs.VolumeType ? { VolumeType: ebs.VolumeType } : {}),
              ...(ebs.Iops !== undefined ? { Iops: ebs.Iops } : {}),
              ...(ebs.Throughput !== undefined ? { Throughput: ebs.Throughput } : {}),
            },
          },
        ];
      });
    } catch (error) {
      throw translateAwsError('DescribeImages', error);
    }
  }

  private async instances(filters: Filter[]): Promise<LabInstance[]> {
    const found: LabInstance[] = [];
    try {
      const pages = paginateDescribeInstances(
        { client: this.ec2, pageSize: 1000 },
        { Filters: filters },
      );
      for await (const page of pages) {
        for (const reservation of page.Reservations ?? []) {
          found.push(...(reservation.Instances ?? []).map(toLabInstance));
        }
      }
    } catch (error) {
      throw translateAwsError('DescribeInstances', error);
    }
    return found;
  }
}

function testResourceFilters(): Filter[] {
  return [
    { Name: 'tag-key', Values: [TagKeys.restoreTestRun] },
    { Name: `tag:${TagKeys.managedBy}`, Values: [ManagedByValue] },
  ];
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

/** SSM's way of saying an instance's agent cannot take commands (yet). */
function isNotReady(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'InvalidInstanceId';
}

/** An instance or system check; a failed reachability detail counts as impaired. */
function checkStatus(
  summary: { Status?: string; Details?: { Name?: string; Status?: string }[] } | undefined,
): string {
  const reachability = summary?.Details?.find((detail) => detail.Name === 'reachability');
  if (reachability?.Status === 'failed') return 'impaired';
  return summary?.Status ?? 'not-applicable';
}

function toLabInstance(instance: Instance): LabInstance {
  const primary = instance.NetworkInterfaces?.find((eni) => eni.Attachment?.DeviceIndex === 0);
  const privateIp = primary?.PrivateIpAddress ?? instance.PrivateIpAddress;
  const reason = instance.StateReason;
  return {
    instanceId: instance.InstanceId ?? '',
    imageId: instance.ImageId ?? '',
    state: instance.State?.Name ?? 'pending',
    ...(privateIp ? { privateIp } : {}),
    ...(reason?.Code ? { stateReason: `${reason.Code}: ${reason.Message ?? ''}`.trim() } : {}),
    ...(instance.LaunchTime ? { launchTime: instance.LaunchTime.toISOString() } : {}),
    tags: toTags(instance.Tags),
  };
}
