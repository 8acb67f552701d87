import { readFileSync } from 'node:fs';
import { parseConfigText, type BackupConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

/** Where the configuration lives: an explicit path, else $BACKUP_CONFIG, else ./backup.config.json. */
export function configPath(explicit?: string): string {
  return explicit ?? process.env.BACKUP_CONFIG ?? 'backup.config.json';
}

/** Reads and validates a configuration file; throws ConfigError listing every problem by path. */
export function loadConfigFile(path: string): BackupConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [
      { path: '', message: `cannot read the file: ${(error as Error).message}` },
    ]);
  }
  return parseConfigText(text, path);
}
