import { TokenBucket } from '../../../lib/http/rateLimiter';

/** Adaptive pacing of the shared token bucket, on a fake clock. */

function fakeTime() {
	let t = 0;
	return {
		now: () => t,
		sleep: async (ms: number) => {
			t += ms;
		},
	};
}

function bucket(rate = 3, burst = 3) {
	const time = fakeTime();
	return { b: new TokenBucket({ requestsPerSecond: rate, burst }, time.now, time.sleep), time };
}

/** Let `n` calls through and report each as a success. */
async function succeed(b: TokenBucket, n: number): Promise<void> {
	for (let i = 0; i < n; i++) b.succeeded(await b.acquire());
}

describe('TokenBucket adaptive pacing', () => {
	it('halves the rate on a 429 that comes right after a change, and counts one overshoot once', async () => {
		const { b } = bucket(3, 3);
		const tickets = [await b.acquire(), await b.acquire(), await b.acquire()];
		// Three calls in flight all answered 429: one overshoot, one cut.
		for (const ticket of tickets) b.rateLimited(ticket);
		expect(b.requestsPerSecond).toBeCloseTo(1.5);
		expect(b.cuts).toBe(1);
		// A call let through after the cut and refused again cuts again.
		b.rateLimited(await b.acquire());
		expect(b.requestsPerSecond).toBeCloseTo(0.75);
		expect(b.cuts).toBe(2);
	});

	it('paces at the lowered rate and shrinks the burst with it', async () => {
		const { b, time } = bucket(4, 4);
		b.rateLimited(await b.acquire());
		expect(b.requestsPerSecond).toBeCloseTo(2);
		expect(b.capacity).toBe(2);
		const start = time.now();
		for (let i = 0; i < 5; i++) await b.acquire();
		// At most 2 tokens were left, then one every 500 ms.
		expect(time.now() - start).toBeGreaterThanOrEqual(1_500);
	});

	it('cuts less after a long run of successes at the current rate (only slightly above the limit)', async () => {
		const { b } = bucket(10, 10);
		b.rateLimited(await b.acquire());
		expect(b.requestsPerSecond).toBeCloseTo(5);
		await succeed(b, 10);
		b.rateLimited(await b.acquire());
		// 10 successes, then a 429: about 1/10 too fast.
		expect(b.requestsPerSecond).toBeCloseTo(4.5);
	});

	it('recovers one step after a stretch of successes, never above the configured rate', async () => {
		const { b } = bucket(3, 3);
		b.rateLimited(await b.acquire());
		await succeed(b, 19);
		expect(b.requestsPerSecond).toBeCloseTo(1.5);
		await succeed(b, 1);
		expect(b.requestsPerSecond).toBeCloseTo(1.8);
		await succeed(b, 200);
		expect(b.requestsPerSecond).toBe(3);
		expect(b.configuredRequestsPerSecond).toBe(3);
	});

	it('only counts successes of calls sent at the current rate', async () => {
		const { b } = bucket(3, 3);
		const early = await Promise.all(Array.from({ length: 25 }, () => b.acquire()));
		b.rateLimited(early[0]);
		// Calls let through before the cut say nothing about the new rate.
		for (const ticket of early.slice(1)) b.succeeded(ticket);
		expect(b.requestsPerSecond).toBeCloseTo(1.5);
	});

	it('a raise that draws a 429 falls back to the rate that held, and the next raise is later and smaller', async () => {
		const { b } = bucket(3, 3);
		b.rateLimited(await b.acquire());
		b.rateLimited(await b.acquire());
		expect(b.requestsPerSecond).toBeCloseTo(0.75);
		await succeed(b, 20);
		expect(b.requestsPerSecond).toBeCloseTo(1.05);
		b.rateLimited(await b.acquire());
		expect(b.requestsPerSecond).toBeCloseTo(0.75);
		await succeed(b, 39);
		expect(b.requestsPerSecond).toBeCloseTo(0.75);
		await succeed(b, 1);
		expect(b.requestsPerSecond).toBeCloseTo(0.9);
	});

	it('keeps a learned cut when the configured rate changes, and takes a new rate when unthrottled', async () => {
		const { b } = bucket(3, 3);
		b.configure({ requestsPerSecond: 5, burst: 5 });
		expect(b.requestsPerSecond).toBe(5);
		b.rateLimited(await b.acquire());
		b.configure({ requestsPerSecond: 6, burst: 6 });
		expect(b.requestsPerSecond).toBeCloseTo(2.5);
		b.configure({ requestsPerSecond: 2, burst: 2 });
		expect(b.requestsPerSecond).toBe(2);
	});

	it('never goes below its floor', async () => {
		const { b } = bucket(2, 1);
		for (let i = 0; i < 20; i++) b.rateLimited(await b.acquire());
		expect(b.requestsPerSecond).toBeCloseTo(0.1);
	});
});
