import { startMoto, type MotoServer } from '../../emulator/moto-server.js';
import {
  startTestCloud,
  type TestCloud,
  type TestCloudOptions,
} from '../../emulator/test-cloud.js';

export interface UseEmulatorOptions {
  /** Put the test cloud in front of moto (true, or its options minus `upstream`). */
  testCloud?: boolean | Omit<TestCloudOptions, 'upstream'>;
}

/** The emulator for one test file; getters throw if read before beforeAll ran. */
export interface Emulator {
  /** Where SDK clients go: the test cloud when present, else moto. Also AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  /** moto itself, for checks that must bypass the test cloud. */
  readonly motoEndpoint: string;
  readonly moto: MotoServer;
  /** Throws if the file did not ask for a test cloud. */
  readonly testCloud: TestCloud;
  /** Empties moto and resets the test cloud's counts, faults and holds. */
  reset(): Promise<void>;
}

export class EmulatorNotStartedError extends Error {
  override readonly name = 'EmulatorNotStartedError';
}

const ENV_KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
] as const;

/**
 * Call at the top of a test file. Starts moto (and the test cloud) in beforeAll, points
 * the SDK at it through the standard environment variables, and stops everything (and
 * restores the environment) in afterAll. State is not reset between tests: call
 * `reset()` where a test needs a clean cloud.
 */
export function useEmulator(options: UseEmulatorOptions = {}): Emulator {
  let moto: MotoServer | undefined;
  let testCloud: TestCloud | undefined;
  const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

  beforeAll(async () => {
    moto = await startMoto();
    if (options.testCloud !== undefined && options.testCloud !== false) {
      const cloudOptions = options.testCloud === true ? {} : options.testCloud;
      testCloud = await startTestCloud({ ...cloudOptions, upstream: moto.endpoint });
    }
    for (const key of ENV_KEYS) {
      const value = process.env[key];
      if (value !== undefined) savedEnv[key] = value;
    }
    process.env.AWS_ENDPOINT_URL = testCloud?.endpoint ?? moto.endpoint;
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    process.env.AWS_REGION ??= 'us-east-1';
  });

  afterAll(async () => {
    for (const key of ENV_KEYS) {
      const saved = savedEnv[key];
      if (saved === undefined) delete process.env[key];
      else process.env[key] = saved;
    }
    await testCloud?.stop();
    await moto?.stop();
    testCloud = undefined;
    moto = undefined;
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) {
      throw new EmulatorNotStartedError(
        `${what} is not running: read it inside a test or hook, after useEmulator's beforeAll`,
      );
    }
    return value;
  };

  return {
    get endpoint() {
      return testCloud?.endpoint ?? started(moto, 'moto').endpoint;
    },
    get motoEndpoint() {
      return started(moto, 'moto').endpoint;
    },
    get moto() {
      return started(moto, 'moto');
    },
    get testCloud() {
      return started(testCloud, 'the test cloud (pass { testCloud: true } to useEmulator)');
    },
    async reset() {
      await started(moto, 'moto').reset();
      testCloud?.reset();
    },
  };
}
