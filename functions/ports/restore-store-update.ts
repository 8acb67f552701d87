import type { RestoreRecord } from '../core/restore/restore-record.js';
import type { RestoreUpdate } from './restore-store.js';

/**
 * What an update means, for every store: fields replaced, created resources merged by id (a
 * resource listed again replaces its entry), errors appended.
 */
export function applyRestoreUpdate(record: RestoreRecord, update: RestoreUpdate): RestoreRecord {
  const { createdResources, errors, ...fields } = update;
  const resources = new Map(record.createdResources.map((resource) => [resource.id, resource]));
  for (const resource of createdResources ?? []) resources.set(resource.id, resource);
  return {
    ...structuredClone(record),
    ...structuredClone(fields),
    createdResources: [...resources.values()],
    errors: [...record.errors, ...(errors ?? [])],
  };
}
