import { ConfigError, NotFoundError } from '../errors';
import { credentialKey, ServiceHttpClient, type MetricsRecorder, type RateLimitSpec, type RetryPolicy } from '../http';
import { parseWith } from '../validation';
import { parseUnifiError, unifiHint } from './common';
import {
	localClientsResponseSchema,
	localNetworksResponseSchema,
	localSitesResponseSchema,
	type UnifiLocalClient,
	type UnifiLocalNetwork,
	type UnifiLocalSite,
} from './schemas';

/**
 * Local UniFi Network application client (a UniFi console: UDM, UCG, Cloud Key, or a self-hosted Network server).
 * WiFi signal per client and VLANs exist only here, not in the cloud Site Manager API.
 *
 * Paths are the Network application's `/api/s/{site}/...` under a prefix: `/proxy/network` on UniFi OS consoles,
 * empty for a classic self-hosted controller. Auth is a local API key (`X-API-Key`, console Settings > Control
 * Plane > Integrations). Consoles usually have a self-signed certificate; `allowSelfSigned` skips verification
 * for this client only.
 */

export const UNIFI_NETWORK_DEFAULTS = Object.freeze({
	pathPrefix: '/proxy/network',
	/** Consoles are small machines: pace calls to 20/s per console and key. */
	rateLimit: { requestsPerSecond: 20, burst: 20 } satisfies RateLimitSpec,
});

export interface UnifiNetworkOptions {
	consoleUrl: string;
	apiKey: string;
	pathPrefix?: string;
	allowSelfSigned?: boolean;
	rateLimit?: RateLimitSpec;
	retry?: Partial<RetryPolicy>;
	timeoutMs?: number;
	metrics?: MetricsRecorder;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
}

const UNEXPECTED_RESPONSE_HINT =
	'The console answered in a shape this node does not know: check the console URL and the path prefix (/proxy/network on UniFi OS consoles, empty for a self-hosted Network server).';

export function normalisePathPrefix(prefix: string | undefined): string {
	const p = (prefix ?? UNIFI_NETWORK_DEFAULTS.pathPrefix).trim().replace(/\/+$/, '');
	if (!p) return '';
	return p.startsWith('/') ? p : `/${p}`;
}

export class UnifiNetworkClient {
	readonly http: ServiceHttpClient;
	readonly prefix: string;

	constructor(options: UnifiNetworkOptions) {
		const apiKey = (options.apiKey ?? '').trim();
		if (!apiKey) throw new ConfigError('The UniFi Network credential has no API key', { service: 'unifi-network' });
		const consoleUrl = (options.consoleUrl ?? '').trim().replace(/\/+$/, '');
		if (!/^https?:\/\/[^/]+/i.test(consoleUrl)) {
			throw new ConfigError(`UniFi console URL "${consoleUrl}" must look like https://192.168.1.1 or https://console.example.net`, { service: 'unifi-network' });
		}
		this.prefix = normalisePathPrefix(options.pathPrefix);
		this.http = new ServiceHttpClient({
			service: 'unifi-network',
			baseUrl: consoleUrl,
			credentialKey: credentialKey(`${consoleUrl}|${apiKey}`),
			rateLimits: { default: options.rateLimit ?? UNIFI_NETWORK_DEFAULTS.rateLimit },
			retry: options.retry,
			timeoutMs: options.timeoutMs,
			headers: () => ({ 'X-API-Key': apiKey }),
			secrets: [apiKey],
			allowInsecureTls: options.allowSelfSigned === true,
			parseError: (status, body) => {
				const parsed = parseUnifiError(status, body);
				const hint = unifiHint(status, 'unifi-network');
				if (status === 400 && parsed.code === 'api.err.NoSiteContext') {
					return { ...parsed, message: `${parsed.message}: the site does not exist on this console`, hint: 'Use the short site name (for example "default"), not the display name.' };
				}
				return hint ? { ...parsed, hint } : parsed;
			},
			metrics: options.metrics,
			sleep: options.sleep,
			random: options.random,
		});
	}

	private sitePath(site: string, rest: string): string {
		const name = String(site ?? '').trim();
		if (!name) throw new ConfigError('A UniFi local site name is required (for example "default")', { service: 'unifi-network' });
		return `${this.prefix}/api/s/${encodeURIComponent(name)}/${rest}`;
	}

	async listSites(options: { itemIndex?: number } = {}): Promise<UnifiLocalSite[]> {
		const path = `${this.prefix}/api/self/sites`;
		const response = await this.http.request({ operation: 'listLocalSites', path, itemIndex: options.itemIndex });
		return parseWith(localSitesResponseSchema, response.data, { what: `UniFi Network GET ${path} response`, service: 'unifi-network', operation: 'listLocalSites', itemIndex: options.itemIndex, hint: UNEXPECTED_RESPONSE_HINT }).data;
	}

	/** A local site by its short name (`default`) or `_id`. */
	async getSite(nameOrId: string, options: { itemIndex?: number } = {}): Promise<UnifiLocalSite> {
		const sites = await this.listSites(options);
		const site = sites.find((s) => s.name === nameOrId || s._id === nameOrId);
		if (!site) throw new NotFoundError(`UniFi local site "${nameOrId}" was not found on this console`, { service: 'unifi-network', operation: 'getLocalSite', httpStatus: 404, itemIndex: options.itemIndex });
		return site;
	}

	/** Connected clients of a site (`stat/sta`); WiFi clients carry signal (dBm), rssi, noise, essid, ap_mac. */
	async listClients(site: string, options: { itemIndex?: number } = {}): Promise<UnifiLocalClient[]> {
		const path = this.sitePath(site, 'stat/sta');
		const response = await this.http.request({ operation: 'listClients', path, itemIndex: options.itemIndex });
		return parseWith(localClientsResponseSchema, response.data, { what: `UniFi Network GET ${path} response`, service: 'unifi-network', operation: 'listClients', itemIndex: options.itemIndex, hint: UNEXPECTED_RESPONSE_HINT }).data;
	}

	/** Networks of a site (`rest/networkconf`): LAN/VLAN/WAN with `vlan`, `vlan_enabled`, `ip_subnet`. */
	async listNetworks(site: string, options: { itemIndex?: number } = {}): Promise<UnifiLocalNetwork[]> {
		const path = this.sitePath(site, 'rest/networkconf');
		const response = await this.http.request({ operation: 'listNetworks', path, itemIndex: options.itemIndex });
		return parseWith(localNetworksResponseSchema, response.data, { what: `UniFi Network GET ${path} response`, service: 'unifi-network', operation: 'listNetworks', itemIndex: options.itemIndex, hint: UNEXPECTED_RESPONSE_HINT }).data;
	}
}
