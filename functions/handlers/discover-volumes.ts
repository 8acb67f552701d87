import { Ec2VolumeInventory } from '../adapters/ec2-volume-inventory.js';
import { DiscoverVolumesEventSchema } from '../core/volume-backup-state.js';
import { logger } from '../observability/powertools.js';
import { discoverVolumes } from '../steps/discover-volumes.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(DiscoverVolumesEventSchema, async (event) => {
  const result = await discoverVolumes(
    event,
    new Ec2VolumeInventory(event.request.config.primaryRegion),
  );
  logger.info('discovered volumes', {
    runId: result.run.runId,
    ...result.discovery,
    batches: result.batches.length,
  });
  return result;
});
