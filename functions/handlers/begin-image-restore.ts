import { ImageRestoreInputSchema } from '../core/run-state/restore-run.js';
import { beginImageRestore } from '../steps/begin-image-restore.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';

export const handler = lambdaHandler(ImageRestoreInputSchema, (event, context) =>
  beginImageRestore(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
  }),
);
