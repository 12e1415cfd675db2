import { createRng, Emulator, headerValue, randomId, type EmulatorOptions, type RateLimitConfig, type RateLimitDecision, type SandboxRequest, type SandboxResponse } from './core';
import { SANDBOX_CREDENTIALS } from './credentials';
import { invalidJsonResponse, MalformQueue, type MalformKind } from './malform';
import type { World, WorldSite } from './world';

/**
 * UniFi Network application (local console, UniFi OS) emulator: one multi-site console holding every world site.
 *
 * Each world site is one local site: `name` = a unique short code (`site.unifi.localSiteName`, used in
 * `/api/s/{site}/...`), `desc` = the customer name (the same text as the cloud site's `meta.desc`, which is how a
 * node maps local sites to Site Manager sites), `_id` = the cloud `siteId` (Site Manager reports the Network
 * application's site id; believed but [UNVERIFIED], so nodes should map by `desc` first).
 *
 * Routes (UniFi OS paths under `/proxy/network`; the classic controller paths without the prefix exist but never
 * take an API key, see Auth):
 * - GET /proxy/network/api/self/sites                      sites `{meta:{rc:"ok"}, data:[{_id, name, desc, role}]}`
 * - GET /proxy/network/api/s/:site/stat/sta                connected clients (WiFi: signal dBm, rssi, noise, essid, ap_mac, vlan, satisfaction)
 * - GET /proxy/network/api/s/:site/stat/device             devices
 * - GET /proxy/network/api/s/:site/rest/networkconf[/:id]  networks (vlan, vlan_enabled)
 * - GET /proxy/network/api/s/:site/rest/wlanconf           WLANs
 * - GET /proxy/network/integration/v1/sites?offset&limit   official Integration API `{offset, limit, count, totalCount, data:[{id, internalReference, name}]}`
 * Auth: header `X-API-Key`. Missing/wrong -> 401 `{meta:{rc:"error", msg:"api.err.LoginRequired"}, data:[]}`
 * (Integration API: `{statusCode:401, statusName:"UNAUTHORIZED", message, ...}` [UNVERIFIED]). What the public sources
 * say (docs/unifi-network-api.md): the Integration API takes the key; classic self-hosted controllers have no API
 * keys (cookie login at /api/login), so an unprefixed legacy path answers 401 LoginRequired even to a valid key;
 * whether a UniFi OS console takes the key on its prefixed legacy paths is disputed, so that is the
 * `apiKeyOnLegacyApi` option, on by default as maintained clients rely on it. Cookie login is not emulated. Unknown site -> 400
 * `api.err.NoSiteContext`. The legacy API does not paginate. No rate limit by default (bucket "default" configurable).
 */

export interface UnifiNetworkOptions extends EmulatorOptions {
	/** Accepted API key (default SANDBOX_CREDENTIALS.unifiNetworkApiKey). */
	apiKey?: string;
	/**
	 * Whether the API key is taken on the legacy paths under `/proxy/network/api/...` (default true). Disputed in
	 * public sources (docs/unifi-network-api.md): maintained clients send the key there, the official docs only
	 * show it on the Integration API. Off answers those paths 401 api.err.LoginRequired, as a console that takes
	 * keys only on the Integration API would.
	 */
	apiKeyOnLegacyApi?: boolean;
	/** Integration API default and max `limit` (default 25 / 200) [UNVERIFIED]. */
	defaultLimit?: number;
	maxLimit?: number;
	seed?: number;
}

const PREFIXES = ['/proxy/network', ''] as const;

export class UnifiNetworkEmulator extends Emulator {
	readonly name = 'unifiNetwork';
	readonly malform = new MalformQueue();
	private readonly anchor: number;
	private readonly bySiteName = new Map<string, WorldSite>();
	private readonly opts: UnifiNetworkOptions;
	private idRng: () => number;

	constructor(
		private readonly world: World,
		options: UnifiNetworkOptions = {},
	) {
		super(options);
		this.opts = options;
		this.idRng = createRng(options.seed ?? 13);
		this.anchor = Math.floor(this.now() / 60_000) * 60_000;
		for (const site of world.sites) this.bySiteName.set(site.unifi.localSiteName, site);
		for (const prefix of PREFIXES) {
			this.get(`${prefix}/api/self/sites`, () => this.sites());
			this.get(`${prefix}/api/s/:site/stat/sta`, (req) => this.clients(req));
			this.get(`${prefix}/api/s/:site/stat/device`, (req) => this.devices(req));
			this.get(`${prefix}/api/s/:site/rest/networkconf`, (req) => this.networks(req));
			this.get(`${prefix}/api/s/:site/rest/networkconf/:id`, (req) => this.networks(req, req.params.id));
			this.get(`${prefix}/api/s/:site/rest/wlanconf`, (req) => this.wlans(req));
		}
		this.get('/proxy/network/integration/v1/sites', (req) => this.integrationSites(req));
	}

	// ------------------------------------------------------------------ hooks

	protected defaultRateLimits(): Record<string, RateLimitConfig | null> {
		return { default: null };
	}

	private isIntegration(req: SandboxRequest): boolean {
		return req.path.includes('/integration/');
	}

	/** Whether a request with a valid API key may pass: always on the Integration API, see the class comment otherwise. */
	private keyAccepted(req: SandboxRequest): boolean {
		if (this.isIntegration(req)) return true;
		if (!req.path.startsWith('/proxy/network/')) return false;
		return this.opts.apiKeyOnLegacyApi !== false;
	}

	protected authenticate(req: SandboxRequest): SandboxResponse | undefined {
		const key = headerValue(req, 'x-api-key');
		if (key && key === (this.opts.apiKey ?? SANDBOX_CREDENTIALS.unifiNetworkApiKey) && this.keyAccepted(req)) {
			req.principal = key;
			return undefined;
		}
		if (this.isIntegration(req)) {
			return {
				status: 401,
				body: { statusCode: 401, statusName: 'UNAUTHORIZED', code: 'api.authentication.missing-credentials', message: 'Missing or invalid API key', timestamp: new Date(this.now()).toISOString(), requestPath: req.path, requestId: this.requestId() },
			};
		}
		return { status: 401, body: { meta: { rc: 'error', msg: 'api.err.LoginRequired' }, data: [] } };
	}

	protected rateLimitedResponse(req: SandboxRequest, decision: RateLimitDecision): SandboxResponse {
		const headers = { 'Retry-After': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) };
		if (this.isIntegration(req)) return { status: 429, headers, body: { statusCode: 429, statusName: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded', requestPath: req.path, requestId: this.requestId() } };
		return { status: 429, headers, body: { meta: { rc: 'error', msg: 'api.err.RateLimited' }, data: [] } };
	}

	protected serverErrorResponse(req: SandboxRequest, status: number): SandboxResponse {
		if (this.isIntegration(req)) return { status, body: { statusCode: status, statusName: status === 502 ? 'BAD_GATEWAY' : 'INTERNAL_SERVER_ERROR', message: 'Server error', requestPath: req.path, requestId: this.requestId() } };
		if (status === 502 || status === 503) return { status, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Service Unavailable'}</h1></body></html>` };
		return { status, body: { meta: { rc: 'error', msg: 'api.err.ServerError' }, data: [] } };
	}

	protected notFoundResponse(req: SandboxRequest): SandboxResponse {
		if (this.isIntegration(req)) return { status: 404, body: { statusCode: 404, statusName: 'NOT_FOUND', message: `No route for ${req.path}`, requestPath: req.path, requestId: this.requestId() } };
		return { status: 404, body: { meta: { rc: 'error', msg: 'api.err.NotFound' }, data: [] } };
	}

	protected controlExtra(req: SandboxRequest): SandboxResponse | undefined {
		return this.malform.control(req);
	}

	state(): unknown {
		return { sites: this.world.sites.length, pendingMalformed: this.malform.size, requests: this.count() };
	}

	resetState(): void {
		this.idRng = createRng(this.opts?.seed ?? 13);
		this.malform?.clear();
	}

	/** Corrupt the next successful response of `route` (e.g. "GET /proxy/network/api/s/:site/stat/sta"). */
	malformNext(route?: string | RegExp, kind: MalformKind = 'field', count = 1): void {
		this.malform.add(route, count, kind);
	}

	// ------------------------------------------------------------------ helpers

	private get(pattern: string, handler: (req: SandboxRequest) => SandboxResponse): void {
		const routeName = `GET ${pattern}`;
		this.route(
			'GET',
			pattern,
			(req) => {
				const response = handler(req);
				if (response.status >= 300) return response;
				const kind = this.malform.take(routeName);
				if (!kind) return response;
				return kind === 'invalid-json' ? invalidJsonResponse(response) : { ...response, body: corrupt(routeName, response.body) };
			},
			{ bucket: 'default' },
		);
	}

	private requestId(): string {
		return randomId(this.idRng, 32);
	}

	private ok(data: unknown[]): SandboxResponse {
		return { status: 200, body: { meta: { rc: 'ok' }, data } };
	}

	private site(req: SandboxRequest): WorldSite | SandboxResponse {
		const site = this.bySiteName.get(req.params.site);
		return site ?? { status: 400, body: { meta: { rc: 'error', msg: 'api.err.NoSiteContext' }, data: [] } };
	}

	private epoch(ageSec: number): number {
		return Math.floor(this.anchor / 1000) - ageSec;
	}

	// ------------------------------------------------------------------ handlers

	private sites(): SandboxResponse {
		return this.ok(
			this.world.sites.map((s) => ({
				_id: s.unifi.siteId,
				name: s.unifi.localSiteName,
				desc: s.customerName,
				anonymous_id: s.unifi.integrationSiteId,
				attr_hidden_id: s.index === 0 ? 'default' : undefined,
				attr_no_delete: s.index === 0 ? true : undefined,
				role: 'admin',
				role_hotspot: false,
				device_count: s.unifi.devicePlan.total,
			})),
		);
	}

	private clients(req: SandboxRequest): SandboxResponse {
		const site = this.site(req);
		if (!('unifi' in site)) return site;
		const siteId = site.unifi.siteId;
		return this.ok(
			site.unifi.clients.map((c, i) => {
				const base: Record<string, unknown> = {
					_id: `${siteId.slice(0, 12)}${(i + 1).toString(16).padStart(12, '0')}`,
					site_id: siteId,
					mac: c.mac,
					hostname: c.hostname,
					oui: c.isWired ? 'Microsoft' : 'Apple',
					ip: c.ip,
					is_wired: c.isWired,
					is_guest: c.isGuest,
					network: c.networkName,
					network_id: c.networkId,
					uptime: c.uptimeSec,
					first_seen: this.epoch(c.uptimeSec + 86_400 * 7),
					last_seen: this.epoch(5),
					assoc_time: this.epoch(c.uptimeSec),
					user_id: `${siteId.slice(0, 8)}${(i + 1).toString(16).padStart(16, '0')}`,
				};
				if (c.vlan !== null) base.vlan = c.vlan;
				if (!c.isWired) {
					Object.assign(base, {
						essid: c.essid,
						bssid: c.apMac,
						ap_mac: c.apMac,
						channel: c.channel,
						radio: c.radio,
						radio_proto: c.radio === 'na' ? 'ax' : 'ng',
						signal: c.signal,
						noise: c.noise,
						rssi: (c.signal ?? 0) - (c.noise ?? -95),
						satisfaction: c.satisfaction,
						tx_rate: c.txRate,
						rx_rate: c.rxRate,
					});
				} else {
					Object.assign(base, { sw_mac: site.unifi.devices[site.unifi.devices.length - 1]?.mac ?? null, sw_port: 1 + i });
				}
				return base;
			}),
		);
	}

	private devices(req: SandboxRequest): SandboxResponse {
		const site = this.site(req);
		if (!('unifi' in site)) return site;
		return this.ok(
			site.unifi.devices.map((d) => ({
				_id: `${site.unifi.siteId.slice(0, 12)}${d.id}`,
				mac: d.mac,
				name: d.name,
				model: d.shortname,
				model_name: d.model,
				type: d.role === 'gateway' ? 'udm' : d.role === 'ap' ? 'uap' : 'usw',
				ip: d.ip,
				version: d.version,
				upgradable: d.firmwareStatus === 'updateAvailable',
				upgrade_to_firmware: d.updateAvailable ?? undefined,
				adopted: true,
				state: d.status === 'online' ? 1 : 0,
				uptime: d.uptimeSec,
				site_id: site.unifi.siteId,
			})),
		);
	}

	private networks(req: SandboxRequest, id?: string): SandboxResponse {
		const site = this.site(req);
		if (!('unifi' in site)) return site;
		const list = site.unifi.networks.filter((n) => id === undefined || n._id === id);
		if (id !== undefined && !list.length) return { status: 400, body: { meta: { rc: 'error', msg: 'api.err.IdInvalid' }, data: [] } };
		return this.ok(
			list.map((n) => {
				const base: Record<string, unknown> = {
					_id: n._id,
					name: n.name,
					purpose: n.purpose,
					networkgroup: n.networkgroup,
					enabled: true,
					site_id: site.unifi.siteId,
					setting_preference: 'auto',
				};
				if (n.purpose === 'wan') {
					Object.assign(base, { wan_type: 'dhcp', wan_networkgroup: 'WAN', wan_ip_aliases: [], wan_provider_capabilities: { download_kilobits_per_second: site.unifi.wan.downloadKbps, upload_kilobits_per_second: site.unifi.wan.uploadKbps } });
					return base;
				}
				const prefix = (n.ipSubnet ?? '').split('.').slice(0, 3).join('.');
				Object.assign(base, {
					ip_subnet: n.ipSubnet,
					vlan_enabled: n.vlanEnabled,
					dhcpd_enabled: n.dhcpdEnabled,
					dhcpd_start: `${prefix}.6`,
					dhcpd_stop: `${prefix}.254`,
					domain_name: site.domain.replace(/\.com$/, '.lan'),
					is_nat: true,
				});
				if (n.vlan !== null) base.vlan = n.vlan;
				if (n.isDefault) Object.assign(base, { attr_hidden_id: 'LAN', attr_no_delete: true });
				return base;
			}),
		);
	}

	private wlans(req: SandboxRequest): SandboxResponse {
		const site = this.site(req);
		if (!('unifi' in site)) return site;
		return this.ok(
			site.unifi.wlans.map((w) => ({
				_id: w._id,
				name: w.name,
				enabled: true,
				security: w.security,
				wpa_mode: w.security === 'open' ? undefined : 'wpa2',
				is_guest: w.isGuest,
				networkconf_id: w.networkId,
				site_id: site.unifi.siteId,
			})),
		);
	}

	private integrationSites(req: SandboxRequest): SandboxResponse {
		const bad = (message: string): SandboxResponse => ({ status: 400, body: { statusCode: 400, statusName: 'BAD_REQUEST', message, requestPath: req.path, requestId: this.requestId() } });
		const rawOffset = req.query.get('offset') ?? '0';
		const rawLimit = req.query.get('limit') ?? String(this.opts.defaultLimit ?? 25);
		if (!/^\d+$/.test(rawOffset)) return bad(`invalid offset "${rawOffset}"`);
		if (!/^\d+$/.test(rawLimit) || Number(rawLimit) < 1) return bad(`invalid limit "${rawLimit}"`);
		const offset = Number(rawOffset);
		const limit = Math.min(Number(rawLimit), this.opts.maxLimit ?? 200);
		const all = this.world.sites;
		const data = all.slice(offset, offset + limit).map((s) => ({ id: s.unifi.integrationSiteId, internalReference: s.unifi.localSiteName, name: s.customerName }));
		return { status: 200, body: { offset, limit, count: data.length, totalCount: all.length, data } };
	}
}

/** Corrupt one field of a successful body (what `malformNext` does). */
function corrupt(routeName: string, body: unknown): unknown {
	const envelope = { ...(body as Record<string, unknown>) };
	const data = envelope.data;
	if (!Array.isArray(data) || !data.length) return { ...envelope, data: 'malformed' };
	const first = { ...(data[0] as Record<string, unknown>) };
	if (routeName.endsWith('/stat/sta')) first.signal = 'strong';
	else if (routeName.includes('/networkconf')) first.vlan = 'ten';
	else if (routeName.endsWith('/self/sites')) first.desc = null;
	else if (routeName.includes('/integration/')) first.id = null;
	else first._id = null;
	if (routeName.endsWith('/stat/sta') && first.is_wired) first.is_wired = 'no';
	return { ...envelope, data: [first, ...data.slice(1)] };
}
