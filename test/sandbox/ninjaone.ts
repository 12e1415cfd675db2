import { bearerToken, createRng, Emulator, HttpError, headerValue, randomId, type EmulatorOptions, type RateLimitConfig, type RateLimitDecision, type SandboxRequest, type SandboxResponse } from './core';
import { SANDBOX_CREDENTIALS } from './credentials';
import { invalidJsonResponse, MalformQueue, type MalformKind } from './malform';
import type { World, WorldNinjaDevice, WorldNinjaOrganization } from './world';

/**
 * NinjaOne public API v2 emulator over the seeded world (one organization per matched customer plus the
 * NinjaOne-only organization).
 *
 * - POST /ws/oauth/token: form-encoded `grant_type=client_credentials&client_id&client_secret&scope` (client
 *   credentials may also come as HTTP Basic). Wrong client -> 401 `{"error":"invalid_client","error_description":...}`;
 *   returns `{access_token, token_type:"Bearer", expires_in, scope}` (lifetime option `tokenLifetimeSec`, default 3600).
 * - /v2/*: `Authorization: Bearer <token>`; missing, unknown or expired -> 401 `{"resultCode":"FAILURE","errorMessage":...}` [UNVERIFIED body].
 *   GET /v2/organizations, /v2/organizations-detailed (pageSize, after = last id; bare array)
 *   GET /v2/organization/:id, /v2/organization/:id/devices
 *   GET /v2/devices, /v2/devices-detailed (df, pageSize, after)   GET /v2/device/:id
 *   GET /v2/alerts (sourceType, df; no pagination)
 *   GET /v2/queries/device-health (df, health, pageSize, cursor) -> `{cursor:{name, offset, count, expires}, results}`;
 *   `health` is one status (a comma-separated list is a 400, see healthParam)
 * - df: clauses joined by AND: `org = 1`, `org in (1,2)`, `loc = 3`, `class in (WINDOWS_SERVER,MAC)`, `id in (..)`,
 *   `offline = true|false` (also bare `offline` / `online`), `status = APPROVED`, each with `=`, `!=`, `in`, `notin`.
 * - Rate limit (bucket "default", per client id): 600 requests/min [UNVERIFIED]; 429 body
 *   `{"resultCode":"FAILURE","errorMessage":"Too many requests"}` [UNVERIFIED] + Retry-After (seconds).
 */

export interface NinjaOneOptions extends EmulatorOptions {
	clientId?: string;
	clientSecret?: string;
	/** Access-token lifetime in seconds (default 3600) [UNVERIFIED]. */
	tokenLifetimeSec?: number;
	/** Page size for organizations/devices when `pageSize` is absent (default: everything) [UNVERIFIED]. */
	defaultPageSize?: number;
	/** Largest accepted pageSize for organizations/devices (default 10,000; larger -> clamped) [UNVERIFIED]. */
	maxPageSize?: number;
	/** Page size of query endpoints when absent (default 1000) [UNVERIFIED]. */
	queryPageSize?: number;
	/** Lifetime of a query cursor in seconds (default 300) [UNVERIFIED]. */
	cursorTtlSec?: number;
	/** Body of the 401 for a bad/expired bearer token [UNVERIFIED]. */
	unauthorizedBody?: unknown;
	/** Body of the 429 [UNVERIFIED]. */
	rateLimitBody?: unknown;
	seed?: number;
}

interface TokenInfo {
	clientId: string;
	scopes: string[];
	expiresAt: number;
}

interface Cursor {
	items: Array<Record<string, unknown>>;
	offset: number;
	pageSize: number;
	expiresAt: number;
}

const SCOPES = ['monitoring', 'management', 'control'];
const DF_KEYS = new Set(['org', 'loc', 'class', 'role', 'id', 'offline', 'online', 'status']);
const HEALTH_STATUSES = new Set(['HEALTHY', 'NEEDS_ATTENTION', 'UNHEALTHY', 'UNKNOWN']);

export class NinjaOneEmulator extends Emulator {
	readonly name = 'ninjaone';
	readonly malform = new MalformQueue();
	readonly tokens = new Map<string, TokenInfo>();
	private readonly cursors = new Map<string, Cursor>();
	private readonly anchor: number;
	private readonly opts: NinjaOneOptions;
	private rng: () => number;
	private readonly orgs: WorldNinjaOrganization[];
	private readonly devices: WorldNinjaDevice[];
	private readonly orgById = new Map<number, WorldNinjaOrganization>();
	private readonly deviceById = new Map<number, WorldNinjaDevice>();
	tokensIssued = 0;

	constructor(
		private readonly world: World,
		options: NinjaOneOptions = {},
	) {
		super(options);
		this.opts = options;
		this.rng = createRng(options.seed ?? 17);
		this.anchor = Math.floor(this.now() / 60_000) * 60_000;
		this.orgs = [...world.ninjaOrganizations].sort((a, b) => a.id - b.id);
		for (const org of this.orgs) this.orgById.set(org.id, org);
		this.devices = this.orgs.flatMap((o) => o.devices).sort((a, b) => a.id - b.id);
		for (const d of this.devices) this.deviceById.set(d.id, d);

		this.route('POST', '/ws/oauth/token', (req) => this.token(req), { auth: false, bucket: 'token' });
		this.get('/v2/organizations', (req) => this.listOrganizations(req, false));
		this.get('/v2/organizations-detailed', (req) => this.listOrganizations(req, true));
		this.get('/v2/organization/:id', (req) => this.getOrganization(req));
		this.get('/v2/organization/:id/devices', (req) => this.listDevices(req, false, Number(req.params.id)));
		this.get('/v2/devices', (req) => this.listDevices(req, false));
		this.get('/v2/devices-detailed', (req) => this.listDevices(req, true));
		this.get('/v2/device/:id', (req) => this.getDevice(req));
		this.get('/v2/alerts', (req) => this.listAlerts(req));
		this.get('/v2/queries/device-health', (req) => this.deviceHealth(req));
	}

	// ------------------------------------------------------------------ hooks

	protected defaultRateLimits(): Record<string, RateLimitConfig | null> {
		return { default: { kind: 'window', limit: 600, windowMs: 60_000 }, token: null };
	}

	protected authenticate(req: SandboxRequest): SandboxResponse | undefined {
		const token = bearerToken(req);
		const info = token ? this.tokens.get(token) : undefined;
		if (!info || info.expiresAt <= this.now()) {
			if (info && token) this.tokens.delete(token);
			return { status: 401, body: this.opts.unauthorizedBody ?? { resultCode: 'FAILURE', errorMessage: token ? 'Invalid or expired access token' : 'Missing access token' } };
		}
		if (!info.scopes.includes('monitoring') && !info.scopes.includes('management')) {
			return { status: 403, body: { resultCode: 'FAILURE', errorMessage: 'Insufficient scope: monitoring required' } };
		}
		req.principal = info.clientId;
		return undefined;
	}

	protected rateLimitedResponse(_req: SandboxRequest, decision: RateLimitDecision): SandboxResponse {
		return {
			status: 429,
			headers: { 'Retry-After': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) },
			body: this.opts.rateLimitBody ?? { resultCode: 'FAILURE', errorMessage: 'Too many requests' },
		};
	}

	protected serverErrorResponse(_req: SandboxRequest, status: number): SandboxResponse {
		return { status, body: { resultCode: 'FAILURE', errorMessage: status === 500 ? 'Internal server error' : status === 502 ? 'Bad gateway' : 'Service unavailable', incidentId: this.uuid() } };
	}

	protected notFoundResponse(req: SandboxRequest): SandboxResponse {
		return { status: 404, body: { resultCode: 'FAILURE', errorMessage: `Resource not found: ${req.path}` } };
	}

	protected controlExtra(req: SandboxRequest): SandboxResponse | undefined {
		if (req.path.replace(/\/$/, '') === '/__sandbox/expire-tokens' && req.method === 'POST') {
			this.expireTokens();
			return { status: 204 };
		}
		return this.malform.control(req);
	}

	state(): unknown {
		const now = this.now();
		return {
			organizations: this.orgs.length,
			devices: this.devices.length,
			alerts: this.orgs.reduce((a, o) => a + o.alerts.length, 0),
			tokensIssued: this.tokensIssued,
			activeTokens: [...this.tokens.values()].filter((t) => t.expiresAt > now).length,
			openCursors: this.cursors.size,
			pendingMalformed: this.malform.size,
			requests: this.count(),
		};
	}

	resetState(): void {
		this.tokens?.clear();
		this.cursors?.clear();
		this.malform?.clear();
		this.tokensIssued = 0;
		this.rng = createRng(this.opts?.seed ?? 17);
	}

	/** Make every issued token expired (the next /v2 call answers 401). */
	expireTokens(): void {
		for (const info of this.tokens.values()) info.expiresAt = 0;
	}

	/** Corrupt the next successful response of `route` (e.g. "GET /v2/devices"). */
	malformNext(route?: string | RegExp, kind: MalformKind = 'field', count = 1): void {
		this.malform.add(route, count, kind);
	}

	// ------------------------------------------------------------------ helpers

	private get(pattern: string, handler: (req: SandboxRequest) => SandboxResponse): void {
		const routeName = `GET ${pattern}`;
		this.route('GET', pattern, (req) => {
			const response = handler(req);
			if (response.status >= 300) return response;
			const kind = this.malform.take(routeName);
			if (!kind) return response;
			return kind === 'invalid-json' ? invalidJsonResponse(response) : { ...response, body: corrupt(routeName, response.body) };
		});
	}

	private uuid(): string {
		const h = randomId(this.rng, 32);
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
	}

	private fail(status: number, errorMessage: string): never {
		throw new HttpError({ status, body: { resultCode: 'FAILURE', errorMessage } });
	}

	private epoch(ageSec: number, salt: number): number {
		return Math.floor(this.anchor / 1000) - ageSec + ((salt * 7919) % 1000) / 1000;
	}

	private intParam(req: SandboxRequest, name: string): number | undefined {
		const raw = req.query.get(name);
		if (raw === null || raw === '') return undefined;
		if (!/^\d+$/.test(raw)) this.fail(400, `Invalid value for parameter ${name}: ${raw}`);
		return Number(raw);
	}

	private keyset<T extends { id: number }>(req: SandboxRequest, items: T[]): T[] {
		let pageSize = this.intParam(req, 'pageSize') ?? this.opts.defaultPageSize;
		if (pageSize !== undefined) {
			if (pageSize < 1) this.fail(400, 'pageSize must be at least 1');
			pageSize = Math.min(pageSize, this.opts.maxPageSize ?? 10_000);
		}
		const after = this.intParam(req, 'after');
		let start = 0;
		if (after !== undefined) {
			// items are sorted by id: binary search for the first id > after.
			let lo = 0;
			let hi = items.length;
			while (lo < hi) {
				const mid = (lo + hi) >>> 1;
				if (items[mid].id <= after) lo = mid + 1;
				else hi = mid;
			}
			start = lo;
		}
		return items.slice(start, pageSize === undefined ? undefined : start + pageSize);
	}

	// ------------------------------------------------------------------ df filter

	/** Compile a NinjaOne device filter (`df`) to a predicate; throws 400 on syntax errors. */
	compileDeviceFilter(df: string): (d: WorldNinjaDevice) => boolean {
		const clauses = df.split(/\s+AND\s+/i).map((c) => c.trim()).filter(Boolean);
		if (!clauses.length) this.fail(400, `Invalid device filter: "${df}"`);
		const tests = clauses.map((clause) => {
			const bare = /^(offline|online)$/i.exec(clause);
			if (bare) {
				const wantOffline = bare[1].toLowerCase() === 'offline';
				return (d: WorldNinjaDevice) => d.offline === wantOffline;
			}
			const m = /^([a-z]+)\s*(=|!=|\s+in\s+|\s+notin\s+)\s*(.+)$/i.exec(clause);
			if (!m) this.fail(400, `Invalid device filter clause: "${clause}"`);
			const key = m[1].toLowerCase();
			const op = m[2].trim().toLowerCase();
			if (!DF_KEYS.has(key)) this.fail(400, `Unknown device filter field: "${m[1]}"`);
			let values: string[];
			if (op === 'in' || op === 'notin') {
				const list = /^\((.*)\)$/.exec(m[3].trim());
				if (!list) this.fail(400, `Invalid device filter list: "${m[3]}"`);
				values = list[1].split(',').map((v) => v.trim()).filter(Boolean);
			} else {
				values = [m[3].trim()];
			}
			const negate = op === '!=' || op === 'notin';
			const field = (d: WorldNinjaDevice): string => {
				switch (key) {
					case 'org':
						return String(d.organizationId);
					case 'loc':
						return String(d.locationId);
					case 'class':
						return d.nodeClass;
					case 'role':
						return d.nodeClass;
					case 'id':
						return String(d.id);
					case 'offline':
						return String(d.offline);
					case 'online':
						return String(!d.offline);
					default:
						return d.approvalStatus;
				}
			};
			const wanted = new Set(values.map((v) => (key === 'class' || key === 'role' || key === 'status' ? v.toUpperCase() : v.toLowerCase())));
			return (d: WorldNinjaDevice) => wanted.has(field(d)) !== negate;
		});
		return (d) => tests.every((t) => t(d));
	}

	private filteredDevices(req: SandboxRequest, orgId?: number): WorldNinjaDevice[] {
		const df = req.query.get('df');
		let list = this.devices;
		if (orgId !== undefined) list = list.filter((d) => d.organizationId === orgId);
		if (df) {
			const test = this.compileDeviceFilter(df);
			list = list.filter(test);
		}
		return list;
	}

	// ------------------------------------------------------------------ renderers

	renderOrganization(org: WorldNinjaOrganization, detailed: boolean): Record<string, unknown> {
		const base: Record<string, unknown> = {
			id: org.id,
			name: org.name,
			description: org.description,
			nodeApprovalMode: org.nodeApprovalMode,
			tags: [...org.tags],
			fields: { ...org.fields },
			userData: {},
		};
		if (!detailed) return base;
		return {
			...base,
			locations: org.locations.map((l) => ({ id: l.id, name: l.name, address: l.address, description: l.description, userData: {}, tags: [], fields: {} })),
			policies: [
				{ nodeRoleId: 1, policyId: 10 },
				{ nodeRoleId: 2, policyId: 20 },
			],
			settings: { trayicon: { enabled: true }, splashtop: { enabled: false }, teamviewer: { enabled: false }, backup: { enabled: true }, psa: { enabled: false } },
		};
	}

	renderDevice(d: WorldNinjaDevice, detailed: boolean): Record<string, unknown> {
		const isNms = d.nodeClass.startsWith('NMS_');
		const base: Record<string, unknown> = {
			id: d.id,
			uid: d.uid,
			organizationId: d.organizationId,
			locationId: d.locationId,
			nodeClass: d.nodeClass,
			nodeRoleId: d.nodeClass === 'WINDOWS_SERVER' ? 1 : d.nodeClass === 'WINDOWS_WORKSTATION' ? 2 : isNms ? 5 : 3,
			rolePolicyId: 10,
			policyId: 10,
			approvalStatus: d.approvalStatus,
			offline: d.offline,
			displayName: d.displayName,
			systemName: d.systemName,
			dnsName: d.dnsName,
			created: this.epoch(d.createdAgoSec, d.id),
			lastContact: this.epoch(d.lastContactAgoSec, d.id + 1),
			lastUpdate: this.epoch(d.lastContactAgoSec, d.id + 2),
		};
		if (!isNms) base.netbiosName = d.systemName;
		if (!detailed) return base;
		return {
			...base,
			ipAddresses: [d.ipAddress],
			macAddresses: [d.macAddress],
			publicIP: null,
			os: { manufacturer: d.os.manufacturer, name: d.os.name, architecture: d.os.architecture, buildNumber: d.os.buildNumber, releaseId: '', servicePackMajorVersion: 0, servicePackMinorVersion: 0, locale: 'en-US', language: 'English', needsReboot: d.health.pendingRebootReason !== null },
			system: { name: d.systemName, manufacturer: d.system.manufacturer, model: d.system.model, serialNumber: d.system.serialNumber, biosSerialNumber: d.system.serialNumber, domain: 'WORKGROUP', domainRole: d.nodeClass === 'WINDOWS_SERVER' ? 'StandaloneServer' : 'StandaloneWorkstation' },
			lastLoggedInUser: isNms ? null : `${d.systemName.split('-')[0].toLowerCase()}\\user${d.id % 50}`,
			deviceType: isNms ? 'NMS' : 'AGENT',
			references: { organization: { id: d.organizationId, name: this.orgById.get(d.organizationId)?.name ?? null } },
		};
	}

	// ------------------------------------------------------------------ handlers

	private token(req: SandboxRequest): SandboxResponse {
		const contentType = headerValue(req, 'content-type') ?? '';
		const oauthError = (status: number, error: string, description: string): SandboxResponse => ({ status, body: { error, error_description: description } });
		if (!contentType.includes('application/x-www-form-urlencoded')) return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
		const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
		let clientId = form.client_id;
		let clientSecret = form.client_secret;
		const basic = /^Basic\s+(.+)$/i.exec(headerValue(req, 'authorization') ?? '');
		if (basic) {
			const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
			clientId = clientId ?? decodeURIComponent(id);
			clientSecret = clientSecret ?? decodeURIComponent(rest.join(':'));
		}
		if (!form.grant_type) return oauthError(400, 'invalid_request', 'Missing grant_type');
		if (form.grant_type !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${form.grant_type}`);
		if (clientId !== (this.opts.clientId ?? SANDBOX_CREDENTIALS.ninjaClientId) || clientSecret !== (this.opts.clientSecret ?? SANDBOX_CREDENTIALS.ninjaClientSecret)) {
			return oauthError(401, 'invalid_client', 'Bad client credentials');
		}
		const scopes = (form.scope ?? 'monitoring').split(/[\s+]+/).filter(Boolean);
		const unknown = scopes.filter((s) => !SCOPES.includes(s));
		if (unknown.length) return oauthError(400, 'invalid_scope', `Invalid scope: ${unknown.join(' ')}`);
		const lifetime = this.opts.tokenLifetimeSec ?? 3600;
		const token = `${randomId(this.rng, 8)}.${randomId(this.rng, 40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`;
		this.tokens.set(token, { clientId, scopes, expiresAt: this.now() + lifetime * 1000 });
		this.tokensIssued++;
		return { status: 200, headers: { 'cache-control': 'no-store' }, body: { access_token: token, token_type: 'Bearer', expires_in: lifetime, scope: scopes.join(' ') } };
	}

	private listOrganizations(req: SandboxRequest, detailed: boolean): SandboxResponse {
		return { status: 200, body: this.keyset(req, this.orgs).map((o) => this.renderOrganization(o, detailed)) };
	}

	private getOrganization(req: SandboxRequest): SandboxResponse {
		const id = Number(req.params.id);
		const org = Number.isInteger(id) ? this.orgById.get(id) : undefined;
		if (!org) return { status: 404, body: { resultCode: 'FAILURE', errorMessage: `Organization ${req.params.id} not found` } };
		return { status: 200, body: this.renderOrganization(org, true) };
	}

	private listDevices(req: SandboxRequest, detailed: boolean, orgId?: number): SandboxResponse {
		if (orgId !== undefined && !this.orgById.has(orgId)) return { status: 404, body: { resultCode: 'FAILURE', errorMessage: `Organization ${req.params.id} not found` } };
		return { status: 200, body: this.keyset(req, this.filteredDevices(req, orgId)).map((d) => this.renderDevice(d, detailed)) };
	}

	private getDevice(req: SandboxRequest): SandboxResponse {
		const id = Number(req.params.id);
		const device = Number.isInteger(id) ? this.deviceById.get(id) : undefined;
		if (!device) return { status: 404, body: { resultCode: 'FAILURE', errorMessage: `Device ${req.params.id} not found` } };
		return { status: 200, body: this.renderDevice(device, true) };
	}

	private listAlerts(req: SandboxRequest): SandboxResponse {
		const df = req.query.get('df');
		const test = df ? this.compileDeviceFilter(df) : undefined;
		const sourceType = req.query.get('sourceType');
		const out: Array<Record<string, unknown>> = [];
		for (const org of this.orgs) {
			for (const alert of org.alerts) {
				if (sourceType && alert.sourceType !== sourceType) continue;
				const device = this.deviceById.get(alert.deviceId);
				if (!device || (test && !test(device))) continue;
				const created = this.epoch(alert.createdAgoSec, device.id + alert.createdAgoSec);
				out.push({
					uid: alert.uid,
					deviceId: alert.deviceId,
					message: alert.message,
					createTime: created,
					updateTime: created,
					sourceType: alert.sourceType,
					sourceConfigUid: alert.uid.replace(/^.{8}/, '00000000'),
					sourceName: alert.sourceName,
					subject: alert.subject,
					userId: null,
					psaTicketId: null,
					ticketTemplateId: null,
					data: { message: { code: alert.sourceType, params: { severity: alert.severity } } },
					device: { id: device.id, organizationId: device.organizationId, locationId: device.locationId, nodeClass: device.nodeClass, displayName: device.displayName, systemName: device.systemName, offline: device.offline },
				});
			}
		}
		out.sort((a, b) => (b.createTime as number) - (a.createTime as number));
		return { status: 200, body: out };
	}

	/**
	 * The `health` filter of the device-health query: one status. Public clients (the NinjaOne PowerShell module's
	 * Get-NinjaOneDeviceHealth takes one value from a ValidateSet) treat it as a single value and nothing public
	 * shows a list being accepted, so a list is a 400 here rather than a filter a real tenant might not apply
	 * (the real answer to a list is [UNVERIFIED]).
	 */
	private healthParam(req: SandboxRequest): string | undefined {
		const raw = (req.query.get('health') ?? '').trim();
		if (!raw) return undefined;
		const value = raw.toUpperCase();
		if (!HEALTH_STATUSES.has(value)) {
			this.fail(400, `Invalid health "${raw}": one of ${[...HEALTH_STATUSES].join(', ')} (one status per query)`);
		}
		return value;
	}

	private deviceHealth(req: SandboxRequest): SandboxResponse {
		const now = this.now();
		for (const [name, c] of this.cursors) if (c.expiresAt <= now) this.cursors.delete(name);
		const ttl = (this.opts.cursorTtlSec ?? 300) * 1000;
		const cursorName = req.query.get('cursor');
		let name: string;
		let cursor: Cursor;
		if (cursorName) {
			const found = this.cursors.get(cursorName);
			if (!found) return { status: 400, body: { resultCode: 'FAILURE', errorMessage: `Cursor ${cursorName} not found or expired` } };
			name = cursorName;
			cursor = found;
			cursor.expiresAt = now + ttl;
		} else {
			const pageSize = this.intParam(req, 'pageSize') ?? this.opts.queryPageSize ?? 1000;
			if (pageSize < 1) this.fail(400, 'pageSize must be at least 1');
			const health = this.healthParam(req);
			const items = this.filteredDevices(req)
				.filter((d) => !health || d.health.healthStatus === health)
				.map((d) => {
					const result: Record<string, unknown> = {
						deviceId: d.id,
						healthStatus: d.health.healthStatus,
						offline: d.offline,
						alertCount: d.health.alertCount,
						activeThreatsCount: d.health.activeThreatsCount,
						quarantinedThreatsCount: d.health.quarantinedThreatsCount,
						blockedThreatsCount: 0,
						failedOSPatchesCount: d.health.failedOSPatchesCount,
						pendingOSPatchesCount: d.health.pendingOSPatchesCount,
						productsInstallationStatuses: [],
						timestamp: this.epoch(Math.min(d.lastContactAgoSec, 600), d.id),
					};
					if (d.health.pendingRebootReason) result.pendingRebootReason = d.health.pendingRebootReason;
					return result;
				});
			name = this.uuid();
			cursor = { items, offset: 0, pageSize, expiresAt: now + ttl };
			this.cursors.set(name, cursor);
		}
		const results = cursor.items.slice(cursor.offset, cursor.offset + cursor.pageSize);
		const body = { cursor: { name, offset: cursor.offset, count: results.length, expires: Math.floor(cursor.expiresAt / 1000) }, results };
		cursor.offset += results.length;
		return { status: 200, body };
	}
}

/** Corrupt one field of a successful NinjaOne body (what `malformNext` does). */
function corrupt(routeName: string, body: unknown): unknown {
	if (routeName.includes('/queries/')) {
		const b = body as { cursor: unknown; results: Array<Record<string, unknown>> };
		return { ...b, results: b.results.length ? [{ ...b.results[0], healthStatus: 42 }, ...b.results.slice(1)] : 'malformed-results' };
	}
	if (Array.isArray(body)) {
		if (!body.length) return 'malformed';
		const first = { ...(body[0] as Record<string, unknown>) };
		if (routeName.endsWith('/alerts')) first.deviceId = 'not-a-number';
		else first.id = null;
		return [first, ...body.slice(1)];
	}
	return { ...(body as Record<string, unknown>), id: null };
}
