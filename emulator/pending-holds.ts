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

type XmlHoldKind = keyof typeof HOLDABLE;

/**
 * Kinds whose pending state the emulated operations (emulator/emulated/) consult through
 * `poll()`: 'export' (export-image tasks stay `active`), 'store-task' (store-image tasks
 * stay `InProgress`), 'instance' (DescribeInstances shows `pending`, DescribeInstanceStatus
 * `initializing`).
 */
const EMULATED_KINDS = ['export', 'store-task', 'instance'] as const;
type EmulatedHoldKind = (typeof EMULATED_KINDS)[number];

export type HoldKind = XmlHoldKind | EmulatedHoldKind;

const ALL_KINDS: readonly string[] = [...Object.keys(HOLDABLE), ...EMULATED_KINDS];

function isXmlKind(kind: HoldKind): kind is XmlHoldKind {
  return Object.hasOwn(HOLDABLE, kind);
}

/** The outcome of one poll of a resource under `poll()`. */
export interface HoldPoll {
  /** Whether the resource still shows pending on this poll. */
  pending: boolean;
  /** Polls used so far, this one included. */
  used: number;
  /** Polls the deciding hold asks for (0 when no hold applies). */
  polls: number;
}

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
  if (typeof kind !== 'string' || !ALL_KINDS.includes(kind)) {
    throw new InvalidHoldError(
      `hold kind must be one of ${ALL_KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
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
      if (!isXmlKind(request.kind)) return false;
      const kind: HoldableKind = HOLDABLE[request.kind];
      return kind.describe === call.operation || kind.creators.includes(call.operation);
    });
  }

  /** The response body with held resources shown as pending; unchanged when none apply. */
  rewrite(call: AwsCall, xml: string): string {
    const root = parseXmlElements(xml);
    if (root === undefined) return xml;
    const edits: TextEdit[] = [];
    for (const kindName of Object.keys(HOLDABLE) as XmlHoldKind[]) {
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
    kindName: XmlHoldKind,
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

  /** Whether any hold of this kind exists (so responses may need rewriting). */
  hasKind(kind: HoldKind): boolean {
    return this.holds.some(({ request }) => request.kind === kind);
  }

  /**
   * Uses one poll of a resource, for kinds the emulated operations drive. `names` are
   * the ids a hold's `ids` may name the resource by (an export task by its task id or
   * its image id); polls are counted under `counter` (default: the first name).
   */
  poll(kind: HoldKind, names: readonly string[], counter = names[0] ?? ''): HoldPoll {
    const hold = this.holdFor(kind, ...names);
    if (hold === undefined) return { pending: false, used: 0, polls: 0 };
    const used = hold.polled.get(counter) ?? 0;
    if (used >= hold.request.polls) return { pending: false, used, polls: hold.request.polls };
    hold.polled.set(counter, used + 1);
    return { pending: true, used: used + 1, polls: hold.request.polls };
  }

  /** Whether a poll now would show the resource pending, without using one. */
  wouldHold(kind: HoldKind, names: readonly string[], counter = names[0] ?? ''): boolean {
    const hold = this.holdFor(kind, ...names);
    return hold !== undefined && (hold.polled.get(counter) ?? 0) < hold.request.polls;
  }

  /** Forgets the polls used under `counter` (a resource created again under the same id). */
  forget(kind: HoldKind, counter: string): void {
    for (const hold of this.holds) if (hold.request.kind === kind) hold.polled.delete(counter);
  }

  /** The most recently added hold that covers this resource (by any of its names) decides. */
  private holdFor(kind: HoldKind, ...names: string[]): ActiveHold | undefined {
    for (let i = this.holds.length - 1; i >= 0; i--) {
      const hold = this.holds[i];
      if (hold === undefined || hold.request.kind !== kind) continue;
      const ids = hold.request.ids;
      if (ids === undefined || names.some((name) => ids.includes(name))) return hold;
    }
    return undefined;
  }
}
