import {
  ensureMotoInstalled,
  startMoto,
  startTestCloud,
  type MotoServer,
  type TestCloud,
} from '../../../emulator/index.js';
import { demoConfig, exportBucket } from './demo-config.js';

/** The embedded emulated cloud: moto, and the counting test cloud in front of it. */
export interface DemoCloud {
  moto: MotoServer;
  testCloud: TestCloud;
}

export async function startDemoCloud(): Promise<DemoCloud> {
  await ensureMotoInstalled();
  const moto = await startMoto();
  const testCloud = await startTestCloud({ upstream: moto.endpoint });
  return { moto, testCloud };
}

export async function stopDemoCloud({ moto, testCloud }: DemoCloud): Promise<void> {
  await testCloud.stop();
  await moto.stop();
}

/**
 * Points the SDK (and the product's handlers, which read the same variables) at the test
 * cloud, with dummy credentials; returns the function that puts `process.env` back.
 */
export function pointSdkAtDemoCloud(cloud: DemoCloud): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: cloud.testCloud.endpoint,
    AWS_ACCESS_KEY_ID: 'demo',
    AWS_SECRET_ACCESS_KEY: 'demo',
    AWS_REGION: demoConfig.primaryRegion,
    EXPORT_BUCKET_NAME: exportBucket,
    EXPORT_ROLE_NAME: 'backup-orchestrator-vmimport',
  });
  return () => {
    process.env = saved;
  };
}
