import { RateLimitError, type MspOpsError } from '../errors';
import { parseRetryAfter, type HttpResponse, type RateLimitSpec, type RateLimiter, type ResponseContext } from '../http';

/**
 * HubSpot pacing (docs/hubspot.md, "Rate limits"): one bucket per token sized from the documented burst limit of the
 * account's tier, adapted to the X-HubSpot-RateLimit-* headers when HubSpot sends them, a separate bucket for search
 * (which has its own per-second limit and no headers), and the daily limit as a final error.
 */

/** Documented burst limits of private apps, per 10 seconds [2][3]. */
export const HUBSPOT_BURST_LIMITS = Object.freeze({
	freeStarter: 100,
	professionalEnterprise: 190,
	apiLimitIncrease: 250,
});
export type HubSpotTier = keyof typeof HUBSPOT_BURST_LIMITS;

export interface BurstLimit {
	/** Requests allowed per rolling window. */
	max: number;
	intervalMs: number;
}

/** Share of the window's allowance the bucket plans to use: the rest absorbs network jitter and other callers. */
const HEADROOM = 0.9;

/**
 * The bucket for a rolling window of `max` calls per `intervalMs`. A token bucket lets through at most
 * burst + rate x interval calls in any window, so burst + rate x interval is kept at 90% of `max`.
 */
export function specForBurstLimit(limit: BurstLimit): RateLimitSpec {
	const max = Math.max(1, Math.floor(limit.max));
	const seconds = Math.max(0.001, limit.intervalMs / 1000);
	const burst = Math.max(1, Math.floor(max * 0.1));
	const rate = (Math.max(1, max * HEADROOM - burst) / seconds);
	return { requestsPerSecond: rate, burst };
}

/** Limits learned from headers, per credential key: bounded by the credentials used in this process. */
const learned = new Map<string, BurstLimit>();

/** For tests: forget what headers taught about every credential. */
export function clearLearnedHubSpotLimits(): void {
	learned.clear();
}

export function learnedBurstLimit(key: string): BurstLimit | undefined {
	return learned.get(key);
}

function intHeader(headers: Record<string, string>, name: string): number | undefined {
	const raw = headers[name];
	if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
	return Number(raw.trim());
}

export interface PacerOptions {
	credentialKey: string;
	/** Follow X-HubSpot-RateLimit-Max/Interval-Milliseconds/Remaining (default true). */
	adaptToHeaders: boolean;
	/** The search bucket: its answers carry no ten-secondly headers. */
	searchBucket: () => RateLimiter | undefined;
	now: () => number;
}

export function rateLimitPolicy(body: unknown): string | undefined {
	if (body && typeof body === 'object' && typeof (body as { policyName?: unknown }).policyName === 'string') return (body as { policyName: string }).policyName;
	return undefined;
}

/** The `onResponse` hook of the HubSpot ServiceHttpClient. */
export function hubspotResponseHook(options: PacerOptions): (response: HttpResponse, context: ResponseContext) => MspOpsError | undefined {
	return (response, context) => {
		const { headers, status } = response;
		const bucket = context.bucket;
		if (status === 429 && rateLimitPolicy(response.data) === 'DAILY') return dailyLimitError(response, context, options.now);
		if (!bucket) return undefined;
		const isSearch = bucket === options.searchBucket();
		const max = intHeader(headers, 'x-hubspot-ratelimit-max');
		const intervalMs = intHeader(headers, 'x-hubspot-ratelimit-interval-milliseconds');
		const remaining = intHeader(headers, 'x-hubspot-ratelimit-remaining');
		if (!isSearch && options.adaptToHeaders && max && intervalMs) {
			const known = learned.get(options.credentialKey);
			if (!known || known.max !== max || known.intervalMs !== intervalMs) learned.set(options.credentialKey, { max, intervalMs });
			bucket.configure(specForBurstLimit({ max, intervalMs }));
			// Little left in this window (other callers share the account's limit): wait for slots to free.
			if (remaining !== undefined && remaining <= 1) bucket.pause(Math.ceil((intervalMs / max) * (2 - remaining)));
		}
		if (status === 429 && headers['retry-after'] === undefined) {
			// No Retry-After: hold every caller on this token for a share of the window (search: one second).
			bucket.pause(isSearch ? 1_000 : Math.ceil((intervalMs ?? 10_000) / 10));
		}
		return undefined;
	};
}

function dailyLimitError(response: HttpResponse, context: ResponseContext, now: () => number): MspOpsError {
	const retryAfterMs = parseRetryAfter(response.headers['retry-after'], now());
	const limit = intHeader(response.headers, 'x-hubspot-ratelimit-daily');
	const when =
		retryAfterMs === undefined
			? 'at midnight in the HubSpot account\'s time zone'
			: `at midnight in the HubSpot account's time zone, in about ${formatWait(retryAfterMs)} (${new Date(now() + retryAfterMs).toISOString()})`;
	const correlationId = (response.data as { correlationId?: unknown } | undefined)?.correlationId;
	return new RateLimitError(
		`HubSpot's daily API limit for this account is spent${limit ? ` (${limit} calls a day)` : ''}: HubSpot refuses every call until it resets ${when}. Run the workflow again after that, or make it use fewer calls (batches of 100, fewer runs).`,
		{
			service: 'hubspot',
			operation: context.operation,
			httpStatus: 429,
			code: 'DAILY',
			retryable: false,
			retryAfterMs,
			itemIndex: context.itemIndex,
			requestId: typeof correlationId === 'string' ? correlationId : undefined,
		},
	);
}

function formatWait(ms: number): string {
	const minutes = Math.ceil(ms / 60_000);
	if (minutes < 60) return `${minutes} min`;
	return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
