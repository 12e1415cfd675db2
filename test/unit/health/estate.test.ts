import { z } from 'zod';
import { FAST_CHECKS, scoreEstate } from '../../../lib/health';
import { ValidationError } from '../../../lib/errors';
import { estateRecords } from '../../sandbox/estateRecords';
import { generateWorld } from '../../sandbox/world';
import { clientRecord as client, healthRecord as health, orgRecord, siteRecord } from './records';

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
		expect(s.json).toMatchObject({ siteId: 's1', organizationId: 7, matchedBy: 'name', wifiClients: 2, weakWifiClients: 1, endpoints: 2 });
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
	});

	test('a site without devices or statistics, joined to an organization without devices, is Unknown, not Healthy', () => {
		const empty = siteRecord('s1', 'Alpha', { devices: { total: 0, offline: 0, offlineGateways: 0, pendingUpdates: 0 }, criticalNotifications: 0, wan: { uptimePercent: null, txRetryPercent: null, latencyAvgMs: null } });
		const r = scoreEstate([empty, orgRecord(1, 'Alpha'), health(5, 2), orgRecord(2, 'Beta'), client('s9', -50)]);
		expect(r.scores[0].json).toMatchObject({ siteId: 's1', organizationId: 1, score: null, status: 'Unknown', confidence: 0, summary: 'No device, WAN, WiFi or endpoint data', endpoints: 0, wifiClients: 0 });
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
