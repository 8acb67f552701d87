import { InvalidTestCloudSettingError } from '../errors.js';
import { renderAwsError } from '../error-responses.js';
import type { AwsCall } from '../operation-name.js';
import type { PendingHolds } from '../pending-holds.js';
import { DEFAULT_ARTIFACT_BYTES } from './artifact.js';
import { ExportImageTasks, type ExportImageTaskState } from './export-image.js';
import { GuestProfiles, type GuestProfile } from './guest-profiles.js';
import { ImageDeprecations } from './image-deprecation.js';
import { ImageMarkStore, type ImageMarks } from './image-marks.js';
import {
  InventoryReports,
  type DeliveredInventoryReport,
  type InventoryReportRequest,
} from './inventory-report.js';
import type { IncomingHttpHeaders } from 'node:http';
import { MULTIPART_CHECKSUM_BODY_OPERATIONS } from './multipart-checksums.js';
import { emulatedRoutes, type Emulations, type Interception, type Route } from './routes.js';
import { SnapshotLocks, type SnapshotLockInfo } from './snapshot-locks.js';
import { SsmAgent, type SsmCommandRecord } from './ssm-agent.js';
import { RestoreImageTasks } from './restore-image-task.js';
import { StoreImageTasks, type StoreImageTaskState } from './store-image-task.js';
import {
  SyntheticBuckets,
  type SyntheticBucketSpec,
  type SyntheticBucketState,
} from './synthetic-bucket.js';
import { Upstream } from './upstream.js';
import { EmulatedError } from './wire.js';

export type { Interception } from './routes.js';

export interface EmulationSettings {
  /** Size of the objects export and store tasks write. Default 64 KiB. */
  artifactBytes: number;
}

/** Everything the emulated operations remember, for tests to inspect. */
export interface EmulatedState {
  exportImageTasks: ExportImageTaskState[];
  storeImageTasks: StoreImageTaskState[];
  /** Image id → deprecation time (ISO-8601). */
  imageDeprecations: Record<string, string>;
  /** Snapshot id → its lock, in its state as of the call (expired ones too). */
  snapshotLocks: Record<string, SnapshotLockInfo>;
  ssmCommands: SsmCommandRecord[];
  guestProfiles: Record<string, GuestProfile>;
  imageMarks: Record<string, ImageMarks>;
  settings: EmulationSettings;
}

const DEFAULT_SETTINGS: EmulationSettings = { artifactBytes: DEFAULT_ARTIFACT_BYTES };
const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

/** Operations whose (non-form) request body the emulation must read. */
const BODY_OPERATIONS = new Set([
  'ssm:DescribeInstanceInformation',
  'ssm:SendCommand',
  'ssm:GetCommandInvocation',
  's3:PutBucketInventoryConfiguration',
  ...MULTIPART_CHECKSUM_BODY_OPERATIONS,
]);

/**
 * The operations moto lacks (or answers too simply for the product's checks),
 * implemented with documented minimal semantics on top of moto's own state. See
 * emulator/README.md, "Emulated operations".
 */
export class EmulatedCloud {
  private readonly upstream: Upstream;
  private readonly profiles = new GuestProfiles();
  private readonly marks = new ImageMarkStore();
  private readonly deprecations: ImageDeprecations;
  private readonly snapshotLocks: SnapshotLocks;
  private readonly exports: ExportImageTasks;
  private readonly stores: StoreImageTasks;
  private readonly restoreImages: RestoreImageTasks;
  private readonly ssm: SsmAgent;
  private readonly inventory: InventoryReports;
  private readonly synthetic = new SyntheticBuckets();
  /** `service:Operation` → how the test cloud handles it (routes.ts). */
  private readonly routes: ReadonlyMap<string, Route>;
  private settings: EmulationSettings = { ...DEFAULT_SETTINGS };

  constructor(upstreamEndpoint: string, holds: PendingHolds) {
    this.upstream = new Upstream(upstreamEndpoint);
    const artifactBytes = () => this.settings.artifactBytes;
    const taskDeps = { upstream: this.upstream, holds, marks: this.marks, artifactBytes };
    this.deprecations = new ImageDeprecations(this.upstream);
    this.snapshotLocks = new SnapshotLocks(this.upstream);
    this.exports = new ExportImageTasks(taskDeps);
    this.stores = new StoreImageTasks(taskDeps);
    this.restoreImages = new RestoreImageTasks(this.upstream);
    this.ssm = new SsmAgent(this.upstream, this.profiles);
    this.inventory = new InventoryReports(this.upstream);
    const emulations: Emulations = {
      upstream: this.upstream,
      holds,
      profiles: this.profiles,
      marks: this.marks,
      deprecations: this.deprecations,
      snapshotLocks: this.snapshotLocks,
      exports: this.exports,
      stores: this.stores,
      restoreImages: this.restoreImages,
      ssm: this.ssm,
      inventory: this.inventory,
      synthetic: this.synthetic,
    };
    this.routes = emulatedRoutes(emulations);
  }

  /** Whether the call's (non-form) body must be read before intercept(). */
  wantsBody(call: AwsCall): boolean {
    return BODY_OPERATIONS.has(`${call.service}:${call.operation}`);
  }

  /**
   * How to handle the call; undefined: forward it untouched. `url` is the request's path
   * and query (S3 names its bucket there), `headers` the request's.
   */
  async intercept(
    call: AwsCall,
    body: Buffer | undefined,
    url = '/',
    headers: IncomingHttpHeaders = {},
  ): Promise<Interception | undefined> {
    try {
      return await this.route(call, body, url, headers);
    } catch (error) {
      if (error instanceof EmulatedError) return { answer: renderAwsError(call, error.spec) };
      throw error;
    }
  }

  private route(
    call: AwsCall,
    body: Buffer | undefined,
    url: string,
    headers: IncomingHttpHeaders,
  ): Promise<Interception | undefined> | Interception | undefined {
    const route = this.routes.get(`${call.service}:${call.operation}`);
    if (route === undefined) return undefined;
    const region = call.region === 'unknown' ? 'us-east-1' : call.region;
    return route({ region, body, url, headers });
  }

  /** Declares (or redeclares) a synthetic bucket (synthetic-bucket.ts; see the README). */
  defineSyntheticBucket(spec: SyntheticBucketSpec): SyntheticBucketState {
    return this.synthetic.define(spec);
  }

  syntheticBuckets(): SyntheticBucketState[] {
    return this.synthetic.list();
  }

  /** Writes the S3 Inventory report of a configuration into moto's S3 (see the README). */
  deliverInventoryReport(request: InventoryReportRequest): Promise<DeliveredInventoryReport> {
    return this.inventory.deliver(request);
  }

  setGuestProfile(imageId: string, profile: GuestProfile): void {
    this.profiles.set(imageId, profile);
  }

  clearGuestProfiles(): void {
    this.profiles.clear();
  }

  guestProfiles(): Record<string, GuestProfile> {
    return this.profiles.list();
  }

  markImage(imageId: string, marks: ImageMarks): void {
    this.marks.set(imageId, marks);
  }

  clearImageMarks(): void {
    this.marks.clear();
  }

  imageMarks(): Record<string, ImageMarks> {
    return this.marks.list();
  }

  configureEmulation(settings: Partial<EmulationSettings>): EmulationSettings {
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings))
      throw new InvalidTestCloudSettingError('emulation settings must be an object');
    const { artifactBytes, ...rest } = settings as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0)
      throw new InvalidTestCloudSettingError(`unknown emulation setting(s): ${unknown.join(', ')}`);
    if (artifactBytes !== undefined) {
      if (
        typeof artifactBytes !== 'number' ||
        !Number.isInteger(artifactBytes) ||
        artifactBytes < 0 ||
        artifactBytes > MAX_ARTIFACT_BYTES
      )
        throw new InvalidTestCloudSettingError(
          `artifactBytes must be an integer from 0 to ${MAX_ARTIFACT_BYTES}, got ${JSON.stringify(artifactBytes)}`,
        );
      this.settings.artifactBytes = artifactBytes;
    }
    return { ...this.settings };
  }

  emulatedState(): EmulatedState {
    return {
      exportImageTasks: this.exports.list(),
      storeImageTasks: this.stores.list(),
      imageDeprecations: this.deprecations.list(),
      snapshotLocks: this.snapshotLocks.list(),
      ssmCommands: this.ssm.list(),
      guestProfiles: this.profiles.list(),
      imageMarks: this.marks.list(),
      settings: { ...this.settings },
    };
  }

  reset(): void {
    this.profiles.clear();
    this.marks.clear();
    this.deprecations.clear();
    this.snapshotLocks.clear();
    this.exports.clear();
    this.stores.clear();
    this.ssm.clear();
    this.inventory.clear();
    this.synthetic.clear();
    this.settings = { ...DEFAULT_SETTINGS };
  }

  destroy(): void {
    this.upstream.destroy();
  }
}
