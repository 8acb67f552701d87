import { ImageRestoreStateSchema } from '../core/run-state/restore-run.js';
import { finishImageRestore } from '../steps/finish-image-restore.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';

export const handler = lambdaHandler(ImageRestoreStateSchema, (event, context) =>
  finishImageRestore(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
  }),
);
