import { RecordBucketCopiesEventSchema } from '../core/run-state/bucket-copy.js';
import { recordBucketCopies } from '../steps/record-bucket-copies.js';
import { recoveryPointCatalog } from './catalog-port.js';
import { objectStoreFor } from './s3-ports.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(RecordBucketCopiesEventSchema, (event, context) =>
  recordBucketCopies(event, {
    storeFor: objectStoreFor,
    catalog: recoveryPointCatalog(context),
    now: new Date(),
  }),
);
