import { AuthenticationError, ValidationError } from '../../../lib/errors';
import { resetRateLimiters } from '../../../lib/http';
import { isWifiClient, simplifyNetwork, simplifyWifiClient, UnifiNetworkClient, type UnifiNetworkOptions } from '../../../lib/unifi';
import { startSandbox, type Sandbox } from '../../sandbox';

const fastSleep = () => Promise.resolve();

describe('UniFi Network (local console) client against the emulator', () => {
	let sandbox: Sandbox;
	const client = (options: Partial<UnifiNetworkOptions> = {}) =>
		new UnifiNetworkClient({ consoleUrl: sandbox.urls.unifiNetwork!, apiKey: sandbox.credentials.unifiNetworkApiKey, sleep: fastSleep, ...options });

	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['unifiNetwork'] });
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.unifiNetwork!.reset();
		resetRateLimiters();
	});

	it('lists the console sites and reads WiFi clients with signal for one site', async () => {
		const sites = await client().listSites();
		expect(sites).toHaveLength(98);
		const worldSite = sandbox.world.sites[2];
		const site = sites.find((s) => s.name === worldSite.unifi.localSiteName)!;
		expect(site.desc).toBe(worldSite.customerName);
		const clients = await client().listClients(site.name);
		const wifi = clients.filter(isWifiClient);
		expect(wifi.length).toBe(worldSite.unifi.clients.filter((c) => !c.isWired).length);
		const record = simplifyWifiClient(wifi[0] as (typeof wifi)[0] & { signal: number }, site);
		expect(record.kind).toBe('unifi.client');
		expect(record.signalDbm).toBeLessThan(0);
		expect(record.site).toBe(site.name);
		expect(record.siteId).toBe(worldSite.unifi.siteId);
	});

	it('reads networks with VLANs', async () => {
		const worldSite = sandbox.world.sites[4];
		const networks = await client().listNetworks(worldSite.unifi.localSiteName);
		expect(networks).toHaveLength(worldSite.unifi.networks.length);
		const records = networks.map((n) => simplifyNetwork(n, { _id: worldSite.unifi.siteId, name: worldSite.unifi.localSiteName, desc: worldSite.customerName }));
		const vlans = records.filter((r) => r.vlan !== null);
		expect(vlans.length).toBe(worldSite.unifi.networks.filter((n) => n.vlan !== null).length);
		expect(vlans.every((v) => v.kind === 'unifi.network' && typeof v.vlan === 'number')).toBe(true);
	});

	it('without the /proxy/network prefix (classic controller paths) the API key is refused, as classic controllers have no API keys', async () => {
		const error = await client({ pathPrefix: '' }).listSites().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AuthenticationError);
		expect((error as Error).message).toMatch(/returned 401: api\.err\.LoginRequired/);
		expect(sandbox.unifiNetwork!.count('GET /api/self/sites')).toBe(1);
		expect(sandbox.unifiNetwork!.count('GET /proxy/network/api/self/sites')).toBe(0);
	});

	it('explains an unknown site', async () => {
		await expect(client().listClients('no-such-site')).rejects.toThrow(/api\.err\.NoSiteContext: the site does not exist on this console/);
	});

	it('fails clearly on 401 without showing the key', async () => {
		const wrong = 'local-wrong-key-5566778899';
		const error = await client({ apiKey: wrong }).listSites().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AuthenticationError);
		expect((error as Error).message).toMatch(/returned 401: api\.err\.LoginRequired\. Check the API key of the UniFi Network credential/);
		expect((error as Error).message).not.toContain(wrong);
	});

	it('retries a 502 HTML page from the console proxy and a 429', async () => {
		sandbox.unifiNetwork!.scriptFaults([{ status: 502 }, { status: 429, headers: { 'Retry-After': '0' } }], /stat\/sta/);
		const clients = await client().listClients(sandbox.world.sites[0].unifi.localSiteName);
		expect(clients.length).toBeGreaterThan(0);
		expect(sandbox.unifiNetwork!.count('GET /proxy/network/api/s/:site/stat/sta')).toBe(3);
	});

	it('rejects a malformed client payload naming the field', async () => {
		sandbox.unifiNetwork!.malformNext('GET /proxy/network/api/s/:site/stat/sta');
		const error = await client().listClients(sandbox.world.sites[0].unifi.localSiteName).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).field).toBe('data[0].signal');
		expect((error as ValidationError).expected).toBe('number');
		sandbox.unifiNetwork!.malformNext('GET /proxy/network/api/s/:site/rest/networkconf');
		await expect(client().listNetworks(sandbox.world.sites[0].unifi.localSiteName)).rejects.toMatchObject({ field: 'data[0].vlan', expected: 'number' });
	});
});
