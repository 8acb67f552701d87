import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startTestCloud, type TestCloud } from '../../emulator/test-cloud.js';

/**
 * Proxy mechanics against a scripted upstream (not moto), where the test controls
 * exactly when bytes arrive: streaming, compressed rewrites, a dead upstream.
 */

const EC2_AUTH =
  'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0';
const S3_AUTH =
  'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0';

let upstream: Server;
let upstreamHandler: (req: IncomingMessage, res: import('node:http').ServerResponse) => void;
let cloud: TestCloud;

beforeAll(async () => {
  upstream = createServer((req, res) => upstreamHandler(req, res));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const address = upstream.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  cloud = await startTestCloud({ upstream: `http://127.0.0.1:${address.port}` });
});

afterAll(async () => {
  await cloud?.stop();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

function send(options: { method?: string; path: string; headers: Record<string, string> }) {
  return request(`${cloud.endpoint}${options.path}`, {
    method: options.method ?? 'GET',
    headers: options.headers,
    agent: false,
  });
}

it('streams response bodies instead of buffering them', async () => {
  let clientGotFirstChunk: () => void = () => undefined;
  const firstChunkSeen = new Promise<void>((resolve) => (clientGotFirstChunk = resolve));
  upstreamHandler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write('first|');
    // Only finish once the client has the first chunk: a buffering proxy would deadlock.
    void firstChunkSeen.then(() => res.end('last'));
  };
  const body = await new Promise<string>((resolve, reject) => {
    const req = send({ path: '/bucket/key', headers: { authorization: S3_AUTH } });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        clientGotFirstChunk();
      });
      res.on('end', () => resolve(text));
    });
    req.on('error', reject).end();
  });
  expect(body).toBe('first|last');
});

it('streams request bodies to the upstream as they arrive', async () => {
  let upstreamGotFirstChunk: () => void = () => undefined;
  const firstChunkArrived = new Promise<void>((resolve) => (upstreamGotFirstChunk = resolve));
  upstreamHandler = (req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      upstreamGotFirstChunk();
    });
    req.on('end', () => res.end(text));
  };
  const req = send({
    method: 'PUT',
    path: '/bucket/key',
    headers: { authorization: S3_AUTH, 'transfer-encoding': 'chunked' },
  });
  const response = new Promise<string>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
  });
  req.write('part1|');
  await firstChunkArrived;
  req.end('part2');
  expect(await response).toBe('part1|part2');
  expect(cloud.counts().byOperation['s3:PutObject']).toBe(1);
});

it('rewrites held resources in compressed responses, and asks upstream for identity when it can', async () => {
  const xml =
    '<?xml version="1.0" encoding="utf-8"?>\n<DescribeSnapshotsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><snapshotSet><item><tagSet><item><key>status</key><value>completed</value></item></tagSet><snapshotId>snap-1</snapshotId><status>completed</status><progress>100%</progress></item></snapshotSet><requestId>r</requestId></DescribeSnapshotsResponse>';
  let acceptEncoding: string | undefined = 'unset';
  upstreamHandler = (req, res) => {
    acceptEncoding = req.headers['accept-encoding'];
    const body = gzipSync(xml);
    res.writeHead(200, {
      'content-type': 'text/xml',
      'content-encoding': 'gzip',
      'content-length': body.length,
    });
    res.end(body);
  };
  cloud.hold({ kind: 'snapshot', polls: 1 });
  const text = await new Promise<{ body: string; headers: IncomingMessage['headers'] }>(
    (resolve, reject) => {
      const req = send({
        method: 'POST',
        path: '/',
        headers: {
          authorization: EC2_AUTH,
          'content-type': 'application/x-www-form-urlencoded',
          'accept-encoding': 'gzip',
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ body, headers: res.headers }));
      });
      req.on('error', reject).end('Action=DescribeSnapshots&Version=2016-11-15');
    },
  );
  expect(acceptEncoding).toBeUndefined();
  expect(text.headers['content-encoding']).toBeUndefined();
  expect(Number(text.headers['content-length'])).toBe(Buffer.byteLength(text.body));
  // The snapshot's own status changes; the tag that happens to say "completed" does not.
  expect(text.body).toBe(
    xml
      .replace('<status>completed</status>', '<status>pending</status>')
      .replace('<progress>100%</progress>', '<progress>50%</progress>'),
  );
});

it('answers 502 with the reason when the upstream is down', async () => {
  const orphan = await startTestCloud({ upstream: 'http://127.0.0.1:9' });
  try {
    const status = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = request(`${orphan.endpoint}/`, {
        headers: { authorization: EC2_AUTH },
        agent: false,
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      req.on('error', reject).end();
    });
    expect(status.code).toBe(502);
    expect(status.body).toMatch(/upstream http:\/\/127\.0\.0\.1:9 failed: .*ECONNREFUSED/);
  } finally {
    await orphan.stop();
  }
});
