import { PlanBucketCopiesEventSchema } from '../core/run-state/bucket-copy.js';
import { planBucketCopies } from '../steps/plan-bucket-copies.js';
import { recoveryPointCatalog } from './catalog-port.js';
import { inventoryReportsFor, objectStoreFor } from './s3-ports.js';
import { lambdaHandler, timeLeft } from './lambda-handler.js';

export const handler = lambdaHandler(PlanBucketCopiesEventSchema, (event, context) =>
  planBucketCopies(event, {
    catalog: recoveryPointCatalog(context),
    backupFor: objectStoreFor,
    // Source buckets are in the primary region; their inventory reports are found from there.
    inventory: inventoryReportsFor(event.run.primaryRegion),
    hasTime: timeLeft(context, 30_000),
  }),
);
