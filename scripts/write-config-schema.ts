import { writeFileSync } from 'node:fs';
import { format } from 'prettier';
import { configJsonSchema } from '../functions/core/config.js';

/** Regenerates the editor schema from the zod schema (a test checks they agree), as lint wants it. */
const target = new URL('../schema/backup.config.schema.json', import.meta.url);
writeFileSync(
  target,
  await format(JSON.stringify(configJsonSchema()), { parser: 'json', filepath: target.pathname }),
);
process.stdout.write(`wrote ${target.pathname}\n`);
