import { VolumeRestoreInputSchema } from '../core/run-state/restore-run.js';
import { beginVolumeRestore } from '../steps/begin-volume-restore.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';

export const handler = lambdaHandler(VolumeRestoreInputSchema, (event, context) =>
  beginVolumeRestore(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
  }),
);
