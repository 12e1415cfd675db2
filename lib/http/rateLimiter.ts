import { createHash } from 'node:crypto';

/**
 * Token-bucket rate limiting, shared per service and credential inside one process.
 *
 * Two nodes that use the same Notion token in one n8n process draw from one bucket, so together they stay
 * under the service's limit. Callers wait in FIFO order; a 429 from the service pauses the whole bucket for the
 * Retry-After time so queued calls do not hammer it.
 */

export interface RateLimitSpec {
	/** Sustained requests per second. */
	requestsPerSecond: number;
	/** Tokens available at once (burst size). Defaults to 1 for strict pacing. */
	burst?: number;
}

type Clock = () => number;
type Sleep = (ms: number) => Promise<void>;

const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export class TokenBucket {
	readonly capacity: number;
	readonly refillPerMs: number;
	private tokens: number;
	private last: number;
	private pausedUntil = 0;
	private tail: Promise<void> = Promise.resolve();
	/** Total time callers spent waiting for a token, in ms (for metrics and benchmarks). */
	waitedMs = 0;

	constructor(
		spec: RateLimitSpec,
		private readonly now: Clock = Date.now,
		private readonly sleep: Sleep = defaultSleep,
	) {
		if (!(spec.requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be > 0');
		this.capacity = Math.max(1, spec.burst ?? 1);
		this.refillPerMs = spec.requestsPerSecond / 1000;
		this.tokens = this.capacity;
		this.last = this.now();
	}

	private refill(): void {
		const t = this.now();
		if (t > this.last) {
			this.tokens = Math.min(this.capacity, this.tokens + (t - this.last) * this.refillPerMs);
			this.last = t;
		}
	}

	/** Wait until a token is available and take it. Calls are served in order. */
	acquire(): Promise<void> {
		const run = this.tail.then(() => this.take());
		// Keep the chain alive even if a sleep rejects (it never should).
		this.tail = run.catch(() => undefined);
		return run;
	}

	private async take(): Promise<void> {
		const started = this.now();
		for (;;) {
			const pause = this.pausedUntil - this.now();
			if (pause > 0) {
				await this.sleep(pause);
				continue;
			}
			this.refill();
			if (this.tokens >= 1) {
				this.tokens -= 1;
				this.waitedMs += this.now() - started;
				return;
			}
			await this.sleep(Math.ceil((1 - this.tokens) / this.refillPerMs));
		}
	}

	/** The service told us to back off: no token is handed out before `ms` from now, and the bucket restarts empty. */
	pause(ms: number): void {
		const until = this.now() + ms;
		if (until > this.pausedUntil) {
			this.pausedUntil = until;
			this.tokens = 0;
			this.last = until;
		}
	}
}

const buckets = new Map<string, TokenBucket>();

/** A stable key for a credential that does not keep the secret itself in memory maps or logs. */
export function credentialKey(secret: string): string {
	return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

/**
 * The process-wide bucket for `service` + `credential`. The first caller's spec creates it; later callers with
 * the same key share it (a different spec for the same key replaces it, so settings changes take effect).
 */
export function getRateLimiter(service: string, credential: string, spec: RateLimitSpec): TokenBucket {
	const key = `${service}:${credential}:${spec.requestsPerSecond}:${spec.burst ?? 1}`;
	const prefix = `${service}:${credential}:`;
	let bucket = buckets.get(key);
	if (!bucket) {
		for (const existing of buckets.keys()) if (existing.startsWith(prefix)) buckets.delete(existing);
		bucket = new TokenBucket(spec);
		buckets.set(key, bucket);
	}
	return bucket;
}

/** For tests. */
export function resetRateLimiters(): void {
	buckets.clear();
}
