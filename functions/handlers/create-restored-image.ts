import { ImageRestoreInputSchema } from '../core/run-state/restore-run.js';
import { createRestoredImage } from '../steps/create-restored-image.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';
import { imageRestoreTargetFor } from './image-restore-ports.js';

export const handler = lambdaHandler(ImageRestoreInputSchema, (event, context) =>
  createRestoredImage(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
    images: imageRestoreTargetFor(event.region),
  }),
);
