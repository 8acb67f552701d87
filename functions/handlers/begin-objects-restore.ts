import { ObjectsRestoreInputSchema } from '../core/run-state/objects-restore-run.js';
import { beginObjectsRestore } from '../steps/begin-objects-restore.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';

export const handler = lambdaHandler(ObjectsRestoreInputSchema, (event, context) =>
  beginObjectsRestore(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
  }),
);
