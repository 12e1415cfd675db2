/**
 * The time rate limits make unavoidable for a sequence of calls, with no n8n or sandbox in sight (pure functions,
 * unit-tested in test/unit/bench-pipeline-floor.test.ts).
 *
 * A limit is the emulator's: a token bucket (`burst` calls at once, then `ratePerSec`) or a sliding window (`limit`
 * calls per `windowMs`), the two shapes test/sandbox/core.ts enforces.
 */

export type ServiceLimit = { kind: 'bucket'; ratePerSec: number; burst: number } | { kind: 'window'; limit: number; windowMs: number };

/**
 * The least time `calls` calls take under `limit`, starting with a full bucket or an empty window:
 * - bucket: the first `burst` go at once, every further one waits 1/rate: max(0, calls - burst) / rate;
 * - window: call number limit+1 cannot go before the first one is a window old, and so on:
 *   (ceil(calls / limit) - 1) x window.
 */
export function limitSeconds(limit: ServiceLimit, calls: number): number {
	if (calls <= 0) return 0;
	if (limit.kind === 'bucket') return Math.max(0, calls - limit.burst) / limit.ratePerSec;
	return (Math.ceil(calls / limit.limit) - 1) * (limit.windowMs / 1000);
}

/** The same limit on a clock `speed` times faster: rates times speed, windows divided by it; counts (burst, limit) stay. */
export function scaleLimit(limit: ServiceLimit, speed: number): ServiceLimit {
	return limit.kind === 'bucket' ? { ...limit, ratePerSec: limit.ratePerSec * speed } : { ...limit, windowMs: limit.windowMs / speed };
}

/** One rate-limited call as the emulators logged it: which service, when (ms). */
export interface LimitedCall {
	service: string;
	at: number;
}

/** A maximal run of consecutive calls to one service (in time order) with no call to another limited service between. */
export interface Segment {
	service: string;
	calls: number;
	from: number;
	to: number;
}

/** Splits the calls, sorted by time, into runs of one service each. */
export function segmentsOf(calls: readonly LimitedCall[]): Segment[] {
	const sorted = [...calls].sort((a, b) => a.at - b.at);
	const out: Segment[] = [];
	for (const call of sorted) {
		const last = out[out.length - 1];
		if (last && last.service === call.service) {
			last.calls += 1;
			last.to = call.at;
		} else out.push({ service: call.service, calls: 1, from: call.at, to: call.at });
	}
	return out;
}

/**
 * The floor of a run whose nodes call the services one after another (n8n's v1 execution order runs one node at a
 * time, and each node of Customer Status Sync calls one rate-limited service): the sum, over the segments, of the
 * least time each segment's calls take under its service's limit. Summing is right because segments do not overlap in
 * time; taking each segment on its own (as if it started with a full bucket) keeps the sum a lower bound: a bucket
 * is at most full when a segment starts, so the real segment cannot be faster. Services with no limit add nothing.
 * Also returns each service's share.
 */
export function floorSeconds(segments: readonly Segment[], limits: Readonly<Record<string, ServiceLimit | undefined>>): { total: number; byService: Record<string, number> } {
	const byService: Record<string, number> = {};
	let total = 0;
	for (const segment of segments) {
		const limit = limits[segment.service];
		const seconds = limit ? limitSeconds(limit, segment.calls) : 0;
		byService[segment.service] = (byService[segment.service] ?? 0) + seconds;
		total += seconds;
	}
	return { total, byService };
}
