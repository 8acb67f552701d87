import {
  Agent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { pipeline } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { readAll } from './proxy-http.js';

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

/**
 * Forwards a request to moto as the client signed it. The answer is streamed back byte for
 * byte (S3 object bodies are never buffered), unless it is to be rewritten: then a
 * successful answer is read whole, decoded, rewritten and sent with its new length.
 */
export class UpstreamProxy {
  private readonly upstream: URL;
  // Moto's dev server closes every connection, so pooling upstream sockets only risks
  // writing to one it has just closed.
  private readonly agent = new Agent({ keepAlive: false });

  constructor(private readonly endpoint: string) {
    this.upstream = new URL(endpoint);
  }

  /** `body`: the request body already read (else the request is streamed to moto). */
  forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer | undefined,
    rewrite?: (text: string) => string,
  ): void {
    const upstreamReq = this.open(req, rewrite !== undefined);
    upstreamReq.on('error', (error) => this.answerFailure(res, error));
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    upstreamReq.on('response', (upstreamRes) => relay(upstreamRes, res, rewrite));
    if (body !== undefined) upstreamReq.end(body);
    else pipeline(req, upstreamReq, () => undefined);
  }

  destroy(): void {
    this.agent.destroy();
  }

  private open(req: IncomingMessage, rewriting: boolean): ClientRequest {
    return httpRequest({
      host: this.upstream.hostname,
      port: this.upstream.port,
      method: req.method,
      path: req.url,
      // Raw headers, Host included, exactly as the client signed them.
      headers: withoutHeaders(
        req.rawHeaders,
        rewriting ? REWRITE_REQUEST_DROPS : REQUEST_ONLY_DROPS,
      ),
      agent: this.agent,
    });
  }

  /** moto could not be reached: 502, or a dropped connection once the answer has begun. */
  private answerFailure(res: ServerResponse, error: Error): void {
    if (res.headersSent) {
      res.destroy(error);
      return;
    }
    const text = `test cloud: upstream ${this.endpoint} failed: ${error.message}`;
    res.writeHead(502, {
      'content-type': 'text/plain',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }
}

function relay(
  upstreamRes: IncomingMessage,
  res: ServerResponse,
  rewrite: ((text: string) => string) | undefined,
): void {
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

function withoutHeaders(raw: string[], drop: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (!drop.has(name.toLowerCase())) kept.push(name, raw[i + 1] ?? '');
  }
  return kept;
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
