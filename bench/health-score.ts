/**
 * `npm run bench -- health-score [--sites 10000] [--devices-per-site N] [--seed 42] [--runs 5] [--json]`
 *
 * Scores the sandbox estate in-process: the world is generated and turned into the records UniFi Sites and
 * NinjaOne Devices emit (not timed), then `scoreEstate` validates, joins and scores them (timed). `ms` is the
 * first (cold) run; `msMedian` the median of `--runs` runs. Target: `ms` < 1000 for 10,000 sites x 50 devices.
 */
import { scoreEstate } from '../lib/health';
import { estateRecords } from '../test/sandbox/estateRecords';
import { generateWorld } from '../test/sandbox/world';
import type { BenchArgs } from './run';

const num = (value: string | boolean | undefined, fallback: number) => (typeof value === 'string' && value.trim() ? Number(value) : fallback);

export async function run(args: BenchArgs): Promise<Record<string, unknown>> {
	const sites = num(args.sites, 10_000);
	// Without --devices-per-site the world's own mix is used (492 devices per 98 sites).
	const perSite = num(args['devices-per-site'], NaN);
	const devicesPerSite = Number.isFinite(perSite) ? perSite : undefined;
	const seed = num(args.seed, 42);
	const runs = Math.max(1, num(args.runs, 5));

	const t0 = performance.now();
	const world = generateWorld({ seed, sites, devicesPerSite });
	const { records, counts } = estateRecords(world);
	const prepareMs = performance.now() - t0;

	// Every run is timed; the first one is cold (no JIT warm-up), which is what a scheduled n8n run sees.
	const times: number[] = [];
	let result: ReturnType<typeof scoreEstate> | undefined;
	for (let i = 0; i < runs; i++) {
		const start = performance.now();
		result = scoreEstate(records);
		times.push(performance.now() - start);
	}
	if (!result) throw new Error('no run');
	const statuses: Record<string, number> = {};
	for (const s of result.scores) statuses[s.json.status] = (statuses[s.json.status] ?? 0) + 1;
	const sorted = [...times].sort((a, b) => a - b);
	const out = {
		bench: 'health-score',
		sites: result.scores.length,
		devices: counts.unifiDevices,
		ninjaDevices: counts.ninjaDevices,
		wifiClients: counts.wifiClients,
		records: records.length,
		ms: Math.round(times[0]),
		msMedian: Math.round(sorted[Math.floor(sorted.length / 2)]),
		runs,
		targetMs: 1000,
		withinTarget: times[0] < 1000,
		prepareMs: Math.round(prepareMs),
		peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
		statuses,
		unmatched: result.unmatched.length,
		invalid: result.errors.length,
	};
	if (!args.json) {
		process.stderr.write(
			`health-score: ${out.sites} sites, ${out.devices} UniFi devices, ${out.records} records scored in ${out.ms} ms ` +
				`(median ${out.msMedian} ms over ${runs}), peak RSS ${out.peakRssMb} MB\n`,
		);
	}
	return out;
}
