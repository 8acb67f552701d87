import type { ServerResponse } from 'node:http';
import type { RenderedResponse } from './error-responses.js';

/** The whole of a (small) request or response body. */
export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Answers with a response the test cloud made itself (an emulation's, an injected fault's). */
export function sendRendered(res: ServerResponse, rendered: RenderedResponse): void {
  res.writeHead(rendered.status, {
    ...rendered.headers,
    'content-length': Buffer.byteLength(rendered.body),
  });
  res.end(rendered.body);
}
