import { ImageBatchStateSchema } from '../core/run-state/image-batch.js';
import { exportImages } from '../steps/export-images.js';
import { imageExporterFor, imageStoreFor } from './ec2-ports.js';
import { artifactStoreFor } from './s3-ports.js';
import { lambdaHandler, timeLeft } from './lambda-handler.js';

export const handler = lambdaHandler(ImageBatchStateSchema, (event, context) =>
  exportImages(event, {
    images: imageStoreFor(event.run.primaryRegion),
    exporter: imageExporterFor(event.run.primaryRegion),
    artifacts: artifactStoreFor(event.run.primaryRegion),
    hasTime: timeLeft(context),
  }),
);
