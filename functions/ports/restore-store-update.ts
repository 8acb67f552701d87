import type { RestoreRecord } from '../core/restore/restore-record.js';
import type { RestoreUpdate } from './restore-store.js';

/**
 * What an update means, for every store: fields replaced, created resources merged by id (a
 * resource listed again updates its entry, keeping fields it does not give), errors appended.
 */
export function applyRestoreUpdate(record: RestoreRecord, update: RestoreUpdate): RestoreRecord {
  const { createdResources, errors, ...fields } = update;
  const resources = new Map(record.createdResources.map((resource) => [resource.id, resource]));
  // A resource listed again updates its entry; a clean-up's `cleanedUp` survives a step that
  // records the resource again later (a step in flight when the restore was cancelled).
  for (const resource of createdResources ?? []) {
    resources.set(resource.id, { ...resources.get(resource.id), ...resource });
  }
  return {
    ...structuredClone(record),
    ...structuredClone(fields),
    createdResources: [...resources.values()],
    errors: [...record.errors, ...(errors ?? [])],
  };
}
