import { NodeApiError, NodeOperationError, type ILoadOptionsFunctions } from 'n8n-workflow';
import { resetRateLimiters } from '../../../lib/http';
import { UnifiSites } from '../../../nodes/UnifiSites/UnifiSites.node';
import { startSandbox, type Sandbox } from '../../sandbox';
import { fakeExecute, itFailsPerItemOnConfigErrors, rl, runNode } from './fakeExecute';

describe('UniFi Sites node (fake IExecuteFunctions, sandbox)', () => {
	let sandbox: Sandbox;
	const node = new UnifiSites();
	const creds = () => ({
		mspUnifiSiteManagerApi: { apiKey: sandbox.credentials.unifiApiKey, baseUrl: sandbox.urls.unifi },
		mspUnifiNetworkApi: { consoleUrl: sandbox.urls.unifiNetwork, apiKey: sandbox.credentials.unifiNetworkApiKey, allowSelfSigned: false, pathPrefix: '/proxy/network' },
	});

	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['unifi', 'unifiNetwork'] });
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.unifi!.reset();
		sandbox.unifiNetwork!.reset();
		resetRateLimiters();
	});

	it('describes the node as n8n expects', () => {
		const d = node.description;
		expect(d.name).toBe('unifiSites');
		expect(d.usableAsTool).toBe(true);
		expect(d.credentials?.map((c) => c.name)).toEqual(['mspUnifiSiteManagerApi', 'mspUnifiNetworkApi', 'supabaseApi']);
		expect(d.credentials?.[0].displayOptions?.hide?.source).toEqual(['console']);
		// When each key is asked for: test/unit/credentialDisplay.test.ts.
		expect(d.credentials?.[1].displayOptions?.hide).toEqual({ resource: ['host', 'ispMetric', 'site'], source: ['siteManager', 'connector'] });
		expect(d.version).toEqual([1, 1.1]);
		// Version 1 nodes keep reading the local console; 1.1 defaults to the connector.
		const sources = d.properties.filter((p) => p.name === 'source' && (p.displayOptions?.show?.resource as string[]).includes('client'));
		expect(sources.map((p) => p.default)).toEqual(['console', 'connector']);
		const resource = d.properties.find((p) => p.name === 'resource')!;
		const names = (resource.options as Array<{ name: string }>).map((o) => o.name);
		expect(names).toEqual([...names].sort());
		expect(Object.keys(node.methods.listSearch)).toEqual(['searchHosts', 'searchLocalSites', 'searchSites']);
	});

	it('Site > Get Many (Return All) returns all 98 simplified sites with pairedItem', async () => {
		const out = await runNode(node, { params: { resource: 'site', operation: 'getAll', returnAll: true, simplify: true }, credentials: creds() });
		expect(out).toHaveLength(98);
		expect(out.every((o) => o.json.kind === 'unifi.site')).toBe(true);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(out[0].json).toHaveProperty('devices.total');
		const total = out.reduce((n, o) => n + ((o.json.devices as { total: number }).total ?? 0), 0);
		expect(total).toBe(492);
	});

	it('Site > Get Many honours Limit per input item and pairs items', async () => {
		const out = await runNode(node, {
			params: [
				{ resource: 'site', operation: 'getAll', returnAll: false, limit: 3, simplify: true },
				{ resource: 'site', operation: 'getAll', returnAll: false, limit: 2, simplify: false },
			],
			credentials: creds(),
		});
		expect(out).toHaveLength(5);
		expect(out.map((o) => (o.pairedItem as { item: number }).item)).toEqual([0, 0, 0, 1, 1]);
		expect(out[3].json).toHaveProperty('meta.desc');
		expect(out[3].json.kind).toBeUndefined();
		expect(sandbox.unifi!.count('GET /v1/sites')).toBe(2);
	});

	it('Site > Get finds a site by ID (resource locator)', async () => {
		const site = sandbox.world.sites[10].unifi;
		const out = await runNode(node, { params: { resource: 'site', operation: 'get', site: rl(site.siteId, 'id'), simplify: true }, credentials: creds() });
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ kind: 'unifi.site', siteId: site.siteId, hostId: site.hostId });
	});

	it('Host > Get Many and Host > Get', async () => {
		const hosts = await runNode(node, { params: { resource: 'host', operation: 'getAll', returnAll: false, limit: 7, simplify: true }, credentials: creds() });
		expect(hosts).toHaveLength(7);
		expect(hosts[0].json.kind).toBe('unifi.host');
		const one = await runNode(node, { params: { resource: 'host', operation: 'get', host: rl(String(hosts[2].json.hostId)), simplify: true }, credentials: creds() });
		expect(one[0].json.hostId).toBe(hosts[2].json.hostId);
	});

	it('Device > Get Many flattens devices with host and site, all 492 or up to Limit', async () => {
		const all = await runNode(node, { params: { resource: 'device', operation: 'getAll', host: rl(''), returnAll: true, simplify: true }, credentials: creds() });
		expect(all).toHaveLength(492);
		expect(all.every((o) => o.json.kind === 'unifi.device' && typeof o.json.siteId === 'string' && typeof o.json.hostId === 'string')).toBe(true);
		const world = sandbox.world.sites[0];
		const first = all.find((o) => o.json.hostId === world.unifi.hostId)!;
		expect(first.json.siteId).toBe(world.unifi.siteId);
		expect(first.json.siteName).toBe(world.customerName);
		sandbox.unifi!.clearLog();
		const limited = await runNode(node, { params: { resource: 'device', operation: 'getAll', host: rl(''), returnAll: false, limit: 10, simplify: true }, credentials: creds() });
		expect(limited).toHaveLength(10);
		expect(sandbox.unifi!.count('GET /v1/devices')).toBe(1);
		const byHost = await runNode(node, { params: { resource: 'device', operation: 'getAll', host: rl(world.unifi.hostId, 'id'), returnAll: true, simplify: false }, credentials: creds() });
		expect(byHost).toHaveLength(world.unifi.devicePlan.total);
		expect(byHost[0].json).toMatchObject({ hostId: world.unifi.hostId, siteId: world.unifi.siteId });
	});

	it('ISP Metric > Get by duration and by time range, optionally for one site', async () => {
		const out = await runNode(node, {
			params: { resource: 'ispMetric', operation: 'get', metricType: '5m', timeMode: 'duration', duration5m: '24h', filterSite: false, returnAll: false, limit: 4, simplify: true },
			credentials: creds(),
		});
		expect(out).toHaveLength(4);
		expect(out[0].json.kind).toBe('unifi.ispMetrics');
		const site = sandbox.world.sites[7].unifi;
		const ranged = await runNode(node, {
			params: {
				resource: 'ispMetric',
				operation: 'get',
				metricType: '1h',
				timeMode: 'range',
				beginTimestamp: new Date(Date.now() - 5 * 3600_000).toISOString(),
				endTimestamp: '',
				filterSite: true,
				site: rl(site.siteId, 'id'),
				returnAll: true,
				simplify: true,
			},
			credentials: creds(),
		});
		expect(ranged).toHaveLength(1);
		expect(ranged[0].json).toMatchObject({ siteId: site.siteId, hostId: site.hostId, metricType: '1h' });
		expect(sandbox.unifi!.requestLog.every((r) => r.route.startsWith('GET /ea/isp-metrics'))).toBe(true);
	});

	it('ISP Metric > Get rejects an invalid time range with the field named', async () => {
		const error = await runNode(node, {
			params: { resource: 'ispMetric', operation: 'get', metricType: '1h', timeMode: 'range', beginTimestamp: 'yesterday-ish', endTimestamp: '', filterSite: false, returnAll: true, simplify: true },
			credentials: creds(),
		}).catch((e: unknown) => e);
		expect((error as Error).message).toMatch(/beginTimestamp: expected an ISO 8601 date and time such as 2026-11-22T06:00:00Z \(without an offset it is read in UTC\)/);
	});

	it('Client > Get Many (local console) returns WiFi clients with signal, one site or all sites up to Limit', async () => {
		const world = sandbox.world.sites[1];
		const one = await runNode(node, {
			params: { resource: 'client', operation: 'getAll', allSites: false, localSite: rl(world.unifi.localSiteName), returnAll: true, simplify: true },
			credentials: creds(),
		});
		expect(one).toHaveLength(world.unifi.clients.filter((c) => !c.isWired).length);
		expect(one.every((o) => o.json.kind === 'unifi.client' && (o.json.signalDbm as number) < 0 && o.json.site === world.unifi.localSiteName)).toBe(true);
		sandbox.unifiNetwork!.clearLog();
		const many = await runNode(node, { params: { resource: 'client', operation: 'getAll', allSites: true, returnAll: false, limit: 20, simplify: true }, credentials: creds() });
		expect(many).toHaveLength(20);
		const siteCalls = sandbox.unifiNetwork!.count('GET /proxy/network/api/s/:site/stat/sta');
		expect(siteCalls).toBeLessThan(98);
		expect(siteCalls).toBeGreaterThanOrEqual(1);
	});

	it('Network > Get Many (local console) returns networks and VLANs', async () => {
		const world = sandbox.world.sites[3];
		const out = await runNode(node, {
			params: { resource: 'network', operation: 'getAll', allSites: false, localSite: rl(world.unifi.localSiteName, 'id'), vlanOnly: true, returnAll: true, simplify: true },
			credentials: creds(),
		});
		expect(out).toHaveLength(world.unifi.networks.filter((n) => n.vlan !== null).length);
		expect(out.every((o) => o.json.kind === 'unifi.network' && typeof o.json.vlan === 'number')).toBe(true);
	});

	it('uses the credential that belongs to the resource', async () => {
		const siteRun = fakeExecute({ params: { resource: 'site', operation: 'getAll', returnAll: false, limit: 1, simplify: true }, credentials: creds() });
		await node.execute.call(siteRun.ctx);
		expect(siteRun.credentialCalls).toEqual(['mspUnifiSiteManagerApi']);
		const netRun = fakeExecute({ params: { resource: 'network', operation: 'getAll', allSites: true, vlanOnly: false, returnAll: false, limit: 1, simplify: true }, credentials: creds() });
		await node.execute.call(netRun.ctx);
		expect(netRun.credentialCalls).toEqual(['mspUnifiNetworkApi']);
	});

	it('throws NodeApiError with the service message on 401, or returns error items with continueOnFail', async () => {
		const bad = { ...creds(), mspUnifiSiteManagerApi: { apiKey: 'nope-wrong-key-1234', baseUrl: sandbox.urls.unifi } };
		const params = { resource: 'site', operation: 'getAll', returnAll: true, simplify: true };
		const error = await runNode(node, { params, credentials: bad }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toMatch(/returned 401: UNAUTHORIZED: invalid API key/);
		expect((error as NodeApiError).httpCode).toBe('401');
		expect(JSON.stringify(error)).not.toContain('nope-wrong-key-1234');
		const out = await runNode(node, { params, credentials: bad, items: 2, continueOnFail: true });
		expect(out).toHaveLength(2);
		expect(out[1].pairedItem).toEqual({ item: 1 });
		expect(String(out[1].json.error)).toMatch(/401/);
	});

	describe('a credential that cannot make a client fails per item, like any other error', () => {
		const siteManagerOps: Array<Record<string, unknown>> = [
			{ resource: 'site', operation: 'getAll', returnAll: true, simplify: true },
			{ resource: 'site', operation: 'get', site: rl('66f0c1e2a3b4c5d6e7f80912', 'id'), simplify: true },
			{ resource: 'host', operation: 'getAll', returnAll: true, simplify: true },
			{ resource: 'host', operation: 'get', host: rl('some-host', 'id'), simplify: true },
			{ resource: 'device', operation: 'getAll', host: rl(''), returnAll: true, simplify: true },
			{ resource: 'ispMetric', operation: 'get', metricType: '1h', timeMode: 'duration', duration1h: '7d', filterSite: false, returnAll: true, simplify: true },
		];
		const networkOps: Array<Record<string, unknown>> = [
			{ resource: 'client', operation: 'getAll', allSites: true, returnAll: true, simplify: true },
			{ resource: 'network', operation: 'getAll', allSites: true, vlanOnly: false, returnAll: true, simplify: true },
		];
		const cases = () => [
			...siteManagerOps.flatMap((params) => [
				{ params, credentials: { ...creds(), mspUnifiSiteManagerApi: { apiKey: '', baseUrl: sandbox.urls.unifi } }, message: /has no API key/ },
				{ params, credentials: { ...creds(), mspUnifiSiteManagerApi: { apiKey: 'some-key-123', baseUrl: 'api.ui.com' } }, message: /base URL "api.ui.com" must start with https:\/\// },
			]),
			...networkOps.flatMap((params) => [
				{ params, credentials: { ...creds(), mspUnifiNetworkApi: { consoleUrl: sandbox.urls.unifiNetwork, apiKey: '  ' } }, message: /has no API key/ },
				{ params, credentials: { ...creds(), mspUnifiNetworkApi: { consoleUrl: '192.168.1.1', apiKey: 'some-key-123' } }, message: /console URL "192.168.1.1" must look like/ },
			]),
		];

		itFailsPerItemOnConfigErrors(node, cases, () => sandbox.unifi!.count() + sandbox.unifiNetwork!.count());
	});

	it('fails a malformed payload with the field in the node error', async () => {
		sandbox.unifi!.malformNext('GET /v1/sites');
		const error = await runNode(node, { params: { resource: 'site', operation: 'getAll', returnAll: true, simplify: true }, credentials: creds() }).catch((e: unknown) => e);
		expect((error as Error).message).toMatch(/data\[0\]\.meta: expected object/);
		expect((error as { description?: string }).description).toMatch(/Field: data\[0\]\.meta/);
	});
	it('list searches: cloud sites and hosts by name, console sites by description', async () => {
		const ctx = { getCredentials: async (name: string) => (creds() as Record<string, unknown>)[name], getNode: () => ({ name: 'UniFi Sites' }) } as unknown as ILoadOptionsFunctions;
		const world = sandbox.world.sites[12];
		const sites = await node.methods.listSearch.searchSites.call(ctx, world.customerName.slice(0, 8));
		expect(sites.results.some((r) => r.value === world.unifi.siteId && r.name === world.customerName)).toBe(true);
		const all = await node.methods.listSearch.searchSites.call(ctx);
		expect(all.results).toHaveLength(98);
		const hosts = await node.methods.listSearch.searchHosts.call(ctx);
		expect(hosts.results).toHaveLength(98);
		const local = await node.methods.listSearch.searchLocalSites.call(ctx, world.customerName);
		expect(local.results.find((r) => r.value === world.unifi.localSiteName)).toBeDefined();
	});
});
