import { RestoreFailureEventSchema } from '../core/run-state/restore-run.js';
import { failVolumeRestore } from '../steps/fail-volume-restore.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';
import { volumeRestoreTargetFor } from './volume-restore-ports.js';

export const handler = lambdaHandler(RestoreFailureEventSchema, (event, context) =>
  failVolumeRestore(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
    volumes: volumeRestoreTargetFor(event.region),
  }),
);
