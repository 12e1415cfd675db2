import { computeSiteHealth, type HealthStatus, type SiteObservations } from '../../../lib/health';
import { createRng as rng } from '../../sandbox/core';

/**
 * Property tests over seeded random sites: the score stays within 0-100, and making a site worse on any one
 * component never raises its score nor improves its status.
 */

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const maybe = <T>(r: () => number, value: () => T): T | null => (r() < 0.2 ? null : value());
const STATUSES = ['UNKNOWN', 'HEALTHY', 'NEEDS_ATTENTION', 'UNHEALTHY'] as const;

function randomSite(r: () => number): SiteObservations {
	const total = int(r, 0, 60);
	const offline = int(r, 0, total);
	return {
		unifi: maybe(r, () => ({
			devicesTotal: total,
			devicesOffline: offline,
			gatewaysOffline: offline > 0 && r() < 0.2 ? 1 : 0,
			pendingUpdates: int(r, 0, total),
			criticalNotifications: maybe(r, () => int(r, 0, 4)),
			wanUptimePercent: maybe(r, () => 90 + r() * 10),
			wanLatencyAvgMs: maybe(r, () => r() * 400),
			txRetryPercent: maybe(r, () => r() * 30),
		})),
		// Often no client signals, so WiFi falls back to the access points' TX retries (worst radio per AP).
		wifiSignalsDbm: r() < 0.5 ? null : Array.from({ length: int(r, 0, 40) }, () => int(r, -95, -35)),
		apTxRetriesPct: maybe(r, () => Array.from({ length: int(r, 0, 12) }, () => r() * 30)),
		consoleStatus: r() < 0.1 ? 'console X skipped: offline' : null,
		ninja: maybe(r, () => ({
			devices: Array.from({ length: int(r, 0, 15) }, () => ({
				healthStatus: STATUSES[int(r, 0, 3)],
				offline: r() < 0.15,
				isServer: r() < 0.2,
				activeThreatsCount: r() < 0.1 ? int(r, 1, 3) : 0,
				failedOSPatchesCount: r() < 0.2 ? int(r, 1, 5) : 0,
				pendingOSPatchesCount: int(r, 0, 12),
			})),
			openAlerts: int(r, 0, 6),
		})),
	};
}

type Worsen = (o: SiteObservations, r: () => number) => boolean;
const clone = (o: SiteObservations): SiteObservations => JSON.parse(JSON.stringify(o)) as SiteObservations;
const WORSEN: Record<string, Worsen> = {
	deviceOffline: (o) => !!o.unifi && o.unifi.devicesOffline < o.unifi.devicesTotal && !!(o.unifi.devicesOffline += 1),
	gatewayOffline: (o) => !!o.unifi && o.unifi.devicesTotal > 0 && o.unifi.gatewaysOffline === 0 && !!(o.unifi.gatewaysOffline = 1) && !!(o.unifi.devicesOffline = Math.max(1, o.unifi.devicesOffline)),
	firmwarePending: (o) => !!o.unifi && o.unifi.pendingUpdates < o.unifi.devicesTotal && !!(o.unifi.pendingUpdates += 1),
	notification: (o) => o.unifi?.criticalNotifications != null && !!(o.unifi.criticalNotifications += 1),
	uptimeDrops: (o, r) => o.unifi?.wanUptimePercent != null && !!(o.unifi.wanUptimePercent -= r() * 3),
	latencyRises: (o, r) => o.unifi?.wanLatencyAvgMs != null && !!(o.unifi.wanLatencyAvgMs += r() * 100),
	txRetryRises: (o, r) => o.unifi?.txRetryPercent != null && !!(o.unifi.txRetryPercent += r() * 10),
	clientWeakens: (o, r) => {
		const s = o.wifiSignalsDbm;
		if (!s?.length) return false;
		const k = int(r, 0, s.length - 1);
		s[k] -= int(r, 1, 20);
		return true;
	},
	apRetryRises: (o, r) => {
		const a = o.apTxRetriesPct;
		if (!a?.length) return false;
		a[int(r, 0, a.length - 1)] += r() * 10;
		return true;
	},
	deviceHealthDrops: (o, r) => {
		const d = o.ninja?.devices.filter((x) => x.healthStatus === 'HEALTHY' || x.healthStatus === 'NEEDS_ATTENTION');
		if (!d?.length) return false;
		const x = d[int(r, 0, d.length - 1)];
		x.healthStatus = x.healthStatus === 'HEALTHY' ? 'NEEDS_ATTENTION' : 'UNHEALTHY';
		return true;
	},
	endpointOffline: (o, r) => {
		const d = o.ninja?.devices.filter((x) => !x.offline);
		if (!d?.length) return false;
		d[int(r, 0, d.length - 1)].offline = true;
		return true;
	},
	patchFails: (o, r) => {
		const d = o.ninja?.devices;
		if (!d?.length) return false;
		d[int(r, 0, d.length - 1)].failedOSPatchesCount += 1;
		return true;
	},
	patchBacklog: (o, r) => {
		const d = o.ninja?.devices;
		if (!d?.length) return false;
		d[int(r, 0, d.length - 1)].pendingOSPatchesCount += int(r, 1, 10);
		return true;
	},
	threat: (o, r) => {
		const d = o.ninja?.devices;
		if (!d?.length) return false;
		d[int(r, 0, d.length - 1)].activeThreatsCount += 1;
		return true;
	},
	alert: (o) => !!o.ninja && !!(o.ninja.openAlerts += 1),
};
const RANK: Record<HealthStatus, number> = { Healthy: 0, Warning: 1, Critical: 2, Unknown: -1 };

describe('health score properties (2,000 random sites x every way to get worse)', () => {
	const r = rng(20261123);
	const sites = Array.from({ length: 2000 }, () => randomSite(r));

	test('score is an integer within 0-100 (or null with status Unknown), every component within 0-100', () => {
		for (const site of sites) {
			const h = computeSiteHealth(site);
			if (h.score === null) expect(h.status).toBe('Unknown');
			else {
				expect(Number.isInteger(h.score)).toBe(true);
				expect(h.score).toBeGreaterThanOrEqual(0);
				expect(h.score).toBeLessThanOrEqual(100);
			}
			expect(h.confidence).toBeGreaterThanOrEqual(0);
			expect(h.confidence).toBeLessThanOrEqual(1);
			for (const c of Object.values(h.components)) {
				if (c.score !== null) expect(c.score >= 0 && c.score <= 100).toBe(true);
			}
		}
	});

	test.each(Object.keys(WORSEN))('getting worse by "%s" never raises the score nor improves the status', (name) => {
		let applied = 0;
		for (const site of sites) {
			const before = computeSiteHealth(site);
			const worse = clone(site);
			if (!WORSEN[name](worse, r)) continue;
			applied++;
			const after = computeSiteHealth(worse);
			if (before.score === null) continue;
			expect(after.score).not.toBeNull();
			if ((after.score as number) > before.score) throw new Error(`${name} raised ${before.score} -> ${after.score}: ${JSON.stringify(site)}`);
			expect(RANK[after.status]).toBeGreaterThanOrEqual(RANK[before.status]);
		}
		expect(applied).toBeGreaterThan(100);
	});
});
