import { ImageBatchStateSchema } from '../core/run-state/image-batch.js';
import { copyImages } from '../steps/copy-images.js';
import { pacerOf } from '../steps/pacer.js';
import { imageStoreFor } from './ec2-ports.js';
import { lambdaHandler, timeLeft } from './lambda-handler.js';

export const handler = lambdaHandler(ImageBatchStateSchema, (event, context) =>
  copyImages(event, {
    storeFor: imageStoreFor,
    pace: pacerOf(event.run.pacing.copyImagesPerSecond),
    hasTime: timeLeft(context),
  }),
);
