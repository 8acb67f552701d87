import { BucketCopyStepEventSchema } from '../core/bucket-copy-state.js';
import { syncBucket } from '../steps/sync-bucket.js';
import { objectStoreFor } from './aws-ports.js';
import { lambdaHandler, timeLeft } from './lambda-handler.js';

export const handler = lambdaHandler(BucketCopyStepEventSchema, (event, context) =>
  syncBucket(event, {
    source: objectStoreFor(event.run.primaryRegion),
    backup: objectStoreFor(event.item.region),
    hasTime: timeLeft(context, 60_000),
  }),
);
