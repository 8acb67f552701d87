import type { PendingHolds } from '../pending-holds.js';
import {
  applyTextEdits,
  child,
  parseXmlElements,
  textOf,
  type TextEdit,
  type XmlElement,
} from '../xml-elements.js';

/**
 * Hold kind 'instance': a held running instance shows `pending` (code 0) in the first N
 * DescribeInstances answers that contain it, and `initializing` status checks (instance
 * and system, reachability `initializing`) in the first N DescribeInstanceStatus answers
 * that contain it. The two operations count their polls separately
 * (`holds()[...].polled` shows `i-...` and `i-.../status`).
 */
export function holdDescribeInstances(holds: PendingHolds, xml: string): string {
  const root = parseXmlElements(xml);
  const edits: TextEdit[] = [];
  for (const reservation of items(child(root, 'reservationSet'))) {
    for (const instance of items(child(reservation, 'instancesSet'))) {
      const id = child(instance, 'instanceId');
      const state = child(instance, 'instanceState');
      const code = child(state, 'code');
      const name = child(state, 'name');
      if (id === undefined || code === undefined || name === undefined) continue;
      if (textOf(xml, name) !== 'running') continue;
      if (!holds.poll('instance', [textOf(xml, id)]).pending) continue;
      edits.push({ element: code, text: '0' }, { element: name, text: 'pending' });
    }
  }
  return edits.length === 0 ? xml : applyTextEdits(xml, edits);
}

export function holdDescribeInstanceStatus(holds: PendingHolds, xml: string): string {
  const root = parseXmlElements(xml);
  const edits: TextEdit[] = [];
  for (const item of items(child(root, 'instanceStatusSet'))) {
    const id = child(item, 'instanceId');
    const checks = [child(item, 'instanceStatus'), child(item, 'systemStatus')];
    const statuses = checks.map((check) => child(check, 'status'));
    if (id === undefined || statuses.every((s) => s === undefined || textOf(xml, s) !== 'ok'))
      continue;
    const instanceId = textOf(xml, id);
    if (!holds.poll('instance', [instanceId], `${instanceId}/status`).pending) continue;
    for (const check of checks) {
      const status = child(check, 'status');
      if (status !== undefined) edits.push({ element: status, text: 'initializing' });
      for (const detail of items(child(check, 'details'))) {
        const detailStatus = child(detail, 'status');
        if (detailStatus !== undefined) edits.push({ element: detailStatus, text: 'initializing' });
      }
    }
  }
  return edits.length === 0 ? xml : applyTextEdits(xml, edits);
}

function items(set: XmlElement | undefined): XmlElement[] {
  return set?.children.filter((c) => c.name === 'item') ?? [];
}
