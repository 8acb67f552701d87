import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CONTROL_PREFIX, serveControlRequest, type TestCloudControls } from './control-api.js';
import { CopyChecksumCorruption } from './copy-checksum-corruption.js';
import { EmulatedCloud, type Interception } from './emulated/emulated-cloud.js';
import { FaultAnswers } from './fault-answers.js';
import { FaultInjector } from './faults.js';
import { describeCall, type AwsCall } from './operation-name.js';
import { PendingHolds } from './pending-holds.js';
import { readAll, sendRendered } from './proxy-http.js';
import { RequestCounter } from './request-counter.js';
import { UpstreamProxy } from './upstream-proxy.js';

export { CONTROL_PREFIX, type TestCloudControls } from './control-api.js';
export type { FaultRule, FaultRuleState, FaultKind } from './faults.js';
export type { HoldKind, HoldRequest, HoldState } from './pending-holds.js';
export type { EmulatedState, EmulationSettings } from './emulated/emulated-cloud.js';
export type { GuestProfile, GuestSelfCheck } from './emulated/guest-profiles.js';
export type { ImageMarks } from './emulated/image-marks.js';
export type {
  SnapshotLockInfo,
  SnapshotLockMode,
  SnapshotLockState,
} from './emulated/snapshot-locks.js';
export type { ExportImageTaskState } from './emulated/export-image.js';
export type {
  DeliveredInventoryReport,
  InventoryReportRequest,
} from './emulated/inventory-report.js';
export type { StoreImageTaskState } from './emulated/store-image-task.js';
export type { SyntheticBucketSpec, SyntheticBucketState } from './emulated/synthetic-bucket.js';
export type { SsmCommandRecord, GuestSelfReport } from './emulated/ssm-agent.js';
export type { RequestCounts } from './request-counter.js';

export interface TestCloudOptions {
  /** The moto endpoint to forward to, e.g. `http://127.0.0.1:40123`. */
  upstream: string;
  /** Seed for faults injected at a rate. Default 1. */
  seed?: number;
  /** How long a 'timeout' fault holds a request before dropping it. Default 60 s. */
  timeoutFaultMs?: number;
}

/** The test cloud: a loopback proxy in front of moto that counts, fails and delays. */
export interface TestCloud extends TestCloudControls {
  /** Point SDK clients here (AWS_ENDPOINT_URL). */
  readonly endpoint: string;
  readonly port: number;
  readonly upstream: string;
  stop(): Promise<void>;
}

const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded/i;

/** The test cloud's working parts, one job each. */
interface Parts {
  counter: RequestCounter;
  injector: FaultInjector;
  holds: PendingHolds;
  emulated: EmulatedCloud;
  upstream: UpstreamProxy;
  faultAnswers: FaultAnswers;
  copyCorruption: CopyChecksumCorruption;
}

export async function startTestCloud(options: TestCloudOptions): Promise<TestCloud> {
  const holds = new PendingHolds();
  const parts: Parts = {
    counter: new RequestCounter(),
    injector: new FaultInjector(options.seed ?? 1),
    holds,
    emulated: new EmulatedCloud(options.upstream, holds),
    upstream: new UpstreamProxy(options.upstream),
    faultAnswers: new FaultAnswers(options.timeoutFaultMs ?? 60_000),
    copyCorruption: new CopyChecksumCorruption(),
  };
  const controls = controlsOf(parts);
  const server = createServer((req, res) => {
    serve(parts, controls, req, res).catch((error: unknown) => {
      const text = `test cloud: ${error instanceof Error ? error.message : String(error)}`;
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end(text);
    });
  });
  const port = await listenOnLoopback(server);
  let stopping: Promise<void> | undefined;
  return {
    ...controls,
    endpoint: `http://127.0.0.1:${port}`,
    port,
    upstream: options.upstream,
    stop() {
      stopping ??= stop(server, parts);
      return stopping;
    },
  };
}

/** The in-process control API (control-api.ts serves the same over HTTP). */
function controlsOf(parts: Parts): TestCloudControls {
  const { counter, injector, holds, emulated, copyCorruption } = parts;
  return {
    counts: () => counter.snapshot(),
    resetCounts: () => counter.reset(),
    addFault: (rule) => injector.add(rule),
    removeFault: (id) => injector.remove(id),
    clearFaults: () => injector.clear(),
    faults: () => injector.list(),
    hold: (request) => holds.add(request),
    clearHolds: () => holds.clear(),
    holds: () => holds.list(),
    setGuestProfile: (imageId, profile) => emulated.setGuestProfile(imageId, profile),
    clearGuestProfiles: () => emulated.clearGuestProfiles(),
    guestProfiles: () => emulated.guestProfiles(),
    markImage: (imageId, marks) => emulated.markImage(imageId, marks),
    clearImageMarks: () => emulated.clearImageMarks(),
    imageMarks: () => emulated.imageMarks(),
    configureEmulation: (settings) => emulated.configureEmulation(settings),
    emulatedState: () => emulated.emulatedState(),
    deliverInventoryReport: (request) => emulated.deliverInventoryReport(request),
    defineSyntheticBucket: (spec) => emulated.defineSyntheticBucket(spec),
    syntheticBuckets: () => emulated.syntheticBuckets(),
    corruptCopyChecksums: (times) => copyCorruption.arm(times),
    reset: () => {
      copyCorruption.reset();
      counter.reset();
      injector.clear();
      holds.clear();
      emulated.reset();
    },
  };
}

/**
 * One request: the control API; moto's own API (tooling, not AWS traffic); else an AWS
 * call, counted, then answered with a fault, by an emulation, or by moto (its answer
 * rewritten where holds, an emulation or a checksum corruption say so).
 */
async function serve(
  parts: Parts,
  controls: TestCloudControls,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = req.url ?? '/';
  if (url.startsWith(CONTROL_PREFIX)) return serveControlRequest(req, res, controls);
  if (url.startsWith('/moto-api')) return parts.upstream.forward(req, res, undefined);
  // Query protocols (EC2) name the operation in a form body: read it (it is small).
  let body = FORM_CONTENT_TYPE.test(req.headers['content-type'] ?? '')
    ? await readAll(req)
    : undefined;
  const call = describeCall({
    method: req.method ?? 'GET',
    url,
    headers: req.headers,
    formBody: body?.toString('utf8'),
  });
  const fault = parts.injector.pick(call);
  parts.counter.record(call, fault !== undefined);
  if (fault !== undefined) return parts.faultAnswers.answer(req, res, call, fault);
  // Emulated operations (emulated/): answered here, or moto's answer rewritten.
  if (body === undefined && parts.emulated.wantsBody(call)) body = await readAll(req);
  const interception = await parts.emulated.intercept(call, body, url, req.headers);
  if (interception?.answer !== undefined) return sendRendered(res, interception.answer);
  parts.upstream.forward(req, res, body, rewriteOf(parts, call, interception));
}

/** The rewrites of moto's answer to this call, in order; undefined: stream it untouched. */
function rewriteOf(
  parts: Parts,
  call: AwsCall,
  interception: Interception | undefined,
): ((text: string) => string) | undefined {
  const rewrites: ((text: string) => string)[] = [];
  if (parts.holds.affects(call)) rewrites.push((xml) => parts.holds.rewrite(call, xml));
  if (interception?.rewrite !== undefined) rewrites.push(interception.rewrite);
  const corruption = parts.copyCorruption.take(call);
  if (corruption !== undefined) rewrites.push(corruption);
  return rewrites.length === 0 ? undefined : (text) => rewrites.reduce((t, f) => f(t), text);
}

/** Listens on a free loopback port; resolves with the port. */
async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('test cloud listener has no port');
  return address.port;
}

/** Drops held connections, closes the listener and every socket to clients and to moto. */
function stop(server: Server, parts: Parts): Promise<void> {
  return new Promise<void>((resolve) => {
    parts.faultAnswers.releaseAll();
    server.close(() => resolve());
    server.closeAllConnections();
    parts.upstream.destroy();
    parts.emulated.destroy();
  });
}
