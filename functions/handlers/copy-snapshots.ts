import { BatchStateSchema } from '../core/run-state/volume-batch.js';
import { copySnapshots } from '../steps/copy-snapshots.js';
import { pacerOf } from '../steps/pacer.js';
import { snapshotStoreFor } from './ec2-ports.js';
import { lambdaHandler, timeLeft } from './lambda-handler.js';

export const handler = lambdaHandler(BatchStateSchema, (event, context) =>
  copySnapshots(event, {
    storeFor: snapshotStoreFor,
    pace: pacerOf(event.run.pacing.copySnapshotsPerSecond),
    hasTime: timeLeft(context),
  }),
);
