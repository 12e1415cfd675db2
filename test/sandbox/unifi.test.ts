import { SANDBOX_CREDENTIALS } from './credentials';
import { UnifiSiteManagerEmulator, type UnifiSiteManagerOptions } from './unifi';
import { generateWorld } from './world';

const KEY = SANDBOX_CREDENTIALS.unifiApiKey;
const world = generateWorld();

describe('UnifiSiteManagerEmulator', () => {
	let emu: UnifiSiteManagerEmulator;
	const start = async (options: UnifiSiteManagerOptions = {}) => {
		emu = new UnifiSiteManagerEmulator(world, options);
		await emu.start();
		return emu;
	};
	const call = async (path: string, init: { key?: string | null; method?: string; body?: unknown } = {}) => {
		const key = init.key === undefined ? KEY : init.key;
		const res = await fetch(`${emu.url}${path}`, {
			method: init.method ?? 'GET',
			headers: { accept: 'application/json', ...(key ? { 'X-API-KEY': key } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
			body: init.body ? JSON.stringify(init.body) : undefined,
		});
		const text = await res.text();
		let body: any;
		try {
			body = JSON.parse(text);
		} catch {
			body = text;
		}
		return { status: res.status, headers: res.headers, body };
	};
	afterEach(async () => {
		await emu?.stop();
	});

	it('rejects a missing or wrong API key with the UNAUTHORIZED envelope', async () => {
		await start();
		for (const key of [null, 'wrong-key']) {
			const res = await call('/v1/sites', { key });
			expect(res.status).toBe(401);
			expect(res.body).toEqual({ code: 'UNAUTHORIZED', httpStatusCode: 401, message: expect.any(String), traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
		}
		const unknown = await call('/v1/nothing');
		expect(unknown.status).toBe(404);
		expect(unknown.body).toMatchObject({ code: 'NOT_FOUND', httpStatusCode: 404 });
	});

	it('pages /v1/sites with opaque tokens over every site (default 25 per page)', async () => {
		await start();
		const seen: string[] = [];
		let token: string | undefined;
		let pages = 0;
		do {
			const res = await call(`/v1/sites${token ? `?nextToken=${encodeURIComponent(token)}` : ''}`);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ httpStatusCode: 200, traceId: expect.any(String) });
			expect(res.body.data.length).toBeLessThanOrEqual(25);
			for (const site of res.body.data) seen.push(site.siteId);
			token = res.body.nextToken;
			pages++;
		} while (token);
		expect(pages).toBe(4);
		expect(seen).toEqual(world.sites.map((s) => s.unifi.siteId));
		const site = (await call('/v1/sites?pageSize=1')).body.data[0];
		expect(site).toMatchObject({ siteId: world.sites[0].unifi.siteId, hostId: world.sites[0].unifi.hostId, meta: { desc: world.sites[0].customerName, name: 'default' } });
		expect(site.statistics.counts).toEqual(world.sites[0].unifi.statistics.counts);
		expect(site.statistics.percentages).toEqual({ txRetry: expect.any(Number), wanUptime: expect.any(Number) });
		expect(site.statistics.ispInfo).toEqual({ name: expect.any(String), organization: expect.any(String) });
	});

	it('validates pageSize and nextToken, and clamps to the max page size', async () => {
		await start({ maxPageSize: 40 });
		expect((await call('/v1/hosts?pageSize=0')).body).toMatchObject({ code: 'BAD_REQUEST', httpStatusCode: 400 });
		expect((await call('/v1/hosts?pageSize=abc')).status).toBe(400);
		expect((await call('/v1/hosts?nextToken=garbage')).body).toMatchObject({ code: 'BAD_REQUEST' });
		const hostsToken = (await call('/v1/hosts?pageSize=5')).body.nextToken;
		expect((await call(`/v1/sites?nextToken=${hostsToken}`)).status).toBe(400);
		expect((await call('/v1/hosts?pageSize=1000')).body.data).toHaveLength(40);
	});

	it('serves hosts by id and 404s unknown ones', async () => {
		await start();
		const site = world.sites[3];
		const res = await call(`/v1/hosts/${encodeURIComponent(site.unifi.hostId)}`);
		expect(res.status).toBe(200);
		expect(res.body.data).toMatchObject({ id: site.unifi.hostId, type: 'console', isBlocked: false, reportedState: { name: site.unifi.host.name, state: site.unifi.host.state } });
		expect(Date.parse(res.body.data.latestBackupTime)).not.toBeNaN();
		const missing = await call('/v1/hosts/NOPE');
		expect(missing.status).toBe(404);
		expect(missing.body).toMatchObject({ code: 'NOT_FOUND', httpStatusCode: 404 });
	});

	it('reports each console\'s UniFi OS firmware in reportedState.version: 5.0.x except the one below the connector floor', async () => {
		await start();
		const hosts: any[] = [];
		let token: string | undefined;
		do {
			const res = await call(`/v1/hosts?pageSize=50${token ? `&nextToken=${token}` : ''}`);
			hosts.push(...res.body.data);
			token = res.body.nextToken;
		} while (token);
		expect(hosts).toHaveLength(98);
		const below = hosts.filter((h) => !/^5\.0\.\d+$/.test(h.reportedState.version));
		expect(below.map((h) => [h.id, h.reportedState.version, h.reportedState.state])).toEqual([[world.connector.belowFloorHostIds[0], '4.2.8', 'connected']]);
		for (const h of hosts) expect(Number(h.reportedState.version.split('.')[2]) >= 3 || h.reportedState.version === '4.2.8').toBe(true);
		expect(hosts.filter((h) => h.reportedState.state === 'disconnected')).toHaveLength(5);
	});

	it('lists devices grouped by host, filtered by hostIds[], with every device once', async () => {
		await start();
		let total = 0;
		let token: string | undefined;
		do {
			const res = await call(`/v1/devices?pageSize=30${token ? `&nextToken=${token}` : ''}`);
			for (const group of res.body.data) total += group.devices.length;
			token = res.body.nextToken;
		} while (token);
		expect(total).toBe(492);
		const [a, b] = [world.sites[5], world.sites[9]];
		const res = await call(`/v1/devices?hostIds[]=${encodeURIComponent(a.unifi.hostId)}&hostIds[]=${encodeURIComponent(b.unifi.hostId)}`);
		expect(res.body.data.map((g: any) => g.hostId)).toEqual([a.unifi.hostId, b.unifi.hostId]);
		const device = res.body.data[0].devices[0];
		expect(device).toMatchObject({ id: expect.stringMatching(/^[0-9A-F]{12}$/), productLine: 'network', isConsole: true, status: expect.stringMatching(/^(online|offline)$/), firmwareStatus: expect.stringMatching(/^(upToDate|updateAvailable)$/) });
		expect(res.body.data[0].devices).toHaveLength(a.unifi.devices.length);
		expect((await call('/v1/devices?time=yesterday')).status).toBe(400);
	});

	it('serves ISP metrics with duration or timestamps and rejects bad input with BAD_REQUEST', async () => {
		const now = Date.parse('2026-03-01T12:02:00Z');
		await start({ now: () => now });
		const fiveMin = await call('/ea/isp-metrics/5m?duration=24h&pageSize=2');
		expect(fiveMin.status).toBe(200);
		expect(fiveMin.body.data).toHaveLength(2);
		expect(fiveMin.body.nextToken).toEqual(expect.any(String));
		const entry = fiveMin.body.data[0];
		expect(entry).toMatchObject({ metricType: '5m', hostId: world.sites[0].unifi.hostId, siteId: world.sites[0].unifi.siteId });
		expect(entry.periods).toHaveLength(288);
		expect(entry.periods[0].data.wan).toEqual({
			avgLatency: expect.any(Number),
			maxLatency: expect.any(Number),
			packetLoss: expect.any(Number),
			uptime: expect.any(Number),
			downtime: expect.any(Number),
			download_kbps: expect.any(Number),
			upload_kbps: expect.any(Number),
			ispAsn: expect.any(String),
			ispName: world.sites[0].unifi.isp.name,
		});
		const hourly = await call('/ea/isp-metrics/1h?beginTimestamp=2026-03-01T00:00:00Z&endTimestamp=2026-03-01T06:00:00Z&pageSize=1');
		expect(hourly.body.data[0].periods.map((p: any) => p.metricTime)).toEqual(['2026-03-01T00:00:00Z', '2026-03-01T01:00:00Z', '2026-03-01T02:00:00Z', '2026-03-01T03:00:00Z', '2026-03-01T04:00:00Z', '2026-03-01T05:00:00Z', '2026-03-01T06:00:00Z']);
		for (const bad of ['/ea/isp-metrics/10m', '/ea/isp-metrics/5m?duration=7d', '/ea/isp-metrics/1h?duration=7d&beginTimestamp=2026-03-01T00:00:00Z', '/ea/isp-metrics/1h?beginTimestamp=2026-03-01T06:00:00Z&endTimestamp=2026-03-01T00:00:00Z', '/ea/isp-metrics/1h?beginTimestamp=yesterday']) {
			const res = await call(bad);
			expect(res.status).toBe(400);
			expect(res.body).toEqual({ code: 'BAD_REQUEST', httpStatusCode: 400, message: expect.any(String), traceId: expect.any(String) });
		}
		const critical = world.sites.find((s) => s.profile === 'critical')!;
		const query = await call('/ea/isp-metrics/1h/query', { method: 'POST', body: { sites: [{ hostId: critical.unifi.hostId, siteId: critical.unifi.siteId, beginTimestamp: '2026-03-01T00:00:00Z', endTimestamp: '2026-03-01T02:00:00Z' }] } });
		expect(query.status).toBe(200);
		expect(query.body.data.metrics).toHaveLength(1);
		expect(query.body.data.metrics[0].periods[0].data.wan.avgLatency).toBeGreaterThan(80);
	});

	it('answers 429 with the exact RATE_LIMIT body and an integer Retry-After, per bucket', async () => {
		let clock = 1_000_000;
		await start({ now: () => clock, rateLimits: { ea: { kind: 'window', limit: 2, windowMs: 60_000 }, default: { kind: 'window', limit: 3, windowMs: 10_000 } } });
		for (let i = 0; i < 2; i++) expect((await call('/ea/isp-metrics/5m?pageSize=1')).status).toBe(200);
		clock += 54_630;
		const limited = await call('/ea/isp-metrics/5m?pageSize=1');
		expect(limited.status).toBe(429);
		expect(limited.body).toEqual({ code: 'RATE_LIMIT', httpStatusCode: 429, message: 'rate limit exceeded, retry after 5.37s', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
		expect(limited.headers.get('retry-after')).toBe('6');
		// v1 has its own bucket.
		for (let i = 0; i < 3; i++) expect((await call('/v1/hosts?pageSize=1')).status).toBe(200);
		expect((await call('/v1/hosts?pageSize=1')).status).toBe(429);
		clock += 10_001;
		expect((await call('/v1/hosts?pageSize=1')).status).toBe(200);
		expect(emu.statusCounters.get(429)).toBe(2);
	});

	it('injects 500/502 with SERVER_ERROR/BAD_GATEWAY envelopes', async () => {
		await start();
		emu.scriptFaults([{ status: 500 }, { status: 502 }], /GET \/v1\/sites/);
		const first = await call('/v1/sites');
		expect(first.status).toBe(500);
		expect(first.body).toMatchObject({ code: 'SERVER_ERROR', httpStatusCode: 500, traceId: expect.any(String) });
		const second = await call('/v1/sites');
		expect(second.status).toBe(502);
		expect(second.body).toMatchObject({ code: 'BAD_GATEWAY', httpStatusCode: 502 });
		expect((await call('/v1/sites')).status).toBe(200);
	});

	it('forces malformed payloads in process and over /__sandbox/malform', async () => {
		await start();
		emu.malformNext('GET /v1/sites');
		const bad = await call('/v1/sites?pageSize=2');
		expect(bad.body.data[0].meta).toBe('malformed-meta');
		expect(typeof bad.body.data[1].meta).toBe('object');
		expect((await call('/v1/sites?pageSize=2')).body.data[0].meta).toEqual(expect.objectContaining({ desc: expect.any(String) }));

		const control = await fetch(`${emu.url}/__sandbox/malform`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: 'GET /v1/devices' }) });
		expect(control.status).toBe(204);
		expect((await call('/v1/devices?pageSize=1')).body.data[0].devices[0].id).toBeNull();

		await fetch(`${emu.url}/__sandbox/malform`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: 'GET /v1/hosts', kind: 'invalid-json' }) });
		const broken = await call('/v1/hosts');
		expect(broken.status).toBe(200);
		expect(typeof broken.body).toBe('string');
		expect(() => JSON.parse(broken.body)).toThrow();
		const state = (await (await fetch(`${emu.url}/__sandbox/state`)).json()) as Record<string, unknown>;
		expect(state).toMatchObject({ sites: 98, devices: 492, pendingMalformed: 0 });
	});
});

describe('scripted faults matched on the actual path', () => {
	it("fault one resource of a route that serves many (on: 'path'), not the others; the route name does not match a path", async () => {
		const emu = new UnifiSiteManagerEmulator(world, {});
		await emu.start();
		try {
			const get = async (path: string) => {
				const res = await fetch(`${emu.url}${path}`, { headers: { 'X-API-KEY': KEY } });
				return { status: res.status, body: (await res.json()) as any };
			};
			const hosts = (await get('/v1/hosts?pageSize=2')).body.data as Array<{ id: string }>;
			const [a, b] = hosts.map((h) => h.id);
			emu.scriptFaults([{ status: 503, body: { code: 'planted' } }], new RegExp(`^GET /v1/hosts/${b}$`), 'path');
			// Tested against the route name ("GET /v1/hosts/:id"), the same regex never matches.
			emu.scriptFaults([{ status: 500 }], new RegExp(`^GET /v1/hosts/${a}$`));
			expect((await get(`/v1/hosts/${a}`)).status).toBe(200);
			expect(await get(`/v1/hosts/${b}`)).toEqual({ status: 503, body: { code: 'planted' } });
			expect((await get(`/v1/hosts/${b}`)).status).toBe(200);
		} finally {
			await emu.stop();
		}
	});
});
