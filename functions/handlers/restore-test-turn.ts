import { RestoreBatchStepEventSchema } from '../core/restore-test-state.js';
import { pacerOf } from '../steps/pacer.js';
import { restoreTestTurn } from '../steps/restore-test-turn.js';
import { lambdaHandler, timeLeft } from './lambda-handler.js';
import { restoreLabFor } from './restore-test-ports.js';

export const handler = lambdaHandler(RestoreBatchStepEventSchema, (event, context) =>
  restoreTestTurn(event, {
    lab: restoreLabFor(event.run.primaryRegion),
    pace: pacerOf(event.run.options.runInstancesPerSecond),
    hasTime: timeLeft(context),
    clock: () => new Date(),
  }),
);
