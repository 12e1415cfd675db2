import { TokenBucket, type RateLimitSpec } from '../../../lib/http/rateLimiter';

/** A bucket on a fake clock that only moves when the bucket sleeps; `take(n)` says when each of n calls went. */
export function fakeClockBucket(spec: RateLimitSpec) {
	let t = 0;
	const bucket = new TokenBucket(
		spec,
		() => t,
		async (ms) => {
			t += ms;
		},
	);
	const take = async (n: number) => {
		const at: number[] = [];
		for (let i = 0; i < n; i++) {
			await bucket.acquire();
			at.push(t);
		}
		return at;
	};
	/** Calls as fast as the bucket lets them until the clock passes `ms`. */
	const saturate = async (ms: number) => {
		const at: number[] = [];
		while (t < ms) {
			await bucket.acquire();
			at.push(t);
		}
		return at;
	};
	return { bucket, take, saturate, now: () => t };
}
