import {
  paginateDescribeInstances,
  type EC2Client,
  type Filter,
  type Instance,
} from '@aws-sdk/client-ec2';
import type { LabInstance } from '../ports/restore-lab.js';
import { translateAwsError } from './aws-error-translation.js';
import { toTags } from './ec2-volume-inventory.js';

/**
 * DescribeInstances by filters, as lab instances: shared by the restore lab's observation
 * (by id) and clean-up (by tag) adapters. A filter, unlike InstanceIds, tolerates gone ids.
 */
export async function describeLabInstances(
  ec2: EC2Client,
  filters: Filter[],
): Promise<LabInstance[]> {
  const found: LabInstance[] = [];
  try {
    const pages = paginateDescribeInstances({ client: ec2, pageSize: 1000 }, { Filters: filters });
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

export function toLabInstance(instance: Instance): LabInstance {
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
