import { perWindow, SendTimes } from '../../../lib/http/slidingWindow';
import { fakeClockBucket as fakeBucket } from './fakeClockBucket';

describe('SendTimes', () => {
	it('lets `limit` calls into a window, then says how long until the oldest has left it', () => {
		const sent = new SendTimes({ limit: 3, windowMs: 1_000 });
		expect(sent.waitMs(0)).toBe(0);
		sent.record(0);
		sent.record(100);
		sent.record(200);
		expect(sent.waitMs(250)).toBe(750);
		expect(sent.waitMs(1_000)).toBe(0);
		sent.record(1_000);
		// The oldest is now the one of 100.
		expect(sent.waitMs(1_000)).toBe(100);
	});

	it('keeps the newest send times when the window changes', () => {
		const sent = new SendTimes({ limit: 4, windowMs: 1_000 });
		for (const at of [0, 10, 20, 30, 40]) sent.record(at);
		const smaller = sent.resized({ limit: 2, windowMs: 1_000 });
		expect(smaller.waitMs(40)).toBe(30 + 1_000 - 40);
		const larger = sent.resized({ limit: 6, windowMs: 500 });
		expect(larger.waitMs(40)).toBe(0);
		larger.record(41);
		larger.record(42);
		expect(larger.waitMs(42)).toBe(10 + 500 - 42);
	});

	it('refuses a window it cannot keep', () => {
		expect(() => new SendTimes({ limit: 0, windowMs: 1_000 })).toThrow(RangeError);
		expect(() => new SendTimes({ limit: 1.5, windowMs: 1_000 })).toThrow(RangeError);
		expect(() => new SendTimes({ limit: 10, windowMs: 0 })).toThrow(RangeError);
		expect(() => perWindow(10, 1_000, { marginMs: 0, headroom: 10 })).toThrow(RangeError);
	});
});

describe('TokenBucket with a sliding window', () => {
	it('perWindow: a whole window at once, the window made wider and smaller by the margin', () => {
		expect(perWindow(10_000, 60_000, { marginMs: 1_000, headroom: 100 })).toEqual({
			requestsPerSecond: 9_900 / 61,
			burst: 9_900,
			window: { limit: 9_900, windowMs: 61_000 },
		});
	});

	it('lets the whole window through at once and the next call when the first is a window old', async () => {
		const { take } = fakeBucket(perWindow(100, 60_000, { marginMs: 1_000, headroom: 1 }));
		const at = await take(250);
		expect(at.slice(0, 99)).toEqual(Array(99).fill(0));
		expect(at.slice(99, 198)).toEqual(Array(99).fill(61_000));
		expect(at.slice(198)).toEqual(Array(52).fill(122_000));
	});

	it('never lets more than the limit into any window, whatever the bucket allows', async () => {
		// A bucket alone would let 50 through at once and then 10 per second: 50 + 600 in the first minute.
		const { take } = fakeBucket({ requestsPerSecond: 10, burst: 50, window: { limit: 120, windowMs: 60_000 } });
		const at = await take(500);
		let first = 0;
		for (let last = 0; last < at.length; last++) {
			while (at[last] - at[first] >= 60_000) first++;
			expect(last - first + 1).toBeLessThanOrEqual(120);
		}
		// The bucket still paces within the window: 50 at once, then one per 100 ms up to the limit.
		expect(at.slice(0, 50)).toEqual(Array(50).fill(0));
		expect(at[119]).toBe(7_000);
		expect(at[120]).toBe(60_000);
	});

	it('holds a Retry-After pause, and a 429 still lowers the pace under the window', async () => {
		const { bucket, take, now } = fakeBucket(perWindow(10, 1_000, { marginMs: 0, headroom: 0 }));
		await take(1);
		bucket.pause(5_000);
		const [afterPause] = await take(1);
		expect(afterPause).toBeGreaterThanOrEqual(5_000);
		const ticket = await bucket.acquire();
		bucket.rateLimited(ticket);
		expect(bucket.requestsPerSecond).toBeLessThan(10);
		expect(bucket.capacity).toBeLessThan(10);
		expect(bucket.window).toEqual({ limit: 10, windowMs: 1_000 });
		expect(now()).toBeGreaterThanOrEqual(5_000);
	});

	it('takes a new window from configure and drops it when the spec has none', async () => {
		const { bucket, take } = fakeBucket({ requestsPerSecond: 1_000, burst: 1_000, window: { limit: 5, windowMs: 1_000 } });
		expect(await take(6)).toEqual([0, 0, 0, 0, 0, 1_000]);
		bucket.configure({ requestsPerSecond: 1_000, burst: 1_000, window: { limit: 2, windowMs: 1_000 } });
		// The smaller window keeps the newest two send times (0 and 1,000): the one at 0 is a window old at 1,000.
		expect(await take(2)).toEqual([1_000, 2_000]);
		bucket.configure({ requestsPerSecond: 1_000, burst: 1_000 });
		expect(bucket.window).toBeUndefined();
		const at = await take(3);
		expect(at[2] - at[0]).toBeLessThan(1_000);
	});
});
