import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
	clearRegisteredSecrets,
	DEFAULT_METRICS_WINDOW,
	globalMetrics,
	MAX_REGISTERED_SECRETS,
	MetricsRecorder,
	redact,
	registeredSecretCount,
	registerSecret,
	ServiceHttpClient,
	type RawRequest,
	type RawResponse,
} from '../../../lib/http';

/**
 * A production n8n process runs for months. Every call through lib/http records a metric into the process-wide
 * recorder and every OAuth token is registered for redaction; neither may grow with the number of calls.
 */

jest.setTimeout(120_000);

// A real full collection before each heap reading, without needing node --expose-gc.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

function heapUsedAfterGc(): number {
	for (let i = 0; i < 3; i++) collect();
	return process.memoryUsage().heapUsed;
}

const ok: RawResponse = { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"data":[]}') };

describe('memory stays flat over 100,000 calls', () => {
	afterEach(() => {
		globalMetrics.reset();
		clearRegisteredSecrets();
	});

	it('metrics and registered secrets are bounded, and redaction still masks the current token', async () => {
		let token = '';
		let calls = 0;
		// A service that answers every call, and fails one in 1,000 with a body that echoes the current token.
		const transport = async (request: RawRequest): Promise<RawResponse> => {
			calls += 1;
			if (calls % 1_000 === 0) {
				return { status: 500, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ message: `token ${request.headers.authorization} rejected` })) };
			}
			return ok;
		};
		const client = new ServiceHttpClient({
			service: 'ninjaone',
			baseUrl: 'https://ninja.example.com',
			credentialKey: 'memory-test',
			headers: () => ({ authorization: token }),
			retry: { retries: 0 },
			transport,
		});
		let failures = 0;
		let lastMessage = '';
		const run = async (from: number, to: number) => {
			for (let i = from; i < to; i++) {
				// A fresh token per call: months of hourly token rotations for many credentials, compressed.
				token = `access-token-${i}-${(i * 2654435761) % 1e9}`;
				registerSecret(token);
				try {
					await client.request({ operation: 'listDevices', path: '/v2/devices' });
				} catch (error) {
					failures += 1;
					lastMessage = (error as Error).message;
				}
			}
		};

		await run(0, 10_000);
		const before = heapUsedAfterGc();
		await run(10_000, 100_000);
		const after = heapUsedAfterGc();
		const growthMb = (after - before) / 1024 / 1024;

		expect(calls).toBe(100_000);
		expect(failures).toBe(100);
		// Unbounded, 90,000 more call records and secrets add well over 10 MB.
		expect(growthMb).toBeLessThan(3);
		expect(globalMetrics.recorded).toBe(100_000);
		expect(globalMetrics.calls).toHaveLength(DEFAULT_METRICS_WINDOW);
		expect(globalMetrics.summary()).toMatchObject({ calls: 100_000, failed: 100 });
		expect(globalMetrics.summary().byOperation['ninjaone:listDevices']).toMatchObject({ calls: 100_000, failed: 100 });
		expect(registeredSecretCount()).toBe(MAX_REGISTERED_SECRETS);
		// The token of the last failing call was registered recently: it is masked.
		expect(lastMessage).toContain('returned 500');
		expect(lastMessage).not.toMatch(/access-token-99999/);
	});

	it('the metrics window keeps the most recent calls, oldest first', () => {
		const metrics = new MetricsRecorder({ window: 3 });
		for (let i = 0; i < 5; i++) metrics.record({ service: 's', operation: `op${i}`, method: 'GET', status: 200, durationMs: 1, retries: 0, rateLimited: 0, ok: true, throttledMs: 0 });
		expect(metrics.calls.map((m) => m.operation)).toEqual(['op2', 'op3', 'op4']);
		expect(metrics.recorded).toBe(5);
		expect(metrics.summary().calls).toBe(5);
		expect(metrics.summary((m) => m.operation === 'op0').calls).toBe(0);
	});

	it('operation totals are bounded too', () => {
		const metrics = new MetricsRecorder({ maxOperations: 2 });
		for (let i = 0; i < 10; i++) metrics.record({ service: 's', operation: `op${i}`, method: 'GET', status: 200, durationMs: 1, retries: 0, rateLimited: 0, ok: true, throttledMs: 0 });
		expect(Object.keys(metrics.summary().byOperation)).toEqual(['s:op0', 's:op1', 's:other']);
		expect(metrics.summary().byOperation['s:other'].calls).toBe(8);
	});

	it('forgets the least recently registered secret first, and re-registering keeps a secret', () => {
		for (let i = 0; i < MAX_REGISTERED_SECRETS; i++) registerSecret(`secret-number-${i}`);
		registerSecret('secret-number-0');
		registerSecret('one-more-secret');
		expect(registeredSecretCount()).toBe(MAX_REGISTERED_SECRETS);
		expect(redact('secret-number-0 secret-number-1 one-more-secret')).toBe('[REDACTED] secret-number-1 [REDACTED]');
	});

	it('does not sort the secrets again for every message', () => {
		for (let i = 0; i < 100; i++) registerSecret(`secret-value-${i}`);
		const sort = jest.spyOn(Array.prototype, 'sort');
		try {
			for (let i = 0; i < 1_000; i++) redact(`message ${i} with secret-value-${i % 100}`, ['secret-value-7']);
			expect(sort.mock.calls.length).toBeLessThanOrEqual(1);
		} finally {
			sort.mockRestore();
		}
		expect(redact('a secret-value-42 b')).toBe('a [REDACTED] b');
	});
});
