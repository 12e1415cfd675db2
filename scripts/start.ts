/**
 * `npm start [-- --once] [--host 2.8.4|2.41.1] [--no-build] [--port 5678]`: the main job, locally.
 *
 * Builds and packs the package, starts the sandbox (every emulator, seeded world), installs a pinned n8n host if
 * it is not cached yet, installs the package into a fresh n8n user folder the way the Community Nodes installer
 * does, imports credentials pointing at the sandbox and every workflow in workflows/, runs each workflow twice
 * (the second run shows the steady state: nothing changed, nothing written) and prints what happened. Then it
 * serves the n8n editor with everything imported until Ctrl-C; with --once it exits instead, with code 0 only if
 * every run succeeded and the re-runs wrote nothing to Notion.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { createN8nInstance, OWNER, packPackage, type ExecutionResult, type HostVersion } from '../test/e2e/harness';
import { sandboxCredentials } from '../test/e2e/sandboxCredentials';
import { startSandbox, type Sandbox } from '../test/sandbox';

const root = path.join(__dirname, '..');
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? argv[i + 1] : undefined;
};

const log = (line = '') => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface RunSummary {
	ok: boolean;
	notionPageWrites: number;
	notionWrites: number;
	lines: string[];
}

function countBy(values: unknown[]): string {
	const counts = new Map<string, number>();
	for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
	return [...counts].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
}

/** What the Notion emulator has counted so far (page writes, all API requests). */
function notionCounters(sandbox: Sandbox) {
	const s = sandbox.notion?.getStats();
	return {
		creates: s?.pageCreates ?? 0,
		updates: s?.pageUpdates ?? 0,
		trashes: s?.pageTrashes ?? 0,
		writes: s?.writes ?? 0, // pages, databases and data sources
		requests: sandbox.notion?.count() ?? 0,
	};
}

/** The Supabase ops log after the runs, read through its views (the queries the README shows). */
async function opsLogReport(sandbox: Sandbox): Promise<{ ok: boolean; lines: string[] }> {
	const db = sandbox.supabase!;
	const lines = ['== ops log (Supabase sandbox), through its views'];
	const performance = await db.query('select pipeline, runs_30d, succeeded_30d, avg_duration_ms, items_created_30d, items_unchanged_30d, last_status from workflow_performance');
	for (const p of performance) {
		lines.push(
			`   workflow_performance: ${String(p.pipeline)}: ${String(p.runs_30d)} runs, ${String(p.succeeded_30d)} succeeded, avg ${String(p.avg_duration_ms)} ms, ` +
				`${String(p.items_created_30d)} created, ${String(p.items_unchanged_30d)} unchanged, last ${String(p.last_status)}`,
		);
	}
	const health = await db.query('select service, calls_24h, failed_calls_24h, p95_latency_ms_24h from integration_health');
	for (const h of health) lines.push(`   integration_health: ${String(h.service).padEnd(13)} ${String(h.calls_24h)} calls, ${String(h.failed_calls_24h)} failed, p95 ${String(h.p95_latency_ms_24h)} ms`);
	const [errors] = await db.query<{ n: number }>('select count(*)::int as n from recent_errors');
	lines.push(`   recent_errors: ${errors.n}`);
	return { ok: performance.length > 0 && health.length > 0 && errors.n === 0, lines };
}

/** What a run did, read off the nodes of the package that ran in it. */
function summarise(result: ExecutionResult, workflow: { nodes: Array<{ name: string; type: string; parameters?: Record<string, unknown> }> }): string[] {
	const lines: string[] = [];
	for (const node of workflow.nodes) {
		if (!result.nodesRun.includes(node.name)) continue;
		const logError = result.json(node.name, 0).find((i) => typeof i.opsLogError === 'string')?.opsLogError;
		if (logError) lines.push(`${node.name}: ops log not written: ${String(logError)}`);
		const error = result.nodeError(node.name);
		if (error) {
			lines.push(`${node.name}: ERROR ${String((error as { message?: string }).message ?? error)}`);
			continue;
		}
		const type = node.type.split('.').pop();
		const items = result.json(node.name, 0);
		if (type === 'healthScore') {
			const statuses = ['Healthy', 'Warning', 'Critical', 'Unknown'].map((st) => `${st} ${items.filter((i) => i.status === st).length}`);
			lines.push(`${node.name}: ${items.length} sites scored (${statuses.join(', ')}); unmatched ${result.json(node.name, 1).length}`);
		} else if (type === 'notionSync' && node.parameters?.operation === 'upsert') {
			lines.push(`${node.name}: ${countBy(items.map((i) => i.action))}`);
		} else if (type === 'notionSync' && node.parameters?.operation === 'ensure') {
			lines.push(`${node.name}: database ${String(items[0]?.action)} (${String(items[0]?.url ?? '')})`);
		} else if (node.type === 'n8n-nodes-base.supabase') {
			const failed = items.find((i) => i.error !== undefined);
			lines.push(`${node.name}: ${failed ? `ERROR ${JSON.stringify(failed.error)}` : `${items.length} row(s) written to ${String(node.parameters?.tableId)}`}`);
		} else if (node.type.startsWith('n8n-nodes-msp-ops.')) {
			lines.push(`${node.name}: ${items.length} items`);
		}
	}
	return lines;
}

async function main(): Promise<void> {
	const host = (option('host') ?? '2.8.4') as HostVersion;
	const once = flag('once');
	const started = Date.now();

	if (!flag('no-build')) {
		log('== building');
		const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
		if (build.status !== 0) throw new Error('npm run build failed');
	}
	process.env.E2E_SKIP_BUILD = '1'; // built above (or --no-build): pack what is in dist/
	const tarball = await packPackage();
	log(`== package ${path.basename(tarball)}`);

	const sandbox = await startSandbox();
	log(`== sandbox: ${sandbox.world.sites.length} sites, ${sandbox.world.deviceCount} UniFi devices (seed ${sandbox.world.seed})`);
	for (const [service, url] of Object.entries(sandbox.urls)) log(`   ${service.padEnd(13)} ${url}`);

	log(`== n8n ${host} (installed outside the repo on first use; a first install takes several minutes)`);
	const n8n = await createN8nInstance(host, tarball, { keep: !once });
	log(`   user folder ${n8n.userFolder}`);
	await n8n.importCredentials(sandboxCredentials(sandbox));

	const files = fs.readdirSync(path.join(root, 'workflows')).filter((f) => f.endsWith('.json')).sort();
	const workflows = files.map((f) => JSON.parse(fs.readFileSync(path.join(root, 'workflows', f), 'utf8')) as Record<string, unknown> & { name: string; nodes: Array<{ name: string; type: string; parameters?: Record<string, unknown> }> });
	for (const wf of workflows) await n8n.importWorkflow(wf);
	log(`   imported ${workflows.length} workflow(s): ${workflows.map((w) => w.name).join(', ')}`);
	// n8n only calls an Error Workflow that is published, so the bundled error logger is published right away.
	for (const wf of workflows.filter((w) => w.nodes.some((n) => n.type === 'n8n-nodes-base.errorTrigger'))) {
		const problem = await n8n.publishWorkflow(String(wf.id)).then(
			() => undefined,
			(error: unknown) => (error instanceof Error ? error.message : String(error)),
		);
		log(`   ${wf.name}: ${problem === undefined ? 'published (the Error Workflow of the pipelines)' : `NOT published: ${problem}`}`);
	}

	let allOk = true;
	for (const wf of workflows) {
		if (!wf.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger')) {
			log(`== ${wf.name}: no Manual Trigger, not run here (it runs on its own trigger in the editor)`);
			continue;
		}
		for (const run of [1, 2]) {
			const before = notionCounters(sandbox);
			const t0 = Date.now();
			const result = await n8n.execute(String(wf.id), { timeoutMs: 15 * 60_000 });
			const after = notionCounters(sandbox);
			const created = after.creates - before.creates;
			const updated = after.updates - before.updates;
			const trashed = after.trashes - before.trashes;
			const summary: RunSummary = {
				ok: false,
				notionPageWrites: created + updated + trashed,
				notionWrites: after.writes - before.writes,
				lines: summarise(result, wf),
			};
			// In the sandbox the ops log must work too: a node that could not log fails the run here.
			summary.ok = result.status === 'success' && !summary.lines.some((l) => / ops log not written: |: ERROR /.test(l));
			log(
				`== ${wf.name}, run ${run}: ${result.status} in ${seconds(Date.now() - t0)}; Notion page writes ${summary.notionPageWrites}` +
					` (emulator: ${created} created, ${updated} updated, ${trashed} trashed; ${summary.notionWrites} writes in all, ${after.requests - before.requests} requests)`,
			);
			for (const line of summary.lines) log(`   ${line}`);
			if (!summary.ok) {
				allOk = false;
				log(`   error: ${result.error?.message ?? 'see the execution in the editor'}`);
			}
			if (run === 2 && summary.notionWrites !== 0) {
				allOk = false;
				log('   expected no Notion writes on a re-run with unchanged data');
			}
		}
	}
	if (sandbox.supabase) {
		const report = await opsLogReport(sandbox);
		for (const line of report.lines) log(line);
		if (!report.ok) allOk = false;
	}
	log(`== done in ${seconds(Date.now() - started)}: ${allOk ? 'all runs succeeded, re-runs wrote nothing' : 'SOME RUNS FAILED'}`);

	const shutdown = async (code: number) => {
		await n8n.stop();
		await sandbox.stop();
		process.exit(code);
	};
	if (once) await shutdown(allOk ? 0 : 1);

	const port = Number(option('port') ?? 5678);
	const server = await n8n.startServer({ port });
	await n8n.ownerCookie(); // sets up the owner account so the login below works
	log();
	log(`n8n editor: ${server.url}  (login ${OWNER.email} / ${OWNER.password})`);
	log('The workflows and sandbox credentials are imported; the sandbox keeps running. Ctrl-C stops everything.');
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));
}

main().catch((error: unknown) => {
	process.stderr.write(`npm start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
