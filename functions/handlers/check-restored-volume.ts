import { VolumeRestoreStateSchema } from '../core/run-state/restore-run.js';
import { checkRestoredVolume } from '../steps/check-restored-volume.js';
import { lambdaHandler } from './lambda-handler.js';
import { volumeRestoreTargetFor } from './volume-restore-ports.js';

export const handler = lambdaHandler(VolumeRestoreStateSchema, (event) =>
  checkRestoredVolume(event, { volumes: volumeRestoreTargetFor(event.region) }),
);
