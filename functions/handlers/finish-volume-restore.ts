import { VolumeRestoreStateSchema } from '../core/run-state/restore-run.js';
import { finishVolumeRestore } from '../steps/finish-volume-restore.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';

export const handler = lambdaHandler(VolumeRestoreStateSchema, (event, context) =>
  finishVolumeRestore(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
  }),
);
