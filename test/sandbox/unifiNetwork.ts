import { createRng, Emulator, headerValue, randomId, type EmulatorOptions, type RateLimitConfig, type RateLimitDecision, type SandboxRequest, type SandboxResponse } from './core';
import { SANDBOX_CREDENTIALS } from './credentials';
import { invalidJsonResponse, MalformQueue, type MalformKind } from './malform';
import type { World, WorldSite } from './world';

/**
 * UniFi Network application (local console, UniFi OS) emulator. By default one multi-site console holding every
 * world site; with `sites` it is the console of those sites only (the Site Manager connector builds one per host,
 * holding that host's one site under the legacy name `default`).
 *
 * Each world site is one local site: `name` = its legacy short name (`legacySiteName`, by default
 * `site.unifi.localSiteName`, unique across the world; used in `/api/s/{site}/...`), `desc` = the customer name (the
 * same text as the cloud site's `meta.desc`, which is how a node maps local sites to Site Manager sites), `_id` = the
 * cloud `siteId` (Site Manager reports the Network application's site id; believed but [UNVERIFIED], so nodes should
 * map by `desc` first).
 *
 * Legacy routes (UniFi OS paths under `/proxy/network`; the classic controller paths without the prefix exist but
 * never take an API key, see Auth):
 * - GET /proxy/network/api/self/sites                      sites `{meta:{rc:"ok"}, data:[{_id, name, desc, role}]}`
 * - GET /proxy/network/api/s/:site/stat/sta                connected clients (WiFi: signal dBm, rssi, noise, essid, ap_mac, vlan, satisfaction)
 * - GET /proxy/network/api/s/:site/stat/device             devices
 * - GET /proxy/network/api/s/:site/rest/networkconf[/:id]  networks (vlan, vlan_enabled)
 * - GET /proxy/network/api/s/:site/rest/wlanconf           WLANs
 * Official Integration API (docs/unifi-connector.md section 2), under `/proxy/network/integration`:
 * - GET /v1/info                                              `{applicationVersion}`
 * - GET /v1/sites                                             `{id, internalReference (= legacy name), name (= customer)}`
 * - GET /v1/sites/:siteId/clients                             `{type: WIRELESS|WIRED, id, name, connectedAt, ipAddress,
 *   macAddress, uplinkDeviceId (the AP for WiFi, the gateway for wired), access:{type: DEFAULT|GUEST}}`; no signal
 * - GET /v1/sites/:siteId/devices                             `{id, macAddress, ipAddress, name, model, state: ONLINE|OFFLINE,
 *   supported, firmwareVersion, firmwareUpdatable, features, interfaces}` (names lists, as the list endpoint has them)
 * - GET /v1/sites/:siteId/devices/:deviceId/statistics/latest `{uptimeSec, lastHeartbeatAt, nextHeartbeatAt,
 *   loadAverage1Min/5Min/15Min, cpuUtilizationPct, memoryUtilizationPct, uplink:{txRateBps, rxRateBps},
 *   interfaces:{radios:[{frequencyGHz, txRetriesPct}]}}` (`interfaces` only on APs)
 * - GET /v1/sites/:siteId/networks                            LAN networks `{id, name, enabled, vlanId (1 = untagged
 *   default LAN), management: GATEWAY, default, metadata:{origin: SYSTEM_DEFINED|USER_DEFINED}}`
 * Lists page with `offset` (default 0) and `limit` (default 25, 0..200; anything else -> 400
 * `api.request.argument-validation-failed`) into `{offset, limit, count, totalCount, data}`, and take the documented
 * `filter` syntax (`and/or/not`, `eq ne gt ge lt le like in notIn isNull isNotNull`, sets with `contains containsAny
 * containsAll containsExactly isEmpty`; strings quoted, UUIDs, numbers, booleans and timestamps bare) on the
 * documented filterable properties of each endpoint; a filter it cannot parse, an unknown property, a function the
 * property's type does not take or an argument of the wrong type -> 400 `api.request.invalid-filter`, never ignored.
 * Errors use the documented envelope `{statusCode, statusName, code, message, timestamp, requestPath, requestId}`,
 * `requestPath` as the application sees it (`/integration/v1/...`). Emulator choices where the reference is silent:
 * the codes other than `api.authentication.missing-credentials` and `api.rate-limit.exceeded`; unknown site or device
 * -> 404 `api.site.not-found` / `api.device.not-found`; statistics of an OFFLINE device -> 404
 * `api.device.not-connected`; unknown route -> 404 `api.request.not-found`; filterable properties outside the
 * emulated data (`access.authorized`, networks' `deviceId`) count as unknown.
 *
 * Auth: header `X-API-Key`. Missing/wrong -> 401 `{meta:{rc:"error", msg:"api.err.LoginRequired"}, data:[]}`
 * (Integration API: the envelope above with `api.authentication.missing-credentials`). What the public sources
 * say (docs/unifi-network-api.md): the Integration API takes the key; classic self-hosted controllers have no API
 * keys (cookie login at /api/login), so an unprefixed legacy path answers 401 LoginRequired even to a valid key;
 * whether a UniFi OS console takes the key on its prefixed legacy paths is disputed, so that is the
 * `apiKeyOnLegacyApi` option, on by default as maintained clients rely on it. Cookie login is not emulated. A request
 * forwarded in process by the Site Manager connector (`dispatch(..., {trusted})`) skips the key check. Unknown legacy
 * site -> 400 `api.err.NoSiteContext`. The legacy API does not paginate. No rate limit by default (bucket "default"
 * configurable).
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
	/** Integration API default and max `limit` (default 25 / 200; max from a third-party copy of the reference). */
	defaultLimit?: number;
	maxLimit?: number;
	/** The sites this console holds (default: every world site, one multi-site console). */
	sites?: WorldSite[];
	/** A site's legacy short name, also its Integration `internalReference` (default `site.unifi.localSiteName`). */
	legacySiteName?: (site: WorldSite) => string;
	/** `GET /v1/info` `applicationVersion` (default '10.1.68', the reference the connector docs are from). */
	applicationVersion?: string;
	/**
	 * Type of radio `frequencyGHz` in statistics (default 'string', `"2.4"`/`"5"` as in the 9.4.17 reference; the
	 * 10.1.68 example shows a number, so 'number' sends 2.4/5).
	 */
	frequencyGHzAs?: 'string' | 'number';
	seed?: number;
}

const PREFIXES = ['/proxy/network', ''] as const;
const INTEGRATION = '/proxy/network/integration';

const STATUS_NAMES: Record<number, string> = {
	400: 'BAD_REQUEST',
	401: 'UNAUTHORIZED',
	403: 'FORBIDDEN',
	404: 'NOT_FOUND',
	429: 'TOO_MANY_REQUESTS',
	500: 'INTERNAL_SERVER_ERROR',
	502: 'BAD_GATEWAY',
	503: 'SERVICE_UNAVAILABLE',
};

/** Documented filterable properties per Integration list endpoint (docs/unifi-connector.md section 2). */
const FILTERABLE: Record<'sites' | 'clients' | 'devices' | 'networks', Record<string, PropertyType>> = {
	sites: { id: 'UUID', internalReference: 'STRING', name: 'STRING' },
	clients: { id: 'UUID', type: 'STRING', macAddress: 'STRING', ipAddress: 'STRING', connectedAt: 'TIMESTAMP', 'access.type': 'STRING' },
	devices: {
		id: 'UUID',
		macAddress: 'STRING',
		ipAddress: 'STRING',
		name: 'STRING',
		model: 'STRING',
		state: 'STRING',
		supported: 'BOOLEAN',
		firmwareVersion: 'STRING',
		firmwareUpdatable: 'BOOLEAN',
		features: 'SET',
		interfaces: 'SET',
	},
	networks: { id: 'UUID', name: 'STRING', enabled: 'BOOLEAN', vlanId: 'INTEGER', management: 'STRING', 'metadata.origin': 'STRING' },
};

export class UnifiNetworkEmulator extends Emulator {
	readonly name = 'unifiNetwork';
	readonly malform = new MalformQueue();
	private readonly anchor: number;
	private readonly sitesHeld: WorldSite[];
	private readonly legacyName: (site: WorldSite) => string;
	private readonly bySiteName = new Map<string, WorldSite>();
	private readonly byIntegrationId = new Map<string, WorldSite>();
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
		this.sitesHeld = options.sites ?? world.sites;
		this.legacyName = options.legacySiteName ?? ((site) => site.unifi.localSiteName);
		for (const site of this.sitesHeld) {
			this.bySiteName.set(this.legacyName(site), site);
			this.byIntegrationId.set(site.unifi.integrationSiteId, site);
		}
		for (const prefix of PREFIXES) {
			this.get(`${prefix}/api/self/sites`, () => this.sites());
			this.get(`${prefix}/api/s/:site/stat/sta`, (req) => this.clients(req));
			this.get(`${prefix}/api/s/:site/stat/device`, (req) => this.devices(req));
			this.get(`${prefix}/api/s/:site/rest/networkconf`, (req) => this.networks(req));
			this.get(`${prefix}/api/s/:site/rest/networkconf/:id`, (req) => this.networks(req, req.params.id));
			this.get(`${prefix}/api/s/:site/rest/wlanconf`, (req) => this.wlans(req));
		}
		this.get(`${INTEGRATION}/v1/info`, () => ({ status: 200, body: { applicationVersion: this.opts.applicationVersion ?? '10.1.68' } }));
		this.get(`${INTEGRATION}/v1/sites`, (req) => this.integrationSites(req));
		this.get(`${INTEGRATION}/v1/sites/:siteId/clients`, (req) => this.integrationClients(req));
		this.get(`${INTEGRATION}/v1/sites/:siteId/devices`, (req) => this.integrationDevices(req));
		this.get(`${INTEGRATION}/v1/sites/:siteId/devices/:deviceId/statistics/latest`, (req) => this.integrationStatistics(req));
		this.get(`${INTEGRATION}/v1/sites/:siteId/networks`, (req) => this.integrationNetworks(req));
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
		if (this.isIntegration(req)) return this.integrationError(req, 401, 'api.authentication.missing-credentials', 'Missing or invalid API key');
		return { status: 401, body: { meta: { rc: 'error', msg: 'api.err.LoginRequired' }, data: [] } };
	}

	protected rateLimitedResponse(req: SandboxRequest, decision: RateLimitDecision): SandboxResponse {
		const headers = { 'Retry-After': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) };
		if (this.isIntegration(req)) return { ...this.integrationError(req, 429, 'api.rate-limit.exceeded', 'Rate limit exceeded'), headers };
		return { status: 429, headers, body: { meta: { rc: 'error', msg: 'api.err.RateLimited' }, data: [] } };
	}

	protected serverErrorResponse(req: SandboxRequest, status: number): SandboxResponse {
		if (this.isIntegration(req)) return this.integrationError(req, status, 'api.server.error', 'Server error');
		if (status === 502 || status === 503) return { status, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Service Unavailable'}</h1></body></html>` };
		return { status, body: { meta: { rc: 'error', msg: 'api.err.ServerError' }, data: [] } };
	}

	protected notFoundResponse(req: SandboxRequest): SandboxResponse {
		if (this.isIntegration(req)) return this.integrationError(req, 404, 'api.request.not-found', `No route for ${integrationPath(req.path)}`);
		return { status: 404, body: { meta: { rc: 'error', msg: 'api.err.NotFound' }, data: [] } };
	}

	protected controlExtra(req: SandboxRequest): SandboxResponse | undefined {
		return this.malform.control(req);
	}

	state(): unknown {
		return { sites: this.sitesHeld.length, pendingMalformed: this.malform.size, requests: this.count() };
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

	/** A request id in UUID form, as the reference shows it. */
	private requestId(): string {
		const h = randomId(this.idRng, 32);
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
	}

	/** The Integration API's error envelope. */
	private integrationError(req: SandboxRequest, status: number, code: string, message: string): SandboxResponse {
		return {
			status,
			body: { statusCode: status, statusName: STATUS_NAMES[status] ?? 'ERROR', code, message, timestamp: new Date(this.now()).toISOString(), requestPath: integrationPath(req.path), requestId: this.requestId() },
		};
	}

	private iso(ageSec: number): string {
		return new Date(this.anchor - ageSec * 1000).toISOString();
	}

	/** The site of an Integration `:siteId`, or its 404. */
	private integrationSite(req: SandboxRequest): WorldSite | SandboxResponse {
		const site = this.byIntegrationId.get(req.params.siteId.toLowerCase());
		return site ?? this.integrationError(req, 404, 'api.site.not-found', `Site ${req.params.siteId} not found`);
	}

	/**
	 * One page of an Integration list: `offset`/`limit` validated (400 `api.request.argument-validation-failed`),
	 * `filter` applied with the endpoint's filterable properties (400 `api.request.invalid-filter`).
	 */
	private integrationPage(req: SandboxRequest, kind: keyof typeof FILTERABLE, items: Array<Record<string, unknown>>): SandboxResponse {
		const invalid = (message: string) => this.integrationError(req, 400, 'api.request.argument-validation-failed', message);
		const max = this.opts.maxLimit ?? 200;
		const rawOffset = req.query.get('offset') ?? '0';
		const rawLimit = req.query.get('limit') ?? String(this.opts.defaultLimit ?? 25);
		if (!/^\d+$/.test(rawOffset)) return invalid(`'offset' must be an integer >= 0, got '${rawOffset}'`);
		if (!/^\d+$/.test(rawLimit) || Number(rawLimit) > max) return invalid(`'limit' must be an integer between 0 and ${max}, got '${rawLimit}'`);
		const offset = Number(rawOffset);
		const limit = Number(rawLimit);
		let list = items;
		const filter = req.query.get('filter');
		if (filter !== null) {
			let expression: FilterExpression;
			try {
				expression = parseFilter(filter, FILTERABLE[kind]);
			} catch (error) {
				return this.integrationError(req, 400, 'api.request.invalid-filter', `Invalid filter '${filter}': ${(error as Error).message}`);
			}
			list = items.filter((item) => evaluateFilter(expression, item));
		}
		const data = list.slice(offset, offset + limit);
		return { status: 200, body: { offset, limit, count: data.length, totalCount: list.length, data } };
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
			this.sitesHeld.map((s, i) => ({
				_id: s.unifi.siteId,
				name: this.legacyName(s),
				desc: s.customerName,
				anonymous_id: s.unifi.integrationSiteId,
				attr_hidden_id: i === 0 ? 'default' : undefined,
				attr_no_delete: i === 0 ? true : undefined,
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
		return this.integrationPage(
			req,
			'sites',
			this.sitesHeld.map((s) => ({ id: s.unifi.integrationSiteId, internalReference: this.legacyName(s), name: s.customerName })),
		);
	}

	private integrationClients(req: SandboxRequest): SandboxResponse {
		const site = this.integrationSite(req);
		if (!('unifi' in site)) return site;
		const clients = site.unifi.clients;
		const devices = site.unifi.devices;
		const byMac = new Map(devices.map((d) => [d.mac, d.integrationId]));
		const gatewayId = devices[0]?.integrationId ?? null;
		return this.integrationPage(
			req,
			'clients',
			clients.map((c) => ({
				type: c.isWired ? 'WIRED' : 'WIRELESS',
				id: c.integrationId,
				name: c.hostname,
				connectedAt: this.iso(c.uptimeSec),
				ipAddress: c.ip,
				macAddress: c.mac,
				uplinkDeviceId: c.isWired ? gatewayId : (byMac.get(c.apMac ?? '') ?? null),
				access: { type: c.isGuest ? 'GUEST' : 'DEFAULT' },
			})),
		);
	}

	private integrationDevices(req: SandboxRequest): SandboxResponse {
		const site = this.integrationSite(req);
		if (!('unifi' in site)) return site;
		return this.integrationPage(
			req,
			'devices',
			site.unifi.devices.map((d) => ({
				id: d.integrationId,
				macAddress: d.mac,
				ipAddress: d.ip,
				name: d.name,
				model: d.model,
				state: d.status === 'online' ? 'ONLINE' : 'OFFLINE',
				supported: true,
				firmwareVersion: d.version,
				firmwareUpdatable: d.firmwareStatus === 'updateAvailable',
				features: d.role === 'gateway' ? ['gateway', 'switching'] : d.role === 'ap' ? ['accessPoint'] : ['switching'],
				interfaces: d.role === 'ap' ? ['radios'] : ['ports'],
			})),
		);
	}

	private integrationStatistics(req: SandboxRequest): SandboxResponse {
		const site = this.integrationSite(req);
		if (!('unifi' in site)) return site;
		const devices = site.unifi.devices;
		const wanted = req.params.deviceId.toLowerCase();
		const device = devices.find((d) => d.integrationId === wanted);
		if (!device) return this.integrationError(req, 404, 'api.device.not-found', `Device ${req.params.deviceId} not found`);
		if (device.status !== 'online') return this.integrationError(req, 404, 'api.device.not-connected', `Device ${req.params.deviceId} is not connected`);
		// Load and rates hashed from the device id: stable for the world, no PRNG state.
		const h = (salt: number) => parseInt(device.integrationId.replace(/-/g, '').slice(salt * 4, salt * 4 + 8), 16) / 0x100000000;
		const heartbeatAge = Math.floor(h(0) * 30);
		const cpu = device.role === 'gateway' ? 10 + h(1) * 30 : 2 + h(1) * 20;
		const load1 = Math.round((0.05 + h(2) * 1.5) * 100) / 100;
		const body: Record<string, unknown> = {
			uptimeSec: device.uptimeSec,
			lastHeartbeatAt: this.iso(heartbeatAge),
			nextHeartbeatAt: this.iso(heartbeatAge - 30),
			loadAverage1Min: load1,
			loadAverage5Min: Math.round(load1 * 0.9 * 100) / 100,
			loadAverage15Min: Math.round(load1 * 0.8 * 100) / 100,
			cpuUtilizationPct: Math.round(cpu * 10) / 10,
			memoryUtilizationPct: Math.round((30 + h(3) * 40) * 10) / 10,
			uplink: { txRateBps: Math.round(1_000_000 + h(4) * 50_000_000), rxRateBps: Math.round(2_000_000 + h(5) * 200_000_000) },
		};
		if (device.radios) {
			const asNumber = this.opts.frequencyGHzAs === 'number';
			body.interfaces = { radios: device.radios.map((r) => ({ frequencyGHz: asNumber ? Number(r.frequencyGHz) : r.frequencyGHz, txRetriesPct: r.txRetriesPct })) };
		}
		return { status: 200, body };
	}

	private integrationNetworks(req: SandboxRequest): SandboxResponse {
		const site = this.integrationSite(req);
		if (!('unifi' in site)) return site;
		return this.integrationPage(
			req,
			'networks',
			site.unifi.networks
				.filter((n) => n.networkgroup === 'LAN')
				.map((n) => ({
					id: n.integrationId,
					name: n.name,
					enabled: true,
					vlanId: n.vlan ?? 1,
					management: 'GATEWAY',
					default: n.isDefault,
					metadata: { origin: n.isDefault ? 'SYSTEM_DEFINED' : 'USER_DEFINED' },
				})),
		);
	}
}

/** The path as the Network application sees it (UniFi OS strips `/proxy/network`), as errors' `requestPath` shows it. */
function integrationPath(path: string): string {
	return path.startsWith('/proxy/network/') ? path.slice('/proxy/network'.length) : path;
}

/** Corrupt one field of a successful body (what `malformNext` does). */
function corrupt(routeName: string, body: unknown): unknown {
	const envelope = { ...(body as Record<string, unknown>) };
	if (routeName.endsWith('/v1/info')) return { ...envelope, applicationVersion: 10 };
	if (routeName.endsWith('/statistics/latest')) return { ...envelope, uptimeSec: 'long', interfaces: { radios: 'malformed' } };
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

// ---------------------------------------------------------------------------------------------- Integration filters

/** Filterable property types of the reference ("Filtering"); DECIMAL is not used by the emulated endpoints. */
type PropertyType = 'STRING' | 'UUID' | 'INTEGER' | 'BOOLEAN' | 'TIMESTAMP' | 'SET';

type Literal =
	| { kind: 'STRING'; value: string }
	| { kind: 'UUID'; value: string }
	| { kind: 'NUMBER'; value: number; integer: boolean }
	| { kind: 'BOOLEAN'; value: boolean }
	| { kind: 'TIMESTAMP'; value: number };

export type FilterExpression =
	| { op: 'and' | 'or'; args: FilterExpression[] }
	| { op: 'not'; arg: FilterExpression }
	| { op: 'property'; property: string; type: PropertyType; fn: string; args: Literal[] };

const SCALAR_FUNCTIONS = ['isNull', 'isNotNull', 'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'like', 'in', 'notIn'];
const SET_FUNCTIONS = ['isNull', 'isNotNull', 'isEmpty', 'contains', 'containsAny', 'containsAll', 'containsExactly'];
/** Arguments each function takes: [min, max]. */
const ARITY: Record<string, [number, number]> = {
	isNull: [0, 0],
	isNotNull: [0, 0],
	isEmpty: [0, 0],
	eq: [1, 1],
	ne: [1, 1],
	gt: [1, 1],
	ge: [1, 1],
	lt: [1, 1],
	le: [1, 1],
	like: [1, 1],
	contains: [1, 1],
	in: [1, Infinity],
	notIn: [1, Infinity],
	containsAny: [1, Infinity],
	containsAll: [1, Infinity],
	containsExactly: [1, Infinity],
};
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Parse an Integration API `filter` against an endpoint's filterable properties. Throws (with the reason) on anything
 * the reference's grammar or the property's type does not allow.
 */
export function parseFilter(text: string, properties: Record<string, PropertyType>): FilterExpression {
	let pos = 0;
	const fail = (why: string): never => {
		throw new Error(`${why} at position ${pos}`);
	};
	const skip = () => {
		while (pos < text.length && /\s/.test(text[pos])) pos++;
	};
	const expect = (char: string) => {
		skip();
		if (text[pos] !== char) fail(`expected '${char}'`);
		pos++;
	};
	const literal = (): Literal => {
		skip();
		if (text[pos] === "'") {
			let value = '';
			for (pos++; ; pos++) {
				if (pos >= text.length) fail('unterminated string');
				if (text[pos] === "'") {
					if (text[pos + 1] === "'") {
						value += "'";
						pos++;
						continue;
					}
					pos++;
					return { kind: 'STRING', value };
				}
				value += text[pos];
			}
		}
		const token = /^[^\s,()']+/.exec(text.slice(pos))?.[0];
		if (!token) return fail('expected a value');
		pos += token.length;
		if (token === 'true' || token === 'false') return { kind: 'BOOLEAN', value: token === 'true' };
		if (UUID_RE.test(token)) return { kind: 'UUID', value: token.toLowerCase() };
		if (TIMESTAMP_RE.test(token) && !Number.isNaN(Date.parse(token))) return { kind: 'TIMESTAMP', value: Date.parse(token) };
		if (/^\d+(\.\d+)?$/.test(token)) return { kind: 'NUMBER', value: Number(token), integer: !token.includes('.') };
		return fail(`'${token}' is not a value (strings need single quotes)`);
	};
	const list = <T>(item: () => T): T[] => {
		const out: T[] = [];
		skip();
		if (text[pos] === ')') {
			pos++;
			return out;
		}
		for (;;) {
			out.push(item());
			skip();
			if (text[pos] === ',') {
				pos++;
				continue;
			}
			expect(')');
			return out;
		}
	};
	const expression = (): FilterExpression => {
		skip();
		const name = /^[A-Za-z_][\w.]*/.exec(text.slice(pos))?.[0];
		if (!name) return fail('expected an expression');
		pos += name.length;
		expect('(');
		if (name === 'and' || name === 'or') {
			const args = list(expression);
			if (args.length < 2) fail(`${name}() needs at least two expressions`);
			return { op: name, args };
		}
		if (name === 'not') {
			const args = list(expression);
			if (args.length !== 1) fail('not() takes one expression');
			return { op: 'not', arg: args[0] };
		}
		const dot = name.lastIndexOf('.');
		const property = dot > 0 ? name.slice(0, dot) : '';
		const fn = name.slice(dot + 1);
		const type = properties[property];
		if (!property || !type) return fail(`'${property || name}' is not a filterable property here (${Object.keys(properties).join(', ')})`);
		if (!(type === 'SET' ? SET_FUNCTIONS : SCALAR_FUNCTIONS).includes(fn) || (fn === 'like' && type !== 'STRING')) return fail(`function '${fn}' does not apply to ${property} (${type})`);
		const args = list(literal);
		const [min, maxArgs] = ARITY[fn];
		if (args.length < min || args.length > maxArgs) fail(`${fn}() takes ${min === maxArgs ? min : `${min} or more`} argument(s)`);
		const wanted = type === 'SET' ? 'STRING' : type === 'INTEGER' ? 'NUMBER' : type;
		for (const arg of args) {
			if (arg.kind !== wanted || (type === 'INTEGER' && arg.kind === 'NUMBER' && !arg.integer)) fail(`${property} takes ${type === 'SET' ? 'STRING' : type} values, got ${arg.kind}`);
		}
		return { op: 'property', property, type, fn, args };
	};
	if (!text.trim()) fail('empty filter');
	const parsed = expression();
	skip();
	if (pos < text.length) fail('unexpected text after the expression');
	return parsed;
}

function valueAt(item: Record<string, unknown>, property: string): unknown {
	let value: unknown = item;
	for (const part of property.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
	return value;
}

function comparable(value: unknown, type: PropertyType): string | number | boolean | null {
	if (value === null || value === undefined) return null;
	if (type === 'TIMESTAMP') return Date.parse(String(value));
	if (type === 'UUID') return String(value).toLowerCase();
	return value as string | number | boolean;
}

function likeRegex(pattern: string): RegExp {
	let out = '';
	for (let i = 0; i < pattern.length; i++) {
		const c = pattern[i];
		if (c === '\\' && i + 1 < pattern.length) out += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		else if (c === '.') out += '.';
		else if (c === '*') out += '.*';
		else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	}
	return new RegExp(`^${out}$`);
}

/** Whether an item (as rendered) matches a parsed filter. */
export function evaluateFilter(expression: FilterExpression, item: Record<string, unknown>): boolean {
	if (expression.op === 'not') return !evaluateFilter(expression.arg, item);
	if (expression.op !== 'property') return expression.op === 'and' ? expression.args.every((e) => evaluateFilter(e, item)) : expression.args.some((e) => evaluateFilter(e, item));
	const raw = valueAt(item, expression.property);
	const { fn, type } = expression;
	if (fn === 'isNull') return raw === null || raw === undefined;
	if (fn === 'isNotNull') return raw !== null && raw !== undefined;
	if (type === 'SET') {
		const set = Array.isArray(raw) ? raw.map(String) : [];
		const args = expression.args.map((a) => String(a.value));
		if (fn === 'isEmpty') return set.length === 0;
		if (fn === 'contains' || fn === 'containsAll') return args.every((a) => set.includes(a));
		if (fn === 'containsAny') return args.some((a) => set.includes(a));
		return new Set(set).size === new Set(args).size && args.every((a) => set.includes(a));
	}
	const value = comparable(raw, type);
	const args = expression.args.map((a) => a.value);
	if (fn === 'in') return value !== null && args.includes(value);
	if (fn === 'notIn') return value === null || !args.includes(value);
	if (fn === 'ne') return value !== args[0];
	if (value === null) return false;
	if (fn === 'eq') return value === args[0];
	if (fn === 'like') return likeRegex(args[0] as string).test(String(value));
	const a = args[0] as string | number;
	const v = value as string | number;
	if (fn === 'gt') return v > a;
	if (fn === 'ge') return v >= a;
	if (fn === 'lt') return v < a;
	return v <= a;
}
