import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { CONTROL_PREFIX, serveControlRequest, type TestCloudControls } from './control-api.js';
import { EmulatedCloud, type Interception } from './emulated/emulated-cloud.js';
import { renderAwsError, standardError, type RenderedResponse } from './error-responses.js';
import { FaultInjector, type FaultRuleState } from './faults.js';
import { describeCall, type AwsCall } from './operation-name.js';
import { PendingHolds } from './pending-holds.js';
import { RequestCounter } from './request-counter.js';

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

/** Headers that describe one connection, not the message; never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);
/** We already answered `100 Continue` to the client; moto need not do it again. */
const REQUEST_ONLY_DROPS = new Set([...HOP_BY_HOP, 'expect']);
/** Dropped when asking for a response we will rewrite, so it comes back uncompressed. */
const REWRITE_REQUEST_DROPS = new Set([...REQUEST_ONLY_DROPS, 'accept-encoding']);
/** Dropped from a rewritten response: its length and encoding are ours now. */
const REWRITE_RESPONSE_DROPS = new Set([
  ...HOP_BY_HOP,
  'content-length',
  'content-encoding',
  'transfer-encoding',
]);

const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded/i;

export async function startTestCloud(options: TestCloudOptions): Promise<TestCloud> {
  const upstream = new URL(options.upstream);
  const timeoutFaultMs = options.timeoutFaultMs ?? 60_000;
  const counter = new RequestCounter();
  const injector = new FaultInjector(options.seed ?? 1);
  const holds = new PendingHolds();
  const emulated = new EmulatedCloud(options.upstream, holds);
  // Moto's dev server closes every connection, so pooling upstream sockets only risks
  // writing to one it has just closed.
  const agent = new Agent({ keepAlive: false });
  const heldByTimeouts = new Set<{ timer: NodeJS.Timeout; socket: Socket }>();
  let corruptCopiesLeft = 0;

  const controls: TestCloudControls = {
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
    corruptCopyChecksums: (times) => {
      corruptCopiesLeft = times;
    },
    reset: () => {
      corruptCopiesLeft = 0;
      counter.reset();
      injector.clear();
      holds.clear();
      emulated.reset();
    },
  };

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer | undefined,
    rewrite?: (text: string) => string,
  ): void {
    const rewriting = rewrite !== undefined;
    const upstreamReq = httpRequest({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      // Raw headers, Host included, exactly as the client signed them.
      headers: withoutHeaders(
        req.rawHeaders,
        rewriting ? REWRITE_REQUEST_DROPS : REQUEST_ONLY_DROPS,
      ),
      agent,
    });
    upstreamReq.on('error', (error) => {
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      const text = `test cloud: upstream ${options.upstream} failed: ${error.message}`;
      res.writeHead(502, {
        'content-type': 'text/plain',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    upstreamReq.on('response', (upstreamRes) => {
      if (rewrite !== undefined && upstreamRes.statusCode === 200) {
        sendRewritten(upstreamRes, res, rewrite);
        return;
      }
      res.writeHead(
        upstreamRes.statusCode ?? 502,
        upstreamRes.statusMessage,
        withoutHeaders(upstreamRes.rawHeaders, HOP_BY_HOP),
      );
      pipeline(upstreamRes, res, () => undefined); // streamed: S3 object bodies are never buffered
    });
    if (body !== undefined) upstreamReq.end(body);
    else pipeline(req, upstreamReq, () => undefined);
  }

  function injectFault(
    req: IncomingMessage,
    res: ServerResponse,
    call: AwsCall,
    rule: FaultRuleState,
  ): void {
    if (rule.fault === 'timeout') {
      // Never answer; drop the connection later, as a network black hole would.
      const socket = req.socket;
      const entry = {
        socket,
        timer: setTimeout(() => {
          heldByTimeouts.delete(entry);
          socket.destroy();
        }, rule.timeoutMs ?? timeoutFaultMs),
      };
      heldByTimeouts.add(entry);
      socket.once('close', () => {
        clearTimeout(entry.timer);
        heldByTimeouts.delete(entry);
      });
      req.resume();
      return;
    }
    const spec =
      typeof rule.fault === 'string' ? standardError(rule.fault, call.protocol) : rule.fault;
    const rendered = renderAwsError(call, spec);
    // Answer only once the client has finished sending, as a real server would.
    const answer = (): void => {
      res.writeHead(rendered.status, {
        ...rendered.headers,
        'content-length': Buffer.byteLength(rendered.body),
      });
      res.end(rendered.body);
    };
    if (req.readableEnded) answer();
    else req.on('end', answer).resume();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (url.startsWith(CONTROL_PREFIX)) return serveControlRequest(req, res, controls);
    if (url.startsWith('/moto-api')) return forward(req, res, undefined); // tooling, not AWS traffic
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
    const fault = injector.pick(call);
    counter.record(call, fault !== undefined);
    if (fault !== undefined) {
      injectFault(req, res, call, fault);
      return;
    }
    // Emulated operations (emulated/): answered here, or moto's answer rewritten.
    if (body === undefined && emulated.wantsBody(call)) body = await readAll(req);
    const interception: Interception | undefined = await emulated.intercept(call, body, url);
    if (interception?.answer !== undefined) {
      sendRendered(res, interception.answer);
      return;
    }
    const rewrites: ((text: string) => string)[] = [];
    if (holds.affects(call)) rewrites.push((xml) => holds.rewrite(call, xml));
    if (interception?.rewrite !== undefined) rewrites.push(interception.rewrite);
    if (corruptCopiesLeft > 0 && call.service === 's3' && call.operation === 'CopyObject') {
      corruptCopiesLeft -= 1;
      rewrites.push(corruptChecksums);
    }
    forward(
      req,
      res,
      body,
      rewrites.length === 0 ? undefined : (text) => rewrites.reduce((t, f) => f(t), text),
    );
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const text = `test cloud: ${error instanceof Error ? error.message : String(error)}`;
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end(text);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('test cloud listener has no port');

  let stopping: Promise<void> | undefined;
  return {
    ...controls,
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    upstream: options.upstream,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        for (const { timer, socket } of heldByTimeouts) {
          clearTimeout(timer);
          socket.destroy();
        }
        heldByTimeouts.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
        emulated.destroy();
      });
      return stopping;
    },
  };
}

function sendRendered(res: ServerResponse, rendered: RenderedResponse): void {
  res.writeHead(rendered.status, {
    ...rendered.headers,
    'content-length': Buffer.byteLength(rendered.body),
  });
  res.end(rendered.body);
}

function withoutHeaders(raw: string[], drop: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (!drop.has(name.toLowerCase())) kept.push(name, raw[i + 1] ?? '');
  }
  return kept;
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

function sendRewritten(
  upstreamRes: IncomingMessage,
  res: ServerResponse,
  rewrite: (xml: string) => string,
): void {
  readAll(upstreamRes)
    .then((raw) => {
      const text = decode(raw, upstreamRes.headers['content-encoding']).toString('utf8');
      const body = Buffer.from(rewrite(text), 'utf8');
      const headers = withoutHeaders(upstreamRes.rawHeaders, REWRITE_RESPONSE_DROPS);
      headers.push('Content-Length', String(body.length));
      res.writeHead(upstreamRes.statusCode ?? 200, upstreamRes.statusMessage, headers);
      res.end(body);
    })
    .catch((error: unknown) =>
      res.destroy(error instanceof Error ? error : new Error(String(error))),
    );
}

/** Replaces every checksum value in a CopyObject answer with one that cannot match. */
function corruptChecksums(xml: string): string {
  return xml.replace(
    /<(Checksum(?:CRC32|CRC32C|CRC64NVME|SHA1|SHA256))>([^<]*)<\/\1>/g,
    (_match, element: string, value: string) =>
      `<${element}>${value.startsWith('AAAA') ? 'BBBB' : 'AAAA'}${value.slice(4)}</${element}>`,
  );
}
