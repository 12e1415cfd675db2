import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Shared machinery for the local API emulators: a tiny router, auth and rate-limit hooks, seeded fault
 * injection, a request log with per-endpoint counters, and `/__sandbox/*` control endpoints so tests and
 * benchmarks in other processes (n8n, bench) can read state and inject faults over HTTP.
 */

// ---------------------------------------------------------------------------------------------- randomness

/** mulberry32: small, fast, deterministic PRNG. */
export function createRng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// ---------------------------------------------------------------------------------------------- types

export interface SandboxRequest {
	method: string;
	path: string;
	params: Record<string, string>;
	query: URLSearchParams;
	headers: http.IncomingHttpHeaders;
	/** Parsed JSON or form body (object), raw string when neither parses, undefined when empty. */
	body: unknown;
	rawBody: string;
	/** Set by the emulator's auth hook (for example the token or credential key) for rate-limit keys. */
	principal?: string;
}

export interface SandboxResponse {
	status: number;
	headers?: Record<string, string>;
	body?: unknown;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

export interface Route {
	method: string;
	pattern: string;
	/** Name used in counters and the request log (defaults to "METHOD pattern"). */
	name: string;
	regex: RegExp;
	keys: string[];
	handler: Handler;
	/** Rate-limit bucket for this route (null = not rate limited). */
	bucket: string | null;
	auth: boolean;
}

export interface RequestLogEntry {
	at: number;
	method: string;
	path: string;
	route: string;
	status: number;
	durationMs: number;
	fault?: string;
}

/** A sliding-window limit: at most `limit` requests per `windowMs`, or a token bucket (`ratePerSec` + `burst`). */
export type RateLimitConfig =
	| { kind: 'window'; limit: number; windowMs: number }
	| { kind: 'bucket'; ratePerSec: number; burst: number };

export interface FaultConfig {
	/** Seed for the fault PRNG (deterministic sequences). */
	seed?: number;
	/** Shares (0-1) of requests answered with each fault. */
	rate429?: number;
	rate500?: number;
	rate502?: number;
	rate503?: number;
	/** Share of connections destroyed without an answer (client sees ECONNRESET). */
	resetRate?: number;
	/** Share of responses delayed by `slowMs`. */
	slowRate?: number;
	slowMs?: number;
	/**
	 * Share of requests that are carried out (the handler runs, a write is applied) but whose answer is lost on the
	 * way back: half of them end in a reset connection, half in a 502 from a gateway in front of the service. The
	 * client cannot tell them from a request that never arrived, which is where blind retries of writes duplicate.
	 */
	lostResponseRate?: number;
	/** Only requests whose "METHOD path" matches this regex are faulted (string form for JSON control). */
	match?: string;
}

export type ScriptedFault =
	| { status: number; body?: unknown; headers?: Record<string, string> }
	| { reset: true }
	| { delayMs: number }
	/** The request is carried out, then its answer is lost: the connection reset (`as: 'reset'`) or a bare 502. */
	| { lostResponse: true; as: 'reset' | 502 };

/** What `onRequest` listeners see of a request the service accepted (auth, rate limit), before faults and the handler. */
export interface RoutedRequest {
	method: string;
	path: string;
	route: string;
}

export interface EmulatorOptions {
	/** Port to listen on (0 = any free port). */
	port?: number;
	host?: string;
	/** Rate limits by bucket name; set a bucket to null to switch it off. */
	rateLimits?: Record<string, RateLimitConfig | null>;
	faults?: FaultConfig;
	/** Clock in ms; tests may inject a faster one. */
	now?: () => number;
	/** Keep at most this many request log entries (counters are always complete). */
	maxLogEntries?: number;
}

// ---------------------------------------------------------------------------------------------- rate limiting

class WindowLimiter {
	private hits: number[] = [];
	constructor(
		private readonly limit: number,
		private readonly windowMs: number,
	) {}
	/** Returns 0 if allowed, otherwise ms until a slot frees. */
	take(now: number): number {
		while (this.hits.length && this.hits[0] <= now - this.windowMs) this.hits.shift();
		if (this.hits.length < this.limit) {
			this.hits.push(now);
			return 0;
		}
		return this.hits[0] + this.windowMs - now;
	}
	remaining(now: number): number {
		while (this.hits.length && this.hits[0] <= now - this.windowMs) this.hits.shift();
		return Math.max(0, this.limit - this.hits.length);
	}
}

class BucketLimiter {
	private tokens: number;
	private last: number;
	constructor(
		private readonly ratePerSec: number,
		private readonly burst: number,
		now: number,
	) {
		this.tokens = burst;
		this.last = now;
	}
	take(now: number): number {
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
		this.last = now;
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return 0;
		}
		return Math.ceil(((1 - this.tokens) / this.ratePerSec) * 1000);
	}
	remaining(): number {
		return Math.floor(this.tokens);
	}
}

export interface RateLimitDecision {
	allowed: boolean;
	retryAfterMs: number;
	limit: number;
	remaining: number;
	windowMs: number;
}

// ---------------------------------------------------------------------------------------------- emulator

export class HttpError extends Error {
	constructor(
		readonly response: SandboxResponse,
	) {
		super(`HTTP ${response.status}`);
	}
}

export abstract class Emulator {
	abstract readonly name: string;
	readonly routes: Route[] = [];
	readonly requestLog: RequestLogEntry[] = [];
	readonly counters = new Map<string, number>();
	readonly statusCounters = new Map<number, number>();
	protected readonly now: () => number;
	private server?: http.Server;
	private rateConfig: Record<string, RateLimitConfig | null>;
	private limiters = new Map<string, WindowLimiter | BucketLimiter>();
	private faults: FaultConfig;
	private faultRng: () => number;
	private scripted: Array<{ match?: RegExp; on: 'route' | 'path'; fault: ScriptedFault }> = [];
	private requestListeners = new Set<(req: RoutedRequest) => void>();
	private readonly maxLog: number;
	url = '';

	constructor(protected readonly options: EmulatorOptions = {}) {
		this.now = options.now ?? Date.now;
		this.rateConfig = { ...this.defaultRateLimits(), ...(options.rateLimits ?? {}) };
		this.faults = options.faults ?? {};
		this.faultRng = createRng(this.faults.seed ?? 1);
		this.maxLog = options.maxLogEntries ?? 50_000;
	}

	// ------------------------------------------------------------------ hooks for subclasses

	/** Default rate limits by bucket name. */
	protected defaultRateLimits(): Record<string, RateLimitConfig | null> {
		return {};
	}

	/** Check credentials; return an error response to reject, or undefined and set `req.principal`. */
	protected abstract authenticate(req: SandboxRequest): SandboxResponse | undefined;

	/** The service's exact 429 answer. */
	protected abstract rateLimitedResponse(req: SandboxRequest, decision: RateLimitDecision): SandboxResponse;

	/** The service's error body for an injected 5xx. */
	protected abstract serverErrorResponse(req: SandboxRequest, status: number): SandboxResponse;

	/** The service's 404 for an unknown path. */
	protected abstract notFoundResponse(req: SandboxRequest): SandboxResponse;

	/** Headers added to every successful, rate-limited response (HubSpot's X-HubSpot-RateLimit-*). */
	protected rateLimitHeaders(_req: SandboxRequest, _decision: RateLimitDecision | undefined): Record<string, string> {
		return {};
	}

	/** Service state for `/__sandbox/state` (JSON-serialisable). */
	abstract state(): unknown;

	/** Restore seeded state (called by `/__sandbox/reset`). */
	abstract resetState(): void;

	// ------------------------------------------------------------------ routing

	/**
	 * Register a route. `pattern` uses `:name` segments (`/v1/pages/:id`); a trailing `/*` matches any rest of the path
	 * (a proxy route; the handler reads `req.path`). `bucket` names the rate-limit bucket ("default" unless given; null
	 * for none). `auth: false` for token endpoints.
	 */
	route(method: string, pattern: string, handler: Handler, opts: { bucket?: string | null; auth?: boolean; name?: string } = {}): void {
		const keys: string[] = [];
		const wildcard = pattern.endsWith('/*');
		const fixed = wildcard ? pattern.slice(0, -2) : pattern;
		const regex = new RegExp(
			'^' +
				fixed.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === ':' ? c : `\\${c}`)).replace(/:([A-Za-z_]\w*)/g, (_m, key: string) => {
					keys.push(key);
					return '([^/]+)';
				}) +
				(wildcard ? '(?:/.*)?$' : '/?$'),
		);
		this.routes.push({
			method: method.toUpperCase(),
			pattern,
			name: opts.name ?? `${method.toUpperCase()} ${pattern}`,
			regex,
			keys,
			handler,
			bucket: opts.bucket === undefined ? 'default' : opts.bucket,
			auth: opts.auth ?? true,
		});
	}

	// ------------------------------------------------------------------ controls (in-process and over HTTP)

	setFaults(faults: FaultConfig): void {
		this.faults = faults;
		this.faultRng = createRng(faults.seed ?? 1);
	}

	/**
	 * Queue faults for the next matching requests (deterministic, for unit tests). `match` is tested against the
	 * route name ("POST /rest/v1/:table"), or with `on: 'path'` against the method and actual path
	 * ("POST /rest/v1/api_metrics"), for routes that serve many resources.
	 */
	scriptFaults(faults: ScriptedFault[], match?: RegExp, on: 'route' | 'path' = 'route'): void {
		for (const fault of faults) this.scripted.push({ match, on, fault });
	}

	/** Drop the scripted faults not used yet (a test whose client stopped before its request). */
	clearScriptedFaults(): void {
		this.scripted = [];
	}

	/**
	 * Call `listener` for every request that reaches a route and passes its auth and rate limit, before faults and the
	 * handler run: a test can act while a request the service accepted is in flight (stop the client that sent it,
	 * say). Returns the unsubscribe function.
	 */
	onRequest(listener: (req: RoutedRequest) => void): () => void {
		this.requestListeners.add(listener);
		return () => this.requestListeners.delete(listener);
	}

	setRateLimit(bucket: string, config: RateLimitConfig | null): void {
		this.rateConfig[bucket] = config;
		for (const key of [...this.limiters.keys()]) if (key.startsWith(`${bucket}|`)) this.limiters.delete(key);
	}

	/** Count of requests per route name (all statuses). */
	count(routeName?: string): number {
		if (routeName === undefined) return [...this.counters.values()].reduce((a, b) => a + b, 0);
		return this.counters.get(routeName) ?? 0;
	}

	clearLog(): void {
		this.requestLog.length = 0;
		this.counters.clear();
		this.statusCounters.clear();
	}

	reset(): void {
		this.clearLog();
		this.scripted = [];
		this.limiters.clear();
		this.setFaults({});
		this.resetState();
	}

	// ------------------------------------------------------------------ server

	async start(): Promise<string> {
		const server = http.createServer((req, res) => void this.handle(req, res));
		server.keepAliveTimeout = 5_000;
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
		});
		this.server = server;
		const address = server.address() as AddressInfo;
		this.url = `http://${this.options.host ?? '127.0.0.1'}:${address.port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	private async readBody(req: http.IncomingMessage): Promise<string> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks).toString('utf8');
	}

	private parseBody(raw: string, contentType: string | undefined): unknown {
		if (!raw) return undefined;
		if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
		try {
			return JSON.parse(raw);
		} catch {
			return raw;
		}
	}

	private takeRateLimit(bucket: string, principal: string): RateLimitDecision | undefined {
		const config = this.rateConfig[bucket];
		if (!config) return undefined;
		const key = `${bucket}|${principal}`;
		let limiter = this.limiters.get(key);
		const now = this.now();
		if (!limiter) {
			limiter = config.kind === 'window' ? new WindowLimiter(config.limit, config.windowMs) : new BucketLimiter(config.ratePerSec, config.burst, now);
			this.limiters.set(key, limiter);
		}
		const wait = limiter.take(now);
		const limit = config.kind === 'window' ? config.limit : config.burst;
		const windowMs = config.kind === 'window' ? config.windowMs : Math.round(1000 / config.ratePerSec);
		const remaining = limiter instanceof WindowLimiter ? limiter.remaining(now) : limiter.remaining();
		return { allowed: wait === 0, retryAfterMs: wait, limit, remaining, windowMs };
	}

	private pickFault(routeName: string, requestLine: string): ScriptedFault | undefined {
		const index = this.scripted.findIndex((s) => !s.match || s.match.test(s.on === 'path' ? requestLine : routeName));
		if (index >= 0) return this.scripted.splice(index, 1)[0].fault;
		const f = this.faults;
		if (f.match && !new RegExp(f.match).test(routeName)) return undefined;
		const r = this.faultRng();
		let acc = 0;
		const table: Array<[number | undefined, ScriptedFault]> = [
			[f.rate429, { status: 429 }],
			[f.rate500, { status: 500 }],
			[f.rate502, { status: 502 }],
			[f.rate503, { status: 503 }],
			[f.resetRate, { reset: true }],
			[f.slowRate, { delayMs: f.slowMs ?? 2_000 }],
			[f.lostResponseRate, { lostResponse: true, as: 'reset' }],
		];
		for (const [share, fault] of table) {
			acc += share ?? 0;
			if (share && r < acc) {
				// A second draw only when a lost response was picked, so the other faults' sequence stays as it was.
				if ('lostResponse' in fault) return { lostResponse: true, as: this.faultRng() < 0.5 ? 'reset' : 502 };
				return fault;
			}
		}
		return undefined;
	}

	private send(res: http.ServerResponse, response: SandboxResponse): void {
		const headers: Record<string, string> = { ...(response.headers ?? {}) };
		let payload = '';
		if (response.body !== undefined) {
			payload = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
			if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
				headers['content-type'] = typeof response.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8';
			}
		}
		res.writeHead(response.status, headers);
		res.end(payload);
	}

	private log(entry: RequestLogEntry): void {
		this.counters.set(entry.route, (this.counters.get(entry.route) ?? 0) + 1);
		this.statusCounters.set(entry.status, (this.statusCounters.get(entry.status) ?? 0) + 1);
		this.requestLog.push(entry);
		if (this.requestLog.length > this.maxLog) this.requestLog.splice(0, this.requestLog.length - this.maxLog);
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://sandbox.local');
		const rawBody = await this.readBody(req);
		const sreq: SandboxRequest = {
			method: (req.method ?? 'GET').toUpperCase(),
			path: url.pathname,
			params: {},
			query: url.searchParams,
			headers: req.headers,
			body: this.parseBody(rawBody, req.headers['content-type']),
			rawBody,
		};
		if (sreq.path.startsWith('/__sandbox/')) {
			this.send(res, this.control(sreq));
			return;
		}
		const response = await this.process(sreq);
		if (response) this.send(res, response);
		else req.socket.destroy();
	}

	/**
	 * Answer a request in process, without a socket: for an emulated proxy in front of this service (the UniFi Site
	 * Manager connector forwards to a console's Network application this way). Same routing, rate limits, faults,
	 * request log and counters as a request over HTTP; `trusted` (the proxy's principal) skips the auth hook, as a
	 * service does for a proxy it trusts. `/__sandbox/*` controls are not reachable. `undefined` = the connection was
	 * reset (an injected reset fault).
	 */
	async dispatch(
		input: { method: string; path: string; query?: URLSearchParams; headers?: http.IncomingHttpHeaders; body?: unknown; rawBody?: string },
		options: { trusted?: string } = {},
	): Promise<SandboxResponse | undefined> {
		const sreq: SandboxRequest = {
			method: input.method.toUpperCase(),
			path: input.path,
			params: {},
			query: new URLSearchParams(input.query ?? ''),
			headers: { ...(input.headers ?? {}) },
			body: input.body,
			rawBody: input.rawBody ?? '',
		};
		return this.process(sreq, options.trusted);
	}

	/** Route, authenticate (unless trusted), rate limit, fault and answer one request; undefined = reset the connection. */
	private async process(sreq: SandboxRequest, trusted?: string): Promise<SandboxResponse | undefined> {
		const started = this.now();
		const route = this.routes.find((r) => r.method === sreq.method && r.regex.test(sreq.path));
		const routeName = route?.name ?? `${sreq.method} (unknown)`;
		let status = 0;
		let faultName: string | undefined;
		const answer = (response: SandboxResponse): SandboxResponse => {
			status = response.status;
			return response;
		};
		try {
			if (!route) return answer(this.notFoundResponse(sreq));
			const match = route.regex.exec(sreq.path);
			route.keys.forEach((key, i) => (sreq.params[key] = decodeURIComponent(match?.[i + 1] ?? '')));
			if (trusted !== undefined) sreq.principal = trusted;
			else if (route.auth) {
				const denied = this.authenticate(sreq);
				if (denied) return answer(denied);
			}
			let decision: RateLimitDecision | undefined;
			if (route.bucket) {
				decision = this.takeRateLimit(route.bucket, sreq.principal ?? 'anonymous');
				if (decision && !decision.allowed) {
					faultName = 'rate_limit';
					return answer(this.rateLimitedResponse(sreq, decision));
				}
			}
			for (const listener of this.requestListeners) listener({ method: sreq.method, path: sreq.path, route: routeName });
			const fault = this.pickFault(routeName, `${sreq.method} ${sreq.path}`);
			if (fault) {
				if ('lostResponse' in fault) {
					try {
						await route.handler(sreq);
					} catch (error) {
						// The handler's own error answer is lost as well; anything else is the emulator's bug.
						if (!(error instanceof HttpError)) throw error;
					}
					faultName = `lost response (${fault.as})`;
					if (fault.as === 'reset') return undefined;
					return answer(this.serverErrorResponse(sreq, 502));
				}
				if ('reset' in fault) {
					faultName = 'reset';
					status = 0;
					return undefined;
				}
				if ('delayMs' in fault) {
					faultName = `slow ${fault.delayMs}ms`;
					await new Promise((r) => setTimeout(r, fault.delayMs));
				} else {
					faultName = `injected ${fault.status}`;
					const base =
						fault.status === 429
							? this.rateLimitedResponse(sreq, { allowed: false, retryAfterMs: 1000, limit: 0, remaining: 0, windowMs: 1000 })
							: this.serverErrorResponse(sreq, fault.status);
					return answer({ ...base, ...(fault.body !== undefined ? { body: fault.body } : {}), headers: { ...base.headers, ...fault.headers } });
				}
			}
			let response: SandboxResponse;
			try {
				response = await route.handler(sreq);
			} catch (error) {
				if (error instanceof HttpError) response = error.response;
				else throw error;
			}
			return answer({ ...response, headers: { ...this.rateLimitHeaders(sreq, decision), ...(response.headers ?? {}) } });
		} catch (error) {
			const response = this.serverErrorResponse(sreq, 500);
			return answer({ ...response, headers: { ...response.headers, 'x-sandbox-error': String((error as Error).message).slice(0, 200) } });
		} finally {
			this.log({ at: started, method: sreq.method, path: sreq.path, route: routeName, status, durationMs: this.now() - started, fault: faultName });
		}
	}

	/** `/__sandbox/{requests,counters,state,faults,reset,rate-limits}`: test controls, no auth. */
	private control(req: SandboxRequest): SandboxResponse {
		const what = req.path.slice('/__sandbox/'.length).replace(/\/$/, '');
		if (what === 'counters' && req.method === 'GET') {
			return {
				status: 200,
				body: { total: this.count(), byRoute: Object.fromEntries(this.counters), byStatus: Object.fromEntries(this.statusCounters) },
			};
		}
		if (what === 'requests' && req.method === 'GET') return { status: 200, body: this.requestLog };
		if (what === 'requests' && req.method === 'DELETE') {
			this.clearLog();
			return { status: 204 };
		}
		if (what === 'state' && req.method === 'GET') return { status: 200, body: this.state() };
		if (what === 'faults' && req.method === 'POST') {
			this.setFaults((req.body ?? {}) as FaultConfig);
			return { status: 204 };
		}
		if (what === 'rate-limits' && req.method === 'POST') {
			for (const [bucket, config] of Object.entries((req.body ?? {}) as Record<string, RateLimitConfig | null>)) this.setRateLimit(bucket, config);
			return { status: 204 };
		}
		if (what === 'reset' && req.method === 'POST') {
			this.reset();
			return { status: 204 };
		}
		return this.controlExtra(req) ?? { status: 404, body: { error: `unknown sandbox control ${req.method} ${req.path}` } };
	}

	/** Emulator-specific controls under `/__sandbox/` (for example Notion's malformed-response switch). */
	protected controlExtra(_req: SandboxRequest): SandboxResponse | undefined {
		return undefined;
	}
}

/** Read a bearer token from the Authorization header. */
export function bearerToken(req: SandboxRequest): string | undefined {
	const header = req.headers.authorization;
	if (typeof header !== 'string') return undefined;
	const match = /^Bearer\s+(.+)$/i.exec(header.trim());
	return match?.[1];
}

export function headerValue(req: SandboxRequest, name: string): string | undefined {
	const value = req.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

export function randomId(rng: () => number, length = 24, alphabet = '0123456789abcdef'): string {
	let out = '';
	for (let i = 0; i < length; i++) out += alphabet[Math.floor(rng() * alphabet.length)];
	return out;
}
