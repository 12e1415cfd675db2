/**
 * `npm run bench -- vs-builtin --rows 98 [--service notion|hubspot|all] [--runs empty,rerun,changed,unpaced,unpacedRetry] --json`
 *
 * What a user would build instead, measured in real n8n (2.8.4) against the sandbox in one run: n8n's built-in
 * Notion node (Get Many, Merge by key, If, Update / Create, paced with Loop Over Items + Wait) against this package's
 * Notion Sync; n8n's built-in HubSpot node (Get Many, Merge by domain, Update per company, paced the same way)
 * against this package's HubSpot node (batch read, diff, batch write). Then the built-in pattern unpaced, with and
 * without Retry On Fail, and what it leaves behind. How each run is measured: bench/vs-builtin/compare.ts.
 *
 * Flags: --rows N (98), --service notion | hubspot | all (notion), --changed K (5), --runs (all five),
 * --notion-batch B / --notion-wait S (2 / 1), --hubspot-batch B / --hubspot-wait S (9 / 1).
 */
import { ALL_RUNS, compare, type RunName, type Service } from './vs-builtin/compare';
import type { BenchArgs } from './run';
import { numberArg as num } from './args';

export async function run(args: BenchArgs): Promise<Record<string, unknown>> {
	const rows = Math.max(1, Math.floor(num(args.rows, 98)));
	const service = typeof args.service === 'string' ? args.service : 'notion';
	if (!['notion', 'hubspot', 'all'].includes(service)) throw new Error(`--service: notion, hubspot or all, not ${service}`);
	const services: Service[] = service === 'all' ? ['notion', 'hubspot'] : [service as Service];
	const runs = typeof args.runs === 'string' ? (args.runs.split(',').map((s) => s.trim()) as RunName[]) : ALL_RUNS;
	const unknown = runs.filter((r) => !ALL_RUNS.includes(r));
	if (unknown.length) throw new Error(`--runs: unknown ${unknown.join(', ')} (known: ${ALL_RUNS.join(', ')})`);
	const started = performance.now();
	const result = await compare({
		services,
		rows,
		runs,
		changed: Math.floor(num(args.changed, 5)),
		notionPacing: { batchSize: Math.floor(num(args['notion-batch'], 2)), waitSeconds: num(args['notion-wait'], 1) },
		hubspotPacing: { batchSize: Math.floor(num(args['hubspot-batch'], 9)), waitSeconds: num(args['hubspot-wait'], 1) },
		log: (msg) => {
			if (!args.quiet) process.stderr.write(`[vs-builtin] ${msg}\n`);
		},
	});
	return { bench: 'vs-builtin', rows, ...result, benchSeconds: Math.round((performance.now() - started) / 100) / 10 };
}
