import { BucketCopyStateSchema } from '../core/bucket-copy-state.js';
import { recordBucketCopy } from '../steps/record-bucket-copy.js';
import { objectStoreFor, recoveryPointCatalog } from './aws-ports.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(BucketCopyStateSchema, (event) =>
  recordBucketCopy(event, {
    backup: objectStoreFor(event.item.region),
    catalog: recoveryPointCatalog(),
    now: new Date(),
  }),
);
