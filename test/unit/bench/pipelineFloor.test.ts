/**
 * The arithmetic of `npm run bench -- pipeline` (bench/pipeline/floor.ts, floorCalls.ts): the least time a rate
 * limit forces, on a faster clock too, the split of a run's calls into one-service segments, and the least calls
 * the data allows. The benchmark's targets are only as good as these.
 */
import { floorSeconds, limitSeconds, scaleLimit, segmentsOf } from '../../../bench/pipeline/floor';
import { floorCalls, type PipelineData } from '../../../bench/pipeline/floorCalls';
import { notionBenchBurst, pipelineData } from '../../../bench/pipeline';
import { generateWorld } from '../../sandbox/world';

describe('limitSeconds', () => {
	const notion = { kind: 'bucket', ratePerSec: 3, burst: 10 } as const;
	const hubspot = { kind: 'window', limit: 100, windowMs: 10_000 } as const;

	it('a bucket: the burst goes at once, every further call waits 1/rate', () => {
		expect(limitSeconds(notion, 0)).toBe(0);
		expect(limitSeconds(notion, 10)).toBe(0);
		expect(limitSeconds(notion, 11)).toBeCloseTo(1 / 3);
		expect(limitSeconds(notion, 1010)).toBeCloseTo(1000 / 3);
	});

	it('a window: call limit+1 waits for the first to be a window old', () => {
		expect(limitSeconds(hubspot, 100)).toBe(0);
		expect(limitSeconds(hubspot, 101)).toBe(10);
		expect(limitSeconds(hubspot, 200)).toBe(10);
		expect(limitSeconds(hubspot, 201)).toBe(20);
	});

	it('a K times faster clock divides the time by K and keeps the counts', () => {
		expect(scaleLimit(notion, 4)).toEqual({ kind: 'bucket', ratePerSec: 12, burst: 10 });
		expect(scaleLimit(hubspot, 4)).toEqual({ kind: 'window', limit: 100, windowMs: 2_500 });
		expect(limitSeconds(scaleLimit(notion, 4), 1010)).toBeCloseTo(limitSeconds(notion, 1010) / 4);
		expect(limitSeconds(scaleLimit(hubspot, 4), 250)).toBeCloseTo(limitSeconds(hubspot, 250) / 4);
	});
});

describe('segments and floorSeconds', () => {
	it('splits calls in time order into runs of one service', () => {
		const calls = [
			{ service: 'notion', at: 5 },
			{ service: 'notion', at: 1 },
			{ service: 'hubspot', at: 7 },
			{ service: 'notion', at: 9 },
			{ service: 'notion', at: 10 },
		];
		expect(segmentsOf(calls)).toEqual([
			{ service: 'notion', calls: 2, from: 1, to: 5 },
			{ service: 'hubspot', calls: 1, from: 7, to: 7 },
			{ service: 'notion', calls: 2, from: 9, to: 10 },
		]);
	});

	it('sums each segment on its own, so a bucket refilled between segments is not counted twice', () => {
		const limits = { notion: { kind: 'bucket', ratePerSec: 2, burst: 2 }, hubspot: { kind: 'window', limit: 1, windowMs: 1000 } } as const;
		const segments = [
			{ service: 'notion', calls: 3, from: 0, to: 0 },
			{ service: 'hubspot', calls: 3, from: 0, to: 0 },
			{ service: 'supabase', calls: 50, from: 0, to: 0 },
			{ service: 'notion', calls: 6, from: 0, to: 0 },
		];
		const floor = floorSeconds(segments, limits);
		// notion (3-2)/2 + (6-2)/2 = 2.5; hubspot (3-1) windows of 1 s = 2; supabase has no limit.
		expect(floor.byService).toEqual({ notion: 2.5, hubspot: 2, supabase: 0 });
		expect(floor.total).toBe(4.5);
		// One segment of 9 Notion calls would claim 3.5 s: more than the two segments must take.
		expect(limitSeconds(limits.notion, 9)).toBe(3.5);
	});
});

describe('floorCalls', () => {
	const data: PipelineData = {
		sites: 201,
		hosts: 201,
		readableConsoles: [
			{ sites: 1, devicesPerSite: [5], onlineAccessPoints: 2 },
			{ sites: 1, devicesPerSite: [201], onlineAccessPoints: 0 },
		],
		timeoutConsoles: 1,
		ninjaOrganizations: 1000,
		ninjaDevices: 999,
		ninjaHealthRows: 999,
		hubspotCompanies: 250,
		matchedCompanies: 201,
		changedCompanies: 201,
		missingProperties: 4,
		missingGroup: true,
		notionInputRows: 201,
		notionExistingRows: 0,
		notionWrites: 201,
		databaseExists: false,
	};

	it('counts pages at the documented page sizes and one Notion write per new or changed row', () => {
		const floor = floorCalls(data);
		// UniFi: sites 2 pages twice, hosts 2, console sites 1+1, devices 1+2, AP statistics 2, one timing-out console.
		expect(floor.calls.unifi).toBe(2 + 2 + 2 + 2 + 3 + 2 + 1);
		// NinjaOne: token, organizations 1000 -> 2 keyset pages, health 999 -> 1, devices 1 (once for both joins), alerts 1.
		expect(floor.calls.ninjaone).toBe(1 + 2 + 1 + 1 + 1);
		// HubSpot: groups, group, properties, 4 properties, 3 list pages, 3 batch reads, 3 batch updates.
		expect(floor.calls.hubspot).toBe(1 + 1 + 1 + 4 + 3 + 3 + 3);
		// Notion: search, create database, data source, one query page of the empty database, 201 creates.
		expect(floor.calls.notion).toBe(1 + 1 + 1 + 1 + 201);
		for (const [service, terms] of Object.entries(floor.basis)) expect(Object.values(terms).reduce((a, b) => a + b, 0)).toBe(floor.calls[service as keyof typeof floor.calls]);
	});

	it('a re-run with nothing changed: reads only', () => {
		const floor = floorCalls({ ...data, changedCompanies: 0, missingProperties: 0, missingGroup: false, notionExistingRows: 201, notionWrites: 0, databaseExists: true });
		expect(floor.basis.hubspot['Upsert Company Health: batch/update']).toBe(0);
		expect(floor.calls.hubspot).toBe(1 + 1 + 3 + 3);
		// Notion: search, the existing database's schema, the upsert's schema, 3 query pages of 201 rows.
		expect(floor.calls.notion).toBe(1 + 1 + 1 + 3);
	});
});

describe('pipelineData', () => {
	it('reads the consoles the connector can read from the world and the counts from the run items', () => {
		const world = generateWorld({ sites: 12 });
		const items = (n: number, json: Record<string, unknown> = {}) => Array.from({ length: n }, () => ({ json }));
		const result = {
			items: (node: string) => (node === 'Health Score' ? items(12) : node === 'Match Companies' ? items(11) : []),
			json: (node: string) => (node === 'Upsert Customer Status' ? [...items(10, { action: 'created' }), ...items(2, { action: 'unchanged' })] : items(11, { action: 'updated' })).map((i) => i.json),
		};
		const sandbox = { world } as Parameters<typeof pipelineData>[0];
		const d = pipelineData(sandbox, result as unknown as Parameters<typeof pipelineData>[1], { firstSync: true, companies: 12, existingRows: 0 });
		const connected = world.sites.filter((s) => s.unifi.host.state === 'connected').length;
		expect(d.readableConsoles.length).toBe(connected - world.connector.belowFloorHostIds.length - world.connector.timeoutHostIds.length);
		expect(d.timeoutConsoles).toBe(world.connector.timeoutHostIds.length);
		expect(d.notionWrites).toBe(10);
		expect(d.changedCompanies).toBe(11);
		expect(d.matchedCompanies).toBe(11);
		expect(d.ninjaDevices).toBe(world.ninjaDeviceCount);
	});
});

describe('notionBenchBurst', () => {
	it('stays under the service burst by the calls 300 ms of jitter can bunch up, and at 1 at least', () => {
		expect(notionBenchBurst({ ratePerSec: 3, burst: 10 })).toBe(9);
		expect(notionBenchBurst({ ratePerSec: 12, burst: 10 })).toBe(6);
		expect(notionBenchBurst({ ratePerSec: 48, burst: 10 })).toBe(1);
		expect(notionBenchBurst({ ratePerSec: 3, burst: 1 })).toBe(1);
	});
});
