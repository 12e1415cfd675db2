/**
 * `npm start [-- --once] [--host 2.8.4|2.41.1] [--no-build] [--port 5678] [--keep]`: the pipelines, locally.
 *
 * Builds and packs the package, starts the sandbox (a local emulator of every service, over one seeded world),
 * installs the pinned n8n host on first use, installs the package into a fresh n8n user folder the way the
 * Community Nodes installer does, imports credentials pointing at the sandbox and every workflow in workflows/,
 * starts n8n, runs each pipeline once inside it (as the editor's Execute Workflow button does), prints what each did
 * and the approval links of the changes that wait for a checker, and keeps the editor open until Ctrl-C.
 * With --once it exits after the runs instead: code 0 only if every run succeeded.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	accountTmpDir,
	createN8nInstance,
	ExecutionResult,
	freePort,
	packPackage,
	poll,
	type HostVersion,
	type N8nInstance,
	type OwnerAccount,
} from '../test/e2e/harness';
import { hostPaths } from '../test/e2e/hosts';
import { bundledWorkflows, isErrorWorkflow, isPipeline, isSubWorkflow, type BundledWorkflow } from '../test/e2e/pipelines';
import { sandboxCredentials } from '../test/e2e/sandboxCredentials';
import { startSandbox, type Sandbox } from '../test/sandbox';
import { CHECKERS } from '../test/sandbox/workspace';

const root = path.join(__dirname, '..');
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? argv[i + 1] : undefined;
};

const log = (line = '') => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const minutes = (ms: number) => `${Math.floor(ms / 60_000)}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;

/** The local editor's owner account (a local n8n on loopback; change the password if you keep the folder). */
const OWNER: OwnerAccount = { email: 'admin@msp-ops.local', firstName: 'MSP', lastName: 'Admin', password: 'Msp-Ops-Local-1' };


interface PipelineRun {
	name: string;
	status: string;
	ms: number;
	notionCreated: number;
	notionUpdated: number;
	hubspotWrites: number;
	waiting: number;
	failedExecutions: number;
	lines: string[];
}

const manualTrigger = (wf: BundledWorkflow) => wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger')!.name;
const gateNodes = (wf: BundledWorkflow) => wf.nodes.filter((n) => n.type.endsWith('.makerCheckerGate') && String(n.parameters?.operation ?? 'evaluate').startsWith('evaluate'));

/** Page creates and updates the Notion emulator has served, and HubSpot writes (every non-read request). */
function counters(sandbox: Sandbox) {
	const notion = sandbox.notion?.getStats();
	const hubspotWrites = sandbox.hubspot?.writeRequests() ?? 0;
	return { created: notion?.pageCreates ?? 0, updated: (notion?.pageUpdates ?? 0) + (notion?.pageTrashes ?? 0), hubspotWrites };
}

function countBy(values: unknown[]): string {
	const counts = new Map<string, number>();
	for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
	return [...counts].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
}

/** What the package's nodes did in one execution, a line per node. */
function describeNodes(result: ExecutionResult, workflow: BundledWorkflow): string[] {
	const lines: string[] = [];
	for (const node of workflow.nodes) {
		if (!result.nodesRun.includes(node.name)) continue;
		const error = result.nodeError(node.name);
		if (error) {
			lines.push(`${node.name}: ERROR ${String(error.message ?? JSON.stringify(error))}`);
			continue;
		}
		const type = node.type.split('.').pop();
		const op = node.parameters?.operation;
		const items = result.json(node.name, 0);
		const logError = items.find((i) => typeof i.opsLogError === 'string')?.opsLogError;
		if (logError) lines.push(`${node.name}: ops log not written: ${String(logError)}`);
		if (type === 'healthScore') {
			const statuses = ['Healthy', 'Warning', 'Critical', 'Unknown'].map((st) => `${st} ${items.filter((i) => i.status === st).length}`);
			lines.push(`${node.name}: ${items.length} sites scored (${statuses.join(', ')}); unmatched ${result.json(node.name, 1).length}`);
		} else if (type === 'notionSync' && op === 'upsert') {
			lines.push(`${node.name}: ${countBy(items.map((i) => i.action))}`);
		} else if (type === 'notionSync' && op === 'ensure') {
			lines.push(`${node.name}: database "${String(items[0]?.title ?? '')}" ${String(items[0]?.action)}`);
		} else if (type === 'hubSpotCrm' && (op === 'upsert' || op === 'ensure')) {
			lines.push(`${node.name}: ${countBy(items.map((i) => i.action ?? i.status ?? 'done'))}`);
		} else if (node.type === 'n8n-nodes-base.supabase') {
			const failed = items.find((i) => i.error !== undefined);
			lines.push(`${node.name}: ${failed ? `ERROR ${JSON.stringify(failed.error)}` : `${items.length} row(s) written to ${String(node.parameters?.tableId)}`}`);
		} else if (node.type.startsWith('n8n-nodes-msp-ops.') || node.type === 'n8n-nodes-base.executeWorkflow') {
			lines.push(`${node.name}: ${items.length} item(s)`);
		}
	}
	return lines;
}

type Execution = { id?: string; status: string; data?: Record<string, any> };
const asResult = (execution: Execution) => new ExecutionResult(execution as Record<string, any>, { code: 0, stdout: '', stderr: '', ms: 0 });

/** Every execution of the sub-workflows that is not waiting and has not stopped yet, after a pipeline ran. */
async function settleSubExecutions(n8n: N8nInstance, subWorkflows: BundledWorkflow[]): Promise<void> {
	await poll(
		'the sub-workflow executions to finish or wait',
		async () => {
			for (const wf of subWorkflows) {
				const busy = (await n8n.executions(wf.id)).filter((e) => e.status === 'running' || e.status === 'new');
				if (busy.length) return undefined;
			}
			return true;
		},
		10 * 60_000,
	);
}

async function runPipeline(n8n: N8nInstance, sandbox: Sandbox, wf: BundledWorkflow, subWorkflows: BundledWorkflow[]): Promise<PipelineRun> {
	const before = counters(sandbox);
	const seenSub = new Map<string, Set<string>>();
	for (const sub of subWorkflows) seenSub.set(sub.id, new Set((await n8n.executions(sub.id)).map((e) => e.id)));
	const t0 = Date.now();
	const id = await n8n.runManually(wf.id, manualTrigger(wf));
	const execution = await n8n.finishedExecution<Execution>(id, 15 * 60_000);
	await settleSubExecutions(n8n, subWorkflows);
	const ms = Date.now() - t0;
	const after = counters(sandbox);
	const run: PipelineRun = {
		name: wf.name,
		status: execution.status,
		ms,
		notionCreated: after.created - before.created,
		notionUpdated: after.updated - before.updated,
		hubspotWrites: after.hubspotWrites - before.hubspotWrites,
		waiting: 0,
		failedExecutions: execution.status === 'success' ? 0 : 1,
		lines: describeNodes(asResult(execution), wf),
	};
	if (execution.status !== 'success') {
		const error = (execution.data?.resultData?.error ?? {}) as { message?: string; node?: { name?: string } };
		run.lines.push(`error: ${error.node?.name ? `${error.node.name}: ` : ''}${error.message ?? 'see the execution in the editor'}`);
	}
	// The executions this run started in its sub-workflows (one per change or item that a checker may have to approve).
	for (const sub of subWorkflows) {
		const started = (await n8n.executions(sub.id)).filter((e) => !seenSub.get(sub.id)!.has(e.id));
		if (!started.length) continue;
		const decisions: string[] = [];
		for (const e of started) {
			if (e.status === 'waiting') run.waiting++;
			else if (e.status !== 'success') run.failedExecutions++;
			const full = await n8n.publicApi<Execution>('GET', `/executions/${e.id}?includeData=true`);
			const result = asResult(full);
			for (const gate of gateNodes(sub)) {
				if (!result.nodesRun.includes(gate.name)) continue;
				['approved', 'needs approval', 'rejected'].forEach((decision, output) => {
					if (result.json(gate.name, output).length) decisions.push(decision);
				});
			}
		}
		run.lines.push(`${sub.name}: ${started.length} execution(s) (${countBy(started.map((e) => e.status))}); gate decisions: ${countBy(decisions)}`);
	}
	return run;
}

/** The Notion row a review execution was started for: its key and title (`CHG-1003 Guest WiFi ...`). */
function describeRow(result: ExecutionResult, sub: BundledWorkflow): string | undefined {
	const trigger = sub.nodes.find((n) => n.type === 'n8n-nodes-base.executeWorkflowTrigger');
	const row = trigger && result.nodesRun.includes(trigger.name) ? result.json(trigger.name, 0)[0] : undefined;
	if (!row) return undefined;
	const key = ['Change ID', 'Item ID'].map((k) => row[k]).find((v) => typeof v === 'string' && v);
	const title = ['Change', 'Item'].map((k) => row[k]).find((v) => typeof v === 'string' && v);
	return key ? `${String(key)} ${String(title ?? '')} (${sub.name})`.trim() : undefined;
}

/** The approval requests that wait for a checker: what to open, and each checker's code (sandbox checkers). */
async function waitingApprovals(n8n: N8nInstance, subWorkflows: BundledWorkflow[]): Promise<string[]> {
	const lines: string[] = [];
	for (const sub of subWorkflows) {
		for (const e of await n8n.executions(sub.id, 'waiting')) {
			const result = asResult(await n8n.publicApi<Execution>('GET', `/executions/${e.id}?includeData=true`));
			for (const gate of gateNodes(sub)) {
				if (!result.nodesRun.includes(gate.name)) continue;
				for (const item of result.json(gate.name, 1)) {
					const approval = item.approval as { formUrl?: string; checkers?: Array<{ checker: string; approvalCode: string }> } | undefined;
					lines.push(`   ${describeRow(result, sub) ?? String(item.summary ?? sub.name).split('\n')[0].slice(0, 110)}`);
					lines.push(`      open ${String(approval?.formUrl)}`);
					for (const c of approval?.checkers ?? []) lines.push(`      checker ${c.checker}: approval code ${c.approvalCode}`);
				}
			}
		}
	}
	return lines;
}

/** The Supabase ops log after the runs, read through its views (the queries the README shows). */
async function opsLogReport(sandbox: Sandbox): Promise<{ ok: boolean; lines: string[] }> {
	const db = sandbox.supabase!;
	const lines = ['== ops log (the Supabase sandbox), through its views'];
	const performance = await db.query('select pipeline, runs_30d, succeeded_30d, avg_duration_ms, last_status from workflow_performance');
	for (const p of performance) {
		lines.push(`   workflow_performance: ${String(p.pipeline)}: ${String(p.runs_30d)} run(s), ${String(p.succeeded_30d)} succeeded, avg ${String(p.avg_duration_ms)} ms, last ${String(p.last_status)}`);
	}
	const health = await db.query('select service, calls_24h, failed_calls_24h, p95_latency_ms_24h from integration_health');
	for (const h of health) lines.push(`   integration_health: ${String(h.service).padEnd(13)} ${String(h.calls_24h)} calls, ${String(h.failed_calls_24h)} failed, p95 ${String(h.p95_latency_ms_24h)} ms`);
	const [approvals] = await db.query<{ n: number }>('select count(*)::int as n from change_approvals');
	lines.push(`   change_approvals: ${approvals.n} decision(s) audited`);
	const [errors] = await db.query<{ n: number }>('select count(*)::int as n from recent_errors');
	lines.push(`   recent_errors: ${errors.n}`);
	return { ok: performance.length > 0 && health.length > 0 && errors.n === 0, lines };
}

function table(runs: PipelineRun[]): string[] {
	const head = ['pipeline', 'status', 'time', 'Notion created', 'Notion updated', 'HubSpot writes', 'waiting approval', 'failed executions'];
	const rows = runs.map((r) => [r.name, r.status, seconds(r.ms), r.notionCreated, r.notionUpdated, r.hubspotWrites, r.waiting, r.failedExecutions].map(String));
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) => `   ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
	return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Whether 127.0.0.1:`port` can be listened on (n8n would otherwise fail to start after minutes of setup). */
function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const probe = net.createServer();
		probe.once('error', () => resolve(false));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
	});
}

/** Prints progress while the n8n host installs (minutes, the first time only). */
function installProgress(version: HostVersion): () => void {
	const { dir, marker } = hostPaths(version);
	if (fs.existsSync(marker)) return () => undefined;
	const started = Date.now();
	log(`   first start: installing n8n ${version} with npm into ${dir}`);
	log('   (about 7 minutes and 2.5 GB for the 2.8.4 host; later starts reuse it; progress every 20 s)');
	const timer = setInterval(() => {
		let packages = 0;
		try {
			packages = fs.readdirSync(path.join(dir, 'node_modules')).length;
		} catch {
			// npm has not created it yet
		}
		log(`   ... ${minutes(Date.now() - started)} installing n8n ${version}: ${packages} top-level packages so far`);
	}, 20_000);
	return () => clearInterval(timer);
}

async function main(): Promise<void> {
	const host = (option('host') ?? '2.8.4') as HostVersion;
	const once = flag('once');
	const keep = flag('keep');
	const started = Date.now();
	const port = option('port') ? Number(option('port')) : once ? await freePort() : 5678;
	if (!(await portIsFree(port))) throw new Error(`port ${port} on 127.0.0.1 is in use (another n8n?): stop it, or choose another with --port N`);
	log('n8n-nodes-msp-ops: the bundled pipelines in a local n8n, against the sandbox (local emulators of UniFi, NinjaOne,');
	log('Notion, HubSpot and Supabase on 127.0.0.1; nothing here calls a real service).');

	if (!flag('no-build')) {
		log('== build (TypeScript and icons into dist/)');
		const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
		if (build.status !== 0) throw new Error('npm run build failed');
	}
	process.env.E2E_SKIP_BUILD = '1'; // built above (or --no-build): pack what is in dist/
	const tarball = await packPackage();
	log(`== package ${path.basename(tarball)} (npm pack)`);

	const sandbox = await startSandbox();
	log(`== sandbox: ${sandbox.world.sites.length} customer sites, ${sandbox.world.deviceCount} UniFi devices (seed ${sandbox.world.seed}); credentials:`);
	const c = sandbox.credentials;
	const secrets: Record<string, string> = {
		unifi: `API key ${c.unifiApiKey}`,
		unifiNetwork: `API key ${c.unifiNetworkApiKey}`,
		ninjaone: `client ${c.ninjaClientId} / secret ${c.ninjaClientSecret}`,
		notion: `token ${c.notionToken}`,
		hubspot: `token ${c.hubspotToken}`,
		supabase: `service role key ${c.supabaseServiceKey}`,
	};
	for (const [service, url] of Object.entries(sandbox.urls)) log(`   ${service.padEnd(13)} ${url}  ${secrets[service] ?? ''}`);
	log(`   maker/checker gate: checkers ${CHECKERS.join(', ')}; signing secret ${c.gateSigningSecret}`);

	log(`== n8n ${host}`);
	const stopProgress = installProgress(host);
	const baseDir = accountTmpDir(os.tmpdir(), 'n8n-nodes-msp-ops-start');
	let n8n: N8nInstance;
	try {
		n8n = await createN8nInstance(host, tarball, { keep: true, owner: OWNER, baseDir });
	} finally {
		stopProgress();
	}
	log(`   user folder ${n8n.userFolder} (${keep ? 'kept' : 'removed'} when this stops)`);
	const credentials = sandboxCredentials(sandbox);
	await n8n.importCredentials(credentials);
	log(`   imported ${credentials.length} credentials pointing at the sandbox: ${credentials.map((x) => x.name).join(', ')}`);

	const workflows = bundledWorkflows();
	for (const wf of workflows) await n8n.importWorkflow(wf);
	log(`   imported ${workflows.length} workflows: ${workflows.map((w) => w.name).join(', ')}`);
	// n8n only calls an Error Workflow that is published, and a scheduled (production) run calls only the published
	// version of a sub-workflow: publish both kinds, as a user importing them must (README).
	const published = workflows.filter((w) => isSubWorkflow(w) || isErrorWorkflow(w));
	for (const wf of published) await n8n.publishWorkflow(wf.id);
	log(`   published ${published.map((w) => w.name).join(', ')}`);

	const server = await n8n.startServer({ port });
	await n8n.ownerCookie(); // sets up the owner account
	log(`   n8n is running at ${server.url}`);

	const cleanup = async () => {
		await n8n.stop();
		await sandbox.stop();
		if (!keep) fs.rmSync(n8n.userFolder, { recursive: true, force: true });
	};

	// In the order a day's work needs them: status boards first, then changes, promotions and runbooks.
	const order = ['Customer Status Sync', 'Daily Health Sync', 'Config Change Sync', 'Azure Pipeline Sync', 'Runbook Manager'];
	const rank = (wf: BundledWorkflow) => (order.includes(wf.name) ? order.indexOf(wf.name) : order.length);
	const pipelines = workflows.filter(isPipeline).sort((a, b) => rank(a) - rank(b));
	const subWorkflows = workflows.filter(isSubWorkflow);
	log(`== running each pipeline once, inside n8n (as the editor's Execute Workflow button does)`);
	const runs: PipelineRun[] = [];
	for (const wf of pipelines) {
		const run = await runPipeline(n8n, sandbox, wf, subWorkflows);
		runs.push(run);
		log(`-- ${wf.name}: ${run.status} in ${seconds(run.ms)}`);
		for (const line of run.lines) log(`   ${line}`);
	}

	log('== summary (Notion rows and HubSpot writes as the sandbox counted them)');
	for (const line of table(runs)) log(line);
	const approvals = await waitingApprovals(n8n, subWorkflows);
	if (approvals.length) {
		log('== waiting for a checker: open a link, choose Approve or Reject, and enter that checker\'s approval code');
		log('   (in production each checker receives only their own code; the maker cannot approve their own change)');
		for (const line of approvals) log(line);
	}
	const report = await opsLogReport(sandbox);
	for (const line of report.lines) log(line);
	const ok = report.ok && runs.every((r) => r.status === 'success' && r.failedExecutions === 0 && !r.lines.some((l) => /: ERROR |ops log not written/.test(l)));
	log(`== ${ok ? 'every pipeline ran' : 'SOME RUNS FAILED'} in ${seconds(Date.now() - started)}`);

	if (once) {
		await cleanup();
		process.exit(ok ? 0 : 1);
	}
	log();
	log(`n8n editor: ${server.url}  (login ${OWNER.email} / ${OWNER.password})`);
	log('The workflows and sandbox credentials are imported, and the sandbox keeps running: run a pipeline again from the');
	log('editor, or approve a waiting change above and watch its execution finish. Ctrl-C stops n8n and the sandbox.');
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		log();
		log(`stopping n8n and the sandbox; ${keep ? `the user folder stays at ${n8n.userFolder}` : `removing ${n8n.userFolder}`}`);
		void cleanup().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`npm start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
