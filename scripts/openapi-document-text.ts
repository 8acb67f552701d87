import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { openApiDocument } from '../functions/api/openapi-document.js';

/** Where the committed document lives. */
export const openApiDocumentPath = fileURLToPath(
  new URL('../docs/api/openapi.json', import.meta.url),
);

/** The document as committed: generated, then in the repository's prettier form. */
export async function openApiDocumentText(): Promise<string> {
  const options = (await resolveConfig(openApiDocumentPath)) ?? {};
  return format(JSON.stringify(openApiDocument()), { ...options, parser: 'json' });
}
