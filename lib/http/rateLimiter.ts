import { createHash } from 'node:crypto';

/**
 * Token-bucket rate limiting, shared per service, credential and bucket name inside one process.
 *
 * Two nodes that use the same Notion token in one n8n process draw from one bucket, so together they stay
 * under the service's limit. Callers wait in FIFO order; a 429 from the service pauses the whole bucket for the
 * Retry-After time so queued calls do not hammer it.
 *
 * The configured rate is a ceiling, not a promise: when the service answers 429 while we pace at that rate, its
 * real limit for this credential is lower (another process shares the integration, or the documented figure is
 * optimistic). The bucket then halves its rate (multiplicative decrease) and, after a stretch of successful calls,
 * raises it again in small steps (additive increase), never above the configured rate. Without this, every call
 * would pay a 429 plus a full Retry-After wait.
 */

export interface RateLimitSpec {
	/** Sustained requests per second. */
	requestsPerSecond: number;
	/** Tokens available at once (burst size). Defaults to 1 for strict pacing. */
	burst?: number;
}

/** How the rate adapts to 429 answers. */
export interface AdaptivePacing {
	/** Factor applied to the current rate on a 429 (0 < decrease < 1). */
	decrease: number;
	/** Successful calls at the current rate before it is raised one step. */
	recoverAfter: number;
	/** One recovery step, as a share of the configured rate. */
	recoverStep: number;
	/** Lowest rate, as a share of the configured rate (Retry-After waits still apply below it). */
	floor: number;
}

export const DEFAULT_ADAPTIVE_PACING: AdaptivePacing = Object.freeze({
	decrease: 0.5,
	recoverAfter: 20,
	recoverStep: 0.1,
	floor: 0.05,
});

type Clock = () => number;
type Sleep = (ms: number) => Promise<void>;

const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function checkSpec(spec: RateLimitSpec): void {
	if (!(spec.requestsPerSecond > 0) || !Number.isFinite(spec.requestsPerSecond)) {
		throw new RangeError(`requestsPerSecond must be a finite number > 0, got ${String(spec.requestsPerSecond)}`);
	}
}

export class TokenBucket {
	private maxRate: number;
	private rate: number;
	private maxCapacity: number;
	private tokens: number;
	private last: number;
	private pausedUntil = 0;
	private tail: Promise<void> = Promise.resolve();
	/** Tickets handed out so far; a ticket identifies when a call was let through. */
	private issued = 0;
	/** Calls let through up to this ticket were sent before the last cut: their 429s are already accounted for. */
	private cutThrough = 0;
	/** Calls let through up to this ticket were paced at an earlier rate: their successes say nothing about this one. */
	private changedThrough = 0;
	private streak = 0;
	private readonly pacing: AdaptivePacing;
	/** Total time callers spent waiting for a token, in ms (for metrics and benchmarks). */
	waitedMs = 0;
	/** How many times a 429 lowered the rate. */
	cuts = 0;

	constructor(
		spec: RateLimitSpec,
		private readonly now: Clock = Date.now,
		private readonly sleep: Sleep = defaultSleep,
		pacing: Partial<AdaptivePacing> = {},
	) {
		checkSpec(spec);
		this.pacing = { ...DEFAULT_ADAPTIVE_PACING, ...pacing };
		this.maxRate = spec.requestsPerSecond;
		this.rate = this.maxRate;
		this.maxCapacity = Math.max(1, spec.burst ?? 1);
		this.tokens = this.maxCapacity;
		this.last = this.now();
	}

	/** The rate calls are paced at now, per second (at most the configured rate). */
	get requestsPerSecond(): number {
		return this.rate;
	}

	/** The configured (ceiling) rate, per second. */
	get configuredRequestsPerSecond(): number {
		return this.maxRate;
	}

	/** Burst size now: shrinks with the rate so an idle bucket does not burst into a limit it already hit. */
	get capacity(): number {
		return Math.max(1, Math.floor((this.maxCapacity * this.rate) / this.maxRate));
	}

	get refillPerMs(): number {
		return this.rate / 1000;
	}

	/**
	 * Apply a new spec in place (a settings change), so every client holding this bucket keeps sharing it. A rate
	 * lowered by 429s stays lowered (capped by the new ceiling); an unthrottled bucket takes the new rate.
	 */
	configure(spec: RateLimitSpec): void {
		checkSpec(spec);
		const burst = Math.max(1, spec.burst ?? 1);
		if (spec.requestsPerSecond === this.maxRate && burst === this.maxCapacity) return;
		this.refill();
		const unthrottled = this.rate >= this.maxRate;
		this.maxRate = spec.requestsPerSecond;
		this.maxCapacity = burst;
		this.rate = unthrottled ? this.maxRate : Math.min(this.rate, this.maxRate);
		this.tokens = Math.min(this.tokens, this.capacity);
	}

	private refill(): void {
		const t = this.now();
		if (t > this.last) {
			this.tokens = Math.min(this.capacity, this.tokens + (t - this.last) * this.refillPerMs);
			this.last = t;
		}
	}

	/**
	 * Wait until a token is available and take it. Calls are served in order. Resolves with a ticket to report the
	 * call's outcome with (`rateLimited`, `succeeded`).
	 */
	acquire(): Promise<number> {
		const run = this.tail.then(() => this.take());
		// Keep the chain alive even if a sleep rejects (it never should).
		this.tail = run.then(
			() => undefined,
			() => undefined,
		);
		return run;
	}

	private async take(): Promise<number> {
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
				this.issued += 1;
				return this.issued;
			}
			await this.sleep(Math.ceil((1 - this.tokens) / this.refillPerMs));
		}
	}

	/**
	 * The service answered the call let through with `ticket` with 429. Calls sent before the last cut do not cut
	 * again: when several calls in flight hit the limit together, that is one overshoot, not several.
	 */
	rateLimited(ticket: number): void {
		if (ticket <= this.cutThrough) return;
		this.refill();
		this.rate = Math.max(this.maxRate * this.pacing.floor, this.rate * this.pacing.decrease);
		this.tokens = Math.min(this.tokens, this.capacity);
		this.cutThrough = this.issued;
		this.changedThrough = this.issued;
		this.streak = 0;
		this.cuts += 1;
	}

	/** The call let through with `ticket` succeeded; enough of them in a row at the current rate raise it one step. */
	succeeded(ticket: number): void {
		if (this.rate >= this.maxRate || ticket <= this.changedThrough) return;
		this.streak += 1;
		if (this.streak < this.pacing.recoverAfter) return;
		this.refill();
		this.rate = Math.min(this.maxRate, this.rate + this.maxRate * this.pacing.recoverStep);
		this.changedThrough = this.issued;
		this.streak = 0;
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
 * The process-wide bucket `name` of `service` + `credential`. The first caller creates it; every later caller with
 * the same service, credential and name shares it. A different spec updates the shared bucket in place (settings
 * changes take effect) instead of replacing it, which would leave earlier clients on a bucket of their own.
 */
export function getRateLimiter(service: string, credential: string, spec: RateLimitSpec, name = 'default'): TokenBucket {
	const key = `${service}\u0000${credential}\u0000${name}`;
	const bucket = buckets.get(key);
	if (bucket) {
		bucket.configure(spec);
		return bucket;
	}
	const created = new TokenBucket(spec);
	buckets.set(key, created);
	return created;
}

/** For tests. */
export function resetRateLimiters(): void {
	buckets.clear();
}
