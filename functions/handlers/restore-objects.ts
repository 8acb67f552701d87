import { ObjectsRestoreStateSchema } from '../core/run-state/objects-restore-run.js';
import { restoreObjects } from '../steps/restore-objects.js';
import { environmentOf, lambdaHandler, timeLeft } from './lambda-handler.js';
import { restoreStorePort } from './restore-store-port.js';
import { objectStoreFor } from './s3-ports.js';

export const handler = lambdaHandler(ObjectsRestoreStateSchema, (event, context) =>
  restoreObjects(event, {
    backup: objectStoreFor(event.recoveryPoint.region),
    target: objectStoreFor(event.region),
    // Stop taking objects with 60 s left: a chunk in flight and the record's update fit in it.
    hasTime: timeLeft(context, 60_000),
    recording: { store: restoreStorePort(environmentOf(context)), clock: () => new Date() },
  }),
);
