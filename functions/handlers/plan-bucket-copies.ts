import { PlanBucketCopiesEventSchema } from '../core/bucket-copy-state.js';
import { planBucketCopies } from '../steps/plan-bucket-copies.js';
import { recoveryPointCatalog } from './aws-ports.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(PlanBucketCopiesEventSchema, (event) =>
  planBucketCopies(event, recoveryPointCatalog()),
);
