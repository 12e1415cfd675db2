/**
 * `npm run bench -- hubspot --companies 98 --json`
 *
 * Syncs a health score into every seeded company of the sandbox HubSpot (its ten-secondly limit on: 100 requests per
 * 10 s, free tier) with syncHubSpotRecords, keyed by `domain`, the code the HubSpot node runs:
 *   1. first run: every company gets a new value of a custom property (all changed; the measured run),
 *   2. re-run with the same input (must write nothing).
 * Calls are counted from the emulator's request counters. `floorCalls` is what the batch endpoints allow at best:
 * ceil(N/100) reads + ceil(N/100) writes; `naiveCalls` is one call per company. `floorSeconds` is the least time the
 * client's free-tier pace (a burst of 10, then 8 per second) allows for floorCalls.
 *
 * Flags: --companies N (98).
 */
import { resetRateLimiters } from '../lib/http';
import { clearLearnedHubSpotLimits, HUBSPOT_BURST_LIMITS, HUBSPOT_DEFAULTS, HubSpotClient, specForBurstLimit, syncHubSpotRecords, type HubSpotSyncRow } from '../lib/hubspot';
import { startSandbox } from '../test/sandbox';
import type { BenchArgs } from './run';
import { numberArg as num, round } from './args';

const SCORE = 'msp_health_score';
const WRITE_ROUTES = ['create', 'update', 'upsert', 'archive'].map((verb) => `POST /crm/v3/objects/companies/batch/${verb}`);

export async function run(args: BenchArgs): Promise<Record<string, unknown>> {
	const wanted = Math.max(1, Math.floor(num(args.companies, 98)));
	const log = (msg: string) => {
		if (!args.quiet) process.stderr.write(`[hubspot] ${msg}\n`);
	};
	let started = performance.now();
	const sandbox = await startSandbox({ services: ['hubspot'], world: { sites: wanted, devicesPerSite: wanted > 1000 ? 1 : undefined } });
	const setupSeconds = (performance.now() - started) / 1000;
	const emulator = sandbox.hubspot!;
	try {
		resetRateLimiters();
		clearLearnedHubSpotLimits();
		const client = new HubSpotClient({ token: sandbox.credentials.hubspotToken, baseUrl: sandbox.urls.hubspot });
		// Setup (not measured): the custom property, created through the API like the node does.
		await client.ensureProperties('companies', [{ name: SCORE, label: 'Health score', type: 'number', fieldType: 'number' }], { group: { name: 'msp_ops', label: 'MSP Ops' } });
		const domains = [...emulator.objects.companies.values()].map((c) => c.properties.domain as string);
		const companies = domains.length;
		const rows: HubSpotSyncRow[] = domains.map((domain, i) => ({ key: domain, properties: { [SCORE]: 40 + (i % 61) } }));
		const writes = () => WRITE_ROUTES.reduce((sum, route) => sum + emulator.count(route), 0);
		const count429 = () => emulator.statusCounters.get(429) ?? 0;

		const syncOnce = async () => {
			emulator.clearLog();
			const t0 = performance.now();
			const results = await syncHubSpotRecords(client, 'companies', { uniqueProperty: 'domain', rows });
			return {
				results,
				wallSeconds: (performance.now() - t0) / 1000,
				calls: emulator.count(),
				writes: writes(),
				rateLimited429: count429(),
				failed: results.filter((r) => r.action === 'failed'),
			};
		};

		log(`first run: ${companies} companies, all changed`);
		started = performance.now();
		const first = await syncOnce();
		if (first.failed.length) throw new Error(`first run: ${first.failed.length} companies failed: ${first.failed[0].error?.message}`);
		log(`re-run without changes`);
		const rerun = await syncOnce();
		if (rerun.failed.length) throw new Error(`re-run: ${rerun.failed.length} companies failed: ${rerun.failed[0].error?.message}`);

		const batches = Math.ceil(companies / 100);
		const floorCalls = batches * 2;
		// The client's pace on the free tier (burst, then a steady rate): the least time floorCalls can take.
		const pace = specForBurstLimit({ max: HUBSPOT_BURST_LIMITS.freeStarter, intervalMs: HUBSPOT_DEFAULTS.burstIntervalMs });
		const floorSeconds = Math.max(0, floorCalls - (pace.burst ?? 1)) / pace.requestsPerSecond;
		const updated = first.results.filter((r) => r.action === 'updated').length;
		return {
			bench: 'hubspot',
			companies,
			changed: updated,
			calls: first.calls,
			floorCalls,
			naiveCalls: companies,
			rateLimited429: first.rateLimited429 + rerun.rateLimited429,
			writesOnRerun: rerun.writes,
			writeCalls: first.writes,
			wallSeconds: round(first.wallSeconds),
			floorSeconds: round(floorSeconds),
			rerunCalls: rerun.calls,
			rerunWallSeconds: round(rerun.wallSeconds),
			unchangedOnRerun: rerun.results.filter((r) => r.action === 'unchanged').length,
			setupSeconds: round(setupSeconds),
			targets: {
				callsWithinFloorPlus1: first.calls <= floorCalls + 1,
				noWritesOnRerun: rerun.writes === 0,
				no429: first.rateLimited429 + rerun.rateLimited429 === 0,
				allUpdated: updated === companies,
			},
		};
	} finally {
		await sandbox.stop();
	}
}
