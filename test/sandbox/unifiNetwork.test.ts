import { SANDBOX_CREDENTIALS } from './credentials';
import { evaluateFilter, parseFilter, UnifiNetworkEmulator, type UnifiNetworkOptions } from './unifiNetwork';
import { generateWorld } from './world';

const KEY = SANDBOX_CREDENTIALS.unifiNetworkApiKey;
const world = generateWorld();

describe('UnifiNetworkEmulator', () => {
	let emu: UnifiNetworkEmulator;
	const start = async (options: UnifiNetworkOptions = {}) => {
		emu = new UnifiNetworkEmulator(world, options);
		await emu.start();
	};
	const call = async (path: string, key: string | null = KEY) => {
		const res = await fetch(`${emu.url}${path}`, { headers: key ? { 'X-API-Key': key } : {} });
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

	it('answers 401 api.err.LoginRequired without a valid X-API-Key', async () => {
		await start();
		for (const key of [null, 'nope']) {
			const res = await call('/proxy/network/api/self/sites', key);
			expect(res.status).toBe(401);
			expect(res.body).toEqual({ meta: { rc: 'error', msg: 'api.err.LoginRequired' }, data: [] });
		}
		const integration = await call('/proxy/network/integration/v1/sites', null);
		expect(integration.status).toBe(401);
		expect(integration.body).toMatchObject({ statusCode: 401, statusName: 'UNAUTHORIZED' });
	});

	it('lists every world site with desc = customer name and _id = cloud siteId', async () => {
		await start();
		const res = await call('/proxy/network/api/self/sites');
		expect(res.status).toBe(200);
		expect(res.body.meta).toEqual({ rc: 'ok' });
		expect(res.body.data).toHaveLength(98);
		const byDesc = new Map(res.body.data.map((s: any) => [s.desc, s]));
		for (const site of world.sites) expect(byDesc.get(site.customerName)).toMatchObject({ name: site.unifi.localSiteName, _id: site.unifi.siteId });
	});

	const legacyPaths = (site: string) => ['/api/self/sites', `/api/s/${site}/stat/sta`, `/api/s/${site}/stat/device`, `/api/s/${site}/rest/networkconf`, `/api/s/${site}/rest/wlanconf`];
	const loginRequired = { meta: { rc: 'error', msg: 'api.err.LoginRequired' }, data: [] };

	it('never takes an API key on the classic controller paths (no /proxy/network prefix): classic controllers have no API keys', async () => {
		await start();
		const site = world.sites[0].unifi.localSiteName;
		for (const path of legacyPaths(site)) {
			const res = await call(path);
			expect([path, res.status, res.body]).toEqual([path, 401, loginRequired]);
			expect((await call(`/proxy/network${path}`)).status).toBe(200);
		}
	});

	it('takes the API key on the prefixed legacy paths unless apiKeyOnLegacyApi is off; the Integration API always takes it', async () => {
		await start({ apiKeyOnLegacyApi: false });
		const site = world.sites[0].unifi.localSiteName;
		for (const path of legacyPaths(site)) {
			const res = await call(`/proxy/network${path}`);
			expect([path, res.status, res.body]).toEqual([path, 401, loginRequired]);
		}
		expect((await call('/proxy/network/integration/v1/sites')).status).toBe(200);
	});

	it('serves WiFi clients with negative dBm signal, vlan, essid, ap_mac, satisfaction', async () => {
		await start();
		const critical = world.sites.find((s) => s.profile === 'critical')!;
		const res = await call(`/proxy/network/api/s/${critical.unifi.localSiteName}/stat/sta`);
		expect(res.status).toBe(200);
		const wifi = res.body.data.filter((c: any) => !c.is_wired);
		const wired = res.body.data.filter((c: any) => c.is_wired);
		expect(wifi.length).toBe(critical.unifi.statistics.counts.wifiClient);
		expect(wired.length).toBe(critical.unifi.statistics.counts.wiredClient);
		for (const c of wifi) {
			expect(c.signal).toBeLessThan(0);
			expect(c.rssi).toBeGreaterThan(0);
			expect(typeof c.essid).toBe('string');
			expect(c.ap_mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
			expect(c.satisfaction).toBeGreaterThanOrEqual(0);
			if ('vlan' in c) expect(c.vlan).not.toBe(1);
		}
		expect(wifi.some((c: any) => c.signal < -65)).toBe(true);
		for (const c of wired) expect(c.signal).toBeUndefined();
		const unknown = await call('/proxy/network/api/s/doesnotexist/stat/sta');
		expect(unknown.status).toBe(400);
		expect(unknown.body).toEqual({ meta: { rc: 'error', msg: 'api.err.NoSiteContext' }, data: [] });
	});

	it('serves networkconf with an untagged default LAN and tagged VLANs (never 1)', async () => {
		await start();
		const vlans = new Set<number>();
		for (const site of world.sites.slice(0, 30)) {
			const res = await call(`/proxy/network/api/s/${site.unifi.localSiteName}/rest/networkconf`);
			expect(res.status).toBe(200);
			const def = res.body.data.find((n: any) => n.attr_hidden_id === 'LAN');
			expect(def).toMatchObject({ vlan_enabled: false, purpose: 'corporate' });
			expect(def.vlan).toBeUndefined();
			for (const n of res.body.data.filter((x: any) => x.vlan_enabled)) {
				expect(n.vlan).toEqual(expect.any(Number));
				expect(n.vlan).not.toBe(1);
				vlans.add(n.vlan);
			}
			const one = await call(`/proxy/network/api/s/${site.unifi.localSiteName}/rest/networkconf/${def._id}`);
			expect(one.body.data).toEqual([def]);
		}
		expect(vlans.has(10)).toBe(true);
	});

	it('pages the Integration API sites with offset/limit', async () => {
		await start();
		const seen: string[] = [];
		for (let offset = 0; ; offset += 40) {
			const res = await call(`/proxy/network/integration/v1/sites?offset=${offset}&limit=40`);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ offset, limit: 40, totalCount: 98, count: res.body.data.length });
			seen.push(...res.body.data.map((s: any) => s.name));
			if (offset + res.body.count >= res.body.totalCount) break;
		}
		expect(seen).toEqual(world.sites.map((s) => s.customerName));
		// limit 0..200 (reference copy): 0 counts without data; outside the range or not an integer -> 400.
		expect((await call('/proxy/network/integration/v1/sites?limit=0')).body).toMatchObject({ offset: 0, limit: 0, count: 0, totalCount: 98, data: [] });
		for (const bad of ['limit=201', 'limit=-1', 'limit=2.5', 'offset=x']) {
			const res = await call(`/proxy/network/integration/v1/sites?${bad}`);
			expect([bad, res.status, res.body.code, res.body.requestPath]).toEqual([bad, 400, 'api.request.argument-validation-failed', '/integration/v1/sites']);
		}
	});

	it('serves the Integration API per site on the multi-site console, keyed by the Integration site id', async () => {
		await start();
		const site = world.sites.find((s) => s.unifi.statistics.counts.wifiClient > 0 && s.unifi.host.state === 'connected')!;
		const sites = await call(`/proxy/network/integration/v1/sites?filter=${encodeURIComponent(`internalReference.eq('${site.unifi.localSiteName}')`)}`);
		expect(sites.body.data).toEqual([{ id: site.unifi.integrationSiteId, internalReference: site.unifi.localSiteName, name: site.customerName }]);
		const clients = await call(`/proxy/network/integration/v1/sites/${site.unifi.integrationSiteId}/clients?limit=200`);
		expect(clients.body.data.map((c: any) => c.macAddress)).toEqual(site.unifi.clients.map((c) => c.mac));
		for (const c of clients.body.data) expect(c.signal).toBeUndefined();
		const devices = await call(`/proxy/network/integration/v1/sites/${site.unifi.integrationSiteId}/devices?limit=200`);
		expect(devices.body.data.map((d: any) => d.id)).toEqual(site.unifi.devices.map((d) => d.integrationId));
		expect((await call(`/proxy/network/integration/v1/sites/${site.unifi.integrationSiteId}/devices`, null)).status).toBe(401);
		const radios = await call(`/proxy/network/integration/v1/sites/${site.unifi.integrationSiteId}/devices/${site.unifi.devices.find((d) => d.radios)!.integrationId}/statistics/latest`);
		expect(radios.body.interfaces.radios.map((r: any) => r.frequencyGHz)).toEqual(['2.4', '5']);
		await emu.stop();
		await start({ frequencyGHzAs: 'number', applicationVersion: '9.4.17' });
		const numeric = await call(`/proxy/network/integration/v1/sites/${site.unifi.integrationSiteId}/devices/${site.unifi.devices.find((d) => d.radios)!.integrationId}/statistics/latest`);
		expect(numeric.body.interfaces.radios.map((r: any) => r.frequencyGHz)).toEqual([2.4, 5]);
		expect((await call('/proxy/network/integration/v1/info')).body).toEqual({ applicationVersion: '9.4.17' });
	});

	it('can hold the sites of one host only, under another legacy name (a console behind the connector)', async () => {
		const site = world.sites[7];
		await start({ sites: [site], legacySiteName: () => 'default' });
		const sites = await call('/proxy/network/api/self/sites');
		expect(sites.body.data).toEqual([expect.objectContaining({ _id: site.unifi.siteId, name: 'default', desc: site.customerName, attr_hidden_id: 'default', attr_no_delete: true })]);
		expect((await call('/proxy/network/api/s/default/stat/device')).body.data).toHaveLength(site.unifi.devices.length);
		expect((await call(`/proxy/network/api/s/${site.unifi.localSiteName}/stat/sta`)).status).toBe(400);
		expect((await call('/proxy/network/integration/v1/sites')).body).toEqual({ offset: 0, limit: 25, count: 1, totalCount: 1, data: [{ id: site.unifi.integrationSiteId, internalReference: 'default', name: site.customerName }] });
		expect((await call(`/proxy/network/integration/v1/sites/${world.sites[8].unifi.integrationSiteId}/clients`)).body).toMatchObject({ statusCode: 404, code: 'api.site.not-found' });
		expect(await emu.dispatch({ method: 'GET', path: '/proxy/network/integration/v1/info' })).toMatchObject({ status: 401 });
		expect(await emu.dispatch({ method: 'GET', path: '/proxy/network/integration/v1/info' }, { trusted: 'connector' })).toMatchObject({ status: 200, body: { applicationVersion: '10.1.68' } });
		expect(await emu.dispatch({ method: 'GET', path: '/__sandbox/state' }, { trusted: 'connector' })).toMatchObject({ status: 404 });
	});

	it('rate limits when configured (429 + Retry-After) and injects faults', async () => {
		await start({ rateLimits: { default: { kind: 'window', limit: 1, windowMs: 60_000 } } });
		expect((await call('/proxy/network/api/self/sites')).status).toBe(200);
		const limited = await call('/proxy/network/api/self/sites');
		expect(limited.status).toBe(429);
		expect(limited.body).toEqual({ meta: { rc: 'error', msg: 'api.err.RateLimited' }, data: [] });
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
		emu.setRateLimit('default', null);
		emu.scriptFaults([{ status: 500 }]);
		const failed = await call('/proxy/network/api/self/sites');
		expect(failed.status).toBe(500);
		expect(failed.body).toEqual({ meta: { rc: 'error', msg: 'api.err.ServerError' }, data: [] });
	});

	it('forces malformed payloads', async () => {
		await start();
		const site = world.sites.find((s) => s.unifi.statistics.counts.wifiClient > 0)!.unifi.localSiteName;
		emu.malformNext('GET /proxy/network/api/s/:site/stat/sta');
		const bad = await call(`/proxy/network/api/s/${site}/stat/sta`);
		expect(bad.body.data[0].signal).toBe('strong');
		expect(typeof (await call(`/proxy/network/api/s/${site}/stat/sta`)).body.data[0].signal).toBe('number');
		await fetch(`${emu.url}/__sandbox/malform`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ routeRegex: 'networkconf$' }) });
		const net = await call(`/proxy/network/api/s/${site}/rest/networkconf`);
		expect(net.body.data[0].vlan).toBe('ten');
	});

	it('parses the documented filter grammar: quotes, UUIDs, timestamps, like, in, sets, and/or/not', () => {
		const props = { name: 'STRING', id: 'UUID', at: 'TIMESTAMP', n: 'INTEGER', on: 'BOOLEAN', tags: 'SET', 'meta.kind': 'STRING' } as const;
		const item = { name: "O'Brien guest1", id: '550E8400-E29B-41D4-A716-446655440000', at: '2026-03-01T10:00:00.000Z', n: 20, on: true, tags: ['a', 'b'], meta: { kind: 'x' } };
		const match = (filter: string) => evaluateFilter(parseFilter(filter, props), item);
		expect(match("name.eq('O''Brien guest1')")).toBe(true);
		expect(match("name.like('O''Brien guest.')")).toBe(true);
		expect(match("name.like('*guest')")).toBe(false);
		expect(match('id.eq(550e8400-e29b-41d4-a716-446655440000)')).toBe(true);
		expect(match('at.gt(2026-03-01)')).toBe(true);
		expect(match('at.lt(2026-03-01T09:00:00Z)')).toBe(false);
		expect(match('n.in(10, 20, 30)')).toBe(true);
		expect(match('n.notIn(10, 30)')).toBe(true);
		expect(match('on.eq(true)')).toBe(true);
		expect(match("tags.containsAll('a', 'b')")).toBe(true);
		expect(match("tags.containsExactly('a')")).toBe(false);
		expect(match("tags.containsAny('z', 'b')")).toBe(true);
		expect(match('tags.isEmpty()')).toBe(false);
		expect(match("meta.kind.eq('x')")).toBe(true);
		expect(match("and(n.ge(20), or(name.isNull(), not(on.eq(false))))")).toBe(true);
		for (const bad of ['n.eq(1.5)', "n.eq('20')", 'on.eq(1)', "id.eq('550e8400-e29b-41d4-a716-446655440000')", 'name.like(x)', 'n.like(2)', 'tags.eq(1)', 'name.isNull(1)', 'n.in()', 'not(n.eq(1), n.eq(2))', "nope.eq('x')", 'name', "name.eq('x'"]) {
			expect(() => parseFilter(bad, props)).toThrow();
		}
	});
});
