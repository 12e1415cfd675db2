import { SANDBOX_CREDENTIALS } from './credentials';
import { UnifiSiteManagerEmulator, type UnifiSiteManagerOptions } from './unifi';
import { generateWorld, type WorldSite } from './world';

const KEY = SANDBOX_CREDENTIALS.unifiApiKey;
const world = generateWorld();

/** A connected console the connector reads, with an offline AP or switch, WiFi and wired clients. */
const site = world.sites.find(
	(s) =>
		s.unifi.host.state === 'connected' &&
		![...world.connector.belowFloorHostIds, ...world.connector.timeoutHostIds].includes(s.unifi.hostId) &&
		s.unifi.devices.some((d, i) => i > 0 && d.status === 'offline') &&
		s.unifi.clients.some((c) => !c.isWired && c.signal! < -65) &&
		s.unifi.clients.some((c) => c.isWired),
) as WorldSite;
const offlineSite = world.sites.find((s) => s.unifi.host.state === 'disconnected') as WorldSite;
const base = (s: WorldSite, style: 'proxy' | 'noProxy' = 'proxy') => `/v1/connector/consoles/${s.unifi.hostId}${style === 'proxy' ? '/proxy/network' : '/network'}`;
const integration = (s: WorldSite = site) => `${base(s)}/integration/v1`;
const siteApi = (s: WorldSite = site) => `${integration(s)}/sites/${s.unifi.integrationSiteId}`;

describe('UniFi Site Manager cloud connector', () => {
	let emu: UnifiSiteManagerEmulator;
	const start = async (options: UnifiSiteManagerOptions = {}) => {
		emu = new UnifiSiteManagerEmulator(world, options);
		await emu.start();
		return emu;
	};
	const call = async (path: string, key: string | null = KEY, header = 'X-API-KEY') => {
		const res = await fetch(`${emu.url}${path}`, { headers: { accept: 'application/json', ...(key ? { [header]: key } : {}) } });
		const text = await res.text();
		let body: any;
		try {
			body = JSON.parse(text);
		} catch {
			body = text;
		}
		return { status: res.status, headers: res.headers, body };
	};
	const smError = (code: string, status: number, message: unknown = expect.any(String)) => ({ code, httpStatusCode: status, message, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
	const integrationError = (status: number, code: string, requestPath: string) => ({
		statusCode: status,
		statusName: expect.any(String),
		code,
		message: expect.any(String),
		timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
		requestPath,
		requestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
	});
	afterEach(async () => {
		await emu?.stop();
	});

	it('fixture: the world has a readable console with an offline device, an offline console and one of each connector trouble', () => {
		expect(site).toBeDefined();
		expect(offlineSite).toBeDefined();
		expect(world.connector.belowFloorHostIds).toHaveLength(1);
		expect(world.connector.timeoutHostIds).toHaveLength(1);
	});

	it('authenticates with the Site Manager key only (header name in any case), like /v1/hosts', async () => {
		await start();
		for (const key of [null, 'wrong-key', SANDBOX_CREDENTIALS.unifiNetworkApiKey]) {
			const res = await call(`${integration()}/sites`, key);
			expect(res.status).toBe(401);
			expect(res.body).toEqual(smError('UNAUTHORIZED', 401));
		}
		for (const header of ['X-API-KEY', 'X-Api-Key', 'x-api-key']) expect((await call(`${integration()}/info`, KEY, header)).status).toBe(200);
		const unknown = await call('/v1/connector/consoles/NOPE:123/proxy/network/integration/v1/sites');
		expect(unknown.status).toBe(404);
		expect(unknown.body).toEqual(smError('NOT_FOUND', 404));
		expect((await fetch(`${emu.url}${integration()}/sites`, { method: 'POST', headers: { 'X-API-KEY': KEY } })).status).toBe(404);
	});

	it('takes the path with /proxy by default, without /proxy with noProxy, and either with both', async () => {
		const withProxy = `${base(site, 'proxy')}/integration/v1/sites`;
		const withoutProxy = `${base(site, 'noProxy')}/integration/v1/sites`;
		const expected = { offset: 0, limit: 25, count: 1, totalCount: 1, data: [{ id: site.unifi.integrationSiteId, internalReference: 'default', name: site.customerName }] };
		await start();
		expect(await call(withProxy)).toMatchObject({ status: 200, body: expected });
		expect(await call(withoutProxy)).toMatchObject({ status: 404, body: smError('NOT_FOUND', 404) });
		await emu.stop();
		await start({ connectorPathStyle: 'noProxy' });
		expect(await call(withoutProxy)).toMatchObject({ status: 200, body: expected });
		expect(await call(withProxy)).toMatchObject({ status: 404, body: smError('NOT_FOUND', 404) });
		await emu.stop();
		await start({ connectorPathStyle: 'both' });
		expect((await call(withProxy)).status).toBe(200);
		expect((await call(withoutProxy)).status).toBe(200);
		for (const other of ['', '/', '/proxy/protect/integration/v1/meta/info', '/integration/v1/sites']) {
			expect(await call(`/v1/connector/consoles/${site.unifi.hostId}${other}`)).toMatchObject({ status: 404, body: smError('NOT_FOUND', 404) });
		}
	});

	it('answers 502 for an offline console, 403 below firmware 5.0.3 and 408 after the timeout for a console that does not answer', async () => {
		await start({ connectorTimeoutMs: 150 });
		const below = world.sites.find((s) => s.unifi.hostId === world.connector.belowFloorHostIds[0])!;
		const slow = world.sites.find((s) => s.unifi.hostId === world.connector.timeoutHostIds[0])!;
		const offline = await call(`${integration(offlineSite)}/sites`);
		expect(offline).toMatchObject({ status: 502, body: smError('BAD_GATEWAY', 502, 'console is offline') });
		const old = await call(`${integration(below)}/info`);
		expect(old).toMatchObject({ status: 403, body: smError('FORBIDDEN', 403, 'console firmware does not support the connector (requires >= 5.0.3)') });
		const started = Date.now();
		const timeout = await call(`${integration(slow)}/sites`);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		expect(timeout).toMatchObject({ status: 408, body: smError('REQUEST_TIMEOUT', 408, 'console did not respond in time') });
		// Site Manager itself lists the below-floor console as connected, with its firmware.
		const host = await call(`/v1/hosts/${encodeURIComponent(below.unifi.hostId)}`);
		expect(host.body.data.reportedState).toMatchObject({ state: 'connected', version: '4.2.8' });
	});

	it('serves the Integration API of the host: info, devices, clients, networks', async () => {
		await start();
		expect((await call(`${integration()}/info`)).body).toEqual({ applicationVersion: '10.1.68' });
		const devices = (await call(`${siteApi()}/devices?limit=200`)).body;
		expect(devices).toMatchObject({ offset: 0, limit: 200, count: site.unifi.devices.length, totalCount: site.unifi.devices.length });
		const gateway = devices.data[0];
		expect(gateway).toEqual({
			id: site.unifi.devices[0].integrationId,
			macAddress: site.unifi.meta.gatewayMac,
			ipAddress: site.unifi.devices[0].ip,
			name: site.unifi.host.name,
			model: site.unifi.host.model,
			state: 'ONLINE',
			supported: true,
			firmwareVersion: site.unifi.host.firmwareVersion,
			firmwareUpdatable: expect.any(Boolean),
			features: ['gateway', 'switching'],
			interfaces: ['ports'],
		});
		const aps = devices.data.filter((d: any) => d.features.includes('accessPoint'));
		expect(aps.length).toBe(site.unifi.statistics.counts.wifiDevice);
		for (const ap of aps) expect(ap.interfaces).toEqual(['radios']);
		expect(devices.data.some((d: any) => d.state === 'OFFLINE')).toBe(true);

		const clients = (await call(`${siteApi()}/clients?limit=200`)).body.data;
		expect(clients).toHaveLength(site.unifi.clients.length);
		const apIds = new Set(aps.map((d: any) => d.id));
		for (const c of clients) {
			expect(Object.keys(c).sort()).toEqual(['access', 'connectedAt', 'id', 'ipAddress', 'macAddress', 'name', 'type', 'uplinkDeviceId']);
			expect(Date.parse(c.connectedAt)).not.toBeNaN();
			expect(['DEFAULT', 'GUEST']).toContain(c.access.type);
			if (c.type === 'WIRELESS') expect(apIds.has(c.uplinkDeviceId)).toBe(true);
			else expect([c.type, c.uplinkDeviceId]).toEqual(['WIRED', gateway.id]);
		}

		const networks = (await call(`${siteApi()}/networks`)).body.data;
		expect(networks).toHaveLength(site.unifi.networks.filter((n) => n.networkgroup === 'LAN').length);
		expect(networks.find((n: any) => n.default)).toMatchObject({ vlanId: 1, enabled: true, management: 'GATEWAY', metadata: { origin: 'SYSTEM_DEFINED' } });
		for (const n of networks.filter((x: any) => !x.default)) {
			expect(Number.isInteger(n.vlanId)).toBe(true);
			expect(n.vlanId).not.toBe(1);
			expect(n.metadata).toEqual({ origin: 'USER_DEFINED' });
		}
	});

	it('serves AP statistics with per-radio retries; 404 for an offline device, an unknown device and an unknown site', async () => {
		await start();
		const ap = site.unifi.devices.find((d) => d.role === 'ap' && d.status === 'online')!;
		const stats = await call(`${siteApi()}/devices/${ap.integrationId}/statistics/latest`);
		expect(stats.status).toBe(200);
		expect(stats.body).toEqual({
			uptimeSec: ap.uptimeSec,
			lastHeartbeatAt: expect.any(String),
			nextHeartbeatAt: expect.any(String),
			loadAverage1Min: expect.any(Number),
			loadAverage5Min: expect.any(Number),
			loadAverage15Min: expect.any(Number),
			cpuUtilizationPct: expect.any(Number),
			memoryUtilizationPct: expect.any(Number),
			uplink: { txRateBps: expect.any(Number), rxRateBps: expect.any(Number) },
			interfaces: { radios: ap.radios },
		});
		expect(Date.parse(stats.body.nextHeartbeatAt)).toBeGreaterThan(Date.parse(stats.body.lastHeartbeatAt));
		const gateway = await call(`${siteApi()}/devices/${site.unifi.devices[0].integrationId}/statistics/latest`);
		expect(gateway.status).toBe(200);
		expect(gateway.body.interfaces).toBeUndefined();

		const offline = site.unifi.devices.find((d, i) => i > 0 && d.status === 'offline')!;
		const down = await call(`${siteApi()}/devices/${offline.integrationId}/statistics/latest`);
		expect(down.status).toBe(404);
		expect(down.body).toEqual(integrationError(404, 'api.device.not-connected', `/integration/v1/sites/${site.unifi.integrationSiteId}/devices/${offline.integrationId}/statistics/latest`));
		const unknownDevice = '00000000-0000-4000-8000-000000000000';
		expect((await call(`${siteApi()}/devices/${unknownDevice}/statistics/latest`)).body).toMatchObject({ statusCode: 404, code: 'api.device.not-found' });
		const otherSite = world.sites.find((s) => s !== site)!.unifi.integrationSiteId;
		const wrongSite = await call(`${integration()}/sites/${otherSite}/devices`);
		expect(wrongSite.status).toBe(404);
		expect(wrongSite.body).toEqual(integrationError(404, 'api.site.not-found', `/integration/v1/sites/${otherSite}/devices`));
	});

	it('pages with offset and limit (default 25, at most 200) and rejects a bad limit with 400', async () => {
		await start();
		const total = site.unifi.clients.length;
		const seen: string[] = [];
		for (let offset = 0; offset < total; offset += 2) {
			const page = (await call(`${siteApi()}/clients?offset=${offset}&limit=2`)).body;
			expect(page).toMatchObject({ offset, limit: 2, totalCount: total, count: Math.min(2, total - offset) });
			seen.push(...page.data.map((c: any) => c.id));
		}
		expect(seen).toEqual(site.unifi.clients.map((c) => c.integrationId));
		expect((await call(`${siteApi()}/clients`)).body).toMatchObject({ offset: 0, limit: 25 });
		expect((await call(`${siteApi()}/clients?limit=200`)).status).toBe(200);
		for (const bad of ['limit=201', 'limit=-1', 'limit=1.5', 'limit=ten', 'offset=-3']) {
			const res = await call(`${siteApi()}/clients?${bad}`);
			expect([bad, res.status, res.body]).toEqual([bad, 400, integrationError(400, 'api.request.argument-validation-failed', `/integration/v1/sites/${site.unifi.integrationSiteId}/clients`)]);
		}
	});

	it('filters strictly: documented properties and functions work, anything else is 400 api.request.invalid-filter', async () => {
		await start();
		const q = (filter: string) => `filter=${encodeURIComponent(filter)}&limit=200`;
		const aps = (await call(`${siteApi()}/devices?${q("features.contains('accessPoint')")}`)).body;
		expect(aps.data.map((d: any) => d.id)).toEqual(site.unifi.devices.filter((d) => d.role === 'ap').map((d) => d.integrationId));
		expect(aps.totalCount).toBe(aps.data.length);
		const switching = (await call(`${siteApi()}/devices?${q("features.contains('switching')")}`)).body.data;
		expect(switching.map((d: any) => d.id)).toEqual(site.unifi.devices.filter((d) => d.role !== 'ap').map((d) => d.integrationId));
		expect((await call(`${siteApi()}/devices?${q("features.contains('gateway')")}`)).body.data).toHaveLength(1);
		const wifi = (await call(`${siteApi()}/clients?${q("type.eq('WIRELESS')")}`)).body.data;
		const wired = (await call(`${siteApi()}/clients?${q("type.eq('WIRED')")}`)).body.data;
		expect(wifi.length).toBe(site.unifi.statistics.counts.wifiClient);
		expect(wired.length).toBe(site.unifi.statistics.counts.wiredClient);
		expect((await call(`${siteApi()}/clients?${q("or(type.eq('WIRELESS'), type.eq('WIRED'))")}`)).body.totalCount).toBe(site.unifi.clients.length);
		expect((await call(`${integration()}/sites?${q("internalReference.eq('default')")}`)).body.data).toHaveLength(1);
		expect((await call(`${integration()}/sites?${q(`id.eq(${site.unifi.integrationSiteId})`)}`)).body.data).toHaveLength(1);
		expect((await call(`${integration()}/sites?${q("internalReference.eq('other')")}`)).body).toMatchObject({ count: 0, totalCount: 0, data: [] });
		const one = site.unifi.clients[0].integrationId;
		expect((await call(`${siteApi()}/clients?${q(`id.eq(${one})`)}`)).body.data.map((c: any) => c.id)).toEqual([one]);
		expect((await call(`${siteApi()}/devices?${q("and(features.contains('accessPoint'), state.eq('ONLINE'))")}`)).body.data.every((d: any) => d.state === 'ONLINE')).toBe(true);
		expect((await call(`${siteApi()}/networks?${q('not(vlanId.eq(1))')}`)).body.data.every((n: any) => n.vlanId !== 1)).toBe(true);

		for (const bad of ['signal.lt(-65)', 'type.eq(WIRELESS)', "features.eq('accessPoint')", "type.contains('WIRED')", "uplinkDeviceId.eq('x')", 'type.eq(', "and(type.eq('WIRED'))", "type.eq('WIRED') trailing", '']) {
			const res = await call(`${siteApi()}/clients?filter=${encodeURIComponent(bad)}`);
			expect([bad, res.status, res.body.code]).toEqual([bad, 400, 'api.request.invalid-filter']);
		}
		expect((await call(`${siteApi()}/devices?filter=${encodeURIComponent("features.contains('radio')")}`)).body.count).toBe(0);
		expect((await call(`${siteApi()}/devices?filter=${encodeURIComponent('features.contains(accessPoint)')}`)).status).toBe(400);
	});

	it('refuses legacy paths by default (404) and forwards them to the console as site "default" with connectorLegacyApi', async () => {
		await start();
		const legacy = `${base(site)}/api/s/default/stat/sta`;
		expect(await call(legacy)).toMatchObject({ status: 404, body: smError('NOT_FOUND', 404) });
		await emu.stop();
		await start({ connectorLegacyApi: true });
		const res = await call(legacy);
		expect(res.status).toBe(200);
		expect(res.body.meta).toEqual({ rc: 'ok' });
		expect(res.body.data).toHaveLength(site.unifi.clients.length);
		expect(res.body.data.filter((c: any) => !c.is_wired).every((c: any) => c.signal < 0)).toBe(true);
		expect((await call(`${base(site)}/api/self/sites`)).body.data).toEqual([expect.objectContaining({ name: 'default', desc: site.customerName, _id: site.unifi.siteId })]);
		expect((await call(`${base(site)}/api/s/${site.unifi.localSiteName}/stat/sta`)).body).toEqual({ meta: { rc: 'error', msg: 'api.err.NoSiteContext' }, data: [] });
		expect((await call(legacy, null)).status).toBe(401);
	});

	it('counts connector calls in the same per-key budget as /v1 (429 with Retry-After)', async () => {
		let clock = 5_000_000;
		await start({ now: () => clock, rateLimits: { default: { kind: 'window', limit: 3, windowMs: 60_000 } } });
		expect((await call('/v1/hosts?pageSize=1')).status).toBe(200);
		expect((await call(`${integration()}/info`)).status).toBe(200);
		expect((await call('/v1/sites?pageSize=1')).status).toBe(200);
		clock += 30_000;
		const limited = await call(`${integration()}/sites`);
		expect(limited.status).toBe(429);
		expect(limited.body).toEqual(smError('RATE_LIMIT', 429));
		expect(limited.headers.get('retry-after')).toBe('30');
		expect((await call('/v1/hosts?pageSize=1')).status).toBe(429);
		expect((await call('/ea/hosts?pageSize=1')).status).toBe(200);
		clock += 30_001;
		expect((await call(`${integration()}/info`)).status).toBe(200);
		expect(emu.count('GET /v1/connector/consoles/:hostId/*')).toBe(3);
	});

	it('passes the console answer through unchanged, including its faults; one console emulator per host', async () => {
		await start();
		const console_ = emu.connectorConsole(site.unifi.hostId)!;
		expect(emu.connectorConsole(site.unifi.hostId)).toBe(console_);
		expect(emu.connectorConsole('NOPE')).toBeUndefined();
		console_.scriptFaults([{ status: 500 }, { reset: true }]);
		const failed = await call(`${integration()}/sites`);
		expect(failed.status).toBe(500);
		expect(failed.body).toEqual(integrationError(500, 'api.server.error', '/integration/v1/sites'));
		expect(await call(`${integration()}/sites`)).toMatchObject({ status: 502, body: smError('BAD_GATEWAY', 502) });
		console_.malformNext('GET /proxy/network/integration/v1/sites');
		expect((await call(`${integration()}/sites`)).body.data[0].id).toBeNull();
		expect(console_.count('GET /proxy/network/integration/v1/sites')).toBe(3);
		const unknownRoute = await call(`${integration()}/sites/${site.unifi.integrationSiteId}/vouchers`);
		expect(unknownRoute.body).toMatchObject({ statusCode: 404, code: 'api.request.not-found' });
		expect((await (await fetch(`${emu.url}/__sandbox/state`)).json()) as Record<string, unknown>).toMatchObject({ connectorConsoles: 1 });
	});
});
