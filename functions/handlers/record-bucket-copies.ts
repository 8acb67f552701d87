import { RecordBucketCopiesEventSchema } from '../core/bucket-copy-state.js';
import { recordBucketCopies } from '../steps/record-bucket-copy.js';
import { objectStoreFor, recoveryPointCatalog } from './aws-ports.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(RecordBucketCopiesEventSchema, (event) =>
  recordBucketCopies(event, {
    storeFor: objectStoreFor,
    catalog: recoveryPointCatalog(),
    now: new Date(),
  }),
);
