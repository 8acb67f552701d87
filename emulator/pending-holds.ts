import { InvalidHoldError } from './errors.js';
import type { AwsCall } from './operation-name.js';
import {
  applyTextEdits,
  child,
  parseXmlElements,
  textOf,
  type TextEdit,
  type XmlElement,
} from './xml-elements.js';

/**
 * Moto finishes everything at once; the product's waiting logic needs resources that
 * stay pending for a while. A hold rewrites the state moto reports in EC2 responses,
 * for the first N describe responses that contain each held resource.
 */

/** How one kind of EC2 resource reports its state, and which responses carry it. */
interface HoldableKind {
  /** The polling operation; each response containing a held resource uses up one poll. */
  describe: string;
  /** Operations that also report the new resource's state; rewritten without using a poll. */
  creators: readonly string[];
  /** Where the resources sit: `<setTag><item>...` under the root, or the root itself for creators. */
  setTag: string;
  idTag: string;
  stateTag: string;
  doneState: string;
  pendingState: string;
  /** A percentage element that must read below 100% while pending. */
  progressTag?: string;
}

const HOLDABLE = {
  snapshot: {
    describe: 'DescribeSnapshots',
    creators: ['CreateSnapshot', 'CreateSnapshots', 'CopySnapshot'],
    setTag: 'snapshotSet',
    idTag: 'snapshotId',
    stateTag: 'status',
    doneState: 'completed',
    pendingState: 'pending',
    progressTag: 'progress',
  },
  image: {
    describe: 'DescribeImages',
    creators: [],
    setTag: 'imagesSet',
    idTag: 'imageId',
    stateTag: 'imageState',
    doneState: 'available',
    pendingState: 'pending',
  },
} as const satisfies Record<string, HoldableKind>;

export type HoldKind = keyof typeof HOLDABLE;

export interface HoldRequest {
  kind: HoldKind;
  /** How many describe responses show each held resource as pending. */
  polls: number;
  /** Resource ids to hold; default: every resource of the kind, including ones created later. */
  ids?: string[];
}

export interface HoldState extends HoldRequest {
  id: string;
  /** Polls used so far, by resource id. */
  polled: Record<string, number>;
}

export function parseHoldRequest(input: unknown): HoldRequest {
  if (typeof input !== 'object' || input === null)
    throw new InvalidHoldError('a hold must be an object');
  const { kind, polls, ids } = input as Record<string, unknown>;
  if (typeof kind !== 'string' || !Object.hasOwn(HOLDABLE, kind)) {
    throw new InvalidHoldError(
      `hold kind must be one of ${Object.keys(HOLDABLE).join(', ')}, got ${JSON.stringify(kind)}`,
    );
  }
  if (typeof polls !== 'number' || !Number.isInteger(polls) || polls < 1) {
    throw new InvalidHoldError(
      `hold polls must be a positive integer, got ${JSON.stringify(polls)}`,
    );
  }
  const request: HoldRequest = { kind: kind as HoldKind, polls };
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || id === '')) {
      throw new InvalidHoldError(
        `hold ids must be an array of resource ids, got ${JSON.stringify(ids)}`,
      );
    }
    request.ids = [...(ids as string[])];
  }
  return request;
}

interface ActiveHold {
  id: string;
  request: HoldRequest;
  polled: Map<string, number>;
}

export class PendingHolds {
  private holds: ActiveHold[] = [];
  private nextId = 1;

  add(input: unknown): string {
    const request = parseHoldRequest(input);
    const id = `hold-${this.nextId++}`;
    this.holds.push({ id, request, polled: new Map() });
    return id;
  }

  clear(): void {
    this.holds = [];
  }

  list(): HoldState[] {
    return this.holds.map(({ id, request, polled }) => ({
      ...request,
      id,
      polled: Object.fromEntries(polled),
    }));
  }

  /** Whether this call's response may need rewriting (so the proxy must buffer it). */
  affects(call: AwsCall): boolean {
    if (call.service !== 'ec2') return false;
    return this.holds.some(({ request }) => {
      const kind: HoldableKind = HOLDABLE[request.kind];
      return kind.describe === call.operation || kind.creators.includes(call.operation);
    });
  }

  /** The response body with held resources shown as pending; unchanged when none apply. */
  rewrite(call: AwsCall, xml: string): string {
    const root = parseXmlElements(xml);
    if (root === undefined) return xml;
    const edits: TextEdit[] = [];
    for (const kindName of Object.keys(HOLDABLE) as HoldKind[]) {
      const kind: HoldableKind = HOLDABLE[kindName];
      const polling = kind.describe === call.operation;
      if (!polling && !kind.creators.includes(call.operation)) continue;
      const set = child(root, kind.setTag);
      const resources = set !== undefined ? set.children.filter((c) => c.name === 'item') : [root];
      for (const resource of resources)
        edits.push(...this.editsFor(xml, kindName, resource, polling));
    }
    return edits.length === 0 ? xml : applyTextEdits(xml, edits);
  }

  private editsFor(
    xml: string,
    kindName: HoldKind,
    resource: XmlElement,
    polling: boolean,
  ): TextEdit[] {
    const kind: HoldableKind = HOLDABLE[kindName];
    const idElement = child(resource, kind.idTag);
    const state = child(resource, kind.stateTag);
    if (idElement === undefined || state === undefined || textOf(xml, state) !== kind.doneState)
      return [];
    const resourceId = textOf(xml, idElement);
    const hold = this.holdFor(kindName, resourceId);
    if (hold === undefined) return [];
    const used = hold.polled.get(resourceId) ?? 0;
    if (used >= hold.request.polls) return [];
    if (polling) hold.polled.set(resourceId, used + 1);
    const edits: TextEdit[] = [{ element: state, text: kind.pendingState }];
    const progress = kind.progressTag === undefined ? undefined : child(resource, kind.progressTag);
    if (progress !== undefined) {
      // Creeps up with each poll and never reaches 100% while pending.
      const percent = polling ? Math.floor((100 * (used + 1)) / (hold.request.polls + 1)) : 0;
      edits.push({ element: progress, text: `${percent}%` });
    }
    return edits;
  }

  /** The most recently added hold that covers this resource decides. */
  private holdFor(kind: HoldKind, resourceId: string): ActiveHold | undefined {
    for (let i = this.holds.length - 1; i >= 0; i--) {
      const hold = this.holds[i];
      if (hold === undefined || hold.request.kind !== kind) continue;
      if (hold.request.ids === undefined || hold.request.ids.includes(resourceId)) return hold;
    }
    return undefined;
  }
}
