import { SANDBOX_CREDENTIALS } from './credentials';
import { UnifiNetworkEmulator, type UnifiNetworkOptions } from './unifiNetwork';
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
		expect((await call('/proxy/network/integration/v1/sites?limit=0')).status).toBe(400);
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
});
