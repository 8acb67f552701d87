import {
  DeleteNetworkInterfaceCommand,
  DeleteVolumeCommand,
  EC2Client,
  TerminateInstancesCommand,
  paginateDescribeNetworkInterfaces,
  paginateDescribeVolumes,
  type Filter,
} from '@aws-sdk/client-ec2';
import { ManagedByValue, TagKeys } from '../core/tag-keys.js';
import type { LabNetworkInterface, LabVolume, RestoreCleanup } from '../ports/restore-cleanup.js';
import type { LabInstance } from '../ports/restore-lab.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { toTags } from './ec2-volume-inventory.js';
import { describeLabInstances } from './ec2-lab-instances.js';

const liveStates = ['pending', 'running', 'stopping', 'stopped'];

/**
 * Finds what restore tests left on EC2 by their tags and removes it: terminates test machines,
 * deletes detached test volumes and interfaces (docs/adr/0005-restore-tests.md, decision 5).
 */
export class Ec2RestoreCleanup implements RestoreCleanup {
  private readonly ec2: EC2Client;

  constructor(
    readonly region: string,
    clients: { ec2?: EC2Client } = {},
  ) {
    this.ec2 = clients.ec2 ?? new EC2Client(awsClientConfig(region));
  }

  findTestInstances(runId?: string): Promise<LabInstance[]> {
    return describeLabInstances(this.ec2, [
      runId
        ? { Name: `tag:${TagKeys.restoreTestRun}`, Values: [runId] }
        : { Name: 'tag-key', Values: [TagKeys.restoreTestRun] },
      { Name: `tag:${TagKeys.managedBy}`, Values: [ManagedByValue] },
      { Name: 'instance-state-name', Values: liveStates },
    ]);
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
}

function testResourceFilters(): Filter[] {
  return [
    { Name: 'tag-key', Values: [TagKeys.restoreTestRun] },
    { Name: `tag:${TagKeys.managedBy}`, Values: [ManagedByValue] },
  ];
}
