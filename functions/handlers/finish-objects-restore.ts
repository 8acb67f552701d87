import { ObjectsRestoreStateSchema } from '../core/run-state/objects-restore-run.js';
import { finishObjectsRestore } from '../steps/finish-objects-restore.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';

export const handler = lambdaHandler(ObjectsRestoreStateSchema, (event, context) =>
  finishObjectsRestore(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
  }),
);
