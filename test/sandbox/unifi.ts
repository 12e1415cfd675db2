import { createRng, Emulator, HttpError, headerValue, randomId, type EmulatorOptions, type RateLimitConfig, type RateLimitDecision, type SandboxRequest, type SandboxResponse } from './core';
import { SANDBOX_CREDENTIALS } from './credentials';
import { decodeToken, encodeToken, invalidJsonResponse, MalformQueue, type MalformKind } from './malform';
import { UnifiNetworkEmulator, type UnifiNetworkOptions } from './unifiNetwork';
import { CONNECTOR_FIRMWARE_FLOOR, type World, type WorldSite, type WorldUnifiDevice } from './world';

/**
 * UniFi Site Manager API (cloud, https://api.ui.com) emulator over the seeded world: one host (console) per site.
 *
 * Routes (all need `X-API-KEY`; missing or wrong -> 401 `{code:"UNAUTHORIZED", httpStatusCode:401, message, traceId}`):
 * - GET /v1/hosts, GET /v1/hosts/:id, GET /v1/sites, GET /v1/devices?hostIds[]=&time=  (bucket "default", 10,000/min)
 * - GET /ea/hosts, /ea/sites, /ea/devices (early-access aliases, bucket "ea")
 * - GET /ea/isp-metrics/:type (5m|1h; duration=24h for 5m, 7d|30d for 1h, or beginTimestamp/endTimestamp) and
 *   POST /ea/isp-metrics/:type/query {sites:[{hostId, siteId?, beginTimestamp?, endTimestamp?}]}  (bucket "ea", 100/min)
 * Lists are paginated with `pageSize` and an opaque `nextToken` (absent on the last page); /v1/devices pages over host
 * groups. Success envelope `{data, httpStatusCode:200, traceId, nextToken?}`; errors `{code, httpStatusCode, message, traceId}`.
 * 429: `{"code":"RATE_LIMIT","httpStatusCode":429,"message":"rate limit exceeded, retry after 5.37s","traceId"}` + Retry-After.
 *
 * Cloud connector (docs/unifi-connector.md section 1): GET /v1/connector/consoles/:hostId/* with the same key, counted
 * in the same bucket as /v1 (`connectorRateBucket`, default "default": one budget per key). In this order:
 * - unknown hostId -> 404 NOT_FOUND;
 * - a path the connector does not serve -> 404 NOT_FOUND: with `connectorPathStyle` 'proxy' (default) the rest must
 *   start with `/proxy/network/`, with 'noProxy' with `/network/` (the connector adds `/proxy` itself), 'both' takes
 *   either; legacy paths (`/proxy/network/api/...`, anything but `/proxy/network/integration/...`) only with
 *   `connectorLegacyApi` (default false: Ubiquiti documents only the Integration API behind the connector);
 * - console offline (`host.state` "disconnected") -> 502 `{code:"BAD_GATEWAY", message:"console is offline"}`;
 * - console firmware below 5.0.3 (`world.connector.belowFloorHostIds`) -> 403 FORBIDDEN;
 * - console in `world.connector.timeoutHostIds` -> after `connectorTimeoutMs` (default 1500) 408 REQUEST_TIMEOUT;
 * - otherwise the request (path with `/proxy`, query) goes in process to that host's own Network application emulator
 *   (one per host, created on first use, holding the host's one site under the legacy name `default`), which trusts
 *   the connector (no local key), and its status, headers and body come back unchanged ("the upstream API response
 *   is passed through directly"). A connection reset by the console -> 502 BAD_GATEWAY.
 * Emulator choices where public sources are silent (each an option, or fixed and named here): both path shapes are
 * in use by public clients (`connectorPathStyle`); legacy paths work for some clients (`connectorLegacyApi`); whether
 * connector calls share the /v1 rate limit (`connectorRateBucket`); the offline, too-old and timeout answers (status
 * from the connector's documented list, body in the Site Manager envelope; fixed); the cloud checks the path before
 * it contacts the console (fixed); the console's page size, application version and `frequencyGHz` type
 * (`connectorConsole` options). The gzip body without Content-Encoding some clients saw is not emulated.
 */

export interface UnifiSiteManagerOptions extends EmulatorOptions {
	/** Accepted API key (default SANDBOX_CREDENTIALS.unifiApiKey). */
	apiKey?: string;
	/** Page size when `pageSize` is absent (default 25) [UNVERIFIED]. */
	defaultPageSize?: number;
	/** Largest accepted page size (default 200) [UNVERIFIED]. */
	maxPageSize?: number;
	/** What a pageSize above the max does: clamp to the max (default) or 400 BAD_REQUEST [UNVERIFIED]. */
	pageSizeOverMax?: 'clamp' | 'error';
	/** Whether GET /ea/isp-metrics paginates like the lists (default true) [UNVERIFIED]. */
	paginateIspMetrics?: boolean;
	/** Seed for trace ids (default 11). */
	seed?: number;
	/** Connector path shape accepted after `/consoles/{id}` (default 'proxy'; see the class comment). */
	connectorPathStyle?: 'proxy' | 'noProxy' | 'both';
	/** Whether the connector forwards legacy paths (`/proxy/network/api/...`) to the console (default false). */
	connectorLegacyApi?: boolean;
	/** How long a timing-out console keeps the request before 408 (default 1500 ms). */
	connectorTimeoutMs?: number;
	/** Rate-limit bucket of connector requests (default "default", shared with /v1). */
	connectorRateBucket?: string;
	/** Options of every console's Network application emulator (`sites`, `legacySiteName` and the clock are set here). */
	connectorConsole?: Omit<UnifiNetworkOptions, 'sites' | 'legacySiteName' | 'now'>;
}

type ErrorCode = 'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'REQUEST_TIMEOUT' | 'RATE_LIMIT' | 'SERVER_ERROR' | 'BAD_GATEWAY' | 'SERVICE_UNAVAILABLE';

const INTERVAL_MS: Record<string, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };
const RETENTION_MS: Record<string, number> = { '5m': 24 * 3_600_000, '1h': 30 * 24 * 3_600_000 };
const DURATIONS: Record<string, Record<string, number>> = {
	'5m': { '24h': 24 * 3_600_000 },
	'1h': { '7d': 7 * 24 * 3_600_000, '30d': 30 * 24 * 3_600_000 },
};

export class UnifiSiteManagerEmulator extends Emulator {
	readonly name = 'unifi';
	readonly malform = new MalformQueue();
	private traceRng: () => number;
	/** Fixed "now" for rendering the world's ages as timestamps (stable for the emulator's lifetime). */
	private readonly anchor: number;
	private readonly byHostId = new Map<string, WorldSite>();
	private readonly opts: UnifiSiteManagerOptions;
	/** Each host's Network application behind the connector, created on first use. */
	private readonly consoles = new Map<string, UnifiNetworkEmulator>();

	constructor(
		private readonly world: World,
		options: UnifiSiteManagerOptions = {},
	) {
		super(options);
		this.opts = options;
		this.traceRng = createRng(options.seed ?? 11);
		this.anchor = Math.floor(this.now() / 60_000) * 60_000;
		for (const site of world.sites) this.byHostId.set(site.unifi.hostId, site);
		for (const prefix of ['/v1', '/ea'] as const) {
			const bucket = prefix === '/v1' ? 'default' : 'ea';
			this.get(`${prefix}/hosts`, (req) => this.listHosts(req), bucket);
			this.get(`${prefix}/hosts/:id`, (req) => this.getHost(req), bucket);
			this.get(`${prefix}/sites`, (req) => this.listSites(req), bucket);
			this.get(`${prefix}/devices`, (req) => this.listDevices(req), bucket);
		}
		this.get('/ea/isp-metrics/:type', (req) => this.ispMetrics(req), 'ea');
		this.route('POST', '/ea/isp-metrics/:type/query', this.wrap('POST /ea/isp-metrics/:type/query', (req) => this.ispMetricsQuery(req)), { bucket: 'ea' });
		this.route('GET', '/v1/connector/consoles/:hostId/*', (req) => this.connector(req), { bucket: options.connectorRateBucket ?? 'default' });
	}

	// ------------------------------------------------------------------ hooks

	protected defaultRateLimits(): Record<string, RateLimitConfig | null> {
		return {
			default: { kind: 'window', limit: 10_000, windowMs: 60_000 },
			ea: { kind: 'window', limit: 100, windowMs: 60_000 },
		};
	}

	protected authenticate(req: SandboxRequest): SandboxResponse | undefined {
		const key = headerValue(req, 'x-api-key');
		if (!key) return this.error(401, 'UNAUTHORIZED', 'missing API key');
		if (key !== (this.opts.apiKey ?? SANDBOX_CREDENTIALS.unifiApiKey)) return this.error(401, 'UNAUTHORIZED', 'invalid API key');
		req.principal = key;
		return undefined;
	}

	protected rateLimitedResponse(_req: SandboxRequest, decision: RateLimitDecision): SandboxResponse {
		const seconds = Math.max(decision.retryAfterMs, 10) / 1000;
		const response = this.error(429, 'RATE_LIMIT', `rate limit exceeded, retry after ${seconds.toFixed(2)}s`);
		return { ...response, headers: { 'Retry-After': String(Math.max(1, Math.ceil(seconds))) } };
	}

	protected serverErrorResponse(_req: SandboxRequest, status: number): SandboxResponse {
		if (status === 502) return this.error(502, 'BAD_GATEWAY', 'bad gateway');
		if (status === 503) return this.error(503, 'SERVICE_UNAVAILABLE', 'service unavailable');
		return this.error(status, 'SERVER_ERROR', 'internal server error');
	}

	protected notFoundResponse(req: SandboxRequest): SandboxResponse {
		return this.error(404, 'NOT_FOUND', `path ${req.path} not found`);
	}

	protected controlExtra(req: SandboxRequest): SandboxResponse | undefined {
		return this.malform.control(req);
	}

	state(): unknown {
		return {
			hosts: this.world.sites.length,
			sites: this.world.sites.length,
			devices: this.world.deviceCount,
			pendingMalformed: this.malform.size,
			anchor: new Date(this.anchor).toISOString(),
			requests: this.count(),
			connectorConsoles: this.consoles.size,
		};
	}

	resetState(): void {
		this.traceRng = createRng(this.opts?.seed ?? 11);
		this.malform?.clear();
		this.consoles?.clear();
	}

	/**
	 * The Network application emulator behind the connector for `hostId` (created on first use; undefined for an
	 * unknown host). Tests script faults or malformed answers on it; it is never started on a port.
	 */
	connectorConsole(hostId: string): UnifiNetworkEmulator | undefined {
		let network = this.consoles.get(hostId);
		if (network) return network;
		const site = this.byHostId.get(hostId);
		if (!site) return undefined;
		network = new UnifiNetworkEmulator(this.world, {
			seed: 13 + site.index,
			...(this.opts.connectorConsole ?? {}),
			sites: [site],
			legacySiteName: () => 'default',
			now: this.now,
		});
		this.consoles.set(hostId, network);
		return network;
	}

	/** Corrupt the next successful response of `route` (e.g. "GET /v1/sites"; all routes when omitted). */
	malformNext(route?: string | RegExp, kind: MalformKind = 'field', count = 1): void {
		this.malform.add(route, count, kind);
	}

	// ------------------------------------------------------------------ helpers

	private get(pattern: string, handler: (req: SandboxRequest) => SandboxResponse, bucket: string): void {
		this.route('GET', pattern, this.wrap(`GET ${pattern}`, handler), { bucket });
	}

	private wrap(routeName: string, handler: (req: SandboxRequest) => SandboxResponse): (req: SandboxRequest) => SandboxResponse {
		return (req) => {
			const response = handler(req);
			if (response.status >= 300) return response;
			const kind = this.malform.take(routeName);
			if (!kind) return response;
			if (kind === 'invalid-json') return invalidJsonResponse(response);
			return { ...response, body: corrupt(routeName, response.body) };
		};
	}

	private traceId(): string {
		return randomId(this.traceRng, 32);
	}

	private error(status: number, code: ErrorCode, message: string): SandboxResponse {
		return { status, body: { code, httpStatusCode: status, message, traceId: this.traceId() } };
	}

	private fail(status: number, code: ErrorCode, message: string): never {
		throw new HttpError(this.error(status, code, message));
	}

	private ok(data: unknown, nextToken?: string): SandboxResponse {
		return { status: 200, body: { data, httpStatusCode: 200, traceId: this.traceId(), ...(nextToken ? { nextToken } : {}) } };
	}

	private iso(ageSec: number): string {
		return new Date(this.anchor - ageSec * 1000).toISOString();
	}

	/** Offset-based page over `total` items behind an opaque token bound to `scope`. */
	private page(req: SandboxRequest, scope: string, total: number): { offset: number; size: number; next?: string } {
		const rawSize = req.query.get('pageSize');
		const max = this.opts.maxPageSize ?? 200;
		let size = this.opts.defaultPageSize ?? 25;
		if (rawSize !== null) {
			if (!/^\d+$/.test(rawSize) || Number(rawSize) < 1) this.fail(400, 'BAD_REQUEST', `invalid pageSize "${rawSize}"`);
			size = Number(rawSize);
			if (size > max) {
				if (this.opts.pageSizeOverMax === 'error') this.fail(400, 'BAD_REQUEST', `pageSize must be at most ${max}`);
				size = max;
			}
		}
		let offset = 0;
		const token = req.query.get('nextToken');
		if (token) {
			const decoded = decodeToken(token);
			if (!decoded || decoded.s !== scope || typeof decoded.o !== 'number' || decoded.o < 0) this.fail(400, 'BAD_REQUEST', 'invalid nextToken');
			offset = decoded.o;
		}
		const end = Math.min(total, offset + size);
		return { offset, size: end - offset, next: end < total ? encodeToken({ s: scope, o: end, v: 1 }) : undefined };
	}

	private hostIdsFilter(req: SandboxRequest): string[] | undefined {
		const ids = [...req.query.getAll('hostIds[]'), ...req.query.getAll('hostIds')].flatMap((v) => v.split(',')).filter(Boolean);
		return ids.length ? ids : undefined;
	}

	// ------------------------------------------------------------------ renderers

	renderHost(site: WorldSite): Record<string, unknown> {
		const h = site.unifi.host;
		return {
			id: h.id,
			hardwareId: h.hardwareId,
			type: h.type,
			ipAddress: h.ipAddress,
			owner: h.owner,
			isBlocked: h.isBlocked,
			registrationTime: this.iso(h.registeredAgoSec),
			lastConnectionStateChange: this.iso(h.lastConnectionChangeAgoSec),
			latestBackupTime: this.iso(h.latestBackupAgoSec),
			userData: {
				apps: ['network'],
				consoleGroupMembers: [],
				controllers: ['network'],
				email: 'noc@msp.example',
				features: { deviceGroups: true, floorplan: { canEdit: true, canView: true }, manageApplications: true, notifications: true, pion: true, webrtc: { iceRestart: true, mediaStreams: true, twoWayAudio: true } },
				fullName: 'MSP NOC',
				localId: site.unifi.siteId,
				permissions: { 'network.management': ['admin'] },
				role: 'owner',
				roleId: 'owner',
				status: 'ACTIVE',
			},
			reportedState: {
				controllers: [{ name: 'network', type: 'controller', version: '9.0.114', state: h.state === 'connected' ? 'active' : 'unknown', port: 8081 }],
				deviceState: 'setup',
				firmwareVersion: h.firmwareVersion,
				hardware: { mac: h.mac.replace(/:/g, '').toUpperCase(), name: `UniFi ${h.model}`, shortname: h.shortname, firmwareVersion: h.firmwareVersion, uuid: h.hardwareId },
				hostname: h.hostname,
				ip: h.ipAddress,
				ipAddrs: [h.ipAddress, site.unifi.devices[0]?.ip ?? '192.168.1.1'],
				isStacked: false,
				location: { lat: null, long: null, radius: null, text: `${site.city}, ${site.state}` },
				mac: h.mac.replace(/:/g, '').toUpperCase(),
				name: h.name,
				state: h.state,
				timezone: site.timezone,
				version: h.firmwareVersion,
			},
		};
	}

	renderSite(site: WorldSite): Record<string, unknown> {
		const u = site.unifi;
		return {
			siteId: u.siteId,
			hostId: u.hostId,
			meta: { ...u.meta },
			statistics: {
				counts: { ...u.statistics.counts },
				gateway: { hardwareId: u.host.hardwareId, inspectionState: 'off', ipsMode: 'disabled', ipsSignature: { rulesCount: 0, type: 'ET' }, shortname: u.host.shortname },
				internetIssues: u.statistics.internetIssues.map((i) => ({ ...i })),
				ispInfo: { ...u.statistics.ispInfo },
				percentages: { ...u.statistics.percentages },
			},
			permission: 'admin',
			isOwner: true,
		};
	}

	renderDevice(device: WorldUnifiDevice): Record<string, unknown> {
		return {
			id: device.id,
			mac: device.mac.replace(/:/g, '').toUpperCase(),
			name: device.name,
			model: device.model,
			shortname: device.shortname,
			ip: device.ip,
			productLine: device.productLine,
			status: device.status,
			version: device.version,
			firmwareStatus: device.firmwareStatus,
			updateAvailable: device.updateAvailable,
			isConsole: device.isConsole,
			isManaged: true,
			startupTime: device.status === 'online' ? this.iso(device.uptimeSec) : null,
			adoptionTime: this.iso(device.adoptedAgoSec),
			note: null,
			uidb: { guid: device.uidb, iconId: device.uidb, id: device.uidb, images: { default: device.uidb.replace(/-/g, '').slice(0, 32) } },
		};
	}

	// ------------------------------------------------------------------ handlers

	private listHosts(req: SandboxRequest): SandboxResponse {
		const sites = this.world.sites;
		const { offset, size, next } = this.page(req, 'hosts', sites.length);
		return this.ok(sites.slice(offset, offset + size).map((s) => this.renderHost(s)), next);
	}

	private getHost(req: SandboxRequest): SandboxResponse {
		const site = this.byHostId.get(req.params.id);
		if (!site) return this.error(404, 'NOT_FOUND', `host ${req.params.id} not found`);
		return this.ok(this.renderHost(site));
	}

	private listSites(req: SandboxRequest): SandboxResponse {
		const sites = this.world.sites;
		const { offset, size, next } = this.page(req, 'sites', sites.length);
		return this.ok(sites.slice(offset, offset + size).map((s) => this.renderSite(s)), next);
	}

	private listDevices(req: SandboxRequest): SandboxResponse {
		const time = req.query.get('time');
		if (time !== null && Number.isNaN(Date.parse(time))) return this.error(400, 'BAD_REQUEST', `invalid time "${time}"`);
		const filter = this.hostIdsFilter(req);
		const sites = filter ? filter.map((id) => this.byHostId.get(id)).filter((s): s is WorldSite => !!s) : this.world.sites;
		const scope = `devices:${filter ? hash(filter.join(',')) : 'all'}`;
		const { offset, size, next } = this.page(req, scope, sites.length);
		const data = sites.slice(offset, offset + size).map((site) => ({
			hostId: site.unifi.hostId,
			hostName: site.unifi.host.name,
			devices: site.unifi.devices.map((d) => this.renderDevice(d)),
			updatedAt: this.iso(30),
		}));
		return this.ok(data, next);
	}

	/** The console path (`/proxy/network/...`) a connector path asks for, or undefined when the path style refuses it. */
	private connectorConsolePath(rest: string): string | undefined {
		const style = this.opts.connectorPathStyle ?? 'proxy';
		if (style !== 'noProxy' && rest.startsWith('/proxy/network/')) return rest;
		if (style !== 'proxy' && rest.startsWith('/network/')) return `/proxy${rest}`;
		return undefined;
	}

	/** GET /v1/connector/consoles/:hostId/*: see the class comment for the order of the checks. */
	private async connector(req: SandboxRequest): Promise<SandboxResponse> {
		const hostId = req.params.hostId;
		const site = this.byHostId.get(hostId);
		if (!site) return this.error(404, 'NOT_FOUND', `console ${hostId} not found`);
		const rest = /^\/v1\/connector\/consoles\/[^/]+(\/.*)?$/.exec(req.path)?.[1] ?? '';
		const path = this.connectorConsolePath(rest);
		const style = this.opts.connectorPathStyle ?? 'proxy';
		if (!path) return this.error(404, 'NOT_FOUND', `path ${rest || '/'} not found on console ${hostId} (expected ${style === 'proxy' ? '/proxy/network/...' : style === 'noProxy' ? '/network/...' : '/proxy/network/... or /network/...'})`);
		if (!path.startsWith('/proxy/network/integration/') && !this.opts.connectorLegacyApi) {
			return this.error(404, 'NOT_FOUND', `path ${rest} not found: the connector serves the Network Integration API (.../network/integration/...)`);
		}
		const host = site.unifi.host;
		if (host.state !== 'connected') return this.error(502, 'BAD_GATEWAY', 'console is offline');
		if (this.world.connector.belowFloorHostIds.includes(hostId) || compareVersions(host.firmwareVersion, CONNECTOR_FIRMWARE_FLOOR) < 0) {
			return this.error(403, 'FORBIDDEN', `console firmware does not support the connector (requires >= ${CONNECTOR_FIRMWARE_FLOOR})`);
		}
		if (this.world.connector.timeoutHostIds.includes(hostId)) {
			await new Promise((resolve) => setTimeout(resolve, this.opts.connectorTimeoutMs ?? 1500));
			return this.error(408, 'REQUEST_TIMEOUT', 'console did not respond in time');
		}
		const network = this.connectorConsole(hostId) as UnifiNetworkEmulator;
		const response = await network.dispatch({ method: req.method, path, query: req.query, headers: { accept: headerValue(req, 'accept') ?? 'application/json' } }, { trusted: 'connector' });
		if (!response) return this.error(502, 'BAD_GATEWAY', 'console closed the connection');
		return response;
	}

	/** Resolve the time window of an ISP metrics request; throws 400 on bad input. */
	private window(type: string, params: { duration?: string | null; begin?: string | null; end?: string | null }): { begin: number; end: number } {
		const interval = INTERVAL_MS[type];
		if (!interval) this.fail(400, 'BAD_REQUEST', `invalid metric type "${type}", expected 5m or 1h`);
		const now = this.now();
		const { duration, begin, end } = params;
		if (duration && (begin || end)) this.fail(400, 'BAD_REQUEST', 'use either duration or beginTimestamp/endTimestamp, not both');
		let from: number;
		let to: number;
		if (duration) {
			const ms = DURATIONS[type][duration];
			if (!ms) this.fail(400, 'BAD_REQUEST', `invalid duration "${duration}" for ${type}; expected ${Object.keys(DURATIONS[type]).join(' or ')}`);
			to = now;
			from = now - ms;
		} else {
			const parse = (value: string, name: string) => {
				const t = Date.parse(value);
				if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) this.fail(400, 'BAD_REQUEST', `invalid ${name} "${value}", expected RFC 3339`);
				return t;
			};
			to = end ? parse(end, 'endTimestamp') : now;
			from = begin ? parse(begin, 'beginTimestamp') : to - Object.values(DURATIONS[type])[0];
			if (from >= to) this.fail(400, 'BAD_REQUEST', 'beginTimestamp must be before endTimestamp');
		}
		from = Math.max(from, now - RETENTION_MS[type]);
		to = Math.min(to, now);
		return { begin: from, end: to };
	}

	private periods(site: WorldSite, type: string, begin: number, end: number): Array<Record<string, unknown>> {
		const interval = INTERVAL_MS[type];
		const out: Array<Record<string, unknown>> = [];
		const wan = site.unifi.wan;
		const first = Math.ceil(begin / interval) * interval;
		for (let t = first; t <= end; t += interval) {
			const r = createRng((site.index * 2654435761) ^ (t / interval));
			const jitter = r();
			const spike = site.profile !== 'healthy' && r() < (site.profile === 'critical' ? 0.25 : 0.1);
			const avgLatency = Math.round(wan.latencyAvgMs * (0.8 + jitter * 0.4) * (spike ? 1.8 : 1));
			const downtime = site.profile === 'critical' && r() < 0.05 ? Math.round((interval / 1000) * r() * 0.5) : 0;
			out.push({
				metricTime: new Date(t).toISOString().replace('.000Z', 'Z'),
				version: '',
				data: {
					wan: {
						avgLatency,
						maxLatency: Math.max(avgLatency, Math.round(wan.latencyMaxMs * (0.7 + r() * 0.3))),
						packetLoss: Math.round(wan.packetLossPercent * (0.5 + r()) * 10) / 10,
						uptime: Math.round((100 - (downtime / (interval / 1000)) * 100) * 10) / 10,
						downtime,
						download_kbps: Math.round(wan.downloadKbps * (0.05 + r() * 0.3)),
						upload_kbps: Math.round(wan.uploadKbps * (0.05 + r() * 0.3)),
						ispAsn: String(site.unifi.isp.asn),
						ispName: site.unifi.isp.name,
					},
				},
			});
		}
		return out;
	}

	private metricsFor(site: WorldSite, type: string, begin: number, end: number): Record<string, unknown> {
		return { metricType: type, hostId: site.unifi.hostId, siteId: site.unifi.siteId, periods: this.periods(site, type, begin, end) };
	}

	private ispMetrics(req: SandboxRequest): SandboxResponse {
		const type = req.params.type;
		const { begin, end } = this.window(type, { duration: req.query.get('duration'), begin: req.query.get('beginTimestamp'), end: req.query.get('endTimestamp') });
		const sites = this.world.sites;
		if (this.opts.paginateIspMetrics === false) return this.ok(sites.map((s) => this.metricsFor(s, type, begin, end)));
		const { offset, size, next } = this.page(req, `isp:${type}`, sites.length);
		return this.ok(sites.slice(offset, offset + size).map((s) => this.metricsFor(s, type, begin, end)), next);
	}

	/** POST /ea/isp-metrics/:type/query — body `{sites:[{hostId, siteId?, beginTimestamp?, endTimestamp?}]}` [UNVERIFIED shape]. */
	private ispMetricsQuery(req: SandboxRequest): SandboxResponse {
		const type = req.params.type;
		const body = req.body as { sites?: unknown } | undefined;
		if (!body || typeof body !== 'object' || !Array.isArray(body.sites) || body.sites.length === 0) return this.error(400, 'BAD_REQUEST', 'body must be {"sites":[{"hostId":"...","siteId":"..."}]}');
		const metrics: Array<Record<string, unknown>> = [];
		for (const entry of body.sites as Array<Record<string, unknown>>) {
			if (!entry || typeof entry.hostId !== 'string') return this.error(400, 'BAD_REQUEST', 'each site needs a hostId');
			const site = this.byHostId.get(entry.hostId);
			if (!site || (typeof entry.siteId === 'string' && entry.siteId !== site.unifi.siteId)) continue;
			const { begin, end } = this.window(type, {
				begin: typeof entry.beginTimestamp === 'string' ? entry.beginTimestamp : null,
				end: typeof entry.endTimestamp === 'string' ? entry.endTimestamp : null,
			});
			metrics.push(this.metricsFor(site, type, begin, end));
		}
		return this.ok({ metrics });
	}
}

/** Corrupt one field of a successful Site Manager body (what `malformNext` does). */
function corrupt(routeName: string, body: unknown): unknown {
	const envelope = { ...(body as Record<string, unknown>) };
	const data = envelope.data;
	if (routeName.endsWith('/sites') && Array.isArray(data) && data.length) {
		envelope.data = [{ ...(data[0] as object), meta: 'malformed-meta' }, ...data.slice(1)];
	} else if (routeName.includes('/devices') && Array.isArray(data) && data.length) {
		const group = data[0] as { devices: Array<Record<string, unknown>> };
		envelope.data = [{ ...group, devices: group.devices.length ? [{ ...group.devices[0], id: null }, ...group.devices.slice(1)] : 'malformed-devices' }, ...data.slice(1)];
	} else if (routeName.includes('isp-metrics') && Array.isArray(data) && data.length) {
		envelope.data = [{ ...(data[0] as object), periods: 'malformed-periods' }, ...data.slice(1)];
	} else if (routeName.includes('isp-metrics') && data && typeof data === 'object') {
		envelope.data = { metrics: 'malformed-metrics' };
	} else if (Array.isArray(data) && data.length) {
		envelope.data = [{ ...(data[0] as object), id: null }, ...data.slice(1)];
	} else if (data && typeof data === 'object') {
		envelope.data = { ...(data as object), id: null };
	} else {
		envelope.data = 'malformed';
	}
	return envelope;
}

/** Compare dotted numeric versions ('5.0.16' > '5.0.3'); missing parts count as 0. */
function compareVersions(a: string, b: string): number {
	const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
	const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
	for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
		const d = (pa[i] ?? 0) - (pb[i] ?? 0);
		if (d) return d;
	}
	return 0;
}

function hash(text: string): string {
	let h = 5381;
	for (let i = 0; i < text.length; i++) h = (Math.imul(h, 33) ^ text.charCodeAt(i)) >>> 0;
	return h.toString(36);
}
