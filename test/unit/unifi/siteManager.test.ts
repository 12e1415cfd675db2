import { AuthenticationError, NotFoundError, RateLimitError, ValidationError } from '../../../lib/errors';
import { resetRateLimiters } from '../../../lib/http';
import { simplifyDevice, simplifyIspMetrics, simplifySite, UnifiSiteManagerClient, type UnifiSiteManagerOptions } from '../../../lib/unifi';
import { startSandbox, type Sandbox } from '../../sandbox';

const fastSleep = () => Promise.resolve();

describe('UniFi Site Manager client against the emulator', () => {
	let sandbox: Sandbox;
	const key = () => sandbox.credentials.unifiApiKey;
	const client = (options: Partial<UnifiSiteManagerOptions> = {}) =>
		new UnifiSiteManagerClient({
			apiKey: key(),
			baseUrl: sandbox.urls.unifi,
			sleep: fastSleep,
			rateLimits: { ea: { requestsPerSecond: 1000, burst: 1000 } },
			...options,
		});

	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['unifi'] });
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.unifi!.reset();
		resetRateLimiters();
	});

	it('pages sites with nextToken over several pages and returns all 98 with statistics', async () => {
		const sites = await client({ pageSize: 25 }).listSites();
		expect(sites).toHaveLength(98);
		expect(new Set(sites.map((s) => s.siteId)).size).toBe(98);
		expect(sandbox.unifi!.count('GET /v1/sites')).toBe(4);
		const requests = sandbox.unifi!.requestLog.filter((r) => r.route === 'GET /v1/sites');
		expect(requests).toHaveLength(4);
		const record = simplifySite(sites[0]);
		expect(record.kind).toBe('unifi.site');
		expect(record.name).toBe(sandbox.world.sites[0].customerName);
		expect(record.devices.total).toBe(sandbox.world.sites[0].unifi.statistics.counts.totalDevice);
	});

	it('honours Limit without fetching further pages', async () => {
		const c = client({ pageSize: 25 });
		const sites = await c.listSites({ limit: 30 });
		expect(sites).toHaveLength(30);
		expect(sandbox.unifi!.count('GET /v1/sites')).toBe(2);
		sandbox.unifi!.clearLog();
		const few = await client().listSites({ limit: 5 });
		expect(few).toHaveLength(5);
		expect(sandbox.unifi!.count('GET /v1/sites')).toBe(1);
	});

	it('gets one site by id and reports a missing one as not found', async () => {
		const wanted = sandbox.world.sites[60].unifi.siteId;
		const site = await client({ pageSize: 25 }).getSite(wanted);
		expect(site.siteId).toBe(wanted);
		expect(sandbox.unifi!.count('GET /v1/sites')).toBe(3);
		await expect(client().getSite('000000000000000000000000')).rejects.toBeInstanceOf(NotFoundError);
	});

	it('pages hosts and reads one host', async () => {
		const hosts = await client({ pageSize: 40 }).listHosts();
		expect(hosts).toHaveLength(98);
		expect(sandbox.unifi!.count('GET /v1/hosts')).toBe(3);
		const host = await client().getHost(hosts[3].id);
		expect(host.id).toBe(hosts[3].id);
	});

	it('pages device groups, counts devices for Limit, and filters by host', async () => {
		const groups = await client({ pageSize: 10 }).listDeviceGroups();
		expect(groups.reduce((n, g) => n + g.devices.length, 0)).toBe(492);
		expect(sandbox.unifi!.count('GET /v1/devices')).toBe(10);
		sandbox.unifi!.clearLog();
		const limited = await client({ pageSize: 10 }).listDeviceGroups({ limit: 12 });
		const count = limited.reduce((n, g) => n + g.devices.length, 0);
		expect(count).toBeGreaterThanOrEqual(12);
		expect(sandbox.unifi!.count('GET /v1/devices')).toBeLessThan(10);
		const hostId = sandbox.world.sites[5].unifi.hostId;
		const one = await client().listDeviceGroups({ hostIds: [hostId] });
		expect(one).toHaveLength(1);
		expect(one[0].hostId).toBe(hostId);
		const record = simplifyDevice(one[0].devices[0], one[0], { siteId: 's', name: 'n' });
		expect(record).toMatchObject({ kind: 'unifi.device', hostId, siteId: 's', siteName: 'n' });
	});

	it('reads ISP metrics from the early-access path with a duration or a time range', async () => {
		const c = client({ pageSize: 50 });
		const fiveMinutes = await c.listIspMetrics({ type: '5m', duration: '24h' });
		expect(fiveMinutes).toHaveLength(98);
		expect(sandbox.unifi!.count('GET /ea/isp-metrics/:type')).toBe(2);
		const record = simplifyIspMetrics(fiveMinutes[0]);
		expect(record.kind).toBe('unifi.ispMetrics');
		expect(record.periods.length).toBeGreaterThan(200);
		expect(typeof record.periods[0].avgLatencyMs).toBe('number');
		const end = new Date();
		const begin = new Date(end.getTime() - 6 * 3600_000);
		const hourly = await c.listIspMetrics({ type: '1h', beginTimestamp: begin.toISOString(), endTimestamp: end.toISOString(), limit: 3 });
		expect(hourly).toHaveLength(3);
		expect(hourly[0].periods.length).toBeGreaterThanOrEqual(5);
		expect(() => c.listIspMetrics({ type: '5m', duration: '7d' })).toThrow(/not available for 5m/);
	});

	it('fails with a clear authentication error on 401 and never shows the key', async () => {
		const wrong = 'wrong-unifi-key-9f8e7d6c';
		const error = await new UnifiSiteManagerClient({ apiKey: wrong, baseUrl: sandbox.urls.unifi, sleep: fastSleep }).listSites().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AuthenticationError);
		const e = error as AuthenticationError;
		expect(e.httpStatus).toBe(401);
		expect(e.message).toMatch(/UniFi Site Manager GET \/v1\/sites returned 401: UNAUTHORIZED: invalid API key/);
		expect(e.message).toMatch(/unifi\.ui\.com > API/);
		expect(e.message).not.toContain(wrong);
		expect(JSON.stringify(e.toJSON())).not.toContain(wrong);
	});

	it('retries a 429 (scripted) and succeeds', async () => {
		sandbox.unifi!.scriptFaults([{ status: 429, headers: { 'Retry-After': '0' } }], /GET \/v1\/sites/);
		const sites = await client().listSites();
		expect(sites).toHaveLength(98);
		expect(sandbox.unifi!.statusCounters.get(429)).toBe(1);
		expect(sandbox.unifi!.count('GET /v1/sites')).toBe(2);
	});

	it('waits out a tiny emulator rate limit on the EA bucket (real Retry-After)', async () => {
		sandbox.unifi!.setRateLimit('ea', { kind: 'window', limit: 2, windowMs: 1000 });
		const c = new UnifiSiteManagerClient({ apiKey: key(), baseUrl: sandbox.urls.unifi, pageSize: 30, rateLimits: { ea: { requestsPerSecond: 1000, burst: 1000 } } });
		const started = Date.now();
		const metrics = await c.listIspMetrics({ type: '1h', duration: '7d' });
		expect(metrics).toHaveLength(98);
		expect(sandbox.unifi!.statusCounters.get(429) ?? 0).toBeGreaterThanOrEqual(1);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	}, 20_000);

	it('gives up with a RateLimitError when 429s do not stop', async () => {
		sandbox.unifi!.scriptFaults(Array.from({ length: 10 }, () => ({ status: 429, headers: { 'Retry-After': '0' } })), /GET \/v1\/hosts/);
		const error = await client({ retry: { retries: 2 } }).listHosts().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RateLimitError);
		expect((error as RateLimitError).message).toMatch(/429: RATE_LIMIT: rate limit exceeded/);
	});

	it('rejects a malformed site payload naming the field and what was expected', async () => {
		sandbox.unifi!.malformNext('GET /v1/sites');
		const error = await client().listSites().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ValidationError);
		const e = error as ValidationError;
		expect(e.field).toBe('data[0].meta');
		expect(e.expected).toBe('object');
		expect(e.message).toMatch(/Invalid UniFi Site Manager GET \/v1\/sites response: data\[0\]\.meta: expected object, received "malformed-meta"/);
	});

	it('rejects malformed device and ISP metric payloads and invalid JSON', async () => {
		sandbox.unifi!.malformNext('GET /v1/devices');
		await expect(client().listDeviceGroups()).rejects.toMatchObject({ kind: 'validation', field: 'data[0].devices[0].id', expected: 'string' });
		sandbox.unifi!.malformNext('GET /ea/isp-metrics/:type');
		await expect(client().listIspMetrics({ type: '1h', duration: '7d' })).rejects.toMatchObject({ kind: 'validation', field: 'data[0].periods', expected: 'array' });
		sandbox.unifi!.malformNext('GET /v1/hosts', 'invalid-json');
		await expect(client().listHosts()).rejects.toMatchObject({ kind: 'validation', expected: 'a JSON document', message: expect.stringMatching(/^UniFi Site Manager GET \/v1\/hosts returned 200 with a body that is not valid JSON/) });
	});
});
