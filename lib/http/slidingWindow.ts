/**
 * A sliding-window limit: at most `limit` calls in any `windowMs`. Services that count requests per minute (UniFi
 * Site Manager's 10,000) take a whole minute's calls at once; a token bucket, which must keep burst plus a minute of
 * its rate under the limit, spreads them out (and a long read then takes longer than the window allows).
 */
export interface WindowSpec {
	limit: number;
	windowMs: number;
}

export function checkWindow(window: WindowSpec): void {
	if (!Number.isInteger(window.limit) || window.limit < 1) throw new RangeError(`window limit must be an integer >= 1, got ${String(window.limit)}`);
	if (!(window.windowMs > 0) || !Number.isFinite(window.windowMs)) throw new RangeError(`windowMs must be a finite number > 0, got ${String(window.windowMs)}`);
}

/**
 * The pacing that uses a service's per-window limit in full: `limit` calls at once, then the next only when the first
 * is a window old. `marginMs` widens the window and `headroom` lowers the limit, because the service counts calls as
 * they arrive and latency varies: calls sent a window apart can arrive closer together. The bucket under the window
 * refills a whole window in one window, so it only shapes the pace once a 429 has lowered the rate.
 */
export function perWindow(limit: number, windowMs: number, margin: { marginMs: number; headroom: number }): { requestsPerSecond: number; burst: number; window: WindowSpec } {
	const window = { limit: limit - margin.headroom, windowMs: windowMs + margin.marginMs };
	checkWindow(window);
	return { requestsPerSecond: (window.limit * 1000) / window.windowMs, burst: window.limit, window };
}

/** When the last `limit` calls went out (a ring of send times, so memory stays at `limit` numbers). */
export class SendTimes {
	private readonly times: Float64Array;
	/** Index of the oldest recorded time once the ring is full; of the next free slot before. */
	private next = 0;
	private count = 0;

	constructor(readonly spec: WindowSpec) {
		checkWindow(spec);
		this.times = new Float64Array(spec.limit);
	}

	/** Ms until one more call fits in the window at `now` (0: it fits now). */
	waitMs(now: number): number {
		if (this.count < this.spec.limit) return 0;
		return Math.max(0, this.times[this.next] + this.spec.windowMs - now);
	}

	/** A call went out at `now`. */
	record(now: number): void {
		this.times[this.next] = now;
		this.next = (this.next + 1) % this.spec.limit;
		this.count = Math.min(this.spec.limit, this.count + 1);
	}

	/** The same send times under another window (a settings change), the newest kept when the limit shrinks. */
	resized(spec: WindowSpec): SendTimes {
		const out = new SendTimes(spec);
		const keep = Math.min(this.count, spec.limit);
		for (let i = this.count - keep; i < this.count; i++) out.record(this.times[(this.next - this.count + i + this.spec.limit) % this.spec.limit]);
		return out;
	}
}
