import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../functions/core/config.js';

/** Regenerates the editor schema from the zod schema (a test checks they agree). */
const target = new URL('../schema/backup.config.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target.pathname}\n`);
