import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatedState, EmulationSettings } from './emulated/emulated-cloud.js';
import type { GuestProfile } from './emulated/guest-profiles.js';
import type { ImageMarks } from './emulated/image-marks.js';
import type {
  DeliveredInventoryReport,
  InventoryReportRequest,
} from './emulated/inventory-report.js';
import type { SyntheticBucketSpec, SyntheticBucketState } from './emulated/synthetic-bucket.js';
import { InvalidFaultRuleError, InvalidHoldError, InvalidTestCloudSettingError } from './errors.js';
import type { FaultRule, FaultRuleState } from './faults.js';
import type { HoldRequest, HoldState } from './pending-holds.js';
import type { RequestCounts } from './request-counter.js';

/** Path prefix of the control API; no AWS API uses it, and these requests are not counted. */
export const CONTROL_PREFIX = '/__test-cloud/';

/** What the test cloud lets a test configure and read, in process or over HTTP. */
export interface TestCloudControls {
  counts(): RequestCounts;
  resetCounts(): void;
  /** Validates the rule (throws InvalidFaultRuleError) and returns its id. */
  addFault(rule: FaultRule): string;
  removeFault(id: string): boolean;
  clearFaults(): void;
  faults(): FaultRuleState[];
  /** Validates the request (throws InvalidHoldError) and returns its id. */
  hold(request: HoldRequest): string;
  clearHolds(): void;
  holds(): HoldState[];
  /**
   * How instances launched from this image behave as SSM-managed guests (validated:
   * throws InvalidTestCloudSettingError). Images without one: agent online at once, healthy.
   */
  setGuestProfile(imageId: string, profile: GuestProfile): void;
  clearGuestProfiles(): void;
  guestProfiles(): Record<string, GuestProfile>;
  /** Marks an image (product codes, export failure); replaces earlier marks of that image. */
  markImage(imageId: string, marks: ImageMarks): void;
  clearImageMarks(): void;
  imageMarks(): Record<string, ImageMarks>;
  /** Changes the given settings and returns them all. */
  configureEmulation(settings: Partial<EmulationSettings>): EmulationSettings;
  /** What the emulated operations remember (tasks, deprecations, commands, profiles, marks). */
  emulatedState(): EmulatedState;
  /**
   * Publishes, now, the S3 Inventory report S3 would deliver for the source bucket's
   * inventory configuration: gzip CSV data files, manifest.json and manifest.checksum in
   * the destination bucket, in moto. Throws InvalidTestCloudSettingError (nothing written)
   * for a bad request or an unknown, disabled, non-CSV or otherwise unemulated configuration.
   */
  deliverInventoryReport(request: InventoryReportRequest): Promise<DeliveredInventoryReport>;
  /**
   * Declares (or redeclares) a synthetic bucket: a bucket of up to 100M generated objects that
   * listings, HeadObject and CopyObject from it answer without moto (emulator/README.md,
   * "Synthetic buckets"). Throws InvalidTestCloudSettingError for a bad declaration.
   */
  defineSyntheticBucket(spec: SyntheticBucketSpec): SyntheticBucketState;
  /** The declared synthetic buckets, with the copies from each acknowledged so far. */
  syntheticBuckets(): SyntheticBucketState[];
  /**
   * The next `times` S3 CopyObject answers report a wrong checksum of the copy (the copy itself
   * is untouched): how a test forces the product's checksum verification to fail.
   */
  corruptCopyChecksums(times: number): void;
  /** Counts, faults, holds and all emulated state back to empty (moto is not touched). */
  reset(): void;
}

type Reply = { status: number; body: unknown };
type Route = (controls: TestCloudControls, body: unknown, param: string) => Reply | Promise<Reply>;

const ok = (body: unknown = { ok: true }): Reply => ({ status: 200, body });

/**
 * The HTTP face of TestCloudControls, for tools outside the test process (benchmarks
 * driving the AWS CLI, a shell):
 *   GET  counts · DELETE counts · GET faults · POST faults {rule} → {id} · DELETE faults
 *   DELETE faults/{id} · GET holds · POST holds (or hold) {request} → {id} · DELETE holds
 *   GET guest-profiles · PUT guest-profiles/{imageId} {profile} · DELETE guest-profiles
 *   GET image-marks · PUT image-marks/{imageId} {marks} · DELETE image-marks
 *   GET emulation · PUT emulation {settings} → settings · GET emulated-state
 *   POST inventory-reports {request, `at` as ISO-8601} → 201 report
 *   GET synthetic-buckets · PUT synthetic-buckets/{name} {spec} → state · POST reset
 */
const ROUTES: Record<string, Route> = {
  'GET counts': (c) => ok(c.counts()),
  'DELETE counts': (c) => {
    c.resetCounts();
    return ok();
  },
  'GET faults': (c) => ok(c.faults()),
  'POST faults': (c, body) => ({ status: 201, body: { id: c.addFault(body as FaultRule) } }),
  'DELETE faults': (c) => {
    c.clearFaults();
    return ok();
  },
  'GET holds': (c) => ok(c.holds()),
  'POST holds': (c, body) => ({ status: 201, body: { id: c.hold(body as HoldRequest) } }),
  'POST hold': (c, body) => ({ status: 201, body: { id: c.hold(body as HoldRequest) } }),
  'DELETE holds': (c) => {
    c.clearHolds();
    return ok();
  },
  'GET guest-profiles': (c) => ok(c.guestProfiles()),
  'PUT guest-profiles/{id}': (c, body, imageId) => {
    c.setGuestProfile(imageId, body as GuestProfile);
    return ok();
  },
  'DELETE guest-profiles': (c) => {
    c.clearGuestProfiles();
    return ok();
  },
  'GET image-marks': (c) => ok(c.imageMarks()),
  'PUT image-marks/{id}': (c, body, imageId) => {
    c.markImage(imageId, body as ImageMarks);
    return ok();
  },
  'DELETE image-marks': (c) => {
    c.clearImageMarks();
    return ok();
  },
  'GET emulation': (c) => ok(c.configureEmulation({})),
  'PUT emulation': (c, body) =>
    ok(c.configureEmulation((body ?? {}) as Partial<EmulationSettings>)),
  'GET emulated-state': (c) => ok(c.emulatedState()),
  'POST corrupt-copy-checksums': (c, body) => {
    const times = (body as { times?: unknown } | null)?.times;
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 0) {
      return {
        status: 400,
        body: {
          error: 'InvalidTestCloudSettingError',
          message: `times must be a whole number >= 0, got ${JSON.stringify(times)}`,
        },
      };
    }
    c.corruptCopyChecksums(times);
    return ok();
  },
  'POST inventory-reports': async (c, body) => ({
    status: 201,
    body: await c.deliverInventoryReport(inventoryReportRequest(body)),
  }),
  'GET synthetic-buckets': (c) => ok(c.syntheticBuckets()),
  'PUT synthetic-buckets/{id}': (c, body, name) =>
    ok(c.defineSyntheticBucket({ ...(body as SyntheticBucketSpec), name })),
  'POST reset': (c) => {
    c.reset();
    return ok();
  },
};

const MAX_BODY_BYTES = 1_000_000;

/** The JSON body of `POST inventory-reports`, its `at` (ISO-8601 or epoch ms) a Date again. */
function inventoryReportRequest(body: unknown): InventoryReportRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidTestCloudSettingError('an inventory report request must be a JSON object');
  const { at, ...rest } = body as Record<string, unknown>;
  if (at === undefined) return rest as unknown as InventoryReportRequest;
  const date = typeof at === 'string' || typeof at === 'number' ? new Date(at) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new InvalidTestCloudSettingError(
      `at must be an ISO-8601 time or epoch milliseconds, got ${JSON.stringify(at)}`,
    );
  }
  return { ...(rest as unknown as InventoryReportRequest), at: date };
}

export async function serveControlRequest(
  req: IncomingMessage,
  res: ServerResponse,
  controls: TestCloudControls,
): Promise<void> {
  const send = ({ status, body }: Reply): void => {
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  };
  const path = new URL(req.url ?? '/', 'http://test-cloud.invalid').pathname.slice(
    CONTROL_PREFIX.length,
  );
  try {
    const body = await readJson(req);
    const faultId = /^faults\/([^/]+)$/.exec(path)?.[1];
    if (req.method === 'DELETE' && faultId !== undefined) {
      send(
        controls.removeFault(faultId)
          ? ok()
          : { status: 404, body: { error: 'NotFound', message: `no fault ${faultId}` } },
      );
      return;
    }
    // `collection/{id}` routes: the last segment is the parameter.
    const parameterised = /^([^/]+)\/([^/]+)$/.exec(path);
    const param = decodeURIComponent(parameterised?.[2] ?? '');
    const route =
      ROUTES[`${req.method} ${path}`] ??
      (parameterised === null ? undefined : ROUTES[`${req.method} ${parameterised[1]}/{id}`]);
    if (route === undefined) {
      send({
        status: 404,
        body: {
          error: 'NotFound',
          message: `no control route ${req.method} ${CONTROL_PREFIX}${path}`,
        },
      });
      return;
    }
    send(await route(controls, body, param));
  } catch (error) {
    if (
      error instanceof InvalidFaultRuleError ||
      error instanceof InvalidHoldError ||
      error instanceof InvalidTestCloudSettingError ||
      error instanceof SyntaxError
    ) {
      send({ status: 400, body: { error: error.name, message: error.message } });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    send({ status: 500, body: { error: 'InternalError', message } });
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new SyntaxError(`control request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}
