import pRetry from 'p-retry';
import { MspOpsError } from '../errors';
import { sleep } from './timers';

/**
 * When to try a failed call again and how long to wait. p-retry runs the loop; the delay is ours so that the
 * service's Retry-After always wins over our own backoff.
 */

export interface RetryPolicy {
	/** Attempts after the first. */
	retries: number;
	/** First backoff step and cap for exponential backoff (full jitter). */
	minDelayMs: number;
	maxDelayMs: number;
	factor: number;
	/** A Retry-After longer than this is not waited for: the call fails with a retryable error instead. */
	maxRetryAfterMs: number;
	/**
	 * Whether a timeout is tried again: a 408, or no answer within the call's timeout. Off where the other side has
	 * already waited its whole timeout for something that is not answering, and the next run reads it again anyway.
	 */
	retryTimeouts: boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
	retries: 4,
	minDelayMs: 500,
	maxDelayMs: 30_000,
	factor: 2,
	maxRetryAfterMs: 120_000,
	retryTimeouts: true,
});

/** Retry-After as milliseconds: delta-seconds (integer or decimal) or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
	if (value === null || value === undefined) return undefined;
	const text = value.trim();
	if (text === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/** Exponential backoff with full jitter: uniform in [min, min(max, min * factor^(attempt-1))]. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * Math.pow(policy.factor, Math.max(0, attempt - 1)));
	return Math.round(policy.minDelayMs + random() * Math.max(0, ceiling - policy.minDelayMs));
}

/**
 * Whether a failed call may be sent again.
 * - 429 and 529 mean the service refused the call before doing anything: always safe.
 * - A connection that was never made (refused, DNS) is safe too.
 * - 408/500/502/503/504, timeouts and resets may have left the call half done: only idempotent calls are
 *   retried blindly. Non-idempotent callers (creates) must check what happened before trying again.
 * - With `retryTimeouts` off, a 408 or a call that got no answer in time is not tried again at all.
 */
export function isRetryable(error: unknown, idempotent: boolean, retryTimeouts = true): boolean {
	if (!(error instanceof MspOpsError)) return false;
	if (error.kind === 'rate_limit') return true;
	if (!retryTimeouts && (error.httpStatus === 408 || (error.kind === 'network' && error.code === 'ETIMEDOUT'))) return false;
	if (error.kind === 'network') return idempotent || error.code === 'ECONNREFUSED';
	if (error.httpStatus !== undefined && [408, 500, 502, 503, 504].includes(error.httpStatus)) return idempotent;
	return false;
}

export interface RetryRunOptions {
	policy: RetryPolicy;
	idempotent: boolean;
	/** Called before each wait; used to pause a shared rate limiter on 429. */
	onRetry?: (error: MspOpsError, attempt: number, delayMs: number) => void;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
	signal?: AbortSignal;
}


/** Run `attempt` until it succeeds or a non-retryable error / exhausted policy ends it. Returns retries used. */
export async function runWithRetries<T>(
	attempt: (attemptNumber: number) => Promise<T>,
	options: RetryRunOptions,
): Promise<{ value: T; retries: number }> {
	const wait = options.sleep ?? sleep;
	let retries = 0;
	const value = await pRetry(
		async (attemptNumber: number) => {
			retries = attemptNumber - 1;
			return attempt(attemptNumber);
		},
		{
			retries: options.policy.retries,
			// p-retry's own backoff is switched off; the wait happens in onFailedAttempt.
			minTimeout: 0,
			maxTimeout: 0,
			factor: 1,
			randomize: false,
			signal: options.signal,
			onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
				if (retriesLeft <= 0 || !isRetryable(error, options.idempotent, options.policy.retryTimeouts)) throw error;
				const mspError = error as MspOpsError;
				const backoff = backoffDelay(attemptNumber, options.policy, options.random);
				if (mspError.retryAfterMs !== undefined && mspError.retryAfterMs > options.policy.maxRetryAfterMs) throw error;
				const delay = Math.max(backoff * (mspError.retryAfterMs === undefined ? 1 : 0), mspError.retryAfterMs ?? 0);
				options.onRetry?.(mspError, attemptNumber, delay);
				await wait(delay);
			},
		},
	);
	return { value, retries };
}
