import { ImageBatchStepEventSchema } from '../core/run-state/image-batch.js';
import { imageInstances } from '../steps/image-instances.js';
import { pacerOf } from '../steps/pacer.js';
import { imageStoreFor } from './ec2-ports.js';
import { lambdaHandler, timeLeft } from './lambda-handler.js';

export const handler = lambdaHandler(ImageBatchStepEventSchema, (event, context) =>
  imageInstances(event, {
    store: imageStoreFor(event.run.primaryRegion),
    pace: pacerOf(event.run.pacing.createImagesPerSecond),
    hasTime: timeLeft(context),
  }),
);
