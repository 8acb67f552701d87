import { ObjectsRestoreFailureEventSchema } from '../core/run-state/objects-restore-run.js';
import { failObjectsRestore } from '../steps/fail-objects-restore.js';
import { environmentOf, lambdaHandler } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';

export const handler = lambdaHandler(ObjectsRestoreFailureEventSchema, (event, context) =>
  failObjectsRestore(event, {
    store: restoreStorePort(environmentOf(context)),
    clock: () => new Date(),
  }),
);
