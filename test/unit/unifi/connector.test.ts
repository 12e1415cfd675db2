import { resetRateLimiters } from '../../../lib/http';
import { readConsoles, UnifiSiteManagerClient, type ConsoleReadRequest } from '../../../lib/unifi';
import type { UnifiConsoleClientRecord, UnifiConsoleDeviceRecord, UnifiConsoleNetworkRecord } from '../../../lib/domain';
import { UnifiSites } from '../../../nodes/UnifiSites/UnifiSites.node';
import { startSandbox, type Sandbox } from '../../sandbox';
import type { EmulatorOptions } from '../../sandbox/core';
import type { UnifiSiteManagerOptions } from '../../sandbox/unifi';
import { rl, runNode } from './fakeExecute';

/**
 * Cloud-wide reads through the Site Manager connector against the sandbox: one Network application per console of
 * the seeded world, with offline consoles, one below the firmware floor and one that times out.
 */

async function sandboxWith(options: UnifiSiteManagerOptions = {}, sites = 98): Promise<Sandbox> {
	return startSandbox({ services: ['unifi'], world: { sites }, emulator: { unifi: options as EmulatorOptions } });
}

function clientFor(sandbox: Sandbox) {
	return new UnifiSiteManagerClient({ apiKey: sandbox.credentials.unifiApiKey, baseUrl: sandbox.urls.unifi, connector: { timeoutMs: 10_000, retry: { retries: 1, minDelayMs: 10, maxDelayMs: 20 } } });
}

describe('readConsoles through the connector (sandbox)', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await sandboxWith({ connectorTimeoutMs: 200 });
	});
	afterAll(() => sandbox.stop());
	beforeEach(() => {
		sandbox.unifi!.reset();
		resetRateLimiters();
	});

	const read = (request: Partial<ConsoleReadRequest>) => readConsoles(clientFor(sandbox), { resource: 'device', scope: { kind: 'all' }, ...request });

	it('reads the access points of every console, joins them to their Site Manager site, and lists the consoles it could not read', async () => {
		const world = sandbox.world;
		const result = await read({ accessPointsOnly: true, statisticsFor: 'accessPoints' });
		const offline = world.sites.filter((s) => s.unifi.host.state !== 'connected');
		expect(offline.length).toBe(5);
		expect(result.consolesAsked).toBe(98);
		expect(result.consolesRead).toBe(98 - offline.length - 2);

		// Consoles not read: named, with why, in console order.
		const byHost = new Map(result.consoles.map((c) => [c.hostId, c]));
		for (const s of offline) expect(byHost.get(s.unifi.hostId)).toMatchObject({ status: 'skipped', reason: 'offline (Site Manager state "disconnected")', siteIds: [s.unifi.siteId] });
		expect(byHost.get(world.connector.belowFloorHostIds[0])).toMatchObject({ status: 'skipped', firmwareVersion: '4.2.8', reason: expect.stringMatching(/^console firmware 4\.2\.8 is below 5\.0\.3/) });
		expect(byHost.get(world.connector.timeoutHostIds[0])).toMatchObject({ status: 'unreachable', httpStatus: 408, code: 'REQUEST_TIMEOUT', reason: expect.stringMatching(/^did not answer in time/) });
		// Asked once: the connector has already waited its whole timeout, a retry would wait it again.
		expect(sandbox.unifi!.requestLog.filter((e) => e.path.includes(world.connector.timeoutHostIds[0]) && e.status === 408)).toHaveLength(1);
		expect(result.consoles).toHaveLength(7);

		// Every AP of every console that was read, with its Site Manager site and host, statistics as the world has them.
		const notRead = new Set(result.consoles.map((c) => c.hostId));
		const records = result.entries.map((e) => e.record as UnifiConsoleDeviceRecord);
		const expected = world.sites.filter((s) => !notRead.has(s.unifi.hostId)).flatMap((s) => s.unifi.devices.filter((d) => d.role === 'ap').map((d) => ({ s, d })));
		expect(records).toHaveLength(expected.length);
		const byDevice = new Map(records.map((r) => [r.deviceId, r]));
		for (const { s, d } of expected) {
			const r = byDevice.get(d.integrationId)!;
			expect({ hostId: r.hostId, siteId: r.siteId, consoleSite: r.consoleSite, isAccessPoint: r.isAccessPoint, isOnline: r.isOnline }).toEqual({
				hostId: s.unifi.hostId,
				siteId: s.unifi.siteId,
				consoleSite: 'default',
				isAccessPoint: true,
				isOnline: d.status === 'online',
			});
			expect(r.statistics?.radios ?? null).toEqual(d.radios ? d.radios.map((x) => ({ frequencyGHz: x.frequencyGHz, txRetriesPct: x.txRetriesPct })) : null);
		}

		// Cost: per console read, sites + devices + one statistics call per online AP; the timed-out console once (no
		// retry after a timeout); the skipped ones nothing. Plus /v1/sites and /v1/hosts.
		const onlineAps = expected.filter(({ d }) => d.status === 'online').length;
		const consoleCalls = sandbox.unifi!.count() - sandbox.unifi!.count('GET /v1/sites') - sandbox.unifi!.count('GET /v1/hosts');
		expect(consoleCalls).toBe(result.consolesRead * 2 + onlineAps + 1);
	});

	it('reads consoles concurrently: 24 consoles do not take 24 sequential round trips', async () => {
		const slow = await sandboxWith({ connectorTimeoutMs: 50, faults: { slowRate: 1, slowMs: 100, match: 'connector' } }, 24);
		try {
			const started = Date.now();
			const result = await readConsoles(clientFor(slow), { resource: 'device', scope: { kind: 'all' }, statisticsFor: 'none', settings: { concurrency: 8 } });
			const elapsed = Date.now() - started;
			const connectorCalls = slow.unifi!.count() - slow.unifi!.count('GET /v1/sites') - slow.unifi!.count('GET /v1/hosts');
			expect(result.consolesRead).toBeGreaterThan(15);
			// Sequentially each call would wait its 100 ms in turn.
			expect(elapsed).toBeLessThan(connectorCalls * 100 * 0.4);
		} finally {
			await slow.stop();
		}
	});

	it('with Skip Offline off and no firmware floor, the connector\'s own answers say why', async () => {
		const result = await read({ statisticsFor: 'none', settings: { skipOffline: false, minFirmware: '' } });
		const world = sandbox.world;
		const byHost = new Map(result.consoles.map((c) => [c.hostId, c]));
		const offline = world.sites.find((s) => s.unifi.host.state !== 'connected')!;
		expect(byHost.get(offline.unifi.hostId)).toMatchObject({ status: 'unreachable', httpStatus: 502, reason: expect.stringMatching(/^offline or not answering through the connector \(HTTP 502 BAD_GATEWAY\)/) });
		expect(byHost.get(world.connector.belowFloorHostIds[0])).toMatchObject({ status: 'unreachable', httpStatus: 403, reason: expect.stringMatching(/^not accessible with this Site Manager key, or its firmware has no connector/) });
	});

	it('one console, or the console of one site; an unknown site fails the read', async () => {
		const site = sandbox.world.sites.find((s) => s.unifi.host.state === 'connected' && !sandbox.world.connector.timeoutHostIds.includes(s.unifi.hostId))!;
		const one = await read({ scope: { kind: 'site', siteId: site.unifi.siteId }, statisticsFor: 'none' });
		expect(one.consolesAsked).toBe(1);
		expect(one.entries.map((e) => (e.record as UnifiConsoleDeviceRecord).mac).sort()).toEqual(site.unifi.devices.map((d) => d.mac).sort());
		const host = await read({ scope: { kind: 'host', hostId: site.unifi.hostId }, resource: 'network' });
		const networks = host.entries.map((e) => e.record as UnifiConsoleNetworkRecord);
		expect(networks.map((n) => n.vlan).sort()).toEqual(site.unifi.networks.filter((n) => n.networkgroup === 'LAN').map((n) => n.vlan ?? 1).sort());
		expect(networks.every((n) => n.siteId === site.unifi.siteId && n.hostId === site.unifi.hostId)).toBe(true);
		await expect(read({ scope: { kind: 'site', siteId: 'nope' } })).rejects.toThrow(/UniFi site "nope" was not found/);
	});

	it('pages through a console with a small page size and gets the same records', async () => {
		const site = sandbox.world.sites.find((s) => s.unifi.host.state === 'connected' && s.unifi.devices.length > 5 && !sandbox.world.connector.timeoutHostIds.includes(s.unifi.hostId))!;
		const scope = { kind: 'site' as const, siteId: site.unifi.siteId };
		const big = await read({ scope, statisticsFor: 'none' });
		sandbox.unifi!.reset();
		const small = await read({ scope, statisticsFor: 'none', settings: { pageSize: 2 } });
		expect(small.entries.map((e) => e.record)).toEqual(big.entries.map((e) => e.record));
		expect(sandbox.unifi!.count() - sandbox.unifi!.count('GET /v1/sites') - sandbox.unifi!.count('GET /v1/hosts')).toBe(1 + Math.ceil(site.unifi.devices.length / 2));
	});

	it('clients: WiFi only by default type filter; legacy signal only when the connector answers it', async () => {
		const site = sandbox.world.sites.find((s) => s.unifi.host.state === 'connected' && !sandbox.world.connector.timeoutHostIds.includes(s.unifi.hostId) && !sandbox.world.connector.belowFloorHostIds.includes(s.unifi.hostId))!;
		const scope = { kind: 'site' as const, siteId: site.unifi.siteId };
		const wifi = site.unifi.clients.filter((c) => !c.isWired);
		const strict = await read({ resource: 'client', scope, clientTypes: ['WIRELESS'], legacyWifi: true });
		const clients = strict.entries.map((e) => e.record as UnifiConsoleClientRecord);
		expect(clients.map((c) => c.mac).sort()).toEqual(wifi.map((c) => c.mac).sort());
		expect(clients.every((c) => c.type === 'WIRELESS' && c.signalDbm === null)).toBe(true);
		expect(strict.consoles).toEqual([expect.objectContaining({ status: 'partial', reason: expect.stringMatching(/legacy WiFi signal not available through the connector \(HTTP 404/) })]);

		const lenient = await sandboxWith({ connectorLegacyApi: true });
		try {
			const s2 = lenient.world.sites.find((s) => s.unifi.siteId === site.unifi.siteId)!;
			const result = await readConsoles(clientFor(lenient), { resource: 'client', scope, clientTypes: ['WIRELESS'], legacyWifi: true });
			expect(result.consoles).toEqual([]);
			const signals = new Map(s2.unifi.clients.map((c) => [c.mac, c.signal]));
			expect(result.entries.map((e) => (e.record as UnifiConsoleClientRecord).signalDbm)).toEqual(result.entries.map((e) => signals.get((e.record as UnifiConsoleClientRecord).mac!)));
		} finally {
			await lenient.stop();
		}
	});
});

describe('connector path styles (sandbox)', () => {
	it('Auto finds the shape the connector accepts; the wrong fixed shape reports every console', async () => {
		const noProxy = await sandboxWith({ connectorPathStyle: 'noProxy' }, 12);
		try {
			const client = clientFor(noProxy);
			const auto = await readConsoles(client, { resource: 'network', scope: { kind: 'all' }, settings: { pathStyle: 'auto' } });
			expect(auto.consoles.filter((c) => c.status === 'unreachable' && c.httpStatus !== 408)).toEqual([]);
			expect(auto.entries.length).toBeGreaterThan(0);
			const fixed = await readConsoles(client, { resource: 'network', scope: { kind: 'all' }, settings: { pathStyle: 'proxy' } });
			expect(fixed.entries).toEqual([]);
			expect(fixed.consoles.filter((c) => c.status === 'unreachable').every((c) => c.httpStatus === 404 || c.httpStatus === 408)).toBe(true);
		} finally {
			await noProxy.stop();
		}
	});
});

describe('UniFi Sites node through the connector (fake IExecuteFunctions, sandbox)', () => {
	let sandbox: Sandbox;
	const node = new UnifiSites();
	beforeAll(async () => {
		sandbox = await sandboxWith({ connectorTimeoutMs: 100 }, 20);
	});
	afterAll(() => sandbox.stop());
	beforeEach(() => resetRateLimiters());
	const creds = () => ({ mspUnifiSiteManagerApi: { apiKey: sandbox.credentials.unifiApiKey, baseUrl: sandbox.urls.unifi } });

	it('Device > Get Many (connector): access points with statistics, then one item per console not read', async () => {
		const out = await runNode(node, {
			params: { resource: 'device', operation: 'getAll', source: 'connector', consoleScope: 'all', accessPointsOnly: true, statisticsFor: 'accessPoints', connectorOptions: { timeoutSec: 5 }, returnAll: true, simplify: true },
			credentials: creds(),
		});
		const kinds = out.map((o) => o.json.kind);
		const firstConsole = kinds.indexOf('unifi.console');
		expect(firstConsole).toBeGreaterThan(0);
		expect(kinds.slice(0, firstConsole).every((k) => k === 'unifi.consoleDevice')).toBe(true);
		expect(kinds.slice(firstConsole).every((k) => k === 'unifi.console')).toBe(true);
		expect(out.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('Network > Get Many (connector) for one console, raw with Simplify off, VLANs only', async () => {
		const site = sandbox.world.sites.find((s) => s.unifi.host.state === 'connected' && !sandbox.world.connector.timeoutHostIds.includes(s.unifi.hostId) && !sandbox.world.connector.belowFloorHostIds.includes(s.unifi.hostId))!;
		const out = await runNode(node, {
			params: { resource: 'network', operation: 'getAll', source: 'connector', consoleScope: 'host', host: rl(site.unifi.hostId), vlanOnly: true, connectorOptions: {}, returnAll: true, simplify: false },
			credentials: creds(),
		});
		expect(out.map((o) => o.json.vlanId).sort()).toEqual(site.unifi.networks.filter((n) => n.vlan !== null && n.networkgroup === 'LAN').map((n) => n.vlan).sort());
		expect(out.every((o) => o.json.hostId === site.unifi.hostId && o.json.siteId === site.unifi.siteId && typeof o.json.consoleSiteId === 'string')).toBe(true);
	});

	it('refuses bad connector options with the field named', async () => {
		await expect(
			runNode(node, { params: { resource: 'client', operation: 'getAll', source: 'connector', consoleScope: 'all', connectorOptions: { pageSize: 500 }, returnAll: true, simplify: true }, credentials: creds() }),
		).rejects.toThrow(/pageSize/);
	});
});

describe('UniFi Sites node on a local console through its Integration API (credential API: Official Integration API)', () => {
	let sandbox: Sandbox;
	const node = new UnifiSites();
	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['unifiNetwork'], world: { sites: 6 } });
	});
	afterAll(() => sandbox.stop());
	beforeEach(() => resetRateLimiters());
	const creds = () => ({
		mspUnifiNetworkApi: { consoleUrl: sandbox.urls.unifiNetwork, apiKey: sandbox.credentials.unifiNetworkApiKey, allowSelfSigned: false, pathPrefix: '/proxy/network', api: 'integration' },
	});

	it('Device, Client and Network of one console site, with the console URL as hostId and no Site Manager siteId', async () => {
		const site = sandbox.world.sites[1];
		const local = { allSites: false, localSite: rl(site.unifi.localSiteName, 'id'), returnAll: true, simplify: true };
		const devices = await runNode(node, { params: { resource: 'device', operation: 'getAll', source: 'console', accessPointsOnly: false, statisticsFor: 'accessPoints', ...local }, credentials: creds() });
		expect(devices.map((d) => d.json.mac).sort()).toEqual(site.unifi.devices.map((d) => d.mac).sort());
		expect(devices.every((d) => d.json.kind === 'unifi.consoleDevice' && d.json.hostId === sandbox.urls.unifiNetwork && d.json.siteId === null)).toBe(true);
		const onlineAps = site.unifi.devices.filter((d) => d.role === 'ap' && d.status === 'online');
		expect(devices.filter((d) => d.json.statistics !== null).length).toBe(onlineAps.length);

		const clients = await runNode(node, { params: { resource: 'client', operation: 'getAll', source: 'console', clientTypes: [], ...local }, credentials: creds() });
		expect(clients.map((c) => c.json.mac).sort()).toEqual(site.unifi.clients.map((c) => c.mac).sort());
		expect(clients.every((c) => c.json.kind === 'unifi.consoleClient' && c.json.signalDbm === null)).toBe(true);

		const networks = await runNode(node, { params: { resource: 'network', operation: 'getAll', source: 'console', vlanOnly: true, ...local }, credentials: creds() });
		expect(networks.map((n) => n.json.vlan).sort()).toEqual(site.unifi.networks.filter((n) => n.vlan !== null && n.networkgroup === 'LAN').map((n) => n.vlan).sort());
	});

	it('an unknown local site names the sites the console has', async () => {
		await expect(
			runNode(node, { params: { resource: 'network', operation: 'getAll', source: 'console', allSites: false, localSite: rl('nope', 'id'), vlanOnly: false, returnAll: true, simplify: true }, credentials: creds() }),
		).rejects.toThrow(/UniFi site "nope" was not found on console .*Integration API sites: /);
	});
});
