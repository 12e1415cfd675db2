import { ConfigError, MspOpsError, NotFoundError } from '../errors';
import {
	credentialKey,
	perWindow,
	ServiceHttpClient,
	type MetricsRecorder,
	type QueryValue,
	type RateLimitSpec,
	type RetryPolicy,
} from '../http';
import { parseWith } from '../validation';
import { parseUnifiError, unifiHint } from './common';
import {
	deviceListResponseSchema,
	hostListResponseSchema,
	hostResponseSchema,
	ispMetricsResponseSchema,
	siteListResponseSchema,
	type UnifiDeviceGroup,
	type UnifiHost,
	type UnifiIspMetrics,
	type UnifiSite,
} from './schemas';
import type { z } from 'zod';

/**
 * UniFi Site Manager API client (cloud, https://api.ui.com). Read-only: hosts, sites (with statistics), devices
 * grouped by host, ISP metrics (early access). All HTTP goes through ServiceHttpClient, which paces calls with
 * two token buckets per API key: `default` for /v1 (10,000 requests/minute) and `ea` for /ea (100 requests/minute).
 */

export const UNIFI_SITE_MANAGER_DEFAULTS = Object.freeze({
	baseUrl: 'https://api.ui.com',
	/** Page size asked for when the caller wants everything (UniFi's max is believed to be 200 [UNVERIFIED]). */
	pageSize: 200,
	/**
	 * UniFi counts requests per minute, so the client paces with a sliding window of its own: a whole minute's calls
	 * at once, the next when the first is a minute old. A token bucket must keep its burst plus a minute of its rate
	 * under the limit and so spread out what the service takes at once (500 at once then 150/s made a 4,000-call read
	 * take 24 s, a 40,000-call one 267 s where the window allows 240 s). The window is 1 s wider and 1 % smaller than
	 * the service's: UniFi counts calls as they arrive, and latency varies.
	 */
	rateLimits: {
		/** 10,000 requests per minute: at most 9,900 in any 61 s. */
		default: perWindow(10_000, 60_000, { marginMs: 1_000, headroom: 100 }),
		/** 100 requests per minute on early-access paths: at most 99 in any 61 s. */
		ea: perWindow(100, 60_000, { marginMs: 1_000, headroom: 1 }),
	} satisfies Record<string, RateLimitSpec>,
});

export interface UnifiSiteManagerOptions {
	apiKey: string;
	baseUrl?: string;
	pageSize?: number;
	rateLimits?: Partial<Record<'default' | 'ea', RateLimitSpec>>;
	retry?: Partial<RetryPolicy>;
	timeoutMs?: number;
	metrics?: MetricsRecorder;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
	/** Connector requests (to consoles): their own timeout and retries, the same rate budget as /v1. */
	connector?: { timeoutMs?: number; retry?: Partial<RetryPolicy> };
}

/** `/proxy` in connector paths: see docs/unifi-connector.md, "Path shape". */
export type ConnectorPathStyle = 'proxy' | 'noProxy';

export const CONNECTOR_DEFAULTS = Object.freeze({
	/** What unpoller's remote client and UniFi Insights use; the connector's own timeout is not documented. */
	timeoutMs: 30_000,
	/**
	 * A console that is offline rarely answers a moment later: one retry, short waits. Not after a timeout (the
	 * connector's 408 or none of ours): that console has already had its whole timeout, a second one would double what
	 * every run with a silent console waits, and the next run reads it again.
	 */
	retry: { retries: 1, minDelayMs: 1_000, maxDelayMs: 5_000, retryTimeouts: false } satisfies Partial<RetryPolicy>,
});

export interface ListOptions {
	/** Stop after this many records (undefined = all). Pages are not fetched past the limit. */
	limit?: number;
	itemIndex?: number;
}

export type IspMetricType = '5m' | '1h';

export interface IspMetricsQuery extends ListOptions {
	type: IspMetricType;
	/** `24h` for 5m; `7d` or `30d` for 1h. Mutually exclusive with begin/end. */
	duration?: string;
	/** RFC 3339 timestamps. */
	beginTimestamp?: string;
	endTimestamp?: string;
}

const UNEXPECTED_RESPONSE_HINT =
	'UniFi answered in a shape this node does not know: check that the base URL is the Site Manager API (https://api.ui.com); if it is, report this message.';

const DURATIONS: Record<IspMetricType, string[]> = { '5m': ['24h'], '1h': ['7d', '30d'] };

export class UnifiSiteManagerClient {
	readonly http: ServiceHttpClient;
	/**
	 * For connector requests: same key, base URL and rate bucket as `http` (one budget per key, shared with /v1 by
	 * the process-wide limiter), with the connector's timeout and retry policy.
	 */
	readonly connectorHttp: ServiceHttpClient;
	private readonly pageSize: number;

	constructor(options: UnifiSiteManagerOptions) {
		const apiKey = (options.apiKey ?? '').trim();
		if (!apiKey) throw new ConfigError('The UniFi Site Manager credential has no API key', { service: 'unifi' });
		const baseUrl = (options.baseUrl || UNIFI_SITE_MANAGER_DEFAULTS.baseUrl).trim().replace(/\/+$/, '');
		if (!/^https?:\/\//i.test(baseUrl)) throw new ConfigError(`UniFi Site Manager base URL "${baseUrl}" must start with https://`, { service: 'unifi' });
		this.pageSize = Math.max(1, Math.floor(options.pageSize ?? UNIFI_SITE_MANAGER_DEFAULTS.pageSize));
		this.http = new ServiceHttpClient({
			service: 'unifi',
			baseUrl,
			credentialKey: credentialKey(`${baseUrl}|${apiKey}`),
			rateLimits: { ...UNIFI_SITE_MANAGER_DEFAULTS.rateLimits, ...options.rateLimits },
			retry: options.retry,
			timeoutMs: options.timeoutMs,
			headers: () => ({ 'X-API-KEY': apiKey }),
			secrets: [apiKey],
			parseError: (status, body) => {
				const parsed = parseUnifiError(status, body);
				const hint = unifiHint(status, 'unifi');
				return hint ? { ...parsed, hint } : parsed;
			},
			metrics: options.metrics,
			sleep: options.sleep,
			random: options.random,
		});
		this.connectorHttp = new ServiceHttpClient({
			service: 'unifi',
			baseUrl,
			credentialKey: credentialKey(`${baseUrl}|${apiKey}`),
			rateLimits: { default: { ...UNIFI_SITE_MANAGER_DEFAULTS.rateLimits, ...options.rateLimits }.default },
			retry: { ...CONNECTOR_DEFAULTS.retry, ...options.connector?.retry },
			timeoutMs: options.connector?.timeoutMs ?? CONNECTOR_DEFAULTS.timeoutMs,
			headers: () => ({ 'X-API-KEY': apiKey }),
			secrets: [apiKey],
			parseError: (status, body) => {
				const parsed = parseUnifiError(status, body);
				return status === 401 ? { ...parsed, hint: unifiHint(status, 'unifi') } : parsed;
			},
			metrics: options.metrics,
			sleep: options.sleep,
			random: options.random,
		});
	}

	/** The Network application path of a console through the connector. */
	connectorNetworkPath(hostId: string, style: ConnectorPathStyle): string {
		const id = requireId(hostId, 'host ID');
		// `:` is legal in a path segment and is how public clients send host ids.
		return `/v1/connector/consoles/${encodeURIComponent(id).replace(/%3A/gi, ':')}${style === 'proxy' ? '/proxy/network' : '/network'}`;
	}

	private bucketOf(path: string): string {
		return path.startsWith('/ea/') ? 'ea' : 'default';
	}

	/**
	 * Walk a `nextToken`-paginated list. `countOf` says how many records a page item contributes (device groups
	 * contribute their devices), so the walk stops as soon as `limit` records are in hand.
	 */
	private async paginate<S extends z.ZodTypeAny, T>(
		operation: string,
		path: string,
		schema: S,
		options: ListOptions & { query?: Record<string, QueryValue>; countOf?: (item: T) => number },
	): Promise<T[]> {
		const limit = options.limit;
		if (limit !== undefined && !(limit >= 1)) return [];
		const out: T[] = [];
		let counted = 0;
		let nextToken: string | undefined;
		const seen = new Set<string>();
		for (;;) {
			const pageSize = limit === undefined || options.countOf ? this.pageSize : Math.min(this.pageSize, limit - counted);
			const response = await this.http.request({
				operation,
				path,
				query: { ...options.query, pageSize, nextToken },
				bucket: this.bucketOf(path),
				itemIndex: options.itemIndex,
			});
			const page = parseWith(schema, response.data, {
				what: `UniFi Site Manager GET ${path} response`,
				service: 'unifi',
				operation,
				itemIndex: options.itemIndex,
				hint: UNEXPECTED_RESPONSE_HINT,
			}) as { data: T[]; nextToken?: string | null };
			for (const item of page.data) {
				out.push(item);
				counted += options.countOf ? options.countOf(item) : 1;
				if (limit !== undefined && counted >= limit) return out;
			}
			nextToken = page.nextToken ?? undefined;
			if (!nextToken || page.data.length === 0) return out;
			if (seen.has(nextToken)) {
				throw new MspOpsError(`UniFi Site Manager GET ${path} returned the same nextToken twice; stopping to avoid a loop`, {
					service: 'unifi',
					operation,
					itemIndex: options.itemIndex,
				});
			}
			seen.add(nextToken);
		}
	}

	listHosts(options: ListOptions = {}): Promise<UnifiHost[]> {
		return this.paginate<typeof hostListResponseSchema, UnifiHost>('listHosts', '/v1/hosts', hostListResponseSchema, options);
	}

	async getHost(hostId: string, options: { itemIndex?: number } = {}): Promise<UnifiHost> {
		const id = requireId(hostId, 'host ID', options.itemIndex);
		const response = await this.http.request({ operation: 'getHost', path: `/v1/hosts/${encodeURIComponent(id)}`, itemIndex: options.itemIndex });
		return parseWith(hostResponseSchema, response.data, { what: 'UniFi Site Manager GET /v1/hosts/{id} response', service: 'unifi', operation: 'getHost', itemIndex: options.itemIndex, hint: UNEXPECTED_RESPONSE_HINT }).data;
	}

	listSites(options: ListOptions = {}): Promise<UnifiSite[]> {
		return this.paginate<typeof siteListResponseSchema, UnifiSite>('listSites', '/v1/sites', siteListResponseSchema, options);
	}

	/** The API has no GET /v1/sites/{id}: pages through the sites and stops at the match. */
	async getSite(siteId: string, options: { itemIndex?: number } = {}): Promise<UnifiSite> {
		const id = requireId(siteId, 'site ID', options.itemIndex);
		let found: UnifiSite | undefined;
		let nextToken: string | undefined;
		do {
			const response = await this.http.request({ operation: 'getSite', path: '/v1/sites', query: { pageSize: this.pageSize, nextToken }, itemIndex: options.itemIndex });
			const page = parseWith(siteListResponseSchema, response.data, { what: 'UniFi Site Manager GET /v1/sites response', service: 'unifi', operation: 'getSite', itemIndex: options.itemIndex, hint: UNEXPECTED_RESPONSE_HINT });
			found = page.data.find((s) => s.siteId === id);
			nextToken = page.data.length ? (page.nextToken ?? undefined) : undefined;
		} while (!found && nextToken);
		if (!found) {
			throw new NotFoundError(`UniFi site "${id}" was not found for this API key`, { service: 'unifi', operation: 'getSite', itemIndex: options.itemIndex, httpStatus: 404, code: 'NOT_FOUND' });
		}
		return found;
	}

	/** Devices grouped by host; `limit` counts devices, not groups. */
	listDeviceGroups(options: ListOptions & { hostIds?: string[]; time?: string } = {}): Promise<UnifiDeviceGroup[]> {
		return this.paginate<typeof deviceListResponseSchema, UnifiDeviceGroup>('listDevices', '/v1/devices', deviceListResponseSchema, {
			...options,
			query: { 'hostIds[]': options.hostIds?.length ? options.hostIds : undefined, time: options.time },
			countOf: (group) => group.devices.length,
		});
	}

	/** GET /ea/isp-metrics/{5m|1h} with either `duration` or a begin/end window (early-access bucket). */
	listIspMetrics(query: IspMetricsQuery): Promise<UnifiIspMetrics[]> {
		if (query.type !== '5m' && query.type !== '1h') {
			throw new ConfigError(`ISP metric type must be 5m or 1h, got "${String(query.type)}"`, { service: 'unifi', operation: 'listIspMetrics', field: 'type', itemIndex: query.itemIndex });
		}
		if (query.duration && (query.beginTimestamp || query.endTimestamp)) {
			throw new ConfigError('Use either a duration or a begin/end time range for ISP metrics, not both', { service: 'unifi', operation: 'listIspMetrics', itemIndex: query.itemIndex });
		}
		if (query.duration && !DURATIONS[query.type].includes(query.duration)) {
			throw new ConfigError(`Duration "${query.duration}" is not available for ${query.type} metrics; use ${DURATIONS[query.type].join(' or ')}`, {
				service: 'unifi',
				operation: 'listIspMetrics',
				field: 'duration',
				itemIndex: query.itemIndex,
			});
		}
		return this.paginate<typeof ispMetricsResponseSchema, UnifiIspMetrics>('listIspMetrics', `/ea/isp-metrics/${query.type}`, ispMetricsResponseSchema, {
			limit: query.limit,
			itemIndex: query.itemIndex,
			query: { duration: query.duration, beginTimestamp: query.beginTimestamp, endTimestamp: query.endTimestamp },
		});
	}
}

function requireId(value: string, what: string, itemIndex?: number): string {
	const id = String(value ?? '').trim();
	if (!id) throw new ConfigError(`A UniFi ${what} is required`, { service: 'unifi', itemIndex });
	return id;
}

