import { DiscoverResourcesEventSchema } from '../core/run-state/backup-run.js';
import { logger } from '../observability/powertools.js';
import { discoverResources } from '../steps/discover-resources.js';
import { backupBucketsEnvironment } from '../environment/backup-buckets-environment.js';
import { exportEnvironment } from '../environment/export-environment.js';
import { bucketInventoryFor, instanceInventoryFor, volumeInventoryFor } from './inventory-ports.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(DiscoverResourcesEventSchema, async (event, context) => {
  const environment = environmentOf(context);
  const exports = exportEnvironment.read(environment);
  const region = event.request.config.primaryRegion;
  const result = await discoverResources(
    event,
    {
      volumes: volumeInventoryFor(region),
      instances: instanceInventoryFor(region),
      buckets: bucketInventoryFor(region),
    },
    {
      ...(exports.bucketName ? { bucket: exports.bucketName } : {}),
      ...(exports.roleName ? { roleName: exports.roleName } : {}),
      backupBuckets: { ...backupBucketsEnvironment.read(environment).byRegion },
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
