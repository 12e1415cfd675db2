import { sleep as configuredSleep, type Sleep } from './timers';
import { createHash } from 'node:crypto';
import { InOrder } from './inOrder';
import { checkWindow, SendTimes, type WindowSpec } from './slidingWindow';
import { sharedRateLimiter } from './sharedRateLimiter';

/**
 * Token-bucket rate limiting, shared per service, credential and bucket name inside one process.
 *
 * Two nodes that use the same Notion token in one n8n process draw from one bucket, so together they stay
 * under the service's limit. Callers wait in FIFO order; a 429 from the service pauses the whole bucket for the
 * Retry-After time so queued calls do not hammer it.
 *
 * The configured rate is a ceiling, not a promise: when the service answers 429 while we pace at that rate, its
 * real limit for this credential is lower (another process shares the integration, or the documented figure is
 * optimistic). Without adapting, every call would then pay a 429 plus a full Retry-After wait. So the bucket paces
 * AIMD-style, for every client on the credential:
 * - a 429 cuts the rate (by half when it came right after the last change, by about 1/n after n successes);
 * - after a stretch of successes the rate goes up one step, never above the configured rate;
 * - a raise that draws a 429 falls back to the rate that held, and the next raise comes later and is smaller, so
 *   the rate settles just under the service's real limit instead of hitting it again and again.
 */

export interface RateLimitSpec {
	/** Sustained requests per second. */
	requestsPerSecond: number;
	/** Tokens available at once (burst size). Defaults to 1 for strict pacing. */
	burst?: number;
	/**
	 * And never more than `limit` calls in any `windowMs`, for services that count per sliding window
	 * (`perWindow` in ./slidingWindow builds the whole spec from the service's limit).
	 */
	window?: WindowSpec;
}

/** How the rate adapts to 429 answers. */
export interface AdaptivePacing {
	/** Strongest cut on a 429: the rate is multiplied by at least this (0 < decrease < 1). */
	decrease: number;
	/** Mildest cut on a 429, after a long run of successes at the current rate (decrease <= gentlest < 1). */
	gentlest: number;
	/** Successful calls at the current rate before it is raised one step (doubles after each failed raise). */
	recoverAfter: number;
	/** Cap for the doubling of `recoverAfter`. */
	maxRecoverAfter: number;
	/** One recovery step, as a share of the configured rate. */
	recoverStep: number;
	/** Lowest rate, as a share of the configured rate (Retry-After waits still apply below it). */
	floor: number;
}

export const DEFAULT_ADAPTIVE_PACING: AdaptivePacing = Object.freeze({
	decrease: 0.5,
	gentlest: 0.9,
	recoverAfter: 20,
	maxRecoverAfter: 320,
	recoverStep: 0.1,
	floor: 0.05,
});

type Clock = () => number;

/**
 * What the HTTP clients need from a rate limiter, whether its state lives in this process (`TokenBucket`) or is
 * shared by every n8n process through Redis (`SharedRateLimiter`, docs/rate-limits.md).
 */
export interface RateLimiter {
	/** Wait for a turn (callers of one process are served in order); resolves with a ticket for the outcome calls. */
	acquire(): Promise<number>;
	/** The call let through with `ticket` succeeded. */
	succeeded(ticket: number): void;
	/** The call let through with `ticket` was answered with 429: lower the rate. */
	rateLimited(ticket: number): void;
	/** The service said to back off: let no call through for `ms`. */
	pause(ms: number): void;
	/** Apply a new spec in place (a settings change or limits learned from headers). */
	configure(spec: RateLimitSpec): void;
	/** The rate calls are paced at now, per second. */
	readonly requestsPerSecond: number;
	/** The configured (ceiling) rate, per second. */
	readonly configuredRequestsPerSecond: number;
	/** Burst size now. */
	readonly capacity: number;
	/** Total time callers spent waiting for a turn, in ms. */
	readonly waitedMs: number;
	/** How many times a 429 lowered the rate. */
	readonly cuts: number;
}

function checkSpec(spec: RateLimitSpec): void {
	if (!(spec.requestsPerSecond > 0) || !Number.isFinite(spec.requestsPerSecond)) {
		throw new RangeError(`requestsPerSecond must be a finite number > 0, got ${String(spec.requestsPerSecond)}`);
	}
	if (spec.window) checkWindow(spec.window);
}

function sameWindow(a: WindowSpec | undefined, b: WindowSpec | undefined): boolean {
	return a?.limit === b?.limit && a?.windowMs === b?.windowMs;
}

export class TokenBucket implements RateLimiter {
	private maxRate: number;
	private rate: number;
	private maxCapacity: number;
	private tokens: number;
	private last: number;
	private pausedUntil = 0;
	/** Send times of the last calls, when the spec has a window. */
	private sent: SendTimes | undefined;
	private readonly queue = new InOrder();
	/** Tickets handed out so far; a ticket identifies when a call was let through. */
	private issued = 0;
	/** Calls let through up to this ticket were sent before the last cut: their 429s are already accounted for. */
	private cutThrough = 0;
	/** Calls let through up to this ticket were paced at an earlier rate: their successes say nothing about this one. */
	private changedThrough = 0;
	/** Successes at the current rate (calls let through after the last change). */
	private streak = 0;
	/** Successes needed before the next raise; doubles when a raise is answered with 429. */
	private recoverAfter: number;
	/** Size of the next raise (per second); halves when a raise is answered with 429, to close in on the limit. */
	private step: number;
	/** The rate before the last raise, while no 429 has come since: it held for a whole stretch of calls. */
	private heldRate: number | undefined;
	private readonly pacing: AdaptivePacing;
	/** Total time callers spent waiting for a token, in ms (for metrics and benchmarks). */
	waitedMs = 0;
	/** How many times a 429 lowered the rate. */
	cuts = 0;

	constructor(
		spec: RateLimitSpec,
		private readonly now: Clock = Date.now,
		private readonly sleep: Sleep = configuredSleep,
		pacing: Partial<AdaptivePacing> = {},
	) {
		checkSpec(spec);
		this.pacing = { ...DEFAULT_ADAPTIVE_PACING, ...pacing };
		this.maxRate = spec.requestsPerSecond;
		this.rate = this.maxRate;
		this.recoverAfter = this.pacing.recoverAfter;
		this.step = this.maxRate * this.pacing.recoverStep;
		this.maxCapacity = Math.max(1, spec.burst ?? 1);
		this.tokens = this.maxCapacity;
		this.last = this.now();
		this.sent = spec.window ? new SendTimes(spec.window) : undefined;
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

	/** The sliding window on top of the rate, if any. */
	get window(): WindowSpec | undefined {
		return this.sent?.spec;
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
		if (!sameWindow(spec.window, this.sent?.spec)) this.sent = spec.window ? (this.sent?.resized(spec.window) ?? new SendTimes(spec.window)) : undefined;
		if (spec.requestsPerSecond === this.maxRate && burst === this.maxCapacity) return;
		this.refill();
		const unthrottled = this.rate >= this.maxRate;
		this.maxRate = spec.requestsPerSecond;
		this.maxCapacity = burst;
		this.rate = unthrottled ? this.maxRate : Math.min(this.rate, this.maxRate);
		this.step = this.maxRate * this.pacing.recoverStep;
		this.heldRate = undefined;
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
		return this.queue.run(() => this.take());
	}

	/**
	 * A ticket for a call that something else paced (the shared store): its outcome still adapts this bucket's rate.
	 */
	issueTicket(): number {
		this.issued += 1;
		return this.issued;
	}

	private async take(): Promise<number> {
		const started = this.now();
		for (;;) {
			const pause = this.pausedUntil - this.now();
			if (pause > 0) {
				await this.sleep(pause);
				continue;
			}
			const full = this.sent?.waitMs(this.now()) ?? 0;
			if (full > 0) {
				await this.sleep(full);
				continue;
			}
			this.refill();
			if (this.tokens >= 1) {
				this.tokens -= 1;
				this.sent?.record(this.now());
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
	 *
	 * How far to cut follows from how long the current rate held: a 429 right after a change means the rate is far
	 * above the service's limit (halve it); one after n successes means it is only a little above (about 1/n), since
	 * the service's burst allowance drained slowly.
	 */
	rateLimited(ticket: number): void {
		if (ticket <= this.cutThrough) return;
		this.refill();
		const factor = Math.min(this.pacing.gentlest, Math.max(this.pacing.decrease, 1 - 1 / Math.max(1, this.streak)));
		let rate = this.rate * factor;
		if (this.heldRate !== undefined) {
			// A raise went too far: go back to the rate that held; raise later, and by less.
			rate = Math.max(rate, this.heldRate);
			this.recoverAfter = Math.min(this.pacing.maxRecoverAfter, this.recoverAfter * 2);
			this.step = Math.max(this.step / 2, (this.maxRate * this.pacing.recoverStep) / 16);
			this.heldRate = undefined;
		}
		this.rate = Math.max(this.maxRate * this.pacing.floor, rate);
		this.tokens = Math.min(this.tokens, this.capacity);
		this.cutThrough = this.issued;
		this.changedThrough = this.issued;
		this.streak = 0;
		this.cuts += 1;
	}

	/** The call let through with `ticket` succeeded; enough of them in a row at the current rate raise it one step. */
	succeeded(ticket: number): void {
		if (ticket <= this.changedThrough) return;
		this.streak += 1;
		if (this.rate >= this.maxRate) {
			// Back at the configured rate: the next overshoot starts the careful recovery afresh.
			this.recoverAfter = this.pacing.recoverAfter;
			this.step = this.maxRate * this.pacing.recoverStep;
			this.heldRate = undefined;
			return;
		}
		if (this.streak < this.recoverAfter) return;
		this.refill();
		this.heldRate = this.rate;
		this.rate = Math.min(this.maxRate, this.rate + this.step);
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

const buckets = new Map<string, RateLimiter>();

/** A stable key for a credential that does not keep the secret itself in memory maps or logs. */
export function credentialKey(secret: string): string {
	return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

/**
 * The process-wide bucket `name` of `service` + `credential`. The first caller creates it; every later caller with
 * the same service, credential and name shares it. A different spec updates the shared bucket in place (settings
 * changes take effect) instead of replacing it, which would leave earlier clients on a bucket of their own.
 *
 * In n8n queue mode (or when configured, docs/rate-limits.md) the bucket's pacing state lives in Redis so every
 * worker draws from one budget; the in-process bucket then keeps the rate adaptation and is the fallback.
 */
export function getRateLimiter(service: string, credential: string, spec: RateLimitSpec, name = 'default'): RateLimiter {
	const key = `${service}\u0000${credential}\u0000${name}`;
	const bucket = buckets.get(key);
	if (bucket) {
		bucket.configure(spec);
		return bucket;
	}
	const local = new TokenBucket(spec);
	const created = sharedRateLimiter(local, service, credential, name) ?? local;
	buckets.set(key, created);
	return created;
}

/** For tests. */
export function resetRateLimiters(): void {
	buckets.clear();
}
