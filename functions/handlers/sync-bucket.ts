import { BucketCopyStepEventSchema } from '../core/run-state/bucket-copy.js';
import { syncBucket } from '../steps/sync-bucket.js';
import { objectStoreFor } from './s3-ports.js';
import { lambdaHandler, timeLeft } from './lambda-handler.js';

export const handler = lambdaHandler(BucketCopyStepEventSchema, async (event, context) => {
  const state = await syncBucket(event, {
    source: objectStoreFor(event.run.primaryRegion),
    backup: objectStoreFor(event.item.region),
    hasTime: timeLeft(context, 60_000),
  });
  // The last state joins every other range's in the Map's result: the run context stays out.
  if (!state.done) return state;
  const { run: _run, ...result } = state;
  return result;
});
