import { InvalidTestCloudSettingError } from '../errors.js';
import { renderAwsError, type RenderedResponse } from '../error-responses.js';
import type { AwsCall } from '../operation-name.js';
import type { PendingHolds } from '../pending-holds.js';
import { DEFAULT_ARTIFACT_BYTES } from './artifact.js';
import { guestConsoleOutput } from './console-output.js';
import { copiedImageId, decorateDescribeImages } from './describe-images.js';
import { ExportImageTasks, type ExportImageTaskState } from './export-image.js';
import { GuestProfiles, type GuestProfile } from './guest-profiles.js';
import { ImageDeprecations } from './image-deprecation.js';
import { ImageMarkStore, type ImageMarks } from './image-marks.js';
import {
  InventoryReports,
  type DeliveredInventoryReport,
  type InventoryReportRequest,
} from './inventory-report.js';
import { holdDescribeInstanceStatus, holdDescribeInstances } from './instance-holds.js';
import { SnapshotLocks, type SnapshotLockInfo } from './snapshot-locks.js';
import { SsmAgent, type SsmCommandRecord } from './ssm-agent.js';
import { StoreImageTasks, type StoreImageTaskState } from './store-image-task.js';
import { Upstream } from './upstream.js';
import { EmulatedError, QueryParams } from './wire.js';

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

/** What the test cloud does with a call instead of (or on top of) forwarding it to moto. */
export interface Interception {
  /** Answer this; moto never sees the request. */
  answer?: RenderedResponse;
  /** Forward to moto, then rewrite its successful (2xx) answer. */
  rewrite?: (body: string) => string;
}

const DEFAULT_SETTINGS: EmulationSettings = { artifactBytes: DEFAULT_ARTIFACT_BYTES };
const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

/** Operations whose (non-form) request body the emulation must read. */
const BODY_OPERATIONS = new Set([
  'ssm:DescribeInstanceInformation',
  'ssm:SendCommand',
  'ssm:GetCommandInvocation',
  's3:PutBucketInventoryConfiguration',
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
  private readonly ssm: SsmAgent;
  private readonly inventory: InventoryReports;
  private settings: EmulationSettings = { ...DEFAULT_SETTINGS };

  constructor(
    upstreamEndpoint: string,
    private readonly holds: PendingHolds,
  ) {
    this.upstream = new Upstream(upstreamEndpoint);
    const artifactBytes = () => this.settings.artifactBytes;
    this.deprecations = new ImageDeprecations(this.upstream);
    this.snapshotLocks = new SnapshotLocks(this.upstream);
    this.exports = new ExportImageTasks(this.upstream, holds, this.marks, artifactBytes);
    this.stores = new StoreImageTasks(this.upstream, holds, this.marks, artifactBytes);
    this.ssm = new SsmAgent(this.upstream, this.profiles);
    this.inventory = new InventoryReports(this.upstream);
  }

  /** Whether the call's (non-form) body must be read before intercept(). */
  wantsBody(call: AwsCall): boolean {
    return BODY_OPERATIONS.has(`${call.service}:${call.operation}`);
  }

  /**
   * How to handle the call; undefined: forward it untouched. `url` is the request's path
   * and query (S3 names its bucket there).
   */
  async intercept(
    call: AwsCall,
    body: Buffer | undefined,
    url = '/',
  ): Promise<Interception | undefined> {
    try {
      return await this.route(call, body, url);
    } catch (error) {
      if (error instanceof EmulatedError) return { answer: renderAwsError(call, error.spec) };
      throw error;
    }
  }

  private async route(
    call: AwsCall,
    body: Buffer | undefined,
    url: string,
  ): Promise<Interception | undefined> {
    const region = call.region === 'unknown' ? 'us-east-1' : call.region;
    const answer = (response: RenderedResponse | undefined) =>
      response === undefined ? undefined : { answer: response };
    if (call.service === 'ec2') {
      const params = QueryParams.parse(body);
      switch (call.operation) {
        case 'ExportImage':
          return answer(await this.exports.exportImage(region, params));
        case 'DescribeExportImageTasks':
          return answer(await this.exports.describe(region, params));
        case 'CancelExportTask':
          return params.get('ExportTaskId')?.startsWith('export-ami-') === true
            ? answer(this.exports.cancel(region, params))
            : undefined;
        case 'CreateStoreImageTask':
          return answer(await this.stores.create(region, params));
        case 'DescribeStoreImageTasks':
          return answer(await this.stores.describe(region, params));
        case 'EnableImageDeprecation':
          return answer(await this.deprecations.enable(region, params));
        case 'DisableImageDeprecation':
          return answer(await this.deprecations.disable(region, params));
        case 'LockSnapshot':
          return answer(await this.snapshotLocks.lock(region, params));
        case 'UnlockSnapshot':
          return answer(await this.snapshotLocks.unlock(region, params));
        case 'DescribeLockedSnapshots':
          return answer(this.snapshotLocks.describe(region, params));
        case 'DeleteSnapshot': {
          const snapshotId = params.get('SnapshotId');
          // Unlocked: moto's alone. Expired lock: forgotten once moto has deleted the snapshot.
          if (snapshotId === undefined || !this.snapshotLocks.checkDelete(region, snapshotId))
            return undefined;
          return {
            rewrite: (xml) => {
              this.snapshotLocks.forget(snapshotId);
              return xml;
            },
          };
        }
        case 'GetConsoleOutput':
          return answer(await guestConsoleOutput(this.upstream, this.profiles, region, params));
        case 'DescribeImages':
          return Object.keys(this.deprecations.list()).length > 0 ||
            Object.keys(this.marks.list()).length > 0
            ? { rewrite: (xml) => decorateDescribeImages(xml, this.deprecations, this.marks) }
            : undefined;
        case 'CopyImage': {
          const source = params.get('SourceImageId');
          if (source === undefined || this.marks.get(source) === undefined) return undefined;
          return {
            rewrite: (xml) => {
              const copy = copiedImageId(xml);
              if (copy !== undefined) this.marks.copy(source, copy);
              return xml;
            },
          };
        }
        case 'DescribeInstances':
          return this.holds.hasKind('instance')
            ? { rewrite: (xml) => holdDescribeInstances(this.holds, xml) }
            : undefined;
        case 'DescribeInstanceStatus':
          return this.holds.hasKind('instance')
            ? { rewrite: (xml) => holdDescribeInstanceStatus(this.holds, xml) }
            : undefined;
        default:
          return undefined;
      }
    }
    if (call.service === 'ssm') {
      switch (call.operation) {
        case 'DescribeInstanceInformation':
          return answer(await this.ssm.describeInstanceInformation(region, body));
        case 'SendCommand':
          await this.ssm.checkSendCommand(region, body);
          return { rewrite: (json) => this.ssm.recordSendCommand(region, json) };
        case 'GetCommandInvocation':
          return answer(await this.ssm.getCommandInvocation(region, body));
        default:
          return undefined;
      }
    }
    if (call.service === 's3') return this.routeS3(call, body, url);
    return undefined;
  }

  /** moto keeps inventory configurations lossily: remember what it drops, restore it. */
  private routeS3(call: AwsCall, body: Buffer | undefined, url: string): Interception | undefined {
    const bucket = pathBucket(url);
    if (bucket === undefined) return undefined;
    switch (call.operation) {
      case 'PutBucketInventoryConfiguration': {
        const remember = this.inventory.rememberOnSuccess(bucket, body);
        return remember === undefined
          ? undefined
          : {
              rewrite: (text) => {
                remember();
                return text;
              },
            };
      }
      case 'GetBucketInventoryConfiguration': // also the List (same sub-resource, no id)
        return this.inventory.remembersAny()
          ? { rewrite: (xml) => this.inventory.correctAnswer(bucket, xml) }
          : undefined;
      default:
        return undefined;
    }
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
    this.settings = { ...DEFAULT_SETTINGS };
  }

  destroy(): void {
    this.upstream.destroy();
  }
}

/** The bucket of a path-style S3 request (`/bucket/key?query`), if any. */
function pathBucket(url: string): string | undefined {
  const first = new URL(url, 'http://test-cloud.invalid').pathname.split('/')[1];
  if (first === undefined || first === '') return undefined;
  try {
    return decodeURIComponent(first);
  } catch {
    return undefined;
  }
}
