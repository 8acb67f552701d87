import { BatchStepEventSchema } from '../core/run-state/volume-batch.js';
import { pacerOf } from '../steps/pacer.js';
import { snapshotVolumes } from '../steps/snapshot-volumes.js';
import { snapshotStoreFor } from './ec2-ports.js';
import { lambdaHandler, timeLeft } from './lambda-handler.js';

export const handler = lambdaHandler(BatchStepEventSchema, (event, context) =>
  snapshotVolumes(event, {
    store: snapshotStoreFor(event.run.primaryRegion),
    pace: pacerOf(event.run.pacing.createSnapshotsPerSecond),
    hasTime: timeLeft(context),
  }),
);
