import { z } from 'zod';
import { FAST_CHECKS, resolveHealthSettings, scoreEstate } from '../../../lib/health';
import { ValidationError } from '../../../lib/errors';
import { estateRecords } from '../../sandbox/estateRecords';
import { generateWorld } from '../../sandbox/world';
import { clientRecord as client, consoleDeviceRecord as ap, consoleStatusRecord as consoleStatus, healthRecord as health, orgRecord, siteRecord } from './records';

describe('scoreEstate on the sandbox world', () => {
	test.each([42, 7])('seed %i: every site scored, statuses follow the generated profiles, unmatched reported', (seed) => {
		const world = generateWorld({ seed });
		const { records } = estateRecords(world);
		const result = scoreEstate(records);
		expect(result.errors).toEqual([]);
		expect(result.scores).toHaveLength(world.sites.length);
		const byId = new Map(result.scores.map((s) => [s.json.siteId, s.json]));
		const expected = { healthy: 'Healthy', warning: 'Warning', critical: 'Critical' } as const;
		for (const s of world.sites) expect([s.unifi.meta.desc, byId.get(s.unifi.siteId)?.status]).toEqual([s.unifi.meta.desc, expected[s.profile]]);
		// Matched sites carry their organization; the one UniFi-only site and NinjaOne-only org come out unmatched.
		for (const s of world.sites) expect(byId.get(s.unifi.siteId)?.organizationId).toBe(s.ninja?.id ?? null);
		expect(result.unmatched.filter((u) => u.json.source === 'unifi').map((u) => u.json.id)).toEqual(world.unmatched.unifiSiteIds);
		expect(result.unmatched.filter((u) => u.json.source === 'ninjaone').map((u) => Number(u.json.id))).toEqual(world.unmatched.ninjaOrganizationIds);
		const methods = new Set(result.scores.map((s) => s.json.matchedBy));
		expect(methods).toEqual(new Set(['customField', 'name', null]));
	});
});

describe('scoreEstate', () => {
	test('joins clients by site id, health rows and alert records by organization, and pairs items', () => {
		const items = [
			siteRecord('s1', 'Alpha Dental'),
			client('s1', -50),
			client('s1', -80),
			orgRecord(7, 'Alpha Dental, LLC'),
			health(100, 7, { healthStatus: 'NEEDS_ATTENTION', alertCount: 5 }),
			health(101, 7),
			{ kind: 'ninjaone.alert', uid: 'a1', organizationId: 7 },
			{ kind: 'unifi.device', deviceId: 'ignored' },
		];
		const r = scoreEstate(items);
		expect(r.errors).toEqual([]);
		expect(r.counts).toEqual({ 'unifi.site': 1, 'unifi.client': 2, 'ninjaone.organization': 1, 'ninjaone.deviceHealth': 2, 'ninjaone.alert': 1, 'unifi.device': 1 });
		const [s] = r.scores;
		expect(s.items).toEqual([0, 3]);
		expect(s.json).toMatchObject({ siteId: 's1', organizationId: 7, matchedBy: 'name', wifiSource: 'clientSignal', wifiClients: 2, weakWifiClients: 1, accessPoints: null, endpoints: 2 });
		// alert records win over the rows' alertCount when alerts were fetched: 1 alert -> 80
		expect(s.json.components.alerts.score).toBe(80);
		expect(s.json.components.wifi.reason).toBe('1 of 2 WiFi clients below -65 dBm');
		// Without alert records, the rows' alert counts are used: 5 -> 0.
		expect(scoreEstate(items.filter((i) => i.kind !== 'ninjaone.alert')).scores[0].json.components.alerts.score).toBe(0);
	});

	test('without client records WiFi is unknown, not perfect; without health rows NinjaOne is unknown', () => {
		const r = scoreEstate([siteRecord('s1', 'Alpha'), orgRecord(1, 'Alpha')]);
		expect(r.scores[0].json.unknown).toEqual(['wifi', 'endpoints', 'patching', 'security', 'alerts']);
		expect(r.scores[0].json.confidence).toBe(0.45);
		expect(r.scores[0].json.components.wifi.reason).toBe('WiFi not fetched');
		expect(r.scores[0].json).toMatchObject({ wifiSource: null, wifiClients: null, weakWifiClients: null, accessPoints: null });
	});

	test('a site without devices or statistics, joined to an organization without devices, is Unknown, not Healthy', () => {
		const empty = siteRecord('s1', 'Alpha', { devices: { total: 0, offline: 0, offlineGateways: 0, pendingUpdates: 0 }, criticalNotifications: 0, wan: { uptimePercent: null, txRetryPercent: null, latencyAvgMs: null } });
		const r = scoreEstate([empty, orgRecord(1, 'Alpha'), health(5, 2), orgRecord(2, 'Beta'), client('s9', -50)]);
		expect(r.scores[0].json).toMatchObject({ siteId: 's1', organizationId: 1, score: null, status: 'Unknown', confidence: 0, summary: 'No device, WAN, WiFi or endpoint data', endpoints: 0 });
		// Clients were fetched (for another site) but none for this one: WiFi unknown, and no client counts without a WiFi score.
		expect(r.scores[0].json).toMatchObject({ wifiSource: null, wifiClients: null, weakWifiClients: null, accessPoints: null });
		expect(r.scores[0].json.components.wifi.reason).toBe('no WiFi clients connected');
	});

	test('invalid records are reported by item, field and expectation, and the rest is still scored', () => {
		const r = scoreEstate([
			siteRecord('s1', 'Alpha'),
			{ kind: 'something.else' },
			siteRecord('s2', 'Beta', { devices: { total: -1, offline: 0, offlineGateways: 0, pendingUpdates: 0 } }),
			client('s1', 12),
			'not an object',
			siteRecord('s1', 'Alpha again'),
		]);
		expect(r.scores.map((s) => s.json.siteId)).toEqual(['s1']);
		expect(r.errors.map((e) => [e.itemIndex, e.error.field, e.error.expected])).toEqual([
			[1, 'kind', expect.stringContaining('one of "unifi.site"')],
			[2, 'devices.total', 'a value >= 0'],
			[3, 'signalDbm', 'a value <= 0'],
			[4, '(root)', 'object'],
			[5, 'siteId', 'a siteId that appears once'],
		]);
		expect(r.errors[1].error).toBeInstanceOf(ValidationError);
		expect(r.errors[1].error.message).toBe('Invalid unifi.site record (item 2): devices.total: expected a value >= 0, received -1');
	});

	test('clients of a site that is not in the input are reported, not dropped', () => {
		const r = scoreEstate([siteRecord('s1', 'Alpha'), client('zz', -50, 'branch'), client('zz', -60, 'branch')]);
		expect(r.unmatched.map((u) => u.json)).toContainEqual({
			kind: 'healthScore.unmatched',
			source: 'unifi',
			id: 'zz',
			name: 'branch',
			reason: '2 WiFi clients belong to a console site that is not among the input UniFi sites',
		});
	});

	test('device health records of an organization not in the input go to Unmatched with the reason, never dropped', () => {
		const r = scoreEstate([
			siteRecord('s1', 'Alpha'),
			orgRecord(1, 'Alpha'),
			health(10, 1),
			health(20, 57, { healthStatus: 'UNHEALTHY', activeThreatsCount: 2 }),
			health(21, 57, { healthStatus: 'NEEDS_ATTENTION' }),
			health(22, 57),
			{ kind: 'ninjaone.alert', uid: 'a9', organizationId: 57 },
			health(30, null, { healthStatus: 'UNHEALTHY' }),
		]);
		expect(r.scores.map((s) => [s.json.siteId, s.json.endpoints])).toEqual([['s1', 1]]);
		expect(r.unmatched).toEqual([
			{
				json: {
					kind: 'healthScore.unmatched',
					source: 'ninjaone',
					id: '57',
					name: 'NinjaOne organization 57',
					reason: '3 device health records (1 unhealthy, 1 needing attention, 2 active threats on device 20) and 1 open alert of an organization that is not among the input NinjaOne organizations',
					deviceIds: [20, 21, 22],
				},
				items: [3, 4, 5, 6],
			},
			{
				json: {
					kind: 'healthScore.unmatched',
					source: 'ninjaone',
					id: '',
					name: 'No NinjaOne organization',
					reason: '1 device health record (1 unhealthy) without an organization (the device was not in the device list that gives rows their organization)',
					deviceIds: [30],
				},
				items: [7],
			},
		]);
	});

	test('an unmatched organization carries its device health records and says they are not scored', () => {
		const r = scoreEstate([siteRecord('s1', 'Alpha'), orgRecord(2, 'Gamma'), health(40, 2, { activeThreatsCount: 1 }), health(41, 2)]);
		expect(r.unmatched.find((u) => u.json.source === 'ninjaone')).toEqual({
			json: {
				kind: 'healthScore.unmatched',
				source: 'ninjaone',
				id: '2',
				name: 'Gamma',
				reason: 'no UniFi site matched (tried: mapping, customField, name); its 2 device health records (1 active threat on device 40) are not scored',
				deviceIds: [40, 41],
			},
			items: [1, 2, 3],
		});
	});

	test('the same input gives the same output (safe to diff downstream)', () => {
		const { records } = estateRecords(generateWorld({ seed: 3, sites: 20 }));
		expect(JSON.stringify(scoreEstate(records))).toBe(JSON.stringify(scoreEstate(records)));
	});
});

/** Unmatched entries other than the sites without a NinjaOne organization (these tests have no organizations). */
const strays = (r: ReturnType<typeof scoreEstate>) => r.unmatched.filter((u) => !u.json.reason.startsWith('no NinjaOne organization matched'));

describe('scoreEstate: WiFi from access point TX retries (console devices) when a site has no client signals', () => {
	const site = (id = 's1', over: Record<string, unknown> = {}) => siteRecord(id, `Site ${id}`, { hostId: 'H1', ...over });

	test('worst radio per AP, 100 at <= 5% and 0 at >= 20%, mean over the APs; only online APs with radio statistics count', () => {
		const r = scoreEstate([
			site(),
			ap('s1', 'a1', [3, 1]), // worst 3 -> 100
			ap('s1', 'a2', [4, 12.5, null]), // worst 12.5 -> (20-12.5)/(20-5) = 50
			ap('s1', 'a3', [null, 20]), // worst 20 -> 0
			ap('s1', 'a4', [90], { isOnline: false, state: 'OFFLINE' }), // offline: not scored
			ap('s1', 'a5', [], { statistics: null }), // online, statistics not read: not scored, but named
			ap('s1', 'a6', [null, null]), // no numeric TX retries: not scored
			ap('s1', 'sw1', [80], { isAccessPoint: false, isSwitch: true }), // not an AP
		]);
		expect(r.errors).toEqual([]);
		const s = r.scores[0].json;
		const reason = '2 of 3 access points above 5% TX retries (worst 20%); statistics of 1 more access point could not be read';
		expect(s.components.wifi).toMatchObject({ score: 50, weight: 15, reason, coverage: 0.75 });
		expect(s).toMatchObject({ wifiSource: 'apTxRetries', accessPoints: 3, wifiClients: null, weakWifiClients: null });
		// devices 100 (w20), firmware 100 (w5), wan 100 (w15), wifi 50 (w15), notifications 100 (w5): 5250/60 = 87.5 -> 88
		expect(s.score).toBe(88);
		expect(s.status).toBe('Warning');
		// WiFi counts for the 3 of 4 access points read: (45 + 15 * 0.75) / 100 = 0.5625
		expect(s.confidence).toBe(0.56);
		expect(s.summary).toBe(reason);
		expect(strays(r)).toEqual([]);
	});

	test('reasons name the access points, never WiFi clients; the worst TX retry is rounded to one decimal', () => {
		const wifi = (...records: unknown[]) => scoreEstate([site(), ...records]).scores[0].json.components.wifi;
		expect(wifi(ap('s1', 'a1', [1, 5]), ap('s1', 'a2', [0]))).toMatchObject({ score: 100, reason: 'all 2 access points at or below 5% TX retries' });
		expect(wifi(ap('s1', 'a1', [2]))).toMatchObject({ score: 100, reason: '1 access point at or below 5% TX retries' });
		// 14.24: (20-14.24)/15 = 38.4
		expect(wifi(ap('s1', 'a1', [14.24]))).toMatchObject({ score: 38.4, reason: '1 of 1 access point above 5% TX retries (worst 14.2%)' });
		// frequencyGHz as a number (Network 10.x) is accepted: it is not read.
		expect(wifi(ap('s1', 'a1', [6], { statistics: { uptimeSec: null, cpuUtilizationPct: null, memoryUtilizationPct: null, radios: [{ frequencyGHz: 0, txRetriesPct: 6 }] } }))).toMatchObject({
			score: 93.3,
			reason: '1 of 1 access point above 5% TX retries (worst 6%)',
		});
	});

	test('the targets are settings (wifiTxRetryGoodPercent, wifiTxRetryBadPercent), apart from the WAN TX retry targets', () => {
		const settings = resolveHealthSettings({ wifiTxRetryGoodPercent: 10, wifiTxRetryBadPercent: 30 });
		// worst 20: (30-20)/(30-10) = 50; the site TX retry (WAN) keeps its own 5/20 targets: 2% -> 100
		const s = scoreEstate([site('s1', { wan: { uptimePercent: null, txRetryPercent: 2, latencyAvgMs: null } }), ap('s1', 'a1', [20])], { settings }).scores[0].json;
		expect(s.components.wifi).toMatchObject({ score: 50, reason: '1 of 1 access point above 10% TX retries (worst 20%)' });
		expect(s.components.wan).toMatchObject({ score: 100, reason: 'WAN within targets' });
	});

	test('client signal wins over AP TX retries when a site has both; each site uses what it has', () => {
		const r = scoreEstate([site('s1'), site('s2'), client('s1', -50), client('s1', -80), ap('s1', 'a1', [20]), ap('s2', 'a2', [12.5])]);
		const [s1, s2] = r.scores.map((s) => s.json);
		expect(s1.components.wifi).toMatchObject({ score: 50, reason: '1 of 2 WiFi clients below -65 dBm' });
		expect(s1).toMatchObject({ wifiSource: 'clientSignal', wifiClients: 2, weakWifiClients: 1, accessPoints: null });
		expect(s2.components.wifi).toMatchObject({ score: 50, reason: '1 of 1 access point above 5% TX retries (worst 12.5%)' });
		expect(s2).toMatchObject({ wifiSource: 'apTxRetries', wifiClients: null, weakWifiClients: null, accessPoints: 1 });
		expect(strays(r)).toEqual([]);
	});

	test('the Site Manager site TX retry is never used for WiFi (the WAN component counts it)', () => {
		const s = scoreEstate([site('s1', { wan: { uptimePercent: 100, txRetryPercent: 30, latencyAvgMs: null } })]).scores[0].json;
		expect(s.components.wifi).toMatchObject({ score: null, reason: 'WiFi not fetched' });
		expect(s.components.wan.reason).toBe('TX retry 30% (target 5%)');
	});
});

describe('scoreEstate: WiFi unknown reasons', () => {
	const site = (id = 's1', over: Record<string, unknown> = {}) => siteRecord(id, `Site ${id}`, { hostId: 'H1', ...over });
	const wifiOf = (items: unknown[], siteId = 's1') => {
		const r = scoreEstate(items);
		expect(r.errors).toEqual([]);
		return r.scores.find((s) => s.json.siteId === siteId)!.json;
	};

	test.each([
		['neither clients nor console devices in the input', [site()], 'WiFi not fetched'],
		['clients fetched, none for the site', [site(), site('s2'), client('s2', -50)], 'no WiFi clients connected'],
		['console devices fetched, no online AP with statistics at the site', [site(), site('s2'), ap('s2', 'a1', [3]), ap('s1', 'a2', [9], { isOnline: false }), ap('s1', 'a3', [], { statistics: null })], 'no access point statistics'],
		['both fetched, neither for the site', [site(), site('s2'), client('s2', -50), ap('s2', 'a1', [3])], 'no WiFi clients connected and no access point statistics'],
		['a console status for the site\'s host', [site(), consoleStatus('H1')], 'console Harbor Dental UDM Pro skipped: offline (Site Manager state disconnected)'],
		[
			'a console status listing the site, without a name (site without hostId)',
			[siteRecord('s1', 'Old input'), consoleStatus('H9', { name: null, siteIds: ['s1'], status: 'unreachable', reason: 'HTTP 502 BAD_GATEWAY', httpStatus: 502 })],
			'console H9 unreachable: HTTP 502 BAD_GATEWAY',
		],
		[
			'two status records of one console: each status once, the console named once',
			[site(), consoleStatus('H1', { status: 'partial', reason: 'clients: HTTP 403' }), consoleStatus('H1', { name: null, status: 'partial', reason: 'clients: HTTP 403' }), consoleStatus('H1', { status: 'unreachable', reason: 'HTTP 408' })],
			'console Harbor Dental UDM Pro partial: clients: HTTP 403; unreachable: HTTP 408',
		],
		['a console status wins over the other reasons', [site(), site('s2'), client('s2', -50), ap('s2', 'a1', [3]), consoleStatus('H1')], 'console Harbor Dental UDM Pro skipped: offline (Site Manager state disconnected)'],
	])('%s: %#', (_what, items, reason) => {
		const s = wifiOf(items);
		expect(s.components.wifi).toMatchObject({ score: null, reason });
		expect(s.unknown).toContain('wifi');
		expect(s).toMatchObject({ wifiSource: null, wifiClients: null, weakWifiClients: null, accessPoints: null });
	});

	test('unknown WiFi lowers confidence, not the score', () => {
		const s = wifiOf([site(), consoleStatus('H1')]);
		// devices, firmware, wan, notifications all 100 (weight 45 of 100)
		expect(s).toMatchObject({ score: 100, status: 'Healthy', confidence: 0.45, summary: 'All checks passed' });
	});

	test('a console status does not replace data: a partial console with AP statistics is scored on them', () => {
		const s = wifiOf([site(), ap('s1', 'a1', [3]), consoleStatus('H1', { status: 'partial', reason: 'clients: HTTP 403' })]);
		expect(s.components.wifi).toMatchObject({ score: 100, reason: '1 access point at or below 5% TX retries' });
		expect(s.wifiSource).toBe('apTxRetries');
	});

	test('console status records are never errors nor unmatched, also for consoles of no input site', () => {
		const r = scoreEstate([site(), consoleStatus('H7', { siteIds: ['s7'] })]);
		expect(r.errors).toEqual([]);
		expect(strays(r)).toEqual([]);
		expect(r.scores[0].json.components.wifi.reason).toBe('WiFi not fetched');
		expect(r.counts).toEqual({ 'unifi.site': 1, 'unifi.console': 1 });
	});
});

describe('scoreEstate: console records in the input', () => {
	test('console clients without a signal and console networks are accepted and add nothing; sites with or without hostId validate', () => {
		const r = scoreEstate([
			siteRecord('s1', 'A', { hostId: 'H1' }),
			siteRecord('s2', 'B'),
			{ kind: 'unifi.consoleClient', hostId: 'H1', siteId: 's1', consoleSiteId: 'cs', consoleSite: 'default', clientId: 'c1', type: 'WIRELESS', signalDbm: null },
			{ kind: 'unifi.consoleNetwork', hostId: 'H1', siteId: null, consoleSiteId: 'cs', consoleSite: 'default', networkId: 'n1', name: 'LAN' },
		]);
		expect(r.errors).toEqual([]);
		expect(strays(r)).toEqual([]);
		expect(r.scores).toHaveLength(2);
		expect(r.counts).toEqual({ 'unifi.site': 2, 'unifi.consoleClient': 1, 'unifi.consoleNetwork': 1 });
		expect(r.scores[0].json.components.wifi.reason).toBe('WiFi not fetched');
	});

	test('console devices and statuses are validated on the fields read, naming the item and field', () => {
		const r = scoreEstate([
			siteRecord('s1', 'A', { hostId: 'H1' }),
			ap('s1', 'a1', [150]),
			ap('s1', 'a2', [3], { isOnline: 'yes' }),
			ap('s1', 'a3', [3], { statistics: { radios: 'none' } }),
			ap('s1', 'a4', [3], { hostId: '' }),
			consoleStatus('H1', { status: 'down' }),
			consoleStatus('H1', { siteIds: 's1' }),
			siteRecord('s2', 'B', { hostId: 7 }),
		]);
		expect(r.errors.map((e) => [e.itemIndex, e.error.field, e.error.expected])).toEqual([
			[1, 'statistics.radios[0].txRetriesPct', 'a value <= 100'],
			[2, 'isOnline', 'boolean'],
			[3, 'statistics.radios', 'array'],
			[4, 'hostId', expect.stringContaining('1')],
			[5, 'status', 'one of "skipped", "unreachable", "partial"'],
			[6, 'siteIds', 'array'],
			[7, 'hostId', 'string'],
		]);
		expect(r.errors[0].error.message).toBe('Invalid unifi.consoleDevice record (item 1): statistics.radios[0].txRetriesPct: expected a value <= 100, received 150');
		// Invalid items are left out of the scoring: no valid console device, so none was fetched.
		expect(r.scores[0].json.components.wifi.reason).toBe('WiFi not fetched');
	});

	test('a repeated console device (same hostId and deviceId) is an error on the repeated item; the first is scored', () => {
		const r = scoreEstate([siteRecord('s1', 'A', { hostId: 'H1' }), ap('s1', 'a1', [3]), ap('s1', 'a1', [20]), ap('s1', 'a1', [20], { hostId: 'H2' })]);
		expect(r.errors.map((e) => [e.itemIndex, e.error.field, e.error.expected, e.error.message])).toEqual([
			[2, 'deviceId', 'a deviceId that appears once', 'Duplicate unifi.consoleDevice record (item 2): deviceId "a1" on console "H1" was already given by item 1'],
		]);
		// a1 on H1 (3% -> 100) and a1 on H2 (another console, 20% -> 0): 50
		expect(r.scores[0].json).toMatchObject({ accessPoints: 2, components: { wifi: { score: 50 } } });
	});

	test('console devices of a console site that joined no input site are reported per console site, never dropped', () => {
		const r = scoreEstate([
			siteRecord('s1', 'A', { hostId: 'H1' }),
			ap(null, 'a1', [3], { hostId: 'H2' }),
			ap('s1', 'a2', [3]),
			ap(null, 'a3', [30], { hostId: 'H2' }),
			ap(null, 'a4', [], { hostId: 'H2', statistics: null, isOnline: false }),
			ap('s9', 'b1', [3], { consoleSiteId: 'cs-branch', consoleSite: 'branch' }),
			ap('s9', 'sw1', [], { consoleSiteId: 'cs-branch', consoleSite: 'branch', isAccessPoint: false, isSwitch: true, statistics: null }),
			ap(null, 'gw1', [], { hostId: 'H3', consoleSiteId: 'cs-x', consoleSite: null, isAccessPoint: false, isGateway: true }),
		]);
		expect(r.errors).toEqual([]);
		expect(r.scores[0].json).toMatchObject({ wifiSource: 'apTxRetries', accessPoints: 1 });
		expect(strays(r)).toEqual([
			{
				json: {
					kind: 'healthScore.unmatched',
					source: 'unifi',
					id: 'cs-default',
					name: 'default',
					reason: '3 access points of console site "default" on console H2 matched no input UniFi site (its console site joined no Site Manager site)',
					hostId: 'H2',
				},
				items: [1, 3, 4],
			},
			{
				json: {
					kind: 'healthScore.unmatched',
					source: 'unifi',
					id: 's9',
					name: 'branch',
					reason: '1 access point and 1 other device of console site "branch" on console H1 matched no input UniFi site (Site Manager site s9 is not among the input sites)',
					hostId: 'H1',
				},
				items: [5, 6],
			},
			{
				json: {
					kind: 'healthScore.unmatched',
					source: 'unifi',
					id: 'cs-x',
					name: 'cs-x',
					reason: '1 device of console site "cs-x" on console H3 matched no input UniFi site (its console site joined no Site Manager site)',
					hostId: 'H3',
				},
				items: [7],
			},
		]);
	});

	test('console devices of a site that failed validation are reported, like its clients', () => {
		const r = scoreEstate([siteRecord('s1', 'A'), siteRecord('s2', 'B', { devices: null }), ap('s2', 'a1', [3])]);
		expect(r.errors.map((e) => e.itemIndex)).toEqual([1]);
		expect(strays(r).map((u) => u.json.reason)).toEqual(['1 access point of console site "default" on console H1 matched no input UniFi site (Site Manager site s2 is not among the input sites)']);
	});
});

describe('FAST_CHECKS accept only what the zod schemas accept', () => {
	// The schemas are internal; rebuild the decisive constraints to cross-check through scoreEstate instead.
	test.each(Object.keys(FAST_CHECKS))('%s: random mutations never pass the fast check yet fail zod', (kind) => {
		const base = kind === 'unifi.client' ? client('s1', -50) : health(1, 2);
		const values: unknown[] = [null, undefined, -1, 0, 1.5, 200, -200, '', 'x', true, {}, [], 'HEALTHY'];
		let checked = 0;
		for (const key of Object.keys(base)) {
			if (key === 'kind') continue;
			for (const value of values) {
				const record = { ...base, [key]: value } as Record<string, unknown>;
				if (value === undefined) delete record[key];
				const fast = FAST_CHECKS[kind as keyof typeof FAST_CHECKS]!(record);
				// scoreEstate validates with zod unless the fast check accepts; compare against a zod-only run.
				const viaZod = scoreEstateZodOnly(record);
				if (fast) expect([key, value, viaZod]).toEqual([key, value, true]);
				checked++;
			}
		}
		expect(checked).toBeGreaterThan(40);
	});
});

/** Whether zod alone accepts the record: disable the fast path by adding a field the fast check rejects. */
function scoreEstateZodOnly(record: Record<string, unknown>): boolean {
	const loose = z.object({}).passthrough().parse(record);
	const saved = { ...FAST_CHECKS };
	for (const key of Object.keys(FAST_CHECKS)) delete FAST_CHECKS[key as keyof typeof FAST_CHECKS];
	try {
		return scoreEstate([siteRecord('s1', 'A'), loose]).errors.length === 0;
	} finally {
		Object.assign(FAST_CHECKS, saved);
	}
}

describe('scoreEstate: connector clients with legacy signal', () => {
	const consoleClient = (siteId: string | null, signalDbm: number | null, type = 'WIRELESS') => ({
		kind: 'unifi.consoleClient',
		hostId: 'H1',
		siteId,
		consoleSiteId: 'cs1',
		consoleSite: 'default',
		clientId: `c${Math.random()}`,
		type,
		name: null,
		mac: null,
		ip: null,
		connectedAt: null,
		uplinkDeviceId: null,
		isGuest: false,
		signalDbm,
		essid: null,
	});
	const site = siteRecord('s1', 'Site s1', { hostId: 'H1' });

	test('a WiFi client with a signal counts like a local console client and wins over AP retries', () => {
		const r = scoreEstate([site, consoleClient('s1', -60), consoleClient('s1', -70), consoleClient('s1', -90, 'WIRED'), ap('s1', 'a1', [20])]);
		expect(r.errors).toEqual([]);
		expect(r.scores[0].json).toMatchObject({ wifiSource: 'clientSignal', wifiClients: 2, weakWifiClients: 1 });
		expect(r.scores[0].json.components.wifi.reason).toBe('1 of 2 WiFi clients below -65 dBm');
	});

	test('clients without a signal (legacy not available) leave WiFi to the access points', () => {
		const r = scoreEstate([site, consoleClient('s1', null), ap('s1', 'a1', [3])]);
		expect(r.scores[0].json).toMatchObject({ wifiSource: 'apTxRetries', accessPoints: 1 });
	});

	test('signals of a console site that joined no Site Manager site are reported, not dropped', () => {
		const r = scoreEstate([site, consoleClient(null, -60)]);
		expect(r.unmatched.map((u) => u.json.reason)).toContainEqual('1 WiFi clients belong to a console site that is not among the input UniFi sites');
		expect(r.unmatched.map((u) => u.json.name)).toContainEqual('console site "default" on console H1');
	});

	test('a signal out of range is a validation error on that item', () => {
		const r = scoreEstate([site, consoleClient('s1', 12)]);
		expect(r.errors.map((e) => [e.itemIndex, e.error.field])).toEqual([[1, 'signalDbm']]);
	});
});
