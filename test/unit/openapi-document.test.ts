import { readFileSync } from 'node:fs';
import { openApiDocument } from '../../functions/api/openapi-document.js';
import { openApiDocumentPath, openApiDocumentText } from '../../scripts/openapi-document-text.js';

describe('the committed OpenAPI document (docs/api/openapi.json)', () => {
  it('is what the zod schemas generate today (npm run openapi rewrites it)', async () => {
    const committed = readFileSync(openApiDocumentPath, 'utf8');
    expect(JSON.parse(committed)).toEqual(openApiDocument());
    expect(committed).toBe(await openApiDocumentText());
  });

  it('names every route of the contract under /v1, each signed, with problem+json errors', () => {
    const document = openApiDocument();
    expect(document.servers).toEqual([{ url: '/v1' }]);
    const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(
        item as Record<
          string,
          { security?: unknown; responses: Record<string, { content?: object }> }
        >,
      ).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.map((entry) => entry.route).sort()).toEqual([
      'GET /openapi.json',
      'GET /recovery-points',
      'GET /recovery-points/{id}',
      'GET /restores',
      'GET /restores/{id}',
      'POST /restores',
      'POST /restores/{id}/cancel',
    ]);
    for (const { operation } of operations) {
      expect(operation.security).toEqual([{ sigv4: [] }]);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400)
          expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
      }
    }
  });
});
