/**
 * Per-job webhook deliveries (P-6) off the engine's path (D-12): one lane per job keeps its
 * events in order; each event gets `attempts` POSTs with exponential backoff, each bounded
 * by an AbortSignal timeout; a final failure goes to `onFailure`. `close()` gives pending
 * deliveries a grace period, then aborts them, so a hanging receiver cannot hold the process.
 */
import { sleep, waitIdle } from './wait-until.js';

export interface Delivery {
  jobId: string;
  url: string;
  eventId: number;
  body: string;
}

export interface WebhookFailure {
  attempts: number;
  error: string;
}

export interface WebhookSenderOptions {
  timeoutMs: number;
  attempts: number;
  backoffMs: number;
  /** Pending deliveries per job; overflow drops the oldest not yet in flight. */
  queueLimit: number;
  onFailure(d: Delivery, f: WebhookFailure): void;
}

const CLOSED = 'not delivered: the process closed first';

export class WebhookSender {
  /** Job id → its pending deliveries; the head is in flight. A lane exists only while busy. */
  private lanes = new Map<string, Delivery[]>();
  private wakers = new Set<() => void>();
  private shutdown = new AbortController();

  constructor(private readonly o: WebhookSenderOptions) {}

  enqueue(d: Delivery): void {
    if (this.shutdown.signal.aborted) {
      this.o.onFailure(d, { attempts: 0, error: CLOSED });
      return;
    }
    const lane = this.lanes.get(d.jobId);
    if (!lane) {
      const fresh = [d];
      this.lanes.set(d.jobId, fresh);
      void this.drain(d.jobId, fresh);
      return;
    }
    if (lane.length > this.o.queueLimit) {
      const [dropped] = lane.splice(1, 1);
      this.o.onFailure(dropped!, { attempts: 0, error: `dropped: more than ${this.o.queueLimit} deliveries were pending for this job` });
    }
    lane.push(d);
  }

  async close(graceMs: number): Promise<void> {
    const idle = (): boolean => this.lanes.size === 0;
    const subscribe = (w: () => void): (() => void) => {
      this.wakers.add(w);
      return () => this.wakers.delete(w);
    };
    if (await waitIdle(idle, subscribe, graceMs)) return;
    this.shutdown.abort();
    await waitIdle(idle, subscribe, 1000);
  }

  private async drain(jobId: string, lane: Delivery[]): Promise<void> {
    while (lane.length > 0) {
      const d = lane[0]!;
      try {
        await this.deliver(d);
      } catch {
        // onFailure threw (store gone): keep the lane moving
      }
      lane.shift();
    }
    this.lanes.delete(jobId);
    for (const w of [...this.wakers]) w();
  }

  private async deliver(d: Delivery): Promise<void> {
    let error = CLOSED;
    let made = 0;
    while (made < this.o.attempts && !this.shutdown.signal.aborted) {
      if (made > 0) await sleep(this.o.backoffMs * 2 ** (made - 1), this.shutdown.signal);
      if (this.shutdown.signal.aborted) break;
      made++;
      error = await this.attempt(d);
      if (error === '') return;
    }
    this.o.onFailure(d, { attempts: made, error });
  }

  /** '' when delivered (2xx), else why not. */
  private async attempt(d: Delivery): Promise<string> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.shutdown.signal]);
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'stepwise' },
        body: d.body,
        signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? '' : `HTTP ${res.status}`;
    } catch (e) {
      if (this.shutdown.signal.aborted) return `${CLOSED} (attempt in flight)`;
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError') return `timed out after ${this.o.timeoutMs} ms`;
      const cause = err.cause?.code ?? err.cause?.message;
      return cause ? `${err.message}: ${cause}` : err.message;
    }
  }
}
