/**
 * lib/ waits only with the sleep it is handed (n8n's, in the nodes), never with timer globals: n8n's package scanner
 * refuses those in the packed code.
 */
describe('lib/http timers', () => {
	it('refuses to wait before a sleep is configured, naming what to do', async () => {
		await jest.isolateModulesAsync(async () => {
			const timers = await import('../../../lib/http/timers');
			await expect(timers.sleep(5)).rejects.toThrow(/no sleep configured: call useSleep\(\)/);
		});
	});

	it('retry waits and rate-limit waits go through the configured sleep', async () => {
		await jest.isolateModulesAsync(async () => {
			const timers = await import('../../../lib/http/timers');
			const { runWithRetries } = await import('../../../lib/http/policy');
			const { TokenBucket } = await import('../../../lib/http/rateLimiter');
			const { RateLimitError } = await import('../../../lib/errors');
			const waits: number[] = [];
			timers.useSleep(async (ms) => {
				waits.push(ms);
			});
			let calls = 0;
			const { retries } = await runWithRetries(
				async () => {
					calls++;
					if (calls === 1) throw new RateLimitError('slow down', { service: 'notion', httpStatus: 429, retryAfterMs: 1234 });
					return 'ok';
				},
				{ policy: { retries: 2, minDelayMs: 1, maxDelayMs: 1, factor: 1, maxRetryAfterMs: 10_000, retryTimeouts: true }, idempotent: true },
			);
			expect(retries).toBe(1);
			expect(waits).toEqual([1234]);

			// A bucket of one request per second: the second request waits about a second, through the same sleep
			// (which here moves the bucket's clock instead of waiting).
			waits.length = 0;
			let now = 0;
			timers.useSleep(async (ms) => {
				waits.push(ms);
				now += ms;
			});
			const bucket = new TokenBucket({ requestsPerSecond: 1, burst: 1 }, () => now);
			await bucket.acquire();
			await bucket.acquire();
			expect(waits.length).toBeGreaterThan(0);
			expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(999);
		});
	});

	it('the packed lib/ has no timer globals (the scanner would refuse them)', () => {
		const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
		const path = jest.requireActual<typeof import('node:path')>('node:path');
		const offenders: string[] = [];
		const walk = (dir: string) => {
			for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
				const file = path.join(dir, entry.name);
				if (entry.isDirectory()) walk(file);
				else if (file.endsWith('.ts') && /\b(setTimeout|setInterval|clearTimeout|clearInterval|setImmediate)\s*\(/.test(fs.readFileSync(file, 'utf8'))) offenders.push(file);
			}
		};
		walk(path.join(__dirname, '..', '..', '..', 'lib'));
		expect(offenders).toEqual([]);
	});
});
