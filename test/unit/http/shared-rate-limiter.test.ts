import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import {
	credentialKey,
	getRateLimiter,
	perWindow,
	rateLimitStoreSettings,
	rateLimitStoreStatus,
	RedisRateLimitStore,
	resetRateLimiters,
	ServiceHttpClient,
	SharedRateLimiter,
	TokenBucket,
	useRateLimitStore,
	type RawRequest,
	type RawResponse,
	type RedisSettings,
	type WindowSpec,
} from '../../../lib/http';

/**
 * Buckets shared through Redis (docs/rate-limits.md), against the local Redis at 127.0.0.1:6379. Every test uses
 * its own key prefix and deletes its keys. Each "worker" is its own store, so its own Redis connection.
 */

const REDIS: RedisSettings = { host: '127.0.0.1', port: 6379, db: 0, tls: false };
/** A port with nothing listening: Redis "down". */
const NOTHING_LISTENS: RedisSettings = { ...REDIS, port: 1 };

const admin = new Redis({ host: REDIS.host, port: REDIS.port, db: REDIS.db, lazyConnect: true });
const stores: RedisRateLimitStore[] = [];
const prefixes: string[] = [];

function newPrefix(): string {
	const prefix = `test:${randomUUID()}:msp-ops:rate-limit`;
	prefixes.push(prefix);
	return prefix;
}

function store(prefix: string, settings: RedisSettings = REDIS, warnings: string[] = [], now?: () => number): RedisRateLimitStore {
	const created = new RedisRateLimitStore(settings, prefix, { warn: (m) => warnings.push(m), now });
	stores.push(created);
	return created;
}

function fakeTime() {
	let t = 1_000_000;
	return {
		now: () => t,
		sleep: async (ms: number) => {
			t += ms;
		},
		elapsedSince: (start: number) => t - start,
	};
}

type FakeTime = ReturnType<typeof fakeTime>;

/** A worker's bucket on a fake clock that both the process and the scripts use, so waits are exact. */
function fakeWorker(time: FakeTime, shared: RedisRateLimitStore, key: string, rate: number, burst: number, window?: WindowSpec): SharedRateLimiter {
	const local = new TokenBucket({ requestsPerSecond: rate, burst, window }, time.now, time.sleep);
	return new SharedRateLimiter(local, shared, key, { now: time.now, sleep: time.sleep, storeClock: time.now });
}

/** Two workers (two Redis connections, as two n8n processes) on one bucket of `service`, on one fake clock. */
function twoFakeWorkers(service: string, rate: number, burst: number, window?: WindowSpec) {
	const time = fakeTime();
	const prefix = newPrefix();
	const a = store(prefix);
	const key = a.key(service, 'cred', 'default');
	return { time, key, workerA: fakeWorker(time, a, key, rate, burst, window), workerB: fakeWorker(time, store(prefix), key, rate, burst, window) };
}

afterEach(async () => {
	for (const s of stores.splice(0)) await s.close();
	resetRateLimiters();
	await useRateLimitStore(undefined);
	for (const prefix of prefixes.splice(0)) {
		const keys = await admin.keys(`${prefix}*`);
		if (keys.length) await admin.del(...keys);
	}
});

afterAll(async () => {
	await admin.quit();
});

describe('shared buckets in Redis', () => {
	it('paces two workers on one credential to the shared rate, exactly, on a fake clock', async () => {
		const { time, key, workerA, workerB } = twoFakeWorkers('notion', 10, 1);
		const start = time.now();
		for (let i = 0; i < 10; i++) {
			await workerA.acquire();
			await workerB.acquire();
		}
		// 20 calls at 10/s with a burst of 1: the first goes at once, every other one 100 ms after the one before.
		// Two in-process buckets would have let both workers through at 10/s each (900 ms for all 20).
		expect(time.elapsedSince(start)).toBe(1900);
		expect(workerA.waitedMs + workerB.waitedMs).toBe(19 * 100);
	});

	it('lets a burst through at once, then paces, across workers', async () => {
		const { time, key, workerA, workerB } = twoFakeWorkers('hubspot', 10, 3);
		const start = time.now();
		await workerA.acquire();
		await workerB.acquire();
		await workerA.acquire();
		expect(time.elapsedSince(start)).toBe(0);
		await workerB.acquire();
		expect(time.elapsedSince(start)).toBe(100);
		await workerA.acquire();
		await workerB.acquire();
		expect(time.elapsedSince(start)).toBe(300);
	});

	it('keeps two workers together under a sliding window: the whole window at once, the next when the first is a window old', async () => {
		const spec = perWindow(10, 1_000, { marginMs: 0, headroom: 0 });
		const { time, key, workerA, workerB } = twoFakeWorkers('unifi', spec.requestsPerSecond, spec.burst, spec.window);
		const start = time.now();
		const sentAt: number[] = [];
		for (let i = 0; i < 15; i++) {
			await workerA.acquire();
			sentAt.push(time.elapsedSince(start));
			await workerB.acquire();
			sentAt.push(time.elapsedSince(start));
		}
		// 30 calls, 10 per second between them: 10 at once, 10 a second later, 10 two seconds later. A bucket with the
		// same rate would also allow 10 at once, but then one every 100 ms (a whole window's calls in one window
		// again only after it refilled); two in-process windows would have let 20 through at once.
		expect(sentAt).toEqual([...Array(10).fill(0), ...Array(10).fill(1_000), ...Array(10).fill(2_000)]);
		// The window's send times are one sorted set in Redis, and it never holds more than the limit.
		expect(await admin.zcard(`${key}:window`)).toBe(10);
		expect(await admin.pttl(`${key}:window`)).toBeGreaterThan(0);
	});

	it('paces concurrent calls of two workers to the shared rate on the real clock (Redis TIME)', async () => {
		const prefix = newPrefix();
		const a = store(prefix);
		const b = store(prefix);
		const key = a.key('notion', 'cred', 'default');
		const workerA = new SharedRateLimiter(new TokenBucket({ requestsPerSecond: 20, burst: 1 }), a, key);
		const workerB = new SharedRateLimiter(new TokenBucket({ requestsPerSecond: 20, burst: 1 }), b, key);
		// Connect first, so the measurement is of the pacing only.
		await Promise.all([workerA.acquire(), workerB.acquire()]);
		await admin.del(key);
		const started = performance.now();
		await Promise.all(Array.from({ length: 10 }, () => [workerA.acquire(), workerB.acquire()]).flat());
		const elapsed = performance.now() - started;
		// 20 calls at 20/s, burst 1: at least 19 intervals of 50 ms. Timers and Redis round trips only add.
		expect(elapsed).toBeGreaterThanOrEqual(19 * 50 - 5);
		expect(elapsed).toBeLessThan(19 * 50 + 1_000);
	});

	it('holds the other worker during a pause one worker was told to make (Retry-After)', async () => {
		const { time, key, workerA, workerB } = twoFakeWorkers('notion', 10, 1);
		await workerA.acquire();
		const start = time.now();
		workerA.pause(2_000);
		expect(await workerA.pauseSettled()).toBe(true);
		// A shorter pause meanwhile (another worker's 429) does not shorten it for anyone.
		workerB.pause(10);
		expect(await workerB.pauseSettled()).toBe(true);
		await workerB.acquire();
		// No turn before the pause ends; the bucket then restarts empty (one interval), as the in-process bucket does.
		expect(time.elapsedSince(start)).toBe(2_100);
		await workerA.acquire();
		expect(time.elapsedSince(start)).toBe(2_200);
	});

	it('follows the adapted rate of the worker that was answered 429', async () => {
		const time = fakeTime();
		const prefix = newPrefix();
		const a = store(prefix);
		const key = a.key('notion', 'cred', 'default');
		const worker = fakeWorker(time, a, key, 10, 1);
		worker.rateLimited(await worker.acquire());
		expect(worker.requestsPerSecond).toBe(5);
		expect(worker.cuts).toBe(1);
		const start = time.now();
		await worker.acquire();
		await worker.acquire();
		// The first of the two waits for the slot taken at 10/s, the second is spaced at the cut rate (200 ms).
		expect(time.elapsedSince(start)).toBe(300);
	});

	it('keeps a bucket key only as long as its state matters (TTL)', async () => {
		const prefix = newPrefix();
		const a = store(prefix);
		const key = a.key('notion', 'cred', 'default');
		const worker = new SharedRateLimiter(new TokenBucket({ requestsPerSecond: 2, burst: 1 }), a, key);
		await worker.acquire();
		const ttl = await admin.pttl(key);
		// 500 ms until the bucket is full again, plus one second of margin.
		expect(ttl).toBeGreaterThan(1_000);
		expect(ttl).toBeLessThanOrEqual(1_500);
		expect(key).toBe(`${prefix}:notion:cred:default`);
	});

	it('falls back to the in-process bucket when Redis is unreachable, once warned, without the password', async () => {
		const password = 'Redis-Pa55word-never-shown';
		const warnings: string[] = [];
		const prefix = newPrefix();
		const down = store(prefix, { ...NOTHING_LISTENS, username: 'limiter-user', password }, warnings);
		const worker = new SharedRateLimiter(new TokenBucket({ requestsPerSecond: 50, burst: 1 }), down, down.key('notion', 'cred', 'default'));
		const started = performance.now();
		const first = await worker.acquire();
		expect(performance.now() - started).toBeLessThan(3_000);
		const second = await worker.acquire();
		const third = await worker.acquire();
		expect([first, second, third]).toEqual([1, 2, 3]);
		// Paced in process at 50/s meanwhile.
		expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 20 - 5);
		worker.pause(10);
		expect(await worker.pauseSettled()).toBe(false);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toContain('127.0.0.1:1/0');
		expect(warnings[0]).not.toContain(password);
		expect(warnings[0]).not.toContain('limiter-user');
		expect(down.fallbacks).toBeGreaterThanOrEqual(3);
		expect(down.lastProblem ?? '').not.toContain(password);
	});

	it('does not hang on a Redis that accepts connections but never answers, and tries again after a cool-down', async () => {
		const sockets: net.Socket[] = [];
		let connections = 0;
		const silent = net.createServer((socket) => {
			connections += 1;
			sockets.push(socket);
		});
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		const port = (silent.address() as net.AddressInfo).port;
		try {
			let clock = 1_000_000;
			const warnings: string[] = [];
			const hung = store(newPrefix(), { ...REDIS, port }, warnings, () => clock);
			const worker = new SharedRateLimiter(new TokenBucket({ requestsPerSecond: 100, burst: 1 }), hung, hung.key('notion', 'cred', 'default'));
			let started = performance.now();
			expect(await worker.acquire()).toBe(1);
			// Bounded by the command timeout (2 s), then paced in process.
			expect(performance.now() - started).toBeLessThan(2_600);
			expect(warnings).toHaveLength(1);
			started = performance.now();
			await worker.acquire();
			expect(performance.now() - started).toBeLessThan(100);
			expect(connections).toBe(1);
			clock += 30_000;
			await worker.acquire();
			expect(connections).toBe(2);
			expect(hung.fallbacks).toBe(3);
		} finally {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => silent.close(resolve));
		}
	}, 15_000);

	it('does not show the password of a Redis URL either', async () => {
		const password = 'Url-Secret-Pa55';
		const warnings: string[] = [];
		const down = store(newPrefix(), { url: `redis://someone:${password}@127.0.0.1:1/3`, host: '', port: 0, db: 0, tls: false }, warnings);
		const worker = new SharedRateLimiter(new TokenBucket({ requestsPerSecond: 50, burst: 1 }), down, down.key('notion', 'cred', 'default'));
		await worker.acquire();
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toContain('redis://127.0.0.1:1/3');
		expect(warnings[0]).not.toContain(password);
		expect(warnings[0]).not.toContain('someone');
	});

	it('getRateLimiter shares through the configured store, and stays in process without one', async () => {
		const warnings: string[] = [];
		const prefix = newPrefix();
		await useRateLimitStore({ store: 'redis', redis: REDIS, keyPrefix: prefix, reason: 'test' }, { warn: (m) => warnings.push(m) });
		const bucket = getRateLimiter('notion', 'abc123', { requestsPerSecond: 3, burst: 2 });
		expect(bucket).toBeInstanceOf(SharedRateLimiter);
		expect((bucket as SharedRateLimiter).key).toBe(`${prefix}:notion:abc123:default`);
		expect(getRateLimiter('notion', 'abc123', { requestsPerSecond: 3, burst: 2 })).toBe(bucket);
		await bucket.acquire();
		expect(rateLimitStoreStatus()).toMatchObject({ store: 'redis', redis: '127.0.0.1:6379/0', fallbacks: 0 });
		expect(warnings).toEqual([]);

		resetRateLimiters();
		await useRateLimitStore({ store: 'process', reason: 'test' });
		expect(getRateLimiter('notion', 'abc123', { requestsPerSecond: 3 })).toBeInstanceOf(TokenBucket);
		expect(rateLimitStoreStatus().store).toBe('process');
	});
});

describe('a 429 seen by one worker, through ServiceHttpClient', () => {
	it("holds the other worker's calls for the Retry-After time", async () => {
		const prefix = newPrefix();
		const settings = { store: 'redis' as const, redis: REDIS, keyPrefix: prefix, reason: 'test' };
		const json = (status: number, headers: Record<string, string> = {}): RawResponse => ({
			status,
			headers: { 'content-type': 'application/json', ...headers },
			body: Buffer.from('{}'),
		});
		const worker = (transport: (request: RawRequest) => Promise<RawResponse>) =>
			new ServiceHttpClient({
				service: 'notion',
				baseUrl: 'https://api.notion.test',
				credentialKey: credentialKey('notion-token-shared-429'),
				rateLimits: { default: { requestsPerSecond: 50, burst: 5 } },
				retry: { retries: 2 },
				sleep: async () => undefined,
				transport,
			});
		// Worker A: the first call is answered 429 with Retry-After: 1 s, the retry succeeds.
		await useRateLimitStore(settings);
		let answered429At = 0;
		const sentByA: number[] = [];
		const a = worker(async () => {
			sentByA.push(Date.now());
			if (!answered429At) {
				answered429At = Date.now();
				return json(429, { 'retry-after': '1' });
			}
			return json(200);
		});
		// Worker B: its own registry and its own Redis connection, as another process.
		resetRateLimiters();
		await useRateLimitStore(settings);
		const sentByB: number[] = [];
		const b = worker(async () => {
			sentByB.push(Date.now());
			return json(200);
		});
		const key = `${prefix}:notion:${credentialKey('notion-token-shared-429')}:default`;
		const requestA = a.request({ operation: 'query', path: '/v1/x' });
		// Once A's pause is in Redis (the key then lies about a second ahead), B calls.
		let pauseSeen = false;
		for (let i = 0; i < 100 && !pauseSeen; i++) {
			pauseSeen = Number((await admin.get(key)) ?? 0) > Date.now() + 500;
			if (!pauseSeen) await new Promise((r) => setTimeout(r, 5));
		}
		expect(pauseSeen).toBe(true);
		await b.request({ operation: 'query', path: '/v1/y' });
		await requestA;
		expect(answered429At).toBeGreaterThan(0);
		expect(sentByA).toHaveLength(2);
		// Neither worker called again before the second had passed.
		expect(sentByB[0] - answered429At).toBeGreaterThanOrEqual(1_000);
		expect(sentByA[1] - answered429At).toBeGreaterThanOrEqual(1_000);
	});
});

describe('choosing where buckets live', () => {
	it('stays in process outside queue mode', () => {
		expect(rateLimitStoreSettings({})).toMatchObject({ store: 'process' });
		expect(rateLimitStoreSettings({ EXECUTIONS_MODE: 'regular', QUEUE_BULL_REDIS_HOST: 'redis' })).toMatchObject({ store: 'process' });
	});

	it("uses n8n's queue Redis in queue mode, with n8n's defaults", () => {
		expect(rateLimitStoreSettings({ EXECUTIONS_MODE: 'queue' })).toEqual({
			store: 'redis',
			redis: { host: 'localhost', port: 6379, db: 0, username: undefined, password: undefined, tls: false },
			keyPrefix: 'bull:msp-ops:rate-limit',
			reason: 'EXECUTIONS_MODE=queue',
		});
		expect(
			rateLimitStoreSettings({
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: 'redis.internal',
				QUEUE_BULL_REDIS_PORT: '6380',
				QUEUE_BULL_REDIS_DB: '2',
				QUEUE_BULL_REDIS_USERNAME: 'n8n',
				QUEUE_BULL_REDIS_PASSWORD: 'pw',
				QUEUE_BULL_REDIS_TLS: 'true',
				QUEUE_BULL_PREFIX: 'prod',
			}),
		).toMatchObject({
			store: 'redis',
			redis: { host: 'redis.internal', port: 6380, db: 2, username: 'n8n', password: 'pw', tls: true },
			keyPrefix: 'prod:msp-ops:rate-limit',
		});
	});

	it('can be opted out of, forced on, or pointed at another Redis', () => {
		expect(rateLimitStoreSettings({ EXECUTIONS_MODE: 'queue', MSP_OPS_RATE_LIMIT_STORE: 'process' })).toMatchObject({ store: 'process' });
		expect(rateLimitStoreSettings({ MSP_OPS_RATE_LIMIT_STORE: 'redis' })).toMatchObject({ store: 'redis', redis: { host: 'localhost' } });
		expect(rateLimitStoreSettings({ MSP_OPS_RATE_LIMIT_REDIS_URL: 'rediss://limits.example.net:6380/1' })).toMatchObject({
			store: 'redis',
			redis: { url: 'rediss://limits.example.net:6380/1', tls: true },
			keyPrefix: 'bull:msp-ops:rate-limit',
		});
		expect(rateLimitStoreSettings({ MSP_OPS_RATE_LIMIT_STORE: 'process', MSP_OPS_RATE_LIMIT_REDIS_URL: 'redis://x' })).toMatchObject({ store: 'process' });
	});

	it('says so when a setting cannot be followed', () => {
		expect(rateLimitStoreSettings({ MSP_OPS_RATE_LIMIT_STORE: 'reddis' }).reason).toContain('"reddis" is neither redis nor process');
		const cluster = rateLimitStoreSettings({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_CLUSTER_NODES: 'a:6379,b:6379' });
		expect(cluster.store).toBe('process');
		expect(cluster.reason).toContain('MSP_OPS_RATE_LIMIT_REDIS_URL');
	});
});
