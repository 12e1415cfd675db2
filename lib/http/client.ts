import { errorForStatus, MspOpsError, NetworkError, RateLimitError, type ServiceName } from '../errors';
import { globalMetrics, type MetricsRecorder } from './metrics';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, runWithRetries, type RetryPolicy } from './policy';
import { getRateLimiter, type RateLimitSpec, type TokenBucket } from './rateLimiter';
import { redact, registerSecret } from './redact';
import { sendRaw, TransportError, type RawResponse } from './transport';

/**
 * The one HTTP path every service client uses: auth headers, rate limiting per credential, retries with
 * Retry-After, error mapping to lib/errors, redaction, metrics. Service clients (lib/unifi, lib/ninjaone, ...)
 * only say what to call and how to read the service's error body.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined | null | Array<string | number>;

export interface ParsedServiceError {
	message: string;
	code?: string;
	requestId?: string;
}

export interface ServiceClientConfig {
	service: ServiceName;
	baseUrl: string;
	/** Identifies the credential for rate limiting (use credentialKey(secret), never the secret). */
	credentialKey: string;
	/** Named buckets; `default` is used unless a request names another (UniFi's `ea` bucket). */
	rateLimits?: Record<string, RateLimitSpec>;
	retry?: Partial<RetryPolicy>;
	timeoutMs?: number;
	/** Auth and other headers added to every request; async so OAuth clients can fetch a token. */
	headers?: () => Record<string, string> | Promise<Record<string, string>>;
	/** Secret values to mask in every message. */
	secrets?: Array<string | undefined>;
	/** Read the service's error body into a message and code. */
	parseError?: (status: number, body: unknown, headers: Record<string, string>) => ParsedServiceError;
	/** Called once on 401; return true if credentials were refreshed and the call should be sent again. */
	onUnauthorized?: () => Promise<boolean>;
	allowInsecureTls?: boolean;
	metrics?: MetricsRecorder;
	/** Test hooks. */
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
}

export interface RequestOptions {
	/** Short name for metrics and messages: "getSites", "queryDataSource". */
	operation: string;
	method?: HttpMethod;
	/** Path relative to baseUrl (may include a query string) or an absolute URL. */
	path: string;
	query?: Record<string, QueryValue>;
	json?: unknown;
	form?: Record<string, string>;
	headers?: Record<string, string>;
	/** Defaults: GET/PUT/DELETE idempotent, POST/PATCH not. Read-only POSTs (queries, searches) should pass true. */
	idempotent?: boolean;
	bucket?: string;
	timeoutMs?: number;
	/** Skip auth headers (token endpoints). */
	skipAuth?: boolean;
	/** Itemized context for errors. */
	itemIndex?: number;
	/**
	 * Resolve with the final error response instead of throwing (after retries and rate limiting). For SDKs that
	 * read error bodies themselves, such as @notionhq/client through a policy fetch.
	 */
	resolveErrorResponses?: boolean;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string>;
	data: unknown;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): URL {
	const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(baseUrl.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, ''));
	for (const [key, value] of Object.entries(query ?? {})) {
		if (value === undefined || value === null || value === '') continue;
		if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v));
		else url.searchParams.append(key, String(value));
	}
	return url;
}

function parseBody(raw: RawResponse): unknown {
	if (raw.body.length === 0) return undefined;
	const text = raw.body.toString('utf8');
	const type = raw.headers['content-type'] ?? '';
	if (type.includes('json') || /^\s*[[{]/.test(text)) {
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	return text;
}

function defaultParseError(status: number, body: unknown): ParsedServiceError {
	if (body && typeof body === 'object') {
		const b = body as Record<string, unknown>;
		const message = [b.message, b.errorMessage, b.error_description, b.error].find((v) => typeof v === 'string') as string | undefined;
		const code = [b.code, b.resultCode, b.error].find((v) => typeof v === 'string') as string | undefined;
		if (message) return { message, code };
	}
	if (typeof body === 'string' && body.trim()) return { message: body.trim().slice(0, 300) };
	return { message: `HTTP ${status}` };
}

export class ServiceHttpClient {
	readonly service: ServiceName;
	readonly baseUrl: string;
	private readonly policy: RetryPolicy;
	private readonly metrics: MetricsRecorder;
	private readonly secrets: string[];
	private readonly buckets = new Map<string, TokenBucket>();

	constructor(private readonly config: ServiceClientConfig) {
		this.service = config.service;
		this.baseUrl = config.baseUrl;
		this.policy = { ...DEFAULT_RETRY_POLICY, ...config.retry };
		this.metrics = config.metrics ?? globalMetrics;
		this.secrets = (config.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length > 0);
		for (const secret of this.secrets) registerSecret(secret);
		for (const [name, spec] of Object.entries(config.rateLimits ?? {})) {
			this.buckets.set(name, getRateLimiter(`${config.service}/${name}`, config.credentialKey, spec));
		}
	}

	/** Mask this client's secrets (and any registered ones) in a text. */
	redact(text: string): string {
		return redact(text, this.secrets);
	}

	private bucketFor(name: string | undefined): TokenBucket | undefined {
		return this.buckets.get(name ?? 'default') ?? this.buckets.get('default');
	}

	/** Send a request through the policy; resolves only with a 2xx response, otherwise throws an MspOpsError. */
	async request(options: RequestOptions): Promise<HttpResponse> {
		const method = options.method ?? 'GET';
		const idempotent = options.idempotent ?? (method === 'GET' || method === 'PUT' || method === 'DELETE');
		const bucket = this.bucketFor(options.bucket);
		const started = performance.now();
		let rateLimited = 0;
		let throttledMs = 0;
		let lastStatus = 0;
		let reauthorized = false;
		let attempts = 0;
		let lastErrorResponse: HttpResponse | undefined;

		const attemptOnce = async (): Promise<HttpResponse> => {
			if (bucket) {
				const t = performance.now();
				await bucket.acquire();
				throttledMs += performance.now() - t;
			}
			const url = buildUrl(this.baseUrl, options.path, options.query);
			const headers: Record<string, string> = { accept: 'application/json' };
			if (!options.skipAuth && this.config.headers) Object.assign(headers, await this.config.headers());
			Object.assign(headers, options.headers);
			let body: string | undefined;
			if (options.json !== undefined) {
				body = JSON.stringify(options.json);
				headers['content-type'] = 'application/json';
			} else if (options.form) {
				body = new URLSearchParams(options.form).toString();
				headers['content-type'] = 'application/x-www-form-urlencoded';
			}
			let raw: RawResponse;
			try {
				raw = await sendRaw({
					method,
					url,
					headers,
					body,
					timeoutMs: options.timeoutMs ?? this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
					allowInsecureTls: this.config.allowInsecureTls,
				});
			} catch (error) {
				lastStatus = 0;
				const te = error instanceof TransportError ? error : new TransportError(String(error), 'ECONNRESET', true);
				throw new NetworkError(this.redact(`${this.label(options)} failed: ${te.message} (${te.code})`), {
					service: this.service,
					operation: options.operation,
					code: te.code,
					retryable: true,
					itemIndex: options.itemIndex,
					cause: undefined,
				});
			}
			lastStatus = raw.status;
			lastErrorResponse = undefined;
			const data = parseBody(raw);
			if (raw.status >= 200 && raw.status < 300) return { status: raw.status, headers: raw.headers, data };
			if (raw.status === 401 && !reauthorized && this.config.onUnauthorized) {
				reauthorized = true;
				if (await this.config.onUnauthorized()) return attemptOnce();
			}
			lastErrorResponse = { status: raw.status, headers: raw.headers, data };
			throw this.errorFromResponse(raw.status, data, raw.headers, options);
		};

		try {
			const { value, retries } = await runWithRetries(() => {
				attempts += 1;
				return attemptOnce();
			}, {
				policy: this.policy,
				idempotent,
				sleep: this.config.sleep,
				random: this.config.random,
				onRetry: (error, _attempt, delayMs) => {
					if (error.kind === 'rate_limit') {
						rateLimited += 1;
						// Everyone sharing this credential waits, not just this call.
						bucket?.pause(delayMs);
					}
				},
			});
			this.recordMetric(options, method, value.status, started, retries, rateLimited, throttledMs, true);
			return value;
		} catch (error) {
			const mspError =
				error instanceof MspOpsError
					? error
					: new NetworkError(this.redact(`${this.label(options)} failed: ${String((error as Error)?.message ?? error)}`), {
							service: this.service,
							operation: options.operation,
						});
			if (mspError.kind === 'rate_limit' && mspError.httpStatus) rateLimited += 1;
			this.recordMetric(options, method, lastStatus, started, Math.max(0, attempts - 1), rateLimited, throttledMs, false);
			if (options.resolveErrorResponses && lastErrorResponse) return lastErrorResponse;
			throw mspError;
		}
	}

	private label(options: RequestOptions): string {
		return `${this.serviceLabel()} ${options.method ?? 'GET'} ${options.path.split('?')[0]}`;
	}

	private serviceLabel(): string {
		const labels: Record<ServiceName, string> = {
			unifi: 'UniFi Site Manager',
			'unifi-network': 'UniFi Network',
			ninjaone: 'NinjaOne',
			notion: 'Notion',
			hubspot: 'HubSpot',
			supabase: 'Supabase',
			internal: 'internal',
		};
		return labels[this.service];
	}

	private errorFromResponse(status: number, data: unknown, headers: Record<string, string>, options: RequestOptions): MspOpsError {
		const parsed = (this.config.parseError ?? defaultParseError)(status, data, headers);
		const retryAfterMs = parseRetryAfter(headers['retry-after']);
		const message = this.redact(`${this.label(options)} returned ${status}: ${parsed.message}`);
		const details = {
			service: this.service,
			operation: options.operation,
			code: parsed.code,
			requestId: parsed.requestId,
			retryAfterMs,
			itemIndex: options.itemIndex,
		};
		// 529 is Notion's "service overloaded": like 429, the call was not processed.
		if (status === 529) return new RateLimitError(message, { httpStatus: status, ...details });
		return errorForStatus(status, message, details);
	}

	private recordMetric(
		options: RequestOptions,
		method: string,
		status: number,
		started: number,
		retries: number,
		rateLimited: number,
		throttledMs: number,
		ok: boolean,
	): void {
		this.metrics.record({
			service: this.service,
			operation: options.operation,
			method,
			status,
			durationMs: performance.now() - started,
			retries,
			rateLimited,
			ok,
			throttledMs,
		});
	}
}
