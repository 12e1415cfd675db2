/**
 * `npm run bench -- notion-sync --sites 98 --changed 5 --json`
 *
 * Syncs health-score-like site rows into the sandbox Notion (its rate limit on: 3 requests/s, burst 10) with
 * NotionRowSync, the code the Notion Sync node runs:
 *   1. initial run into an empty database (created by ensureDatabase),
 *   2. incremental run after `--changed` rows changed their score (the measured run),
 *   3. re-run with no changes (must write nothing).
 * Calls are counted from the emulator's request counters and cross-checked with lib/http metrics.
 *
 * Flags: --sites N (98), --changed K (5), --rate R (client pace, default 3 = Notion's documented average),
 * --burst B (client burst, 3), --initial-rate R (pace of run 1 only, client and emulator; default 3 up to 1,000
 * sites, 100 above, because 10,000 creates at 3/s take 56 minutes; the figure used is reported as initialRate),
 * --idle S (seconds between runs, default 4: scheduled runs start with refilled buckets).
 */
import { MetricsRecorder, resetRateLimiters } from '../lib/http';
import { createNotionTransport, ensureDatabase, NotionRowSync, resolveDataSource, type InputRow, type SchemaProperty } from '../lib/notion';
import { SANDBOX_CREDENTIALS } from '../test/sandbox/credentials';
import { NotionEmulator, NOTION_DEFAULT_RATE_LIMIT, SANDBOX_PARENT_PAGE_ID } from '../test/sandbox/notion';
import { generateWorld } from '../test/sandbox/world';
import type { BenchArgs } from './run';
import { numberArg as num, round } from './args';

export const SITE_HEALTH_SCHEMA: SchemaProperty[] = [
	{ name: 'Site', type: 'title' },
	{ name: 'Site ID', type: 'rich_text' },
	{ name: 'Customer', type: 'rich_text' },
	{ name: 'Score', type: 'number' },
	{ name: 'Status', type: 'select', options: ['healthy', 'warning', 'critical'] },
	{ name: 'Devices', type: 'number' },
	{ name: 'Devices Offline', type: 'number' },
	{ name: 'Issues', type: 'multi_select' },
	{ name: 'State', type: 'select' },
	{ name: 'Checked At', type: 'date' },
];

/** Deterministic site health rows from the sandbox world (names, ids, profiles, device counts). */
export function siteHealthRows(sites: number): Array<Record<string, unknown>> {
	const world = generateWorld({ sites, unmatched: false, devicesPerSite: sites > 1000 ? 2 : undefined });
	return world.sites.map((site) => {
		const counts = site.unifi.statistics.counts;
		const base = site.profile === 'healthy' ? 92 : site.profile === 'warning' ? 74 : 41;
		const score = Math.max(0, Math.min(100, base - counts.offlineDevice * 3 + (site.index % 7)));
		const issues: string[] = [];
		if (counts.offlineDevice > 0) issues.push('devices offline');
		if (site.unifi.statistics.internetIssues.length) issues.push('internet issues');
		if (counts.pendingUpdateDevice > 0) issues.push('updates pending');
		return {
			Site: site.customerName,
			'Site ID': site.unifi.siteId,
			Customer: site.customerName,
			Score: score,
			Status: site.profile,
			Devices: counts.totalDevice,
			'Devices Offline': counts.offlineDevice,
			Issues: issues,
			State: site.state,
			'Checked At': '2026-11-22T06:00:00.000Z',
		};
	});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export async function run(args: BenchArgs): Promise<Record<string, unknown>> {
	const sites = Math.max(1, Math.floor(num(args.sites, 98)));
	const changedWanted = Math.max(0, Math.min(sites, Math.floor(num(args.changed, 5))));
	const rate = num(args.rate, 3);
	const burst = Math.max(1, Math.floor(num(args.burst, 3)));
	const initialRate = num(args['initial-rate'], sites > 1000 ? 100 : rate);
	const idleMs = num(args.idle, 4) * 1000;
	const log = (msg: string) => {
		if (!args.quiet) process.stderr.write(`[notion-sync] ${msg}\n`);
	};

	const emulator = new NotionEmulator({ maxLogEntries: 200_000 });
	const url = await emulator.start();
	const metrics = new MetricsRecorder();
	const transportAt = (rps: number) => {
		resetRateLimiters();
		return createNotionTransport({ token: SANDBOX_CREDENTIALS.notionToken, baseUrl: url, requestsPerSecond: rps, burst, metrics });
	};
	const count429 = () => emulator.statusCounters.get(429) ?? 0;
	const writes = () => {
		const s = emulator.getStats();
		return s.pageCreates + s.pageUpdates + s.pageTrashes;
	};

	try {
		const rows = siteHealthRows(sites);
		// Setup (not measured): the database, created through the API like the bundled workflow does.
		let transport = transportAt(rate);
		const db = await ensureDatabase(transport, { title: 'MSP Site Health (bench)', parentPageId: SANDBOX_PARENT_PAGE_ID, properties: SITE_HEALTH_SCHEMA });

		const syncOnce = async (input: Array<Record<string, unknown>>) => {
			const callsBefore = emulator.count();
			const writesBefore = writes();
			const r429Before = count429();
			const metricsBefore = metrics.recorded;
			const started = performance.now();
			const schema = await resolveDataSource(transport, { dataSourceId: db.dataSourceId });
			const sync = new NotionRowSync(transport, schema, { keyProperty: 'Site ID' });
			const result = await sync.run(input.map((fields): InputRow => ({ fields })));
			const wallSeconds = (performance.now() - started) / 1000;
			const calls = emulator.count() - callsBefore;
			return {
				result,
				wallSeconds,
				calls,
				metricsCalls: metrics.recorded - metricsBefore,
				writes: writes() - writesBefore,
				rateLimited429: count429() - r429Before,
			};
		};

		// 1. Initial run into the empty database.
		if (initialRate !== rate) emulator.setRateLimit('default', { kind: 'bucket', ratePerSec: initialRate, burst: NOTION_DEFAULT_RATE_LIMIT.kind === 'bucket' ? NOTION_DEFAULT_RATE_LIMIT.burst : 10 });
		transport = transportAt(initialRate);
		await sleep(idleMs);
		log(`initial run: ${sites} rows at ${initialRate} req/s`);
		const initial = await syncOnce(rows);
		if (initial.result.stats.failed) throw new Error(`initial run: ${initial.result.stats.failed} rows failed: ${initial.result.rows.find((r) => r.error)?.error?.message}`);
		if (initialRate !== rate) emulator.setRateLimit('default', { ...NOTION_DEFAULT_RATE_LIMIT });
		transport = transportAt(rate);

		// 2. Incremental run: `changed` rows spread over the set get a new score.
		const changedRows = rows.map((r) => ({ ...r }));
		const step = changedWanted ? Math.max(1, Math.floor(sites / changedWanted)) : 0;
		const changedIdx: number[] = [];
		for (let k = 0; k < changedWanted; k++) changedIdx.push((k * step + 3) % sites);
		for (const i of new Set(changedIdx)) changedRows[i].Score = ((changedRows[i].Score as number) + 17) % 101;
		const changed = new Set(changedIdx).size;
		await sleep(idleMs);
		log(`incremental run: ${sites} rows, ${changed} changed, at ${rate} req/s`);
		const incremental = await syncOnce(changedRows);

		// 3. Re-run with no changes.
		await sleep(idleMs);
		log('re-run without changes');
		const rerun = await syncOnce(changedRows);

		const floorCalls = Math.ceil(sites / 100) + changed;
		const initialFloorCalls = Math.ceil(0 / 100) + sites;
		const totalRows = emulator.rows(db.dataSourceId).length;
		return {
			bench: 'notion-sync',
			rows: sites,
			changed,
			notionCalls: incremental.calls,
			floorCalls,
			naiveCalls: sites * 2,
			writesOnRerun: rerun.writes,
			wallSeconds: round(incremental.wallSeconds),
			floorSeconds: round(floorCalls / rate),
			rateLimited429: incremental.rateLimited429 + rerun.rateLimited429,
			updated: incremental.result.stats.updated,
			unchanged: incremental.result.stats.unchanged,
			incrementalWrites: incremental.writes,
			metricsCalls: incremental.metricsCalls,
			rerunCalls: rerun.calls,
			rerunWallSeconds: round(rerun.wallSeconds),
			initialCalls: initial.calls,
			initialWrites: initial.writes,
			initialWallSeconds: round(initial.wallSeconds),
			initialFloorCalls: initialFloorCalls,
			initialFloorSeconds: round(initialFloorCalls / initialRate),
			initialRate,
			initialFloorSecondsAt3rps: round(initialFloorCalls / 3),
			initialRateLimited429: initial.rateLimited429,
			rowsInDatabase: totalRows,
			duplicateKeys: incremental.result.duplicateKeys.length,
			rate,
			burst,
			emulatorRate: NOTION_DEFAULT_RATE_LIMIT,
			targets: {
				callsWithinFloorPlus2: incremental.calls <= floorCalls + 2,
				noWritesOnRerun: rerun.writes === 0,
				wallWithin115PercentOfFloor: incremental.wallSeconds <= 1.15 * (floorCalls / rate),
				no429: incremental.rateLimited429 + rerun.rateLimited429 + initial.rateLimited429 === 0,
			},
		};
	} finally {
		await emulator.stop();
	}
}
