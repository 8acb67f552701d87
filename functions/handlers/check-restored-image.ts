import { ImageRestoreStateSchema } from '../core/run-state/restore-run.js';
import { checkRestoredImage } from '../steps/check-restored-image.js';
import { imageRestoreTargetFor } from './image-restore-ports.js';
import { lambdaHandler } from './lambda-handler.js';

export const handler = lambdaHandler(ImageRestoreStateSchema, (event) =>
  checkRestoredImage(event, { images: imageRestoreTargetFor(event.region) }),
);
