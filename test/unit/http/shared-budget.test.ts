import { getRateLimiter, resetRateLimiters, type ServiceHttpClient } from '../../../lib/http';
import { clearNinjaTokenCache, NinjaOneClient } from '../../../lib/ninjaone';
import { createNotionTransport } from '../../../lib/notion';
import { UnifiNetworkClient } from '../../../lib/unifi/networkClient';
import { UnifiSiteManagerClient } from '../../../lib/unifi/siteManagerClient';
import { startSandbox, type Sandbox } from '../../sandbox';

/**
 * Every client built on one credential must draw from the same token buckets, or two nodes of a workflow
 * together send twice the rate the service allows.
 */

const bucketOf = (http: ServiceHttpClient, name = 'default') => {
	const bucket = http.rateLimiter(name);
	if (!bucket) throw new Error(`no ${name} bucket`);
	return bucket;
};

describe('one rate budget per service and credential', () => {
	beforeEach(() => {
		resetRateLimiters();
		clearNinjaTokenCache();
	});

	it('NinjaOne: two clients on one credential share the API bucket and the token bucket', () => {
		const options = { clientId: 'client-a', clientSecret: 'secret-a-123456', region: 'custom' as const, baseUrl: 'https://ninja.example.com' };
		const a = new NinjaOneClient(options);
		const b = new NinjaOneClient(options);
		expect(bucketOf(b.http)).toBe(bucketOf(a.http));
		expect(bucketOf(b['tokenHttp'], 'token')).toBe(bucketOf(a['tokenHttp'], 'token'));
		// The token limit and the API limit are different buckets: neither replaces the other.
		expect(bucketOf(a['tokenHttp'], 'token')).not.toBe(bucketOf(a.http));
		expect(bucketOf(a.http).configuredRequestsPerSecond).toBe(9);
		expect(bucketOf(a['tokenHttp'], 'token').configuredRequestsPerSecond).toBe(2);
		// Another client ID is another budget.
		expect(bucketOf(new NinjaOneClient({ ...options, clientId: 'client-b' }).http)).not.toBe(bucketOf(a.http));
	});

	it('UniFi Site Manager: both buckets (v1 and early access) are shared', () => {
		const a = new UnifiSiteManagerClient({ apiKey: 'unifi-key-123456' });
		const b = new UnifiSiteManagerClient({ apiKey: 'unifi-key-123456' });
		expect(bucketOf(b.http)).toBe(bucketOf(a.http));
		expect(bucketOf(b.http, 'ea')).toBe(bucketOf(a.http, 'ea'));
		expect(bucketOf(a.http, 'ea')).not.toBe(bucketOf(a.http));
		expect(bucketOf(new UnifiSiteManagerClient({ apiKey: 'other-key-123456' }).http)).not.toBe(bucketOf(a.http));
	});

	it('UniFi Network and Notion: one bucket per console/integration', () => {
		const net = () => new UnifiNetworkClient({ consoleUrl: 'https://192.168.1.1', apiKey: 'console-key-123456' });
		expect(bucketOf(net().http)).toBe(bucketOf(net().http));
		const notion = () => createNotionTransport({ token: 'notion-token-123456' });
		expect(bucketOf(notion().http)).toBe(bucketOf(notion().http));
	});

	it('a changed limit updates the shared bucket instead of giving the new client a bucket of its own', () => {
		const first = getRateLimiter('notion', 'cred', { requestsPerSecond: 3, burst: 3 });
		const second = getRateLimiter('notion', 'cred', { requestsPerSecond: 5, burst: 2 });
		expect(second).toBe(first);
		expect(first.configuredRequestsPerSecond).toBe(5);
		expect(first.capacity).toBe(2);
		expect(getRateLimiter('notion', 'cred', { requestsPerSecond: 5, burst: 2 }, 'other')).not.toBe(first);
	});
});

describe('two NinjaOne clients on one credential against the emulator', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['ninjaone'] });
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.ninjaone!.reset();
		resetRateLimiters();
		clearNinjaTokenCache();
	});

	it('stay together under the limit both are configured for', async () => {
		// The service allows 5/s with a burst of 5; each client is configured a little below that.
		sandbox.ninjaone!.setRateLimit('default', { kind: 'bucket', ratePerSec: 5, burst: 5 });
		const client = () =>
			new NinjaOneClient({
				clientId: sandbox.credentials.ninjaClientId,
				clientSecret: sandbox.credentials.ninjaClientSecret,
				region: 'custom',
				baseUrl: sandbox.urls.ninjaone,
				rateLimit: { requestsPerSecond: 4, burst: 4 },
				retry: { retries: 0 },
			});
		const [a, b] = [client(), client()];
		const id = sandbox.world.ninjaOrganizations[0].devices[0].id;
		const results = await Promise.allSettled([...Array.from({ length: 6 }, () => a.getDevice(id)), ...Array.from({ length: 6 }, () => b.getDevice(id))]);
		expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
		expect(sandbox.ninjaone!.statusCounters.get(429) ?? 0).toBe(0);
		expect(sandbox.ninjaone!.count('GET /v2/device/:id')).toBe(12);
	});
});
