import { writeFileSync } from 'node:fs';
import { openApiDocumentPath, openApiDocumentText } from './openapi-document-text.js';

/** `npm run openapi`: rewrites docs/api/openapi.json from the zod schemas. */
writeFileSync(openApiDocumentPath, await openApiDocumentText());
console.log(`wrote ${openApiDocumentPath}`);
