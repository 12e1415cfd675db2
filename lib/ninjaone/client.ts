import { AuthenticationError, ConfigError, isMspOpsError, MspOpsError } from '../errors';
import {
	credentialKey,
	registerSecret,
	ServiceHttpClient,
	type MetricsRecorder,
	type ParsedServiceError,
	type QueryValue,
	type RateLimitSpec,
	type RetryPolicy,
} from '../http';
import { parseWith } from '../validation';
import {
	alertListSchema,
	deviceHealthResponseSchema,
	deviceListSchema,
	deviceSchema,
	organizationListSchema,
	organizationSchema,
	tokenResponseSchema,
	type NinjaAlert,
	type NinjaDevice,
	type NinjaDeviceHealth,
	type NinjaOrganization,
} from './schemas';
import type { z } from 'zod';

/**
 * NinjaOne public API v2 client with headless OAuth 2.0 client credentials ("API Services (machine-to-machine)"
 * application): no browser consent, so it works with credentials created by `n8n import:credentials`.
 *
 * Tokens: fetched on first use, cached in this process per credential (keyed by a hash of region, client id,
 * secret and scopes, never the secret itself), reused until shortly before they expire, and refreshed once when
 * NinjaOne answers 401 (revoked or expired early). Concurrent callers share one token request. Tokens, the client
 * secret and the client id are registered for redaction and never appear in messages.
 */

export type NinjaRegion = 'us' | 'us2' | 'eu' | 'ca' | 'oc' | 'custom';

export const NINJAONE_REGIONS: Record<Exclude<NinjaRegion, 'custom'>, { name: string; baseUrl: string }> = {
	us: { name: 'US (app.ninjarmm.com)', baseUrl: 'https://app.ninjarmm.com' },
	us2: { name: 'US2 (us2.ninjarmm.com)', baseUrl: 'https://us2.ninjarmm.com' },
	eu: { name: 'EU (eu.ninjarmm.com)', baseUrl: 'https://eu.ninjarmm.com' },
	ca: { name: 'Canada (ca.ninjarmm.com)', baseUrl: 'https://ca.ninjarmm.com' },
	oc: { name: 'Oceania (oc.ninjarmm.com)', baseUrl: 'https://oc.ninjarmm.com' },
};

export const NINJAONE_DEFAULTS = Object.freeze({
	region: 'us' as NinjaRegion,
	scopes: 'monitoring',
	/** Organizations/devices per request (keyset pages). */
	pageSize: 1000,
	/** Rows per device-health query page. */
	queryPageSize: 1000,
	/**
	 * NinjaOne does not publish its limit [UNVERIFIED]; the sandbox models 600 requests per minute. A bucket of rate r
	 * and burst b lets at most b + 60 r through in any minute: 50 at once, then 9/s, is at most 590. A bucket, not a
	 * sliding window as for UniFi's documented per-minute count: with the limit unknown (it may count per second), the
	 * client does not send a whole minute's calls at once.
	 */
	rateLimit: { requestsPerSecond: 9, burst: 50 } satisfies RateLimitSpec,
	/** Refresh a cached token this long before it expires. */
	refreshMarginSec: 60,
});

export interface NinjaOneOptions {
	clientId: string;
	clientSecret: string;
	region?: NinjaRegion;
	/** Required when region is `custom` (for example a sandbox or a proxy). */
	baseUrl?: string;
	/** Space- or comma-separated: monitoring, management, control. */
	scopes?: string;
	pageSize?: number;
	queryPageSize?: number;
	rateLimit?: RateLimitSpec;
	refreshMarginSec?: number;
	retry?: Partial<RetryPolicy>;
	timeoutMs?: number;
	metrics?: MetricsRecorder;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
}

const TOKEN_BUCKET = 'token';
/** Token requests are rare (one per hour per credential); this only stops a misconfigured loop from hammering. */
const NINJAONE_TOKEN_RATE_LIMIT: RateLimitSpec = { requestsPerSecond: 2, burst: 5 };

interface CachedToken {
	accessToken: string;
	/** When to stop using it (expiry minus the refresh margin), in ms. */
	refreshAt: number;
}

const tokenCache = new Map<string, CachedToken>();
const inflight = new Map<string, Promise<CachedToken>>();

/** For tests: forget every cached NinjaOne token in this process. */
export function clearNinjaTokenCache(): void {
	tokenCache.clear();
	inflight.clear();
}

export function resolveNinjaBaseUrl(region: NinjaRegion | undefined, customBaseUrl?: string): string {
	const r = region ?? NINJAONE_DEFAULTS.region;
	if (r === 'custom') {
		const url = (customBaseUrl ?? '').trim().replace(/\/+$/, '').replace(/\/v2$/, '');
		if (!/^https?:\/\/[^/]+/i.test(url)) throw new ConfigError(`NinjaOne custom base URL "${url}" must look like https://your-instance.ninjarmm.com`, { service: 'ninjaone', field: 'baseUrl' });
		return url;
	}
	const known = NINJAONE_REGIONS[r];
	if (!known) throw new ConfigError(`Unknown NinjaOne region "${String(r)}"; use us, us2, eu, ca, oc or custom`, { service: 'ninjaone', field: 'region' });
	return known.baseUrl;
}

export function normaliseScopes(scopes: string | undefined): string {
	const list = (scopes ?? NINJAONE_DEFAULTS.scopes).split(/[\s,]+/).map((s) => s.trim().toLowerCase()).filter(Boolean);
	return [...new Set(list.length ? list : ['monitoring'])].join(' ');
}

/** NinjaOne error bodies: API `{resultCode, errorMessage}`, OAuth `{error, error_description}`. */
export function parseNinjaError(status: number, body: unknown): ParsedServiceError {
	if (body && typeof body === 'object') {
		const b = body as Record<string, unknown>;
		if (typeof b.error === 'string') {
			return { message: typeof b.error_description === 'string' ? `${b.error}: ${b.error_description}` : b.error, code: b.error };
		}
		const message = [b.errorMessage, b.message].find((v) => typeof v === 'string') as string | undefined;
		if (message) {
			const code = typeof b.resultCode === 'string' ? b.resultCode : undefined;
			const requestId = typeof b.incidentId === 'string' ? b.incidentId : undefined;
			return { message, code, requestId };
		}
	}
	if (typeof body === 'string' && body.trim()) return { message: body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200) };
	return { message: `HTTP ${status}` };
}

export interface ListOptions {
	limit?: number;
	itemIndex?: number;
}

export interface DeviceListOptions extends ListOptions {
	/** NinjaOne device filter, e.g. `org = 12 AND class in (WINDOWS_SERVER)`. */
	df?: string;
	detailed?: boolean;
}

export interface DeviceHealthOptions extends ListOptions {
	df?: string;
	/**
	 * Health statuses to keep (UNHEALTHY, NEEDS_ATTENTION, ...), as a list or comma-separated. NinjaOne's `health`
	 * filter takes one status, so each is asked for in its own query.
	 */
	health?: string | readonly string[];
}

export interface AlertOptions extends ListOptions {
	df?: string;
	sourceType?: string;
}

export class NinjaOneClient {
	readonly http: ServiceHttpClient;
	readonly baseUrl: string;
	private readonly tokenHttp: ServiceHttpClient;
	private readonly cacheKey: string;
	private readonly scopes: string;
	private readonly pageSize: number;
	private readonly queryPageSize: number;
	private readonly refreshMarginMs: number;
	private readonly now: () => number;

	constructor(private readonly options: NinjaOneOptions) {
		const clientId = (options.clientId ?? '').trim();
		const clientSecret = (options.clientSecret ?? '').trim();
		if (!clientId || !clientSecret) throw new ConfigError('The NinjaOne credential needs a client ID and a client secret', { service: 'ninjaone' });
		this.baseUrl = resolveNinjaBaseUrl(options.region, options.baseUrl);
		this.scopes = normaliseScopes(options.scopes);
		this.pageSize = Math.max(1, Math.floor(options.pageSize ?? NINJAONE_DEFAULTS.pageSize));
		this.queryPageSize = Math.max(1, Math.floor(options.queryPageSize ?? NINJAONE_DEFAULTS.queryPageSize));
		this.refreshMarginMs = Math.max(0, (options.refreshMarginSec ?? NINJAONE_DEFAULTS.refreshMarginSec) * 1000);
		this.now = options.now ?? Date.now;
		this.cacheKey = credentialKey(`${this.baseUrl}|${clientId}|${clientSecret}|${this.scopes}`);
		const common = {
			service: 'ninjaone' as const,
			baseUrl: this.baseUrl,
			// NinjaOne limits per API application, so every client of one client ID shares one budget.
			credentialKey: credentialKey(`${this.baseUrl}|${clientId}`),
			retry: options.retry,
			timeoutMs: options.timeoutMs,
			// The client id too: half of the client-credentials pair, and a token endpoint may echo it back with the
			// secret ("client <id> secret <secret>"); found by the reliability suite's secrets area.
			secrets: [clientSecret, clientId],
			metrics: options.metrics,
			sleep: options.sleep,
			random: options.random,
		};
		// Token requests use their own client (no auth header, no 401 refresh loop) and their own bucket: under the
		// API calls' bucket name, the two different limits would keep replacing each other's bucket.
		this.tokenHttp = new ServiceHttpClient({
			...common,
			rateLimits: { [TOKEN_BUCKET]: NINJAONE_TOKEN_RATE_LIMIT },
			parseError: (status, body) => {
				const parsed = parseNinjaError(status, body);
				if (status === 400 || status === 401) {
					return {
						...parsed,
						hint: 'Check the client ID, client secret, region and scopes of the NinjaOne credential (Administration > Apps > API > Client App IDs; the application must be "API Services (machine-to-machine)" with the Client Credentials grant).',
					};
				}
				return parsed;
			},
		});
		this.http = new ServiceHttpClient({
			...common,
			rateLimits: { default: options.rateLimit ?? NINJAONE_DEFAULTS.rateLimit },
			headers: async () => ({ Authorization: `Bearer ${await this.accessToken()}` }),
			onUnauthorized: async () => {
				tokenCache.delete(this.cacheKey);
				await this.accessToken();
				return true;
			},
			parseError: (status, body) => {
				const parsed = parseNinjaError(status, body);
				if (status === 401) return { ...parsed, message: `${parsed.message} (a fresh token was also rejected)`, hint: 'Check the NinjaOne credential.' };
				if (status === 403) return { ...parsed, hint: 'The NinjaOne application may lack the needed scope (monitoring for reads): check its scopes in NinjaOne and in the credential.' };
				return parsed;
			},
		});
	}

	/** A valid access token: cached, or fetched once for all concurrent callers. */
	async accessToken(options: { force?: boolean } = {}): Promise<string> {
		if (options.force) tokenCache.delete(this.cacheKey);
		const cached = tokenCache.get(this.cacheKey);
		if (cached && cached.refreshAt > this.now()) return cached.accessToken;
		let pending = inflight.get(this.cacheKey);
		if (!pending) {
			pending = this.fetchToken().finally(() => inflight.delete(this.cacheKey));
			inflight.set(this.cacheKey, pending);
		}
		return (await pending).accessToken;
	}

	private async fetchToken(): Promise<CachedToken> {
		const requestedAt = this.now();
		const response = await this.tokenHttp.request({
			operation: 'getToken',
			method: 'POST',
			path: '/ws/oauth/token',
			form: {
				grant_type: 'client_credentials',
				client_id: this.options.clientId.trim(),
				client_secret: this.options.clientSecret.trim(),
				scope: this.scopes,
			},
			skipAuth: true,
			bucket: TOKEN_BUCKET,
			// Asking for a token twice is harmless.
			idempotent: true,
		});
		let token;
		try {
			token = parseWith(tokenResponseSchema, response.data, { what: 'NinjaOne token response', service: 'ninjaone', operation: 'getToken' });
		} catch (error) {
			// Never echo a token-looking value back: keep only the field and the expectation.
			if (isMspOpsError(error)) throw new AuthenticationError(`NinjaOne token response was not usable: ${error.field ?? 'body'} expected ${error.expected ?? 'an OAuth token'}`, { service: 'ninjaone', operation: 'getToken', field: error.field, expected: error.expected });
			throw error;
		}
		registerSecret(token.access_token);
		const lifetimeMs = (token.expires_in ?? 3600) * 1000;
		// Refresh the margin before expiry; for very short lifetimes use half of it so the token is still reused.
		const margin = Math.min(this.refreshMarginMs, lifetimeMs / 2);
		const entry = { accessToken: token.access_token, refreshAt: requestedAt + lifetimeMs - margin };
		tokenCache.set(this.cacheKey, entry);
		return entry;
	}

	/** Fetch a fresh token (credential test). Resolves with the granted scopes. */
	async testConnection(): Promise<{ scopes: string }> {
		await this.accessToken({ force: true });
		return { scopes: this.scopes };
	}

	private parse<S extends z.ZodTypeAny>(schema: S, data: unknown, path: string, operation: string, itemIndex?: number): z.infer<S> {
		return parseWith(schema, data, {
			what: `NinjaOne GET ${path} response`,
			service: 'ninjaone',
			operation,
			itemIndex,
			hint: 'NinjaOne answered in a shape this node does not know: check the region or base URL of the credential; if it is right, report this message.',
		});
	}

	/** Keyset pagination: `after` = last id, stop on a short page or at `limit`. */
	private async keyset<T extends { id: number }>(
		operation: string,
		path: string,
		schema: z.ZodType<T[], z.ZodTypeDef, unknown>,
		options: ListOptions & { query?: Record<string, QueryValue> },
	): Promise<T[]> {
		const limit = options.limit;
		if (limit !== undefined && !(limit >= 1)) return [];
		const out: T[] = [];
		let after: number | undefined;
		for (;;) {
			const pageSize = limit === undefined ? this.pageSize : Math.min(this.pageSize, limit - out.length);
			const response = await this.http.request({ operation, path, query: { ...options.query, pageSize, after }, itemIndex: options.itemIndex });
			const page = this.parse(schema, response.data, path, operation, options.itemIndex) as T[];
			for (const item of page) {
				out.push(item);
				if (limit !== undefined && out.length >= limit) return out;
			}
			if (page.length < pageSize || page.length === 0) return out;
			const last = page[page.length - 1].id;
			if (after !== undefined && last <= after) {
				throw new MspOpsError(`NinjaOne GET ${path} did not advance past id ${after}; stopping to avoid a loop`, { service: 'ninjaone', operation, itemIndex: options.itemIndex });
			}
			after = last;
		}
	}

	listOrganizations(options: ListOptions = {}): Promise<NinjaOrganization[]> {
		return this.keyset('listOrganizations', '/v2/organizations', organizationListSchema, options);
	}

	async getOrganization(id: number, options: { itemIndex?: number } = {}): Promise<NinjaOrganization> {
		const orgId = requireNumericId(id, 'organization ID', options.itemIndex);
		const path = `/v2/organization/${orgId}`;
		const response = await this.http.request({ operation: 'getOrganization', path, itemIndex: options.itemIndex });
		return this.parse(organizationSchema, response.data, path, 'getOrganization', options.itemIndex);
	}

	listDevices(options: DeviceListOptions = {}): Promise<NinjaDevice[]> {
		const path = options.detailed ? '/v2/devices-detailed' : '/v2/devices';
		return this.keyset('listDevices', path, deviceListSchema, { ...options, query: { df: options.df?.trim() || undefined } });
	}

	/** One keyset page of devices (for pickers that page lazily). */
	async listDevicesPage(options: { after?: number; pageSize?: number; df?: string; itemIndex?: number } = {}): Promise<NinjaDevice[]> {
		const path = '/v2/devices';
		const response = await this.http.request({
			operation: 'listDevicesPage',
			path,
			query: { df: options.df?.trim() || undefined, pageSize: options.pageSize ?? this.pageSize, after: options.after },
			itemIndex: options.itemIndex,
		});
		return this.parse(deviceListSchema, response.data, path, 'listDevicesPage', options.itemIndex);
	}

	async getDevice(id: number, options: { itemIndex?: number } = {}): Promise<NinjaDevice> {
		const deviceId = requireNumericId(id, 'device ID', options.itemIndex);
		const path = `/v2/device/${deviceId}`;
		const response = await this.http.request({ operation: 'getDevice', path, itemIndex: options.itemIndex });
		return this.parse(deviceSchema, response.data, path, 'getDevice', options.itemIndex);
	}

	/**
	 * GET /v2/queries/device-health, following the query cursor by name; stops on a short page or at `limit`. With
	 * several health statuses, one query per status (in the order given), `limit` counting across them.
	 */
	async listDeviceHealth(options: DeviceHealthOptions = {}): Promise<NinjaDeviceHealth[]> {
		const limit = options.limit;
		if (limit !== undefined && !(limit >= 1)) return [];
		const raw = typeof options.health === 'string' ? options.health.split(',') : (options.health ?? []);
		const statuses = [...new Set(raw.map((s) => s.trim()).filter(Boolean))];
		const out: NinjaDeviceHealth[] = [];
		const seen = new Set<number>();
		for (const health of statuses.length ? statuses : [undefined]) {
			const left = limit === undefined ? undefined : limit - out.length;
			if (left !== undefined && left <= 0) break;
			for (const row of await this.deviceHealthQuery(options.df, health, left, options.itemIndex)) {
				// A device that changed status between two queries would otherwise come back twice.
				if (seen.has(row.deviceId)) continue;
				seen.add(row.deviceId);
				out.push(row);
			}
		}
		return out;
	}

	private async deviceHealthQuery(df: string | undefined, health: string | undefined, limit: number | undefined, itemIndex: number | undefined): Promise<NinjaDeviceHealth[]> {
		const path = '/v2/queries/device-health';
		const pageSize = limit === undefined ? this.queryPageSize : Math.min(this.queryPageSize, limit);
		const out: NinjaDeviceHealth[] = [];
		let cursor: string | undefined;
		for (;;) {
			const query: Record<string, QueryValue> = cursor ? { cursor, pageSize } : { df: df?.trim() || undefined, health, pageSize };
			const response = await this.http.request({ operation: 'listDeviceHealth', path, query, itemIndex });
			const page = this.parse(deviceHealthResponseSchema, response.data, path, 'listDeviceHealth', itemIndex);
			for (const row of page.results) {
				out.push(row);
				if (limit !== undefined && out.length >= limit) return out;
			}
			const next = page.cursor?.name ?? undefined;
			if (!next || page.results.length === 0 || page.results.length < pageSize) return out;
			cursor = next;
		}
	}

	/** GET /v2/alerts (not paginated by NinjaOne; `limit` trims the answer). */
	async listAlerts(options: AlertOptions = {}): Promise<NinjaAlert[]> {
		const path = '/v2/alerts';
		const response = await this.http.request({
			operation: 'listAlerts',
			path,
			query: { df: options.df?.trim() || undefined, sourceType: options.sourceType?.trim() || undefined },
			itemIndex: options.itemIndex,
		});
		const alerts = this.parse(alertListSchema, response.data, path, 'listAlerts', options.itemIndex);
		return options.limit === undefined ? alerts : alerts.slice(0, Math.max(0, options.limit));
	}
}

function requireNumericId(value: number | string, what: string, itemIndex?: number): number {
	const id = typeof value === 'number' ? value : Number(String(value ?? '').trim());
	if (!Number.isInteger(id) || id < 0) throw new ConfigError(`A NinjaOne ${what} must be a whole number, got "${String(value)}"`, { service: 'ninjaone', itemIndex });
	return id;
}
