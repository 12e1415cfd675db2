/**
 * Reliability, area "secrets": every bundled workflow runs in one real n8n (2.8.4, `n8n start`) against the sandbox,
 * every credential holding a recognisable secret, also while services fail (401 answers that echo the token back,
 * 500s, connection resets, an ops log that refuses the key), so the nodes' error paths and the Error Workflow write
 * their messages. Then each secret is looked for, in every form it could take on the way out (raw, URL-encoded,
 * base64, a Basic auth pair, its first or last 12 characters), in everything the run left: each execution's data
 * (node outputs and errors, through the public API), every file of the n8n user folder (the SQLite database and its
 * journal as raw bytes: credentials are stored encrypted, so a plain hit is a leak), every row of every table of the
 * Supabase ops log, the server log and the output of every n8n CLI command. Zero occurrences.
 *
 * A case is one secret checked in one place (the place's content against all forms of that secret), plus the
 * scanner's own controls (each form of each secret planted in a buffer must be found), so that a scanner that finds
 * nothing cannot pass.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { startSandbox, type Sandbox } from '../sandbox';
import { CHECKERS } from '../sandbox/workspace';
import { codeOf, output, submitForm, type Approval, type Execution } from '../e2e/approvals';
import { createN8nInstance, poll, type CliResult, type HostVersion, type N8nInstance } from '../e2e/harness';
import { bundledWorkflows, isErrorWorkflow, isPipeline, isSubWorkflow, type BundledWorkflow } from '../e2e/pipelines';
import { sandboxCredentials } from '../e2e/sandboxCredentials';
import { reliabilityTally } from './report';
import { canarySecret, describeLeaks, findLeaks, secretForms, type PlantedSecret, type SecretForm } from './secretScan';

const VERSION: HostVersion = '2.8.4';
const tally = reliabilityTally('secrets');

const CANARIES = {
	unifiApiKey: canarySecret('unifi'),
	unifiNetworkApiKey: canarySecret('unifi-network'),
	ninjaClientId: canarySecret('ninja-client'),
	// URL encoding changes it: the token request sends it form-encoded.
	ninjaClientSecret: canarySecret('ninja-secret', true),
	notionToken: canarySecret('notion'),
	hubspotToken: canarySecret('hubspot'),
	supabaseServiceKey: canarySecret('supabase'),
	gateSigningSecret: canarySecret('gate-signing'),
};
const LABELS: Record<keyof typeof CANARIES, string> = {
	unifiApiKey: 'UniFi Site Manager API key',
	unifiNetworkApiKey: 'UniFi console API key',
	ninjaClientId: 'NinjaOne client id',
	ninjaClientSecret: 'NinjaOne client secret',
	notionToken: 'Notion token',
	hubspotToken: 'HubSpot token',
	supabaseServiceKey: 'Supabase service key',
	gateSigningSecret: 'gate signing secret',
};

const workflows = bundledWorkflows();
const errorLogger = workflows.find(isErrorWorkflow)!;
const pipelines = workflows.filter(isPipeline);
const subWorkflows = workflows.filter(isSubWorkflow);
const byName = (name: string) => workflows.find((w) => w.name === name)!;

/**
 * Customer Status Sync (the pipeline that calls every service) as a production workflow: a Webhook instead of its
 * Manual and Schedule Triggers (n8n starts an Error Workflow only for production executions, and a schedule would
 * fire at its own time and take the faults meant for another run).
 */
function productionCopy(): BundledWorkflow {
	const wf = JSON.parse(JSON.stringify(byName('Customer Status Sync'))) as BundledWorkflow & { connections: Record<string, unknown> };
	wf.id = 'relSecretsProd01';
	wf.name = 'Customer Status Sync (production, secrets)';
	const triggers = wf.nodes.filter((n) => n.type === 'n8n-nodes-base.manualTrigger' || n.type === 'n8n-nodes-base.scheduleTrigger');
	wf.nodes = wf.nodes.filter((n) => !triggers.includes(n));
	for (const t of triggers) delete wf.connections[t.name];
	wf.nodes.push({
		id: 'e1000000-0000-4000-8000-0000000000f1',
		name: 'Production Run',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [-200, 0],
		webhookId: 'e1000000-0000-4000-8000-0000000000f2',
		parameters: { httpMethod: 'POST', path: 'secrets-production-run', responseMode: 'onReceived', options: {} },
	});
	wf.connections['Production Run'] = { main: [[{ node: 'Run Started', type: 'main', index: 0 }]] };
	return wf;
}
const production = productionCopy();

/** Every process output of the run, by what it was. */
const outputs: Array<{ place: string; text: string }> = [];
const recordCli = (what: string, res: CliResult) => outputs.push({ place: `stdout+stderr of n8n ${what}`, text: `${res.stdout}\n${res.stderr}` });

describe(`secrets on n8n ${VERSION}`, () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let started = Date.now();
	/** NinjaOne access tokens the emulator issued during the run: secrets too (the client registers each one). */
	const issuedTokens = new Set<string>();
	const collectTokens = () => {
		for (const token of sandbox.ninjaone?.tokens.keys() ?? []) issuedTokens.add(token);
	};

	async function cli(what: string, args: string[]): Promise<CliResult> {
		const res = await n8n.cli(args);
		recordCli(what, res);
		if (res.code !== 0 && args[0] !== 'execute') throw new Error(`n8n ${what} exited ${res.code}: ${res.stderr.slice(-500)}`);
		return res;
	}

	/** A JSON file outside the user folder (the credentials to import are plaintext; they must not be scanned as n8n's). */
	function inputFile(name: string, content: unknown): string {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rel-secrets-'));
		fs.chmodSync(dir, 0o700);
		const file = path.join(dir, name);
		fs.writeFileSync(file, JSON.stringify(content));
		return file;
	}

	beforeAll(async () => {
		started = Date.now();
		// Notion's rate limit raised (emulator and credential): the area is about secrets, and at 3 requests a second
		// the two pipelines that write a row per site would take most of the time budget.
		sandbox = await startSandbox({ credentials: CANARIES, emulator: { notion: { rateLimits: { default: { kind: 'bucket', ratePerSec: 40, burst: 40 } } } } });
		n8n = await createN8nInstance(VERSION);
		const fast = sandboxCredentials(sandbox, { notionPace: 40 });
		const credentials = inputFile('credentials.json', fast);
		try {
			await cli('import:credentials', ['import:credentials', `--input=${credentials}`]);
		} finally {
			fs.rmSync(path.dirname(credentials), { recursive: true, force: true });
		}
		// All workflows in one import (one n8n process instead of nine).
		const all = [...workflows, production].map((w) => ({ active: false, ...w }));
		const file = inputFile('workflows.json', all);
		try {
			await cli('import:workflow', ['import:workflow', `--input=${file}`]);
		} finally {
			fs.rmSync(path.dirname(file), { recursive: true, force: true });
		}
		// n8n calls only a published Error Workflow: published before the server starts, as the e2e tests do. The
		// production copy through the running server's public API, which registers its webhook at once (one n8n
		// process fewer).
		await cli(`publish:workflow ${errorLogger.name}`, ['publish:workflow', `--id=${errorLogger.id}`]);
		await n8n.startServer();
		await n8n.publicApi('POST', `/workflows/${production.id}/activate`);
	}, 15 * 60_000);

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.stop();
		process.stdout.write(`secrets area on n8n ${VERSION}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
	});

	const execution = (id: string) => n8n.publicApi<Execution & { workflowId?: string; data?: any }>('GET', `/executions/${id}?includeData=true`);

	/** Every execution the server holds (any status, any workflow), through the editor's REST list. */
	async function allExecutionIds(): Promise<string[]> {
		const res = await n8n.restRequest(`/rest/executions?filter=${encodeURIComponent('{}')}&limit=1000`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as { data: { results: Array<{ id: string }>; count: number } };
		expect(body.data.results.length).toBe(body.data.count);
		return body.data.results.map((e) => String(e.id));
	}

	/** No execution running or new: every sub-workflow execution has finished or waits. */
	const settled = () =>
		poll(
			'every execution to finish or wait',
			async () => {
				const res = await n8n.restRequest(`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ status: ['running', 'new'] }))}&limit=100`);
				const body = (await res.json()) as { data?: { results?: unknown[] } };
				return body.data?.results?.length === 0 ? true : undefined;
			},
			180_000,
		);

	test('every bundled pipeline runs clean, its approvals answered through the form', async () => {
		// One pipeline through the CLI as well (`n8n execute` prints the whole run on stdout), beside the server.
		const runbooks = byName('Runbook Manager');
		const viaCli = cli('execute Runbook Manager', ['execute', `--id=${runbooks.id}`, '--rawOutput']);
		// Two at a time in the server: n8n runs them side by side, and each pipeline has its own Notion database.
		// Runbook Manager last, once its CLI run is done (both would update the same rows).
		const queue = [...pipelines.filter((w) => w !== runbooks), runbooks];
		const statuses: Record<string, string> = {};
		await Promise.all(
			[0, 1].map(async () => {
				for (let wf = queue.shift(); wf; wf = queue.shift()) {
					if (wf === runbooks) expect((await viaCli).code).toBe(0);
					const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger')!.name;
					const id = await n8n.runManually(wf.id, trigger);
					statuses[wf.name] = (await n8n.finishedExecution(id, 4 * 60_000)).status;
				}
			}),
		);
		expect(statuses).toEqual(Object.fromEntries(pipelines.map((w) => [w.name, 'success'])));
		await settled();
		collectTokens();

		// Answer some of the approvals that wait: a checker approves one, a forged code answers another, a checker
		// rejects a promotion. Verify Approval and the rows it writes run with the gate's secret in hand.
		const answered: string[] = [];
		for (const sub of subWorkflows) {
			const waiting = await n8n.executions(sub.id, 'waiting');
			const gate = sub.nodes.find((n) => n.type.endsWith('.makerCheckerGate') && String(n.parameters.operation).startsWith('evaluate'))!.name;
			for (const [i, { id }] of waiting.slice(0, 2).entries()) {
				const [item] = output(await execution(id), gate, 1);
				const approval = item.json.approval as Approval;
				const answer = sub.name === 'Config Change Review' && i === 0 ? { decision: 'Approve', code: codeOf(approval, CHECKERS[0]) } : i === 0 ? { decision: 'Reject', reason: 'Not this week', code: codeOf(approval, CHECKERS[1]) } : { decision: 'Approve', code: 'forged-code-0000000000000000000000000000' };
				const res = await submitForm(approval.formUrl, answer);
				await res.arrayBuffer();
				expect(res.status).toBe(200);
				answered.push(id);
			}
		}
		expect(answered.length).toBeGreaterThanOrEqual(3);
		for (const id of answered) expect((await n8n.finishedExecution(id, 120_000)).status).toBe('success');
	}, 8 * 60_000);

	test('failing services: the production copy fails, the Error Workflow logs it, nothing echoes a secret', async () => {
		const db = sandbox.supabase!;
		const echo = (secret: string) => ({ message: `invalid credentials: ${secret}`, token: secret, authorization: `Bearer ${secret}` });
		const runs: Array<{ what: string; fault: () => void }> = [
			{
				what: 'Notion 401 echoing the token, the ops log refusing the service key',
				fault: () => {
					sandbox.notion!.scriptFaults([{ status: 401, body: { object: 'error', status: 401, code: 'unauthorized', message: `API token ${CANARIES.notionToken} is invalid.` } }]);
					// Only the package's own ops log writes: the Error Workflow's Supabase nodes (n8n's own) write
					// integration_logs and workflow_execution_logs, and a real Supabase does not echo its key anyway.
					sandbox.supabase!.scriptFaults(Array(20).fill({ status: 401, body: { message: `Invalid API key ${CANARIES.supabaseServiceKey}`, hint: `apikey=${CANARIES.supabaseServiceKey}` } }), /^POST \/rest\/v1\/api_metrics$/, 'path');
				},
			},
			{ what: 'HubSpot 401 echoing the token', fault: () => sandbox.hubspot!.scriptFaults([{ status: 401, body: { status: 'error', category: 'INVALID_AUTHENTICATION', ...echo(CANARIES.hubspotToken) } }]) },
			{ what: 'UniFi 401 echoing the API key', fault: () => sandbox.unifi!.scriptFaults([{ status: 401, body: { code: 'UNAUTHORIZED', ...echo(CANARIES.unifiApiKey), key: CANARIES.unifiApiKey } }], /^GET \/v1\/sites/) },
			{
				what: 'NinjaOne token request 401 echoing the client id and secret',
				fault: () => {
					// A fresh token request: the emulator forgets the tokens it issued.
					sandbox.ninjaone!.tokens.clear();
					sandbox.ninjaone!.scriptFaults([{ status: 401, body: { error: 'invalid_client', error_description: `client ${CANARIES.ninjaClientId} secret ${CANARIES.ninjaClientSecret} ${encodeURIComponent(CANARIES.ninjaClientSecret)}` } }], /oauth\/token/);
				},
			},
			{ what: 'Notion 500s echoing the token until the retries run out', fault: () => sandbox.notion!.scriptFaults(Array(8).fill({ status: 500, body: { object: 'error', status: 500, code: 'internal_server_error', message: `failed for Bearer ${CANARIES.notionToken}` } })) },
			{ what: 'HubSpot connections reset until the retries run out', fault: () => sandbox.hubspot!.scriptFaults(Array(8).fill({ reset: true })) },
		];
		const failed: string[] = [];
		for (const run of runs) {
			run.fault();
			const before = new Set((await n8n.executions(production.id)).map((e) => e.id));
			const res = await poll('the production webhook', async () => {
				const r = await n8n.request('/webhook/secrets-production-run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
				await r.arrayBuffer();
				return r.status === 404 ? undefined : r;
			});
			expect(res.status).toBe(200);
			const id = await poll('the production execution', async () => (await n8n.executions(production.id)).map((e) => e.id).find((e) => !before.has(e)));
			const done = await n8n.finishedExecution(id, 3 * 60_000);
			expect([run.what, done.status]).toEqual([run.what, 'error']);
			failed.push(id);
			for (const emulator of [sandbox.notion, sandbox.hubspot, sandbox.unifi, sandbox.ninjaone, sandbox.supabase]) emulator?.clearScriptedFaults();
			collectTokens();
		}
		// The Error Workflow logged each failed run (its Supabase nodes, n8n's own, were not faulted).
		const logged = await poll(
			'the Error Workflow to log every failed run',
			async () => {
				const rows = await db.query<{ execution_id: string }>(`select execution_id from workflow_execution_logs where status = 'failed'`);
				const ids = new Set(rows.map((r) => r.execution_id));
				return failed.every((id) => ids.has(id)) ? ids : undefined;
			},
			120_000,
		);
		expect(failed.filter((id) => !logged.has(id))).toEqual([]);
		await settled();
	}, 8 * 60_000);

	test('no secret in any execution, user-folder file, ops log row, server log or CLI output', async () => {
		collectTokens();
		const secrets: Array<{ secret: PlantedSecret; forms: SecretForm[] }> = (Object.keys(CANARIES) as Array<keyof typeof CANARIES>).map((key) => {
			const secret = { label: LABELS[key], value: CANARIES[key] };
			return { secret, forms: secretForms(secret, key === 'ninjaClientSecret' ? CANARIES.ninjaClientId : undefined) };
		});
		expect(issuedTokens.size).toBeGreaterThan(0);
		[...issuedTokens].forEach((value, i) => {
			const secret = { label: `NinjaOne access token ${i + 1}`, value };
			secrets.push({ secret, forms: secretForms(secret) });
		});
		const allForms = secrets.flatMap((s) => s.forms);

		// The scanner finds every form it looks for (else a scan that finds nothing proves nothing).
		for (const { forms } of secrets) {
			for (const form of forms) {
				tally.check(() => {
					const planted = Buffer.concat([Buffer.from('{"message":"x '), form.needle, Buffer.from(' y"}')]);
					expect(findLeaks('control', planted, [form], allForms).map((l) => l.form)).toEqual([form.form]);
				});
			}
		}

		const places: Array<{ place: string; content: Buffer | string }> = [];
		// Execution data: node outputs, node errors, the run's error, of every execution in the server.
		const ids = await allExecutionIds();
		for (const id of ids) {
			const e = await execution(id);
			places.push({ place: `execution ${id} (workflow ${String(e.workflowId)}, ${e.status})`, content: JSON.stringify(e) });
		}
		// Every workflow ran: each pipeline, each review sub-workflow, the Error Workflow, the production copy.
		const ran = new Set(await Promise.all(ids.map(async (id) => String((await execution(id)).workflowId))));
		expect(workflows.concat(production).map((w) => w.id).filter((id) => !ran.has(id))).toEqual([]);

		// The ops log: every row of every table in the emulator's schema.
		const db = sandbox.supabase!;
		const tables = await db.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' order by 1`, [db.schema]);
		expect(tables.length).toBeGreaterThanOrEqual(5);
		for (const { table_name } of tables) {
			const rows = await db.query(`select * from ${JSON.stringify(table_name)}`);
			places.push({ place: `Supabase table ${table_name} (${rows.length} rows)`, content: JSON.stringify(rows) });
		}
		expect((await db.query(`select 1 from integration_logs where level = 'error'`)).length).toBeGreaterThan(0);

		// The server stops (the database and its journal are flushed), then its log and the user folder's files.
		await n8n.stopServer();
		places.push({ place: 'the n8n server log', content: n8n.serverLog() });
		for (const o of outputs) places.push({ place: o.place, content: o.text });
		const files = walk(n8n.userFolder, [path.join(n8n.dataDir, 'nodes')]);
		expect(files.some((f) => path.basename(f) === 'database.sqlite')).toBe(true);
		for (const file of files) places.push({ place: `file ${path.relative(n8n.userFolder, file)}`, content: fs.readFileSync(file) });
		// Credentials are in the database, encrypted: the import stored them (else the scan of the file would prove nothing).
		expect(fs.readFileSync(path.join(n8n.dataDir, 'database.sqlite')).includes('mspNotionApi')).toBe(true);

		const leaks: string[] = [];
		for (const { place, content } of places) {
			for (const { forms } of secrets) {
				try {
					tally.check(() => {
						const found = findLeaks(place, content, forms, allForms);
						if (found.length) throw new Error(describeLeaks(found));
					});
				} catch (error) {
					leaks.push((error as Error).message);
				}
			}
		}
		process.stdout.write(`secrets: ${secrets.length} secrets (${allForms.length} forms) in ${places.length} places: ${ids.length} executions, ${tables.length} tables, ${files.length} files, server log, ${outputs.length} CLI outputs\n`);
		expect(leaks).toEqual([]);
	}, 5 * 60_000);
});

/** Every regular file under `dir`, except under `skip`. */
function walk(dir: string, skip: string[]): string[] {
	const out: string[] = [];
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (skip.includes(full)) continue;
		if (entry.isDirectory()) out.push(...walk(full, skip));
		else if (entry.isFile()) out.push(full);
	}
	return out;
}
