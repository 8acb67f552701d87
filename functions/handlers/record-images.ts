import { ImageBatchStateSchema } from '../core/run-state/image-batch.js';
import { recordImages } from '../steps/record-images.js';
import { recoveryPointCatalog } from './catalog-port.js';
import { imageStoreFor } from './ec2-ports.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(ImageBatchStateSchema, (event, context) =>
  recordImages(event, {
    storeFor: imageStoreFor,
    catalog: recoveryPointCatalog(context),
    now: new Date(),
  }),
);
