import { ExitCode } from '../exit-codes.js';
import type { GlobalOptions } from '../global-options.js';
import { printJson, printLines } from '../output.js';
import { startProgress } from '../progress.js';
import { pointSdkAtDemoCloud, startDemoCloud, stopDemoCloud } from './demo/demo-cloud.js';
import { describeDemo } from './demo/describe.js';
import { demoFailed, runDemo } from './demo/story.js';

/**
 * The whole story on the embedded emulator: a tagged estate, validate, one backup run (volume
 * snapshots, an image, DR copies, a portable export), the result read back independently, an
 * idempotent re-run, a restore test with its measured RTO, API calls and cost. Its chapters
 * are in cli/commands/demo/.
 */
export async function demoCommand(options: GlobalOptions): Promise<number> {
  const progress = startProgress('starting the local emulated cloud (moto)');
  const cloud = await startDemoCloud();
  const restoreEnvironment = pointSdkAtDemoCloud(cloud);
  try {
    const report = await runDemo(cloud, progress);
    if (options.json) printJson(report);
    else printLines(describeDemo(report));
    return demoFailed(report) ? ExitCode.somethingFailed : ExitCode.ok;
  } finally {
    restoreEnvironment();
    await stopDemoCloud(cloud);
  }
}
