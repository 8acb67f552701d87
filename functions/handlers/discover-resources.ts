import { Ec2InstanceInventory } from '../adapters/ec2-instance-inventory.js';
import { Ec2VolumeInventory } from '../adapters/ec2-volume-inventory.js';
import { TaggingBucketInventory } from '../adapters/tagging-bucket-inventory.js';
import { DiscoverResourcesEventSchema } from '../core/run-state/backup-run.js';
import { logger } from '../observability/powertools.js';
import { discoverResources } from '../steps/discover-resources.js';
import { backupBucketsFromEnvironment } from './backup-buckets.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(DiscoverResourcesEventSchema, async (event) => {
  const region = event.request.config.primaryRegion;
  const result = await discoverResources(
    event,
    {
      volumes: new Ec2VolumeInventory(region),
      instances: new Ec2InstanceInventory(region),
      buckets: new TaggingBucketInventory(region),
    },
    {
      ...(process.env.EXPORT_BUCKET_NAME ? { bucket: process.env.EXPORT_BUCKET_NAME } : {}),
      ...(process.env.EXPORT_ROLE_NAME ? { roleName: process.env.EXPORT_ROLE_NAME } : {}),
      backupBuckets: backupBucketsFromEnvironment(),
    },
  );
  logger.info('discovered resources', {
    runId: result.run.runId,
    ...result.discovery,
    volumeBatches: result.volumeBatches.length,
    imageBatches: result.imageBatches.length,
  });
  return result;
});
