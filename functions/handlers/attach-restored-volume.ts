import { VolumeRestoreStateSchema } from '../core/run-state/restore-run.js';
import { attachRestoredVolume } from '../steps/attach-restored-volume.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';
import { volumeRestoreTargetFor } from './volume-restore-ports.js';

export const handler = lambdaHandler(VolumeRestoreStateSchema, (event, context) =>
  attachRestoredVolume(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
    volumes: volumeRestoreTargetFor(event.region),
  }),
);
