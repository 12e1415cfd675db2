import type { RateLimitSpec } from '../../../lib/http/rateLimiter';
import { fakeClockBucket } from './fakeClockBucket';
import { NINJAONE_DEFAULTS } from '../../../lib/ninjaone/client';
import { UNIFI_SITE_MANAGER_DEFAULTS } from '../../../lib/unifi/siteManagerClient';

/**
 * UniFi (and NinjaOne, as the sandbox models it) count requests per sliding minute. The clients' default buckets must
 * never let more than that through in any minute, however long a read runs: saturate a bucket on a fake clock for
 * several minutes and count the busiest minute.
 */
async function busiestMinute(spec: RateLimitSpec, minutes: number): Promise<{ busiest: number; total: number }> {
	const sent = await fakeClockBucket(spec).saturate(minutes * 60_000);
	let busiest = 0;
	let first = 0;
	for (let last = 0; last < sent.length; last++) {
		while (sent[last] - sent[first] >= 60_000) first++;
		busiest = Math.max(busiest, last - first + 1);
	}
	return { busiest, total: sent.length };
}

describe('default client pacing against per-minute limits', () => {
	test.each([
		['UniFi Site Manager /v1', 10_000, UNIFI_SITE_MANAGER_DEFAULTS.rateLimits.default],
		['UniFi Site Manager /ea', 100, UNIFI_SITE_MANAGER_DEFAULTS.rateLimits.ea],
		['NinjaOne', 600, NINJAONE_DEFAULTS.rateLimit],
	])('%s stays under %i requests per minute', async (_name, limit, spec) => {
		const { busiest, total } = await busiestMinute(spec, 4);
		expect(busiest).toBeLessThanOrEqual(limit);
		// And it uses most of the budget: the pacing is not needlessly slow over four minutes.
		expect(total).toBeGreaterThan(4 * limit * 0.85);
	});
});
