import { CONTROL_PREFIX } from './control-api.js';
import type { EmulatedState, EmulationSettings } from './emulated/emulated-cloud.js';
import type { GuestProfile } from './emulated/guest-profiles.js';
import type { ImageMarks } from './emulated/image-marks.js';
import type {
  DeliveredInventoryReport,
  InventoryReportRequest,
} from './emulated/inventory-report.js';
import type { SyntheticBucketSpec, SyntheticBucketState } from './emulated/synthetic-bucket.js';
import { TestCloudControlError } from './errors.js';
import type { FaultRule, FaultRuleState } from './faults.js';
import { loopbackRequest } from './loopback-http.js';
import type { HoldRequest, HoldState } from './pending-holds.js';
import type { RequestCounts } from './request-counter.js';

/**
 * Drives a test cloud running in another process through its HTTP control API, e.g.
 * from a benchmark that runs the AWS CLI against it.
 */
export class TestCloudClient {
  constructor(readonly endpoint: string) {}

  counts(): Promise<RequestCounts> {
    return this.call<RequestCounts>('GET', 'counts');
  }

  async resetCounts(): Promise<void> {
    await this.call('DELETE', 'counts');
  }

  async addFault(rule: FaultRule): Promise<string> {
    return (await this.call<{ id: string }>('POST', 'faults', rule)).id;
  }

  faults(): Promise<FaultRuleState[]> {
    return this.call<FaultRuleState[]>('GET', 'faults');
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', 'faults');
  }

  async hold(request: HoldRequest): Promise<string> {
    return (await this.call<{ id: string }>('POST', 'holds', request)).id;
  }

  holds(): Promise<HoldState[]> {
    return this.call<HoldState[]>('GET', 'holds');
  }

  async clearHolds(): Promise<void> {
    await this.call('DELETE', 'holds');
  }

  async setGuestProfile(imageId: string, profile: GuestProfile): Promise<void> {
    await this.call('PUT', `guest-profiles/${encodeURIComponent(imageId)}`, profile);
  }

  guestProfiles(): Promise<Record<string, GuestProfile>> {
    return this.call<Record<string, GuestProfile>>('GET', 'guest-profiles');
  }

  async clearGuestProfiles(): Promise<void> {
    await this.call('DELETE', 'guest-profiles');
  }

  async markImage(imageId: string, marks: ImageMarks): Promise<void> {
    await this.call('PUT', `image-marks/${encodeURIComponent(imageId)}`, marks);
  }

  imageMarks(): Promise<Record<string, ImageMarks>> {
    return this.call<Record<string, ImageMarks>>('GET', 'image-marks');
  }

  async clearImageMarks(): Promise<void> {
    await this.call('DELETE', 'image-marks');
  }

  configureEmulation(settings: Partial<EmulationSettings>): Promise<EmulationSettings> {
    return this.call<EmulationSettings>('PUT', 'emulation', settings);
  }

  emulatedState(): Promise<EmulatedState> {
    return this.call<EmulatedState>('GET', 'emulated-state');
  }

  /** `POST inventory-reports`; `at` travels as ISO-8601. */
  deliverInventoryReport(request: InventoryReportRequest): Promise<DeliveredInventoryReport> {
    return this.call<DeliveredInventoryReport>('POST', 'inventory-reports', request, 60_000);
  }

  /** `PUT synthetic-buckets/{name}`. */
  defineSyntheticBucket(spec: SyntheticBucketSpec): Promise<SyntheticBucketState> {
    return this.call<SyntheticBucketState>(
      'PUT',
      `synthetic-buckets/${encodeURIComponent(spec.name)}`,
      spec,
    );
  }

  syntheticBuckets(): Promise<SyntheticBucketState[]> {
    return this.call<SyntheticBucketState[]>('GET', 'synthetic-buckets');
  }

  async reset(): Promise<void> {
    await this.call('POST', 'reset');
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<T> {
    const url = `${this.endpoint}${CONTROL_PREFIX}${path}`;
    const res = await loopbackRequest(url, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    if (res.status >= 300)
      throw new TestCloudControlError(
        `${method} ${url} answered ${res.status}: ${res.body}`,
        res.status,
      );
    return JSON.parse(res.body) as T;
  }
}
