import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthenticationError, MspOpsError, NetworkError, RateLimitError } from '../../../lib/errors';
import { credentialKey, MetricsRecorder, resetRateLimiters, ServiceHttpClient, type ServiceClientConfig } from '../../../lib/http';

/** A scripted local server: each request takes the next behaviour from the queue (the last one repeats). */
type Behaviour =
	| { status: number; body?: unknown; headers?: Record<string, string> }
	| { reset: true }
	| { hangMs: number };

interface Received {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
	body: string;
	at: number;
}

async function startServer(script: Behaviour[]) {
	const received: Received[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString(), at: Date.now() });
			const behaviour = script.length > 1 ? script.shift()! : script[0];
			if ('reset' in behaviour) {
				req.socket.destroy();
				return;
			}
			if ('hangMs' in behaviour) {
				setTimeout(() => res.writeHead(200).end('{}'), behaviour.hangMs).unref();
				return;
			}
			res.writeHead(behaviour.status, { 'content-type': 'application/json', ...(behaviour.headers ?? {}) });
			res.end(behaviour.body === undefined ? '' : JSON.stringify(behaviour.body));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		received,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

const SECRET = 'super-secret-api-key-123456';
const sleeps: number[] = [];
const fastSleep = async (ms: number) => {
	sleeps.push(ms);
};

function client(url: string, extra: Partial<ServiceClientConfig> = {}) {
	return new ServiceHttpClient({
		service: 'unifi',
		baseUrl: url,
		credentialKey: credentialKey(SECRET),
		headers: () => ({ 'x-api-key': SECRET }),
		secrets: [SECRET],
		retry: { retries: 3, minDelayMs: 10, maxDelayMs: 50 },
		sleep: fastSleep,
		random: () => 0.5,
		metrics: new MetricsRecorder(),
		...extra,
	});
}

describe('ServiceHttpClient', () => {
	let server: Awaited<ReturnType<typeof startServer>> | undefined;
	beforeEach(() => {
		sleeps.length = 0;
		resetRateLimiters();
	});
	afterEach(async () => {
		await server?.close();
		server = undefined;
	});

	it('returns parsed JSON with auth headers and query parameters', async () => {
		server = await startServer([{ status: 200, body: { data: [1, 2] } }]);
		const res = await client(server.url).request({ operation: 'list', path: '/v1/sites', query: { pageSize: 2, 'hostIds[]': ['a', 'b'], skip: undefined } });
		expect(res.data).toEqual({ data: [1, 2] });
		expect(server.received[0].headers['x-api-key']).toBe(SECRET);
		expect(server.received[0].url).toBe('/v1/sites?pageSize=2&hostIds%5B%5D=a&hostIds%5B%5D=b');
	});

	it('waits the Retry-After seconds of a 429 and then succeeds', async () => {
		server = await startServer([
			{ status: 429, body: { code: 'RATE_LIMIT', message: 'rate limit exceeded, retry after 2s' }, headers: { 'retry-after': '2' } },
			{ status: 200, body: { ok: true } },
		]);
		const metrics = new MetricsRecorder();
		const res = await client(server.url, { metrics }).request({ operation: 'list', path: '/v1/hosts' });
		expect(res.data).toEqual({ ok: true });
		expect(sleeps).toEqual([2000]);
		expect(metrics.calls[0]).toMatchObject({ retries: 1, rateLimited: 1, ok: true, status: 200 });
	});

	it('honours Retry-After given as an HTTP date', async () => {
		const date = new Date(Date.now() + 3_000).toUTCString();
		server = await startServer([{ status: 429, headers: { 'retry-after': date } }, { status: 200, body: {} }]);
		await client(server.url).request({ operation: 'list', path: '/x' });
		expect(sleeps[0]).toBeGreaterThan(1_000);
		expect(sleeps[0]).toBeLessThanOrEqual(3_000);
	});

	it('retries a 429 even for a non-idempotent POST (the call was refused, not processed)', async () => {
		server = await startServer([{ status: 429, headers: { 'retry-after': '1' } }, { status: 201, body: { id: 1 } }]);
		const res = await client(server.url).request({ operation: 'create', method: 'POST', path: '/x', json: { a: 1 } });
		expect(res.status).toBe(201);
		expect(server.received).toHaveLength(2);
	});

	it('gives up after the retry budget with a RateLimitError carrying the wait', async () => {
		server = await startServer([{ status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '1' } }]);
		const error = await client(server.url).request({ operation: 'list', path: '/x' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RateLimitError);
		expect((error as RateLimitError).retryAfterMs).toBe(1000);
		expect(server.received).toHaveLength(4);
	});

	it('does not wait for a Retry-After longer than the policy allows', async () => {
		server = await startServer([{ status: 429, headers: { 'retry-after': '3600' } }]);
		const error = await client(server.url).request({ operation: 'list', path: '/x' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RateLimitError);
		expect(server.received).toHaveLength(1);
		expect(sleeps).toEqual([]);
	});

	it('retries 5xx with exponential backoff for idempotent calls', async () => {
		server = await startServer([{ status: 503 }, { status: 502 }, { status: 200, body: { ok: 1 } }]);
		await client(server.url).request({ operation: 'get', path: '/x' });
		expect(server.received).toHaveLength(3);
		// random()=0.5: attempt 1 -> 10 + 0.5*(10-10) = 10, attempt 2 -> 10 + 0.5*(20-10) = 15
		expect(sleeps).toEqual([10, 15]);
	});

	it('never retries a 5xx on a non-idempotent call blindly', async () => {
		server = await startServer([{ status: 502, body: { message: 'bad gateway' } }, { status: 201 }]);
		const error = await client(server.url).request({ operation: 'create', method: 'POST', path: '/x', json: {} }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(MspOpsError);
		expect((error as MspOpsError).httpStatus).toBe(502);
		expect((error as MspOpsError).retryable).toBe(true);
		expect(server.received).toHaveLength(1);
	});

	it('retries a connection reset for idempotent calls, not for creates', async () => {
		server = await startServer([{ reset: true }, { status: 200, body: { ok: 1 } }]);
		await expect(client(server.url).request({ operation: 'get', path: '/x' })).resolves.toMatchObject({ status: 200 });
		await server.close();
		server = await startServer([{ reset: true }, { status: 201 }]);
		const error = await client(server.url).request({ operation: 'create', method: 'POST', path: '/x', json: {} }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NetworkError);
		expect(server.received).toHaveLength(1);
	});

	it('times out a hanging call as a NetworkError', async () => {
		server = await startServer([{ hangMs: 2_000 }]);
		const started = Date.now();
		const error = await client(server.url, { timeoutMs: 150, retry: { retries: 0 } })
			.request({ operation: 'get', path: '/x' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NetworkError);
		expect((error as NetworkError).code).toBe('ETIMEDOUT');
		expect(Date.now() - started).toBeLessThan(1_500);
	});

	it('with retryTimeouts off, tries neither a 408 nor a call that timed out again, and still retries a 502', async () => {
		const noTimeoutRetries = { retries: 3, minDelayMs: 10, maxDelayMs: 50, retryTimeouts: false };
		server = await startServer([{ status: 408, body: { code: 'REQUEST_TIMEOUT' } }, { status: 200, body: {} }]);
		const answered408 = await client(server.url, { retry: noTimeoutRetries }).request({ operation: 'get', path: '/x' }).catch((e: unknown) => e);
		expect((answered408 as MspOpsError).httpStatus).toBe(408);
		expect(server.received).toHaveLength(1);
		await server.close();

		server = await startServer([{ hangMs: 2_000 }, { status: 200, body: {} }]);
		const silent = await client(server.url, { timeoutMs: 150, retry: noTimeoutRetries }).request({ operation: 'get', path: '/x' }).catch((e: unknown) => e);
		expect((silent as NetworkError).code).toBe('ETIMEDOUT');
		expect(server.received).toHaveLength(1);
		await server.close();

		server = await startServer([{ status: 502 }, { status: 200, body: { ok: 1 } }]);
		await expect(client(server.url, { retry: noTimeoutRetries }).request({ operation: 'get', path: '/x' })).resolves.toMatchObject({ status: 200 });
		expect(server.received).toHaveLength(2);
		expect(sleeps).toEqual([10]);
	});

	it('retries a 408 by default, as it does a 5xx', async () => {
		server = await startServer([{ status: 408 }, { status: 200, body: { ok: 1 } }]);
		await expect(client(server.url).request({ operation: 'get', path: '/x' })).resolves.toMatchObject({ status: 200 });
		expect(server.received).toHaveLength(2);
	});

	it('maps 401 to AuthenticationError without retrying and keeps the secret out of the message', async () => {
		server = await startServer([{ status: 401, body: { message: `invalid key ${SECRET}` } }]);
		const error = await client(server.url).request({ operation: 'list', path: '/v1/hosts' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AuthenticationError);
		expect((error as Error).message).toContain('UniFi Site Manager GET /v1/hosts returned 401');
		expect((error as Error).message).not.toContain(SECRET);
		expect(JSON.stringify((error as MspOpsError).toJSON())).not.toContain(SECRET);
		expect(server.received).toHaveLength(1);
	});

	it('refreshes credentials once on 401 when the client knows how', async () => {
		server = await startServer([{ status: 401 }, { status: 200, body: { ok: 1 } }]);
		let token = 'old-token-value';
		const c = client(server.url, {
			headers: () => ({ authorization: `Bearer ${token}` }),
			onUnauthorized: async () => {
				token = 'new-token-value';
				return true;
			},
		});
		await c.request({ operation: 'get', path: '/x' });
		expect(server.received.map((r) => r.headers.authorization)).toEqual(['Bearer old-token-value', 'Bearer new-token-value']);
	});

	it('can resolve the final error response for SDK adapters', async () => {
		server = await startServer([{ status: 400, body: { object: 'error', code: 'validation_error' } }]);
		const res = await client(server.url).request({ operation: 'x', method: 'POST', path: '/x', json: {}, resolveErrorResponses: true });
		expect(res.status).toBe(400);
		expect(res.data).toEqual({ object: 'error', code: 'validation_error' });
	});

	it('paces calls through the shared per-credential rate limiter', async () => {
		server = await startServer([{ status: 200, body: {} }]);
		const spec = { default: { requestsPerSecond: 20, burst: 1 } };
		// Two clients on one credential share one bucket.
		const a = client(server.url, { rateLimits: spec, sleep: undefined });
		const b = client(server.url, { rateLimits: spec, sleep: undefined });
		const started = Date.now();
		await Promise.all([0, 1, 2, 3, 4, 5].map((i) => (i % 2 ? a : b).request({ operation: 'get', path: '/x' })));
		const elapsed = Date.now() - started;
		// 6 calls at 20/s with burst 1: the last starts ~250 ms after the first.
		expect(elapsed).toBeGreaterThanOrEqual(230);
		const gaps = server.received.slice(1).map((r, i) => r.at - server!.received[i].at);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(35);
	});
});
