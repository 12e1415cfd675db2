import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter } from '../../../lib/http/policy';
import { TokenBucket } from '../../../lib/http/rateLimiter';
import { clearRegisteredSecrets, redact, redactValue, registerSecret } from '../../../lib/http/redact';

// A made-up token in Notion's format, assembled here so secret scanners do not take the test for a leak.
const NOTION_LIKE_TOKEN = ['ntn', 'abcdefghijklmnop12345'].join('_');

describe('redact', () => {
	afterEach(() => clearRegisteredSecrets());

	it('masks registered secrets wherever they appear, also URL-encoded', () => {
		registerSecret('abc/def+ghi==');
		expect(redact('key abc/def+ghi== and abc%2Fdef%2Bghi%3D%3D')).toBe('key [REDACTED] and [REDACTED]');
	});

	it('masks secret-looking fragments it was never told about', () => {
		const text = [
			'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig',
			'client_secret=s3cr3tvalue&grant_type=client_credentials',
			'{"apikey":"k-12345678"}',
			'X-API-KEY: abcdef123456',
			NOTION_LIKE_TOKEN,
		].join('\n');
		const out = redact(text);
		for (const leak of ['eyJhbGciOiJIUzI1NiJ9', 's3cr3tvalue', 'k-12345678', 'abcdef123456', NOTION_LIKE_TOKEN]) {
			expect(out).not.toContain(leak);
		}
		expect(out).toContain('grant_type=client_credentials');
	});

	it('leaves field paths of validation messages alone while masking key=value pairs', () => {
		const message = 'Invalid x: token: expected string, received 5; password: missing, expected string; api_key: unknown field; remove it';
		expect(redact(message)).toBe(message);
		expect(redact('token: abc123def456 password=hunter2')).toBe('token: [REDACTED] password=[REDACTED]');
	});

	it('deep-redacts objects by key and by value', () => {
		registerSecret('the-token-value');
		expect(redactValue({ headers: { authorization: 'x', other: 'has the-token-value inside' }, clientSecret: 'y', n: 1 })).toEqual({
			headers: { authorization: '[REDACTED]', other: 'has [REDACTED] inside' },
			clientSecret: '[REDACTED]',
			n: 1,
		});
	});
});

describe('retry timing', () => {
	it('parses Retry-After seconds, decimals and HTTP dates', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfter('5', now)).toBe(5000);
		expect(parseRetryAfter('5.37', now)).toBe(5370);
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7000);
		expect(parseRetryAfter('garbage', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});

	it('backs off exponentially with jitter inside [min, cap]', () => {
		const p = { ...DEFAULT_RETRY_POLICY, minDelayMs: 100, maxDelayMs: 1000, factor: 2 };
		expect(backoffDelay(1, p, () => 1)).toBe(100);
		expect(backoffDelay(2, p, () => 1)).toBe(200);
		expect(backoffDelay(4, p, () => 1)).toBe(800);
		expect(backoffDelay(10, p, () => 1)).toBe(1000);
		expect(backoffDelay(10, p, () => 0)).toBe(100);
	});
});

describe('TokenBucket', () => {
	function fakeTime() {
		let t = 0;
		const sleeps: number[] = [];
		return {
			now: () => t,
			sleep: async (ms: number) => {
				sleeps.push(ms);
				t += ms;
			},
			sleeps,
		};
	}

	it('allows a burst, then paces at the sustained rate, in FIFO order', async () => {
		const time = fakeTime();
		const bucket = new TokenBucket({ requestsPerSecond: 3, burst: 2 }, time.now, time.sleep);
		const order: number[] = [];
		const stamps: number[] = [];
		await Promise.all(
			[0, 1, 2, 3, 4].map((i) =>
				bucket.acquire().then(() => {
					order.push(i);
					stamps.push(time.now());
				}),
			),
		);
		expect(order).toEqual([0, 1, 2, 3, 4]);
		expect(stamps.slice(0, 2)).toEqual([0, 0]);
		// then one token every 1000/3 ms
		expect(stamps[2]).toBeGreaterThanOrEqual(333);
		expect(stamps[4]).toBeGreaterThanOrEqual(999);
		expect(stamps[4]).toBeLessThanOrEqual(1002);
	});

	it('pauses every caller after a 429 for the Retry-After time', async () => {
		const time = fakeTime();
		const bucket = new TokenBucket({ requestsPerSecond: 100, burst: 5 }, time.now, time.sleep);
		await bucket.acquire();
		bucket.pause(2000);
		await bucket.acquire();
		expect(time.now()).toBeGreaterThanOrEqual(2000);
	});
});
