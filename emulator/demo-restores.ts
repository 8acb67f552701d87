import { DescribeInstancesCommand, DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

/** The bucket the demo restores objects into, created as a user would before a restore. */
export async function createDemoRestoreBucket(region: string, bucket: string): Promise<void> {
  await new S3Client({ region, forcePathStyle: true }).send(
    new CreateBucketCommand({ Bucket: bucket }),
  );
}

/**
 * What the demo's restores left in the cloud, read straight from it (not through the product):
 * volumes and pending/running instances carrying one of the restores' `backup:restore-id`
 * tags, and the objects in the bucket restored into.
 */
export async function restoredResources(
  region: string,
  restoreIdTag: string,
  restoreIds: readonly string[],
  bucket: string,
): Promise<{ volumes: string[]; runningInstances: string[]; restoredKeys: number }> {
  const ec2 = new EC2Client({ region });
  const filter = [{ Name: `tag:${restoreIdTag}`, Values: [...restoreIds] }];
  const volumes = await ec2.send(new DescribeVolumesCommand({ Filters: filter }));
  const instances = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [...filter, { Name: 'instance-state-name', Values: ['pending', 'running'] }],
    }),
  );
  const listed = await new S3Client({ region, forcePathStyle: true }).send(
    new ListObjectsV2Command({ Bucket: bucket }),
  );
  return {
    volumes: (volumes.Volumes ?? []).map((volume) => volume.VolumeId ?? ''),
    runningInstances: (instances.Reservations ?? []).flatMap((reservation) =>
      (reservation.Instances ?? []).map((instance) => instance.InstanceId ?? ''),
    ),
    restoredKeys: listed.KeyCount ?? 0,
  };
}
