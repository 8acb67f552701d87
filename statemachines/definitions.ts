import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder holding the ASL files; the same files are deployed by CDK and run locally. */
export const stateMachinesDir = dirname(fileURLToPath(import.meta.url));

export const backupDefinitionFile = join(stateMachinesDir, 'backup.asl.json');
export const restoreTestDefinitionFile = join(stateMachinesDir, 'restore-test.asl.json');
export const pruneDefinitionFile = join(stateMachinesDir, 'prune.asl.json');
export const restoreVolumeDefinitionFile = join(stateMachinesDir, 'restore-volume.asl.json');
export const restoreInstanceDefinitionFile = join(stateMachinesDir, 'restore-instance.asl.json');
export const restoreImageDefinitionFile = join(stateMachinesDir, 'restore-image.asl.json');

export function aslFiles(): string[] {
  return readdirSync(stateMachinesDir)
    .filter((name) => name.endsWith('.asl.json'))
    .map((name) => join(stateMachinesDir, name));
}

/** A `${Name}` placeholder, filled by CDK's definitionSubstitutions or by the local runner. */
const placeholderPattern = /\$\{([A-Za-z0-9_]+)\}/g;

/** Every placeholder of an ASL text, each once, sorted. */
export function placeholdersOf(definitionText: string): string[] {
  return [
    ...new Set([...definitionText.matchAll(placeholderPattern)].map((match) => match[1] ?? '')),
  ].sort();
}

/** Substitutes every placeholder; throws naming any placeholder left without a value. */
export function substitute(definitionText: string, values: Record<string, string>): string {
  const missing = placeholdersOf(definitionText).filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    throw new Error(`no value for ASL placeholder(s): ${missing.join(', ')}`);
  }
  return definitionText.replace(placeholderPattern, (_, name: string) => values[name] ?? '');
}

export function readDefinition(file: string): string {
  return readFileSync(file, 'utf8');
}
