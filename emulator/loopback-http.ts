import { request } from 'node:http';

export interface LoopbackResponse {
  status: number;
  body: string;
}

/**
 * One small HTTP exchange with a loopback service (moto's control API, the test
 * cloud's). Uses node:http without a keep-alive agent so no pooled socket outlives the
 * call (jest would otherwise report open handles).
 */
export function loopbackRequest(
  url: string,
  options: { method?: string; body?: string; timeoutMs?: number } = {},
): Promise<LoopbackResponse> {
  const { method = 'GET', body, timeoutMs = 5_000 } = options;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = request(url, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}
