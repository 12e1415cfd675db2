import { computeSiteHealth, DEFAULT_HEALTH_SETTINGS, resolveHealthSettings, type SiteObservations } from '../../../lib/health';
import { ValidationError } from '../../../lib/errors';

type Ninja = NonNullable<SiteObservations['ninja']>;
type NinjaDevice = Ninja['devices'][number];

const perfectUnifi: NonNullable<SiteObservations['unifi']> = {
	devicesTotal: 10,
	devicesOffline: 0,
	gatewaysOffline: 0,
	pendingUpdates: 0,
	criticalNotifications: 0,
	wanUptimePercent: 100,
	wanLatencyAvgMs: 10,
	txRetryPercent: 2,
};
const dev = (over: Partial<NinjaDevice> = {}): NinjaDevice => ({
	healthStatus: 'HEALTHY',
	offline: false,
	isServer: false,
	activeThreatsCount: 0,
	failedOSPatchesCount: 0,
	pendingOSPatchesCount: 0,
	...over,
});
const perfectNinja: Ninja = { devices: [dev(), dev()], openAlerts: 0 };

describe('computeSiteHealth: hand-computed cases', () => {
	test('a site with nothing wrong scores 100, Healthy, full confidence', () => {
		const h = computeSiteHealth({ unifi: perfectUnifi, wifiSignalsDbm: [-50, -60], ninja: perfectNinja });
		expect(h).toMatchObject({ score: 100, status: 'Healthy', confidence: 1, unknown: [], summary: 'All checks passed' });
		expect(h.components.wifi.reason).toBe('all 2 WiFi clients at or above -65 dBm');
	});

	test('network-only site: weighted mean over the known components, NinjaOne components unknown', () => {
		// devices 10/12 = 83.3 (w20), firmware 9/12 = 75 (w5), wan 100 (w15), wifi 27/31 = 87.1 (w15), notifications 100 (w5)
		// (20*83.3 + 5*75 + 15*100 + 15*87.1 + 5*100) / 60 = 5347.5 / 60 = 89.1 -> 89 -> Warning (Healthy from 90)
		const signals = [...Array(27).fill(-55), -66, -70, -80, -90];
		const h = computeSiteHealth({
			unifi: { ...perfectUnifi, devicesTotal: 12, devicesOffline: 2, pendingUpdates: 3, wanLatencyAvgMs: null, txRetryPercent: 5, wanUptimePercent: 99.9 },
			wifiSignalsDbm: signals,
			ninja: null,
		});
		expect(h.components.devices).toMatchObject({ score: 83.3, weight: 20, reason: '2 of 12 devices offline' });
		expect(h.components.firmware).toMatchObject({ score: 75, reason: '3 of 12 devices have a firmware update pending' });
		expect(h.components.wan).toMatchObject({ score: 100, reason: 'WAN within targets' });
		expect(h.components.wifi).toMatchObject({ score: 87.1, reason: '4 of 31 WiFi clients below -65 dBm' });
		expect(h.components.endpoints).toMatchObject({ score: null, reason: 'no NinjaOne organization' });
		expect(h.score).toBe(89);
		expect(h.status).toBe('Warning');
		expect(h.confidence).toBe(0.6);
		expect(h.unknown).toEqual(['endpoints', 'patching', 'security', 'alerts']);
		// Worst first by lost weighted points: devices 334, wifi 193.5, firmware 125.
		expect(h.summary).toBe('2 of 12 devices offline; 4 of 31 WiFi clients below -65 dBm; 3 of 12 devices have a firmware update pending');
	});

	test('WAN metrics are linear between their good and bad targets and averaged', () => {
		// uptime 98.74: (98.74-97)/(99.9-97) = 60; latency 150: (250-150)/(250-50) = 50; tx 12.5: (20-12.5)/(20-5) = 50
		const h = computeSiteHealth({ unifi: { ...perfectUnifi, wanUptimePercent: 98.74, wanLatencyAvgMs: 150, txRetryPercent: 12.5 }, wifiSignalsDbm: null, ninja: null });
		expect(h.components.wan.score).toBeCloseTo(53.3, 1);
		expect(h.components.wan.reason).toBe('WAN uptime 98.7% (target 99.9%), WAN latency 150 ms (target 50 ms), TX retry 12.5% (target 5%)');
		expect(computeSiteHealth({ unifi: { ...perfectUnifi, wanUptimePercent: 90, wanLatencyAvgMs: 900, txRetryPercent: 60 }, wifiSignalsDbm: null, ninja: null }).components.wan.score).toBe(0);
	});

	test('gateway offline is a hard failure: Critical whatever the score, unless turned off', () => {
		// devices 0 (w20), firmware 100 (w5), wan 100 (w15), notifications 100 (w5), NinjaOne 4 x 100 (w40): 6500/85 = 76.5 -> 76
		const obs: SiteObservations = { unifi: { ...perfectUnifi, devicesTotal: 5, devicesOffline: 1, gatewaysOffline: 1 }, wifiSignalsDbm: null, ninja: perfectNinja };
		const h = computeSiteHealth(obs);
		expect(h.components.devices).toMatchObject({ score: 0, hardFailure: true, reason: 'gateway offline (1 of 5 devices offline)' });
		expect(h.score).toBe(76);
		expect(h.status).toBe('Critical');
		expect(computeSiteHealth(obs, resolveHealthSettings({ criticalOnHardFailure: false })).status).toBe('Warning');
	});

	test('NinjaOne components: offline devices need attention, UNKNOWN devices are not rated', () => {
		// endpoints: H 100, NA 50, U 0, UNKNOWN skipped, H+offline -> NA 50 => 200/4 = 50 (w15)
		// patching over the 4 rated: failed 0, backlog (7 > 5) 50, 100, 100 => 62.5 (w10); security 100 (w10); alerts 3 -> 40 (w5)
		// (750 + 625 + 1000 + 200) / 40 = 64.4 -> 64 Warning, confidence 0.4
		const ninja: Ninja = {
			devices: [
				dev(),
				dev({ healthStatus: 'NEEDS_ATTENTION', pendingOSPatchesCount: 7 }),
				dev({ healthStatus: 'UNHEALTHY', failedOSPatchesCount: 2 }),
				dev({ healthStatus: 'UNKNOWN' }),
				dev({ offline: true }),
			],
			openAlerts: 3,
		};
		const h = computeSiteHealth({ unifi: null, wifiSignalsDbm: null, ninja });
		expect(h.components.endpoints).toMatchObject({ score: 50, reason: '1 of 4 endpoints unhealthy, 2 of 4 endpoints need attention, 1 offline' });
		expect(h.components.patching).toMatchObject({ score: 62.5, reason: '1 of 4 endpoints with failed OS patches (2 patches), 1 with more than 5 pending' });
		expect(h.components.alerts).toMatchObject({ score: 40, reason: '3 open NinjaOne alerts' });
		expect(h.score).toBe(64);
		expect(h.status).toBe('Warning');
		expect(h.confidence).toBe(0.4);
	});

	test('an offline server counts as unhealthy', () => {
		const h = computeSiteHealth({ unifi: null, wifiSignalsDbm: null, ninja: { devices: [dev({ offline: true, isServer: true }), dev()], openAlerts: 0 } });
		expect(h.components.endpoints.score).toBe(50);
	});

	test('an active threat is a hard failure', () => {
		const h = computeSiteHealth({ unifi: perfectUnifi, wifiSignalsDbm: [-50], ninja: { devices: [dev({ activeThreatsCount: 2 }), dev()], openAlerts: 0 } });
		expect(h.components.security).toMatchObject({ score: 0, hardFailure: true, reason: '2 active threats on 1 endpoint' });
		expect(h.score).toBe(90);
		expect(h.status).toBe('Critical');
	});

	test('no data at all: Unknown, not 0', () => {
		const h = computeSiteHealth({ unifi: null, wifiSignalsDbm: null, ninja: null });
		expect(h).toMatchObject({ score: null, status: 'Unknown', confidence: 0, summary: 'No data' });
		expect(h.unknown).toHaveLength(9);
	});

	test('a site nothing is known about is Unknown, not Healthy, even with zero notifications and alerts', () => {
		// What an empty site looks like from Site Manager (no devices, no WAN statistics, a notification count of 0)
		// joined to an organization without devices: only the two problem counters have a value, and 0 says nothing.
		const empty: SiteObservations = {
			unifi: { devicesTotal: 0, devicesOffline: 0, gatewaysOffline: 0, pendingUpdates: 0, criticalNotifications: 0, wanUptimePercent: null, wanLatencyAvgMs: null, txRetryPercent: null },
			wifiSignalsDbm: [],
			ninja: { devices: [], openAlerts: 0 },
		};
		const h = computeSiteHealth(empty);
		expect(h).toMatchObject({ score: null, status: 'Unknown', confidence: 0 });
		expect(h.summary).toBe('No device, WAN, WiFi or endpoint data');
		expect(h.components.notifications).toMatchObject({ score: 100, reason: 'no critical UniFi notifications' });
		expect(h.unknown).toEqual(['devices', 'firmware', 'wan', 'wifi', 'endpoints', 'patching', 'security']);
		// Problems the counters do report stay visible in the summary; the site is still not scored on them alone.
		const noisy = computeSiteHealth({ ...empty, unifi: { ...empty.unifi!, criticalNotifications: 2 }, ninja: { devices: [], openAlerts: 3 } });
		expect(noisy).toMatchObject({ score: null, status: 'Unknown', confidence: 0 });
		expect(noisy.summary).toBe('No device, WAN, WiFi or endpoint data; 2 critical UniFi notifications; 3 open NinjaOne alerts');
		// One observation of the site itself is enough to score it.
		const withWan = computeSiteHealth({ ...empty, unifi: { ...empty.unifi!, wanUptimePercent: 100 } });
		expect(withWan).toMatchObject({ score: 100, status: 'Healthy', summary: 'All checks passed' });
		expect(withWan.confidence).toBe(0.25);
	});

	test('no WiFi clients connected is unknown, not perfect', () => {
		const h = computeSiteHealth({ unifi: perfectUnifi, wifiSignalsDbm: [], ninja: null });
		expect(h.components.wifi).toMatchObject({ score: null, reason: 'no WiFi clients connected' });
		expect(h.wifiSource).toBeNull();
	});

	test('WiFi from access point TX retries: linear per AP (worst radio), mean over APs', () => {
		// 3 -> 100, 12.5 -> (20-12.5)/(20-5) = 50, 20 -> 0: mean 50
		const h = computeSiteHealth({ unifi: perfectUnifi, wifiSignalsDbm: null, apTxRetriesPct: [3, 12.5, 20], ninja: null });
		expect(h.components.wifi).toMatchObject({ score: 50, weight: 15, reason: '2 of 3 access points above 5% TX retries (worst 20%)' });
		expect(h.wifiSource).toBe('apTxRetries');
		// devices, firmware, wan, notifications 100 (w45), wifi 50 (w15): 5250/60 = 87.5 -> 88
		expect(h).toMatchObject({ score: 88, status: 'Warning', confidence: 0.6 });
		// 7 -> (20-7)/15 = 86.67, 35 -> 0, 5 -> 100, 0 -> 100: 286.67/4 = 71.7
		expect(computeSiteHealth({ unifi: null, wifiSignalsDbm: [], apTxRetriesPct: [7, 35, 5, 0], ninja: null }).components.wifi).toMatchObject({
			score: 71.7,
			reason: '2 of 4 access points above 5% TX retries (worst 35%)',
		});
		expect(computeSiteHealth({ unifi: null, wifiSignalsDbm: null, apTxRetriesPct: [5, 0.4], ninja: null }).components.wifi).toMatchObject({
			score: 100,
			reason: 'all 2 access points at or below 5% TX retries',
		});
		const custom = resolveHealthSettings({ wifiTxRetryGoodPercent: 2, wifiTxRetryBadPercent: 10 });
		// 6 -> (10-6)/(10-2) = 50
		expect(computeSiteHealth({ unifi: null, wifiSignalsDbm: null, apTxRetriesPct: [6], ninja: null }, custom).components.wifi).toMatchObject({
			score: 50,
			reason: '1 of 1 access point above 2% TX retries (worst 6%)',
		});
	});

	test('access points whose statistics could not be read are named in the WiFi reason and the summary, and lower confidence', () => {
		// A console read in part: 2 access points read (both fine), 2 more online ones without statistics. Without the
		// gap named, this site read "All checks passed" at full confidence while half its access points were unseen.
		const partial = computeSiteHealth({ unifi: perfectUnifi, wifiSignalsDbm: null, apTxRetriesPct: [1, 2], apStatisticsMissing: 2, ninja: null });
		const reason = 'all 2 access points at or below 5% TX retries; statistics of 2 more access points could not be read';
		expect(partial.components.wifi).toMatchObject({ score: 100, reason, coverage: 0.5 });
		expect(partial.summary).toBe(reason);
		// The score stands on what was read; confidence counts half the WiFi weight: (45 + 7.5) / 100.
		const whole = computeSiteHealth({ unifi: perfectUnifi, wifiSignalsDbm: null, apTxRetriesPct: [1, 2], apStatisticsMissing: 0, ninja: null });
		expect([partial.score, partial.confidence]).toEqual([whole.score, 0.53]);
		expect([whole.summary, whole.confidence, whole.components.wifi.coverage]).toEqual(['All checks passed', 0.6, undefined]);
		expect(computeSiteHealth({ unifi: null, wifiSignalsDbm: null, apTxRetriesPct: [30], apStatisticsMissing: 1, ninja: null }).components.wifi.reason).toBe(
			'1 of 1 access point above 5% TX retries (worst 30%); statistics of 1 more access point could not be read',
		);
	});

	test('client signal wins over AP TX retries; AP TX retries only when there are no client signals', () => {
		const h = computeSiteHealth({ unifi: null, wifiSignalsDbm: [-50, -70], apTxRetriesPct: [20], ninja: null });
		expect(h.components.wifi).toMatchObject({ score: 50, reason: '1 of 2 WiFi clients below -65 dBm' });
		expect(h.wifiSource).toBe('clientSignal');
		expect(computeSiteHealth({ unifi: null, wifiSignalsDbm: [], apTxRetriesPct: [20], ninja: null })).toMatchObject({
			wifiSource: 'apTxRetries',
			components: { wifi: { score: 0, reason: '1 of 1 access point above 5% TX retries (worst 20%)' } },
		});
	});

	test.each([
		[{ wifiSignalsDbm: null }, 'WiFi not fetched'],
		[{ wifiSignalsDbm: null, apTxRetriesPct: null }, 'WiFi not fetched'],
		[{ wifiSignalsDbm: [] }, 'no WiFi clients connected'],
		[{ wifiSignalsDbm: null, apTxRetriesPct: [] }, 'no access point statistics'],
		[{ wifiSignalsDbm: [], apTxRetriesPct: [] }, 'no WiFi clients connected and no access point statistics'],
		[{ wifiSignalsDbm: [], apTxRetriesPct: [], consoleStatus: 'console Harbor skipped: offline' }, 'console Harbor skipped: offline'],
		[{ wifiSignalsDbm: null, consoleStatus: 'console Harbor skipped: offline' }, 'console Harbor skipped: offline'],
	])('WiFi without data %j is unknown: %s (lowers confidence, not the score)', (wifi, reason) => {
		const h = computeSiteHealth({ unifi: perfectUnifi, ninja: null, ...wifi });
		expect(h.components.wifi).toMatchObject({ score: null, reason });
		expect(h).toMatchObject({ score: 100, confidence: 0.45, wifiSource: null });
		expect(h.unknown).toContain('wifi');
	});

	test('a console status does not override WiFi data', () => {
		const h = computeSiteHealth({ unifi: null, wifiSignalsDbm: null, apTxRetriesPct: [1], consoleStatus: 'console Harbor partial: clients: HTTP 403', ninja: null });
		expect(h.components.wifi).toMatchObject({ score: 100, reason: '1 access point at or below 5% TX retries' });
	});

	test('status thresholds and weights are settings', () => {
		const obs: SiteObservations = { unifi: { ...perfectUnifi, devicesTotal: 4, devicesOffline: 1 }, wifiSignalsDbm: null, ninja: null };
		// devices 75 (w20), firmware 100 (w5), wan 100 (w15), notifications 100 (w5): 4000/45 = 88.9 -> 89
		expect(computeSiteHealth(obs).score).toBe(89);
		expect(computeSiteHealth(obs, resolveHealthSettings({ healthyMinScore: 85 })).status).toBe('Healthy');
		// Only devices weighted: 75.
		const onlyDevices = resolveHealthSettings({ weights: { firmware: 0, wan: 0, wifi: 0, notifications: 0, endpoints: 0, patching: 0, security: 0, alerts: 0 } });
		expect(computeSiteHealth(obs, onlyDevices)).toMatchObject({ score: 75, status: 'Warning' });
		expect(computeSiteHealth(obs, resolveHealthSettings({ minWifiSignalDbm: -70 })).score).toBe(89);
	});
});

describe('resolveHealthSettings', () => {
	test('defaults', () => {
		expect(DEFAULT_HEALTH_SETTINGS).toMatchObject({
			healthyMinScore: 90,
			warningMinScore: 60,
			minWifiSignalDbm: -65,
			txRetryGoodPercent: 5,
			txRetryBadPercent: 20,
			wifiTxRetryGoodPercent: 5,
			wifiTxRetryBadPercent: 20,
		});
		expect(Object.values(DEFAULT_HEALTH_SETTINGS.weights).reduce((a, b) => a + b, 0)).toBe(100);
	});
	test.each([
		[{ warningMinScore: 95 }, 'warningMinScore', 'a value <= healthyMinScore (90)'],
		[{ minWifiSignalDbm: -20 }, 'minWifiSignalDbm', 'a value <= -30'],
		[{ weights: { devices: -1 } }, 'weights.devices', 'a value >= 0'],
		[{ weights: { bogus: 1 } }, 'weights.bogus', "one of 'devices', 'firmware', 'wan', 'wifi', 'notifications', 'endpoints', 'patching', 'security', 'alerts'"],
		[{ wanLatencyBadMs: 10 }, 'wanLatencyBadMs', 'a value above wanLatencyGoodMs (50)'],
		[{ wifiTxRetryBadPercent: 4 }, 'wifiTxRetryBadPercent', 'a value above wifiTxRetryGoodPercent (5)'],
		[{ wifiTxRetryGoodPercent: 20 }, 'wifiTxRetryBadPercent', 'a value above wifiTxRetryGoodPercent (20)'],
		[{ wifiTxRetryGoodPercent: -1 }, 'wifiTxRetryGoodPercent', 'a value >= 0'],
		[{ wifiTxRetryBadPercent: 101 }, 'wifiTxRetryBadPercent', 'a value <= 100'],
		[{ wifiTxRetryGoodPercent: '5' }, 'wifiTxRetryGoodPercent', 'number'],
		[{ healthyMinScore: '90' }, 'healthyMinScore', 'number'],
	])('%j is rejected naming %s', (input, field, expected) => {
		let error: unknown;
		try {
			resolveHealthSettings(input);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ValidationError);
		expect(error).toMatchObject({ field, expected });
	});
});
