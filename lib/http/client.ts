import * as zlib from 'node:zlib';
import { AbortError } from 'p-retry';
import { errorForStatus, MspOpsError, NetworkError, RateLimitError, ValidationError, type ServiceName } from '../errors';
import { globalMetrics, type MetricsRecorder } from './metrics';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, runWithRetries, type RetryPolicy } from './policy';
import { getRateLimiter, type RateLimiter, type RateLimitSpec } from './rateLimiter';
import { redact, registerSecret } from './redact';
import { sendRaw, TransportError, type RawRequest, type RawResponse } from './transport';

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
	/** What the user can do about it; a generic hint for the status is used when absent. */
	hint?: string;
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
	/**
	 * Called with every HTTP answer (2xx or not) and the bucket that paced the call, before the answer is mapped:
	 * header-driven pacing (HubSpot's X-HubSpot-RateLimit-*) and service-specific final errors. Return an error to end
	 * the call with it at once, without retries (HubSpot's daily limit: waiting seconds does not help).
	 */
	onResponse?: (response: HttpResponse, context: ResponseContext) => MspOpsError | undefined | void;
	/** Called once on 401; return true if credentials were refreshed and the call should be sent again. */
	onUnauthorized?: () => Promise<boolean>;
	allowInsecureTls?: boolean;
	metrics?: MetricsRecorder;
	/** Test hooks. */
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
	/** Test hook: send one exchange (defaults to node:http/https). */
	transport?: (request: RawRequest) => Promise<RawResponse>;
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

export interface ResponseContext {
	operation: string;
	/** The bucket that paced this call, if any. */
	bucket?: RateLimiter;
	itemIndex?: number;
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

const SERVICE_LABELS: Record<ServiceName, string> = {
	unifi: 'UniFi Site Manager',
	'unifi-network': 'UniFi Network',
	ninjaone: 'NinjaOne',
	notion: 'Notion',
	hubspot: 'HubSpot',
	supabase: 'Supabase',
	gate: 'Maker/Checker Gate',
	internal: 'internal',
};

/** The service's name as users know it ("UniFi Site Manager", "Notion"). */
export function serviceLabel(service: ServiceName): string {
	return SERVICE_LABELS[service] ?? service;
}

type BodyKind = 'empty' | 'json' | 'invalid-json' | 'html' | 'text';

interface ParsedBody {
	kind: BodyKind;
	data: unknown;
}

/** Largest gzip body inflated (a JSON page of 200 records is well under this). */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

/**
 * The body as text. A body that starts with the gzip magic bytes is inflated even without `Content-Encoding`:
 * the UniFi connector sends such bodies from UniFi-hosted consoles (docs/unifi-connector.md), and no JSON or HTML
 * answer can start with 0x1f 0x8b.
 */
function bodyText(body: Buffer): string {
	if (body.length > 2 && body[0] === 0x1f && body[1] === 0x8b) {
		try {
			return zlib.gunzipSync(body, { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8');
		} catch {
			return body.toString('utf8');
		}
	}
	return body.toString('utf8');
}

function parseBody(raw: RawResponse): ParsedBody {
	if (raw.body.length === 0) return { kind: 'empty', data: undefined };
	const text = bodyText(raw.body);
	const type = raw.headers['content-type'] ?? '';
	if (type.includes('html') || /^\s*<(!doctype|html|head|body|title)\b/i.test(text)) return { kind: 'html', data: text };
	if (type.includes('json') || /^\s*[[{]/.test(text)) {
		try {
			return { kind: 'json', data: JSON.parse(text) };
		} catch {
			return { kind: 'invalid-json', data: text };
		}
	}
	return { kind: 'text', data: text };
}

/**
 * The title of an HTML page (or its first words), for messages: never the markup itself. Secrets are masked before the
 * text is cut (`extraSecrets` besides the registered ones): cut first, a secret across the cut would show its first part.
 */
export function htmlSummary(html: string, extraSecrets: Iterable<string> = []): string {
	const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1];
	const shown = (title ?? html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' '))
		.replace(/<[^>]+>/g, ' ')
		.replace(/&nbsp;/g, ' ')
		.replace(/&amp;/g, '&')
		.replace(/\s+/g, ' ')
		.trim();
	const text = redact(shown, extraSecrets);
	return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Whether a response body is an HTML page (a proxy's, a gateway's or a login page), not an API answer. */
export function isHtmlBody(body: unknown, contentType = ''): body is string {
	return typeof body === 'string' && (contentType.includes('html') || /^\s*<(!doctype|html|head|body|title)\b/i.test(body));
}

function defaultParseError(status: number, body: unknown): ParsedServiceError {
	if (body && typeof body === 'object') {
		const b = body as Record<string, unknown>;
		const message = [b.message, b.errorMessage, b.error_description, b.error].find((v) => typeof v === 'string') as string | undefined;
		const code = [b.code, b.resultCode, b.error].find((v) => typeof v === 'string') as string | undefined;
		if (message) return { message, code };
	}
	if (typeof body === 'string' && body.trim()) return { message: body.replace(/\s+/g, ' ').trim().slice(0, 200) };
	return { message: `HTTP ${status}` };
}

/** Join two sentences with one full stop between them. */
export function sentences(...parts: Array<string | undefined>): string {
	let out = '';
	for (const raw of parts) {
		const part = raw?.trim();
		if (!part) continue;
		out = out ? `${out}${/[.!?:]$/.test(out) ? '' : '.'} ${part}` : part;
	}
	return out;
}

/** What a user can do about an HTTP error status, when the service's own parser gave no hint. */
export function statusHint(status: number, service: string, retryAfterMs?: number): string | undefined {
	if (status === 401) return `Check the ${service} credential.`;
	if (status === 403) return `The ${service} credential is not allowed to do this: check its permissions or scopes.`;
	if (status === 404) return 'Check the ID and the base URL.';
	if (status === 408) return 'Run the node again later.';
	if (status === 409) return 'Something else changed the same record at the same time: run the node again.';
	if (status === 413) return 'The request is too large: send fewer or smaller items per call.';
	if (status === 429) {
		const wait = retryAfterMs === undefined ? 'a while' : `${Math.ceil(retryAfterMs / 1000)} s`;
		return `${service} is rate limiting this credential: wait ${wait} before running again, or lower the requests per second.`;
	}
	if (status === 529) return `${service} is overloaded: run the node again later.`;
	if (status >= 500) return `${service} had a problem answering: this is usually temporary, run the node again later.`;
	if (status >= 400) return "Check the node's parameters and the input values it sends.";
	return undefined;
}

const TLS_CODES = /^(CERT_|ERR_TLS_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_)/;

/** What went wrong with a connection and what to do, for a call that got no HTTP answer. */
export function transportFailure(error: TransportError, url: URL, service: string): { what: string; hint: string } {
	const origin = url.origin;
	const code = error.code;
	if (code === 'ECONNREFUSED') return { what: `connection refused by ${origin}`, hint: `Check the URL in the ${service} credential and that the service is running and reachable from n8n.` };
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { what: `host ${url.hostname} not found`, hint: `Check the URL in the ${service} credential (spelling, DNS).` };
	if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return { what: `no answer from ${origin} in time (${error.message})`, hint: `${service} or the network is slow or down: run the node again later.` };
	if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return { what: `${origin} is unreachable from this machine`, hint: 'Check the URL, the network route and any firewall between n8n and the service.' };
	if (TLS_CODES.test(code)) {
		return {
			what: `the TLS certificate of ${url.hostname} was rejected (${error.message})`,
			hint: "Check the URL; if the server uses a self-signed certificate (a UniFi console), allow it in the credential's settings.",
		};
	}
	if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') {
		return { what: `the connection to ${origin} closed before an answer arrived`, hint: 'This is usually temporary: run the node again later.' };
	}
	return { what: `${error.message} (${origin})`, hint: 'Run the node again later; if it keeps failing, check the URL and the network.' };
}

export class ServiceHttpClient {
	readonly service: ServiceName;
	readonly baseUrl: string;
	private readonly policy: RetryPolicy;
	private readonly metrics: MetricsRecorder;
	private readonly secrets: string[];
	private readonly buckets = new Map<string, RateLimiter>();
	private readonly send: (request: RawRequest) => Promise<RawResponse>;

	constructor(private readonly config: ServiceClientConfig) {
		this.service = config.service;
		this.baseUrl = config.baseUrl;
		this.policy = { ...DEFAULT_RETRY_POLICY, ...config.retry };
		this.metrics = config.metrics ?? globalMetrics;
		this.send = config.transport ?? sendRaw;
		this.secrets = (config.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length > 0);
		for (const secret of this.secrets) registerSecret(secret);
		for (const [name, spec] of Object.entries(config.rateLimits ?? {})) {
			this.buckets.set(name, getRateLimiter(config.service, config.credentialKey, spec, name));
		}
	}

	/** Mask this client's secrets (and any registered ones) in a text. */
	redact(text: string): string {
		return redact(text, this.secrets);
	}

	/** The shared bucket that paces calls of bucket `name` (the `default` one unless a client defines others). */
	rateLimiter(name = 'default'): RateLimiter | undefined {
		return this.buckets.get(name);
	}

	private bucketFor(name: string | undefined): RateLimiter | undefined {
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
			let ticket = 0;
			if (bucket) {
				const t = performance.now();
				ticket = await bucket.acquire();
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
			const timeoutMs = options.timeoutMs ?? this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
			let raw: RawResponse;
			try {
				raw = await this.send({ method, url, headers, body, timeoutMs, allowInsecureTls: this.config.allowInsecureTls });
			} catch (error) {
				lastStatus = 0;
				const te = error instanceof TransportError ? error : new TransportError(String((error as Error)?.message ?? error), 'ECONNRESET', true);
				const failure = transportFailure(te, url, serviceLabel(this.service));
				throw new NetworkError(this.redact(sentences(`${this.label(method, url)} failed: ${failure.what}`, failure.hint)), {
					service: this.service,
					operation: options.operation,
					code: te.code,
					retryable: true,
					itemIndex: options.itemIndex,
				});
			}
			lastStatus = raw.status;
			lastErrorResponse = undefined;
			const parsed = parseBody(raw);
			if (this.config.onResponse) {
				const final = this.config.onResponse({ status: raw.status, headers: raw.headers, data: parsed.data }, { operation: options.operation, bucket, itemIndex: options.itemIndex });
				if (final) {
					lastErrorResponse = { status: raw.status, headers: raw.headers, data: parsed.data };
					final.message = this.redact(final.message);
					// AbortError ends p-retry's loop and rethrows `final` itself.
					throw new AbortError(final);
				}
			}
			if (raw.status >= 200 && raw.status < 300) {
				if (parsed.kind === 'html' || parsed.kind === 'invalid-json') throw this.unreadableSuccess(raw, parsed, method, url, options);
				bucket?.succeeded(ticket);
				return { status: raw.status, headers: raw.headers, data: parsed.data };
			}
			// Said while paced at the bucket's rate: the service's real limit for this credential is lower.
			if (raw.status === 429) bucket?.rateLimited(ticket);
			if (raw.status === 401 && !reauthorized && this.config.onUnauthorized) {
				reauthorized = true;
				if (await this.config.onUnauthorized()) return attemptOnce();
			}
			lastErrorResponse = { status: raw.status, headers: raw.headers, data: parsed.data };
			throw this.errorFromResponse(raw.status, parsed, raw.headers, method, url, options);
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
					: new NetworkError(this.redact(`${serviceLabel(this.service)} ${method} ${options.path.split('?')[0]} failed: ${String((error as Error)?.message ?? error)}`), {
							service: this.service,
							operation: options.operation,
						});
			if (mspError.kind === 'rate_limit' && mspError.httpStatus) rateLimited += 1;
			this.recordMetric(options, method, lastStatus, started, Math.max(0, attempts - 1), rateLimited, throttledMs, false);
			if (options.resolveErrorResponses && lastErrorResponse) return lastErrorResponse;
			throw mspError;
		}
	}

	/** "Notion POST /v1/pages": the service and the call, without the query string (it may carry ids or keys). */
	private label(method: string, url: URL): string {
		return `${serviceLabel(this.service)} ${method} ${url.pathname}`;
	}

	/** A 2xx whose body is not the JSON every service here answers with: a proxy, a login page or a cut-off body. */
	private unreadableSuccess(raw: RawResponse, parsed: ParsedBody, method: string, url: URL, options: RequestOptions): ValidationError {
		const service = serviceLabel(this.service);
		const html = parsed.kind === 'html';
		const what = html
			? `${this.label(method, url)} returned ${raw.status} with an HTML page ("${htmlSummary(String(parsed.data), this.secrets)}") instead of JSON`
			: `${this.label(method, url)} returned ${raw.status} with a body that is not valid JSON (${raw.body.length} bytes, cut off or corrupted)`;
		const hint = html
			? `Check the base URL in the ${service} credential: it must point at the API, not at a web, login or proxy page.`
			: `This is usually a network or proxy problem: run the node again; if it keeps happening, check any proxy between n8n and ${service}.`;
		return new ValidationError(this.redact(sentences(what, hint)), {
			service: this.service,
			operation: options.operation,
			expected: 'a JSON document',
			received: html ? 'an HTML page' : `${raw.body.length} bytes of invalid JSON`,
			retryable: !html,
			itemIndex: options.itemIndex,
		});
	}

	private errorFromResponse(status: number, body: ParsedBody, headers: Record<string, string>, method: string, url: URL, options: RequestOptions): MspOpsError {
		const service = serviceLabel(this.service);
		const retryAfterMs = parseRetryAfter(headers['retry-after']);
		let parsed: ParsedServiceError;
		if (body.kind === 'html') {
			// An HTML page is never the service's own API answer: say where it came from instead of echoing markup.
			const ray = headers['cf-ray'];
			parsed = {
				message: `an HTML page ("${htmlSummary(String(body.data), this.secrets)}") from a proxy or gateway in front of ${service}, not ${service}'s own answer`,
				requestId: ray ? `cf-ray ${ray}` : undefined,
				hint: status >= 500 ? 'This is usually temporary: run the node again later.' : `Check the base URL in the ${service} credential and any proxy between n8n and ${service}.`,
			};
		} else if (body.kind === 'invalid-json') {
			parsed = { message: 'an error body that is not valid JSON' };
		} else {
			parsed = (this.config.parseError ?? defaultParseError)(status, body.data, headers);
		}
		const hint = parsed.hint ?? statusHint(status, service, retryAfterMs);
		const message = this.redact(sentences(`${this.label(method, url)} returned ${status}: ${parsed.message}`, hint));
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
			at: Date.now(),
		});
	}
}
