import * as zlib from 'node:zlib';
import { MspOpsError, NetworkError } from '../../../lib/errors';
import { credentialKey, mapConcurrent, resetRateLimiters, ServiceHttpClient } from '../../../lib/http';
import { compareVersions, deviceRecord, unreachableReason, UnifiIntegrationApi, UnifiSiteManagerClient } from '../../../lib/unifi';

/** The parts of the connector read that need no emulator: versions, concurrency, paths, bodies, reasons, records. */

describe('compareVersions', () => {
	it.each([
		['5.0.16', '5.0.3', 1],
		['5.0.3', '5.0.3', 0],
		['5.0', '5.0.3', -1],
		['4.2.8', '5.0.3', -1],
		['10.0.1', '9.9.9', 1],
		['5.0.3-beta', '5.0.3', 0],
	])('%s vs %s = %i', (a, b, expected) => {
		expect(compareVersions(a, b)).toBe(expected);
	});
	it('is undefined for what is not a version (so an unknown firmware is tried, not skipped)', () => {
		expect(compareVersions('unknown', '5.0.3')).toBeUndefined();
		expect(compareVersions('', '5.0.3')).toBeUndefined();
	});
});

describe('mapConcurrent', () => {
	it('keeps input order and never runs more than the limit at once', async () => {
		let running = 0;
		let peak = 0;
		const out = await mapConcurrent([50, 10, 30, 5, 20, 1], 3, async (ms, i) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((r) => setTimeout(r, ms));
			running--;
			return i * 10;
		});
		expect(out).toEqual([0, 10, 20, 30, 40, 50]);
		expect(peak).toBe(3);
	});
	it('rejects with the first failure and starts nothing new after it', async () => {
		const started: number[] = [];
		await expect(
			mapConcurrent([1, 2, 3, 4, 5], 1, async (n) => {
				started.push(n);
				if (n === 2) throw new Error('boom');
				return n;
			}),
		).rejects.toThrow('boom');
		expect(started).toEqual([1, 2]);
	});
	it('handles an empty list', async () => {
		expect(await mapConcurrent([], 4, async () => 1)).toEqual([]);
	});
});

describe('connector paths', () => {
	const sm = new UnifiSiteManagerClient({ apiKey: 'k'.repeat(32), baseUrl: 'https://api.ui.com' });
	it('with and without /proxy, host id kept readable', () => {
		const id = '7483C2AAAA0000000000000000000000000000002F53:1104024121';
		expect(sm.connectorNetworkPath(id, 'proxy')).toBe(`/v1/connector/consoles/${id}/proxy/network`);
		expect(sm.connectorNetworkPath(id, 'noProxy')).toBe(`/v1/connector/consoles/${id}/network`);
		expect(sm.connectorNetworkPath('a/b', 'proxy')).toBe('/v1/connector/consoles/a%2Fb/proxy/network');
	});
	it('connector requests share the key\'s rate bucket with /v1', () => {
		expect(sm.connectorHttp.rateLimiter()).toBe(sm.http.rateLimiter());
	});
});

describe('bodies and paging', () => {
	afterEach(() => resetRateLimiters());
	const clientWith = (respond: (url: URL) => { status: number; body: Buffer; headers?: Record<string, string> }) =>
		new ServiceHttpClient({
			service: 'unifi',
			baseUrl: 'https://api.ui.com',
			credentialKey: credentialKey('test'),
			transport: async (req) => {
				const r = respond(req.url);
				return { status: r.status, headers: r.headers ?? { 'content-type': 'application/json' }, body: r.body };
			},
			retry: { retries: 0 },
		});

	it('reads a gzip body sent without Content-Encoding (seen from UniFi-hosted consoles)', async () => {
		const http = clientWith(() => ({ status: 200, body: zlib.gzipSync(JSON.stringify({ applicationVersion: '10.1.68' })), headers: {} }));
		const api = new UnifiIntegrationApi(http, { networkPath: '/v1/connector/consoles/h1/proxy/network', label: 'console h1' });
		expect(await api.info()).toBe('10.1.68');
	});

	it('walks offset pages to totalCount with the asked page size, and refuses a page that does not continue', async () => {
		const asked: string[] = [];
		const all = Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, internalReference: `r${i}`, name: `Site ${i}` }));
		const http = clientWith((url) => {
			asked.push(url.search);
			const offset = Number(url.searchParams.get('offset'));
			const limit = Number(url.searchParams.get('limit'));
			const data = all.slice(offset, offset + limit);
			return { status: 200, body: Buffer.from(JSON.stringify({ offset, limit, count: data.length, totalCount: all.length, data })) };
		});
		const api = new UnifiIntegrationApi(http, { networkPath: '/proxy/network', label: 'console', pageSize: 2 });
		expect((await api.listSites()).map((s) => s.id)).toEqual(['s0', 's1', 's2', 's3', 's4']);
		expect(asked).toEqual(['?offset=0&limit=2', '?offset=2&limit=2', '?offset=4&limit=2']);

		const stuck = clientWith(() => ({ status: 200, body: Buffer.from(JSON.stringify({ offset: 0, limit: 2, count: 2, totalCount: 5, data: all.slice(0, 2) })) }));
		await expect(new UnifiIntegrationApi(stuck, { networkPath: '/proxy/network', label: 'console X', pageSize: 2 }).listSites()).rejects.toThrow(/answered offset 0 when asked for 2/);
	});

	it('never asks for more than 200 per page', () => {
		expect(new UnifiIntegrationApi(clientWith(() => ({ status: 200, body: Buffer.from('{}') })), { networkPath: '', label: 'c', pageSize: 5000 }).pageSize).toBe(200);
	});
});

describe('unreachableReason', () => {
	const http = { redact: (t: string) => t };
	it.each([
		[502, 'offline or not answering'],
		[408, 'did not answer in time'],
		[403, 'not accessible with this Site Manager key'],
		[404, 'no Network Integration API'],
		[500, 'HTTP 500'],
	])('HTTP %i says "%s"', (status, text) => {
		const error = new MspOpsError(`UniFi GET /v1/connector/consoles/h/proxy/network/integration/v1/sites returned ${status}: CODE: the words`, { service: 'unifi', httpStatus: status, code: 'CODE' });
		const reason = unreachableReason(error, http);
		expect(reason).toContain(text);
		expect(reason).toContain('the words');
	});
	it('a timeout without a status', () => {
		expect(unreachableReason(new NetworkError('UniFi GET /x failed: no response within 30000 ms', { service: 'unifi', code: 'ETIMEDOUT' }), http)).toMatch(/^no answer through the connector/);
	});
});

describe('deviceRecord', () => {
	const ref = { hostId: 'h', siteId: 's', consoleSiteId: 'cs', consoleSite: 'default' };
	it('reads features as a list or an object, and frequency as a string or a number', () => {
		const ap = deviceRecord({ id: 'd', macAddress: 'aa', state: 'ONLINE', features: { accessPoint: {} } }, ref, { interfaces: { radios: [{ frequencyGHz: 2.4, txRetriesPct: 7 }, { frequencyGHz: '5', txRetriesPct: null }] } });
		expect(ap).toMatchObject({ isAccessPoint: true, isGateway: false, isOnline: true, statistics: { radios: [{ frequencyGHz: '2.4', txRetriesPct: 7 }, { frequencyGHz: '5', txRetriesPct: null }] } });
		const gw = deviceRecord({ id: 'g', macAddress: 'bb', state: 'OFFLINE', features: ['gateway', 'switching'] }, ref, undefined);
		expect(gw).toMatchObject({ isGateway: true, isSwitch: true, isOnline: false, statistics: null, name: 'bb' });
	});
	it('takes radios at the top level too (a shape one public client models)', () => {
		expect(deviceRecord({ id: 'd', macAddress: 'aa', state: 'ONLINE', features: ['accessPoint'] }, ref, { radios: [{ frequencyGHz: '6', txRetriesPct: 3 }] }).statistics?.radios).toEqual([{ frequencyGHz: '6', txRetriesPct: 3 }]);
	});
});
