import { VolumeRestoreInputSchema } from '../core/run-state/restore-run.js';
import { createRestoredVolume } from '../steps/create-restored-volume.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';
import { volumeRestoreTargetFor } from './volume-restore-ports.js';

export const handler = lambdaHandler(VolumeRestoreInputSchema, (event, context) =>
  createRestoredVolume(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
    volumes: volumeRestoreTargetFor(event.region),
  }),
);
