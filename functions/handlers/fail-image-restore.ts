import { RestoreFailureEventSchema } from '../core/run-state/restore-run.js';
import { failImageRestore } from '../steps/fail-image-restore.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';
import { imageRestoreTargetFor } from './image-restore-ports.js';

export const handler = lambdaHandler(RestoreFailureEventSchema, (event, context) =>
  failImageRestore(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
    images: imageRestoreTargetFor(event.region),
  }),
);
