import { RestoreBatchStepEventSchema } from '../core/run-state/restore-test-run.js';
import { pacerOf } from '../steps/pacer.js';
import { testRestores } from '../steps/test-restores.js';
import { lambdaHandler, timeLeft } from './lambda-handler.js';
import { restoreLabFor } from './restore-test-ports.js';

export const handler = lambdaHandler(RestoreBatchStepEventSchema, (event, context) => {
  const { launcher, observer, cleanup } = restoreLabFor(event.run.primaryRegion);
  return testRestores(event, {
    launcher,
    observer,
    cleanup,
    pace: pacerOf(event.run.options.runInstancesPerSecond),
    hasTime: timeLeft(context),
    clock: () => new Date(),
  });
});
