import { Client, isHTTPResponseError, isNotionClientError } from '@notionhq/client';
import type { SupportedFetch, SupportedResponse } from '@notionhq/client/build/src/fetch-types';
import { ConfigError, errorForStatus, isMspOpsError, NetworkError, RateLimitError, type MspOpsError } from '../errors';
import {
	credentialKey,
	htmlSummary,
	isHtmlBody,
	ServiceHttpClient,
	sentences,
	statusHint,
	type HttpMethod,
	type MetricsRecorder,
	type ParsedServiceError,
	parseRetryAfter,
	redact,
	type RetryPolicy,
} from '../http';

/**
 * The Notion transport: @notionhq/client for request building and typed responses, with its `fetch` replaced by
 * an adapter over ServiceHttpClient so the package's one HTTP path owns rate limiting (one token bucket per
 * Notion credential in the process), retries (429/529 with Retry-After, 5xx/resets only for idempotent calls),
 * error mapping, redaction and metrics. The SDK's own retries are switched off so every call is retried once,
 * by one policy.
 */

export const NOTION_DEFAULTS = Object.freeze({
	baseUrl: 'https://api.notion.com',
	notionVersion: '2025-09-03',
	/** Notion documents an average of 3 requests per second per integration, with bursts allowed. */
	requestsPerSecond: 3,
	/** A small burst so the first calls of a run are not spread out needlessly. */
	burst: 3,
});

export interface NotionConnectionOptions {
	token: string;
	baseUrl?: string;
	notionVersion?: string;
	requestsPerSecond?: number;
	burst?: number;
	timeoutMs?: number;
	retry?: Partial<RetryPolicy>;
	metrics?: MetricsRecorder;
	/** Test hooks. */
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
}

/** What a user can do about Notion's own error codes (https://developers.notion.com/reference/status-codes). */
const NOTION_HINTS: Record<string, string> = {
	unauthorized: 'Check the integration token in the Notion credential.',
	restricted_resource: "Share the page or database with the integration (its ··· menu, Connections) and check the integration's capabilities.",
	object_not_found: 'Check the ID given to the node; the page or database must also be shared with the integration.',
	validation_error: "Check the node's parameters and the values sent for each property.",
	invalid_json: 'The request body was not valid JSON: report this as a bug.',
	conflict_error: 'Something else changed the same page at the same time: run the node again.',
};

/** Notion's error body: `{object:"error", status, code, message, request_id}`. */
export function parseNotionError(status: number, body: unknown): ParsedServiceError {
	if (body && typeof body === 'object') {
		const b = body as Record<string, unknown>;
		if (typeof b.message === 'string') {
			const code = typeof b.code === 'string' ? b.code : undefined;
			return {
				message: code ? `${code}: ${b.message}` : b.message,
				code,
				requestId: typeof b.request_id === 'string' ? b.request_id : undefined,
				hint: code ? NOTION_HINTS[code] : undefined,
			};
		}
	}
	if (isHtmlBody(body)) return { message: `an HTML page ("${htmlSummary(body)}") from a proxy or gateway in front of Notion, not Notion's own answer` };
	if (typeof body === 'string' && body.trim()) return { message: body.replace(/\s+/g, ' ').trim().slice(0, 200) };
	return { message: `HTTP ${status}` };
}

interface CallShape {
	operation: string;
	idempotent: boolean;
}

/**
 * Name and idempotency of a Notion call, from its method and path.
 * - Queries and searches are read-only POSTs: safe to send again.
 * - PATCH of a page or data source sets absolute values (properties, in_trash): sending it twice has the same effect.
 * - Creating a page or database is not idempotent: after an ambiguous failure the caller must look before
 *   creating again (see NotionRowSync).
 */
export function describeCall(method: string, pathname: string): CallShape {
	const p = pathname.replace(/^\/v1\//, '/').replace(/\/+$/, '');
	const m = method.toUpperCase();
	if (m === 'POST' && /^\/data_sources\/[^/]+\/query$/.test(p)) return { operation: 'queryDataSource', idempotent: true };
	if (m === 'POST' && /^\/databases\/[^/]+\/query$/.test(p)) return { operation: 'queryDatabase', idempotent: true };
	if (m === 'POST' && p === '/search') return { operation: 'search', idempotent: true };
	if (m === 'POST' && p === '/pages') return { operation: 'createPage', idempotent: false };
	if (m === 'PATCH' && /^\/pages\/[^/]+$/.test(p)) return { operation: 'updatePage', idempotent: true };
	if (m === 'POST' && p === '/databases') return { operation: 'createDatabase', idempotent: false };
	if (m === 'PATCH' && /^\/data_sources\/[^/]+$/.test(p)) return { operation: 'updateDataSource', idempotent: true };
	if (m === 'PATCH' && /^\/databases\/[^/]+$/.test(p)) return { operation: 'updateDatabase', idempotent: true };
	if (m === 'GET' && /^\/data_sources\/[^/]+$/.test(p)) return { operation: 'getDataSource', idempotent: true };
	if (m === 'GET' && /^\/databases\/[^/]+$/.test(p)) return { operation: 'getDatabase', idempotent: true };
	if (m === 'GET' && /^\/pages\/[^/]+$/.test(p)) return { operation: 'getPage', idempotent: true };
	if (m === 'GET' && p === '/users/me') return { operation: 'getMe', idempotent: true };
	const name = `${m.toLowerCase()}${p.split('/').filter((s) => s && !/[0-9a-f]{8}-?[0-9a-f]{4}/i.test(s)).map((s) => s[0].toUpperCase() + s.slice(1)).join('')}`;
	return { operation: name.replace(/[^A-Za-z]/g, ''), idempotent: m === 'GET' || m === 'DELETE' };
}

class AdapterResponse implements SupportedResponse {
	readonly body = null;
	constructor(
		readonly status: number,
		readonly headers: Headers,
		private readonly payload: string,
	) {}
	get ok(): boolean {
		return this.status >= 200 && this.status < 300;
	}
	async text(): Promise<string> {
		return this.payload;
	}
}

/**
 * A `fetch` for the SDK that sends through ServiceHttpClient. Error responses and network failures throw our
 * MspOpsError (built, worded and redacted in lib/http like every other service's), which the SDK passes through
 * unchanged because it is not one of its own errors. toNotionError maps what the SDK itself throws.
 */
export function policyFetch(http: ServiceHttpClient): SupportedFetch {
	return async (url, init) => {
		const target = new URL(url);
		const method = (init?.method ?? 'GET').toUpperCase() as HttpMethod;
		const shape = describeCall(method, target.pathname);
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(init?.headers ?? {})) {
			const lower = key.toLowerCase();
			// Auth comes from ServiceHttpClient (so the token is registered for redaction); content-type from `json`.
			if (lower === 'authorization' || lower === 'content-type' || lower === 'user-agent') continue;
			headers[key] = value;
		}
		if (init?.body !== undefined && typeof init.body !== 'string') {
			throw new ConfigError('Notion file uploads are not supported by this package', { service: 'notion' });
		}
		const response = await http.request({
			operation: shape.operation,
			method,
			path: target.toString(),
			headers,
			json: init?.body === undefined ? undefined : (JSON.parse(init.body) as unknown),
			idempotent: shape.idempotent,
		});
		const payload =
			response.data === undefined ? '' : typeof response.data === 'string' ? response.data : JSON.stringify(response.data);
		return new AdapterResponse(response.status, new Headers(response.headers), payload);
	};
}

export interface NotionTransport {
	client: Client;
	http: ServiceHttpClient;
	baseUrl: string;
	notionVersion: string;
	requestsPerSecond: number;
}

/** Build the SDK client and the policy HTTP client for one Notion credential. */
export function createNotionTransport(options: NotionConnectionOptions): NotionTransport {
	const token = (options.token ?? '').trim();
	if (!token) throw new ConfigError('The Notion credential has no integration token', { service: 'notion', field: 'token' });
	const baseUrl = (options.baseUrl?.trim() || NOTION_DEFAULTS.baseUrl).replace(/\/+$/, '').replace(/\/v1$/, '');
	if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
		throw new ConfigError(`Notion base URL "${baseUrl}" must look like https://api.notion.com (set it in the credential, without /v1)`, {
			service: 'notion',
			field: 'baseUrl',
			expected: 'an http(s) URL',
			received: baseUrl,
		});
	}
	const notionVersion = options.notionVersion?.trim() || NOTION_DEFAULTS.notionVersion;
	const requestsPerSecond = options.requestsPerSecond ?? NOTION_DEFAULTS.requestsPerSecond;
	if (!(requestsPerSecond > 0)) {
		throw new ConfigError(`Notion requests per second must be > 0, got ${String(requestsPerSecond)}`, { service: 'notion' });
	}
	const burst = Math.max(1, Math.floor(options.burst ?? NOTION_DEFAULTS.burst));
	const http = new ServiceHttpClient({
		service: 'notion',
		baseUrl,
		credentialKey: credentialKey(`${baseUrl}|${token}`),
		rateLimits: { default: { requestsPerSecond, burst } },
		retry: options.retry,
		timeoutMs: options.timeoutMs,
		headers: () => ({ Authorization: `Bearer ${token}`, 'Notion-Version': notionVersion }),
		secrets: [token],
		parseError: (status, body) => parseNotionError(status, body),
		metrics: options.metrics,
		sleep: options.sleep,
		random: options.random,
	});
	const client = new Client({
		baseUrl,
		notionVersion,
		fetch: policyFetch(http),
		retry: false,
		// Per-attempt timeouts are ServiceHttpClient's; this only bounds a whole call including waits.
		timeoutMs: 15 * 60_000,
		logger: () => undefined,
	});
	return { client, http, baseUrl, notionVersion, requestsPerSecond };
}

export interface CallContext {
	itemIndex?: number;
}

/** Map anything the SDK (or our fetch adapter) threw to an MspOpsError with Notion's code and request id. */
export function toNotionError(error: unknown, operation: string, context: CallContext = {}): MspOpsError {
	if (isMspOpsError(error)) {
		if (context.itemIndex !== undefined && error.itemIndex === undefined) error.itemIndex = context.itemIndex;
		return error;
	}
	if (isHTTPResponseError(error)) {
		const parsed = parseNotionError(error.status, safeJson(error.body));
		const header = (error.headers as Headers | undefined)?.get?.('retry-after') ?? undefined;
		const retryAfterMs = parseRetryAfter(header);
		const details = {
			service: 'notion' as const,
			operation,
			code: parsed.code,
			requestId: parsed.requestId,
			retryAfterMs,
			itemIndex: context.itemIndex,
		};
		const message = redact(sentences(`Notion ${operation} returned ${error.status}: ${parsed.message}`, parsed.hint ?? statusHint(error.status, 'Notion', retryAfterMs)));
		if (error.status === 529) return new RateLimitError(message, { httpStatus: 529, ...details });
		return errorForStatus(error.status, message, details);
	}
	if (isNotionClientError(error)) {
		// RequestTimeoutError (the whole call, waits included, took too long) or an invalid path parameter.
		const timeout = error.code === 'notionhq_client_request_timeout';
		const hint = timeout ? 'Notion or the network is slow: run the node again later.' : 'Check the IDs given to the node.';
		return new NetworkError(redact(sentences(`Notion ${operation} failed: ${error.message}`, hint)), {
			service: 'notion',
			operation,
			code: timeout ? 'ETIMEDOUT' : error.code,
			retryable: timeout,
			itemIndex: context.itemIndex,
		});
	}
	const reason = error instanceof Error ? error.message : String(error);
	return new NetworkError(redact(sentences(`Notion ${operation} failed: ${reason}`, 'Run the node again later; if it keeps failing, report it with this message.')), {
		service: 'notion',
		operation,
		itemIndex: context.itemIndex,
	});
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** Run one SDK call and map its failure to lib/errors. */
export async function notionCall<T>(operation: string, fn: () => Promise<T>, context: CallContext = {}): Promise<T> {
	try {
		return await fn();
	} catch (error) {
		throw toNotionError(error, operation, context);
	}
}

/**
 * Whether a failed write may have been applied anyway (an answer never came, or a 5xx/timeout after the request
 * was sent). Such a create must be checked before it is sent again.
 */
export function isAmbiguousFailure(error: unknown): boolean {
	if (!isMspOpsError(error)) return false;
	if (error.kind === 'rate_limit') return false;
	if (error.kind === 'network') return error.code !== 'ECONNREFUSED';
	return error.httpStatus !== undefined && [408, 500, 502, 503, 504].includes(error.httpStatus);
}
