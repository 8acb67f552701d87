import type { AwsCall } from './operation-name.js';

/**
 * Requests the test cloud received. Every request a client sent is counted, including
 * the ones answered with an injected fault (they are what a client's retries cost);
 * `faults` breaks out those that never reached moto.
 */
export interface RequestCounts {
  total: number;
  byService: Record<string, number>;
  /** Keyed `service:Operation`, e.g. `ec2:CreateSnapshot`. */
  byOperation: Record<string, number>;
  byRegion: Record<string, number>;
  faults: { total: number; byOperation: Record<string, number> };
}

function bump(tally: Record<string, number>, key: string): void {
  tally[key] = (tally[key] ?? 0) + 1;
}

export class RequestCounter {
  private counts = RequestCounter.empty();

  private static empty(): RequestCounts {
    return {
      total: 0,
      byService: {},
      byOperation: {},
      byRegion: {},
      faults: { total: 0, byOperation: {} },
    };
  }

  record(call: AwsCall, faulted: boolean): void {
    const operation = `${call.service}:${call.operation}`;
    this.counts.total++;
    bump(this.counts.byService, call.service);
    bump(this.counts.byOperation, operation);
    bump(this.counts.byRegion, call.region);
    if (faulted) {
      this.counts.faults.total++;
      bump(this.counts.faults.byOperation, operation);
    }
  }

  /** A copy, safe to keep while counting goes on. */
  snapshot(): RequestCounts {
    return structuredClone(this.counts);
  }

  reset(): void {
    this.counts = RequestCounter.empty();
  }
}
