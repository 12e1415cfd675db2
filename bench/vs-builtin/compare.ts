/**
 * Runs the built-in pattern and this package's node side by side in one real n8n (2.8.4) against the sandbox and
 * measures each run from the emulator's request log: calls by route, writes, 429s, the execution's own time (n8n's
 * startedAt..stoppedAt, without process start), and what the target holds afterwards (rows, duplicates by key,
 * rows with the expected value). The built-in nodes call the public hosts; the preload redirectHosts.cjs sends
 * those calls to the sandbox inside that n8n process only.
 *
 * Runs per service: `empty` (nothing in the target yet; for HubSpot every company gets a new score), `rerun`
 * (the same input again), `changed` (5 rows changed), then the built-in pattern without pacing (`unpaced`) and
 * without pacing with Retry On Fail (`unpacedRetry`), each on a fresh target.
 */
import * as path from 'node:path';

import { clearLearnedHubSpotLimits, HubSpotClient } from '../../lib/hubspot';
import { resetRateLimiters } from '../../lib/http';
import type { RequestLogEntry } from '../../test/sandbox/core';
import { startSandbox, type Sandbox } from '../../test/sandbox';
import { createN8nInstance, type ExecutionResult, type HostVersion, type N8nInstance } from '../../test/e2e/harness';
import { sandboxCredentials } from '../../test/e2e/sandboxCredentials';
import { siteHealthRows } from '../notion-sync';
import {
	BUILTIN_CREDENTIAL_IDS,
	builtinHubSpotWorkflow,
	builtinNotionWorkflow,
	HUBSPOT_SCORE_PROPERTY,
	hubSpotUpsertWorkflow,
	NOTION_SCHEMA,
	notionSyncWorkflow,
	type Pacing,
} from './workflows';
import { round } from '../args';

export type Service = 'notion' | 'hubspot';
export type RunName = 'empty' | 'rerun' | 'changed' | 'unpaced' | 'unpacedRetry';
export const ALL_RUNS: RunName[] = ['empty', 'rerun', 'changed', 'unpaced', 'unpacedRetry'];
const PACED_RUNS: RunName[] = ['empty', 'rerun', 'changed'];

export interface RunMeasure {
	/** n8n's status of the execution ('success' / 'error'), and the failing node's message. */
	status: string;
	error?: string;
	calls: number;
	byRoute: Record<string, number>;
	/** Successful write calls (Notion: page create / update; HubSpot: company create / update, batch writes). */
	writes: number;
	/** Rows (Notion) or companies (HubSpot) written: one per write call, except HubSpot's batch calls (up to 100 each). */
	recordsWritten: number;
	rateLimited429: number;
	wallSeconds: number;
	/** Rows (Notion) or companies (HubSpot) in the target afterwards, rows sharing a key with another, rows holding the input's value. */
	rowsAfter: number;
	duplicates: number;
	correct: number;
}

export interface ServiceComparison {
	rows: number;
	changed: number;
	pacing: Pacing;
	runs: Partial<Record<'empty' | 'rerun' | 'changed', { builtin: RunMeasure; package: RunMeasure }>>;
	unpaced: Partial<Record<'noRetry' | 'retryOnFail', RunMeasure>>;
	/** built-in / package, per run: calls, write calls, records written, execution time (null when the package's is 0). */
	ratios: Partial<Record<'empty' | 'rerun' | 'changed', { calls: number | null; writeCalls: number | null; recordsWritten: number | null; wallSeconds: number | null }>>;
}

export interface CompareOptions {
	services: Service[];
	rows: number;
	runs?: RunName[];
	/** Runs per service, instead of `runs`. */
	runsByService?: Partial<Record<Service, RunName[]>>;
	/** Rows changed in the `changed` run (5). */
	changed?: number;
	host?: HostVersion;
	/** Built-in pattern's pacing: Notion 2 rows then a 1 s Wait (about Notion's 3 requests/s), HubSpot 9 then 1 s (under 100 per 10 s). */
	notionPacing?: Pacing;
	hubspotPacing?: Pacing;
	log?: (msg: string) => void;
	/**
	 * Seconds before each run with no calls, so that it starts with refilled rate-limit budgets like a scheduled run
	 * (default: Notion 4, enough to refill its burst of 10 at 3/s; HubSpot 10.5, its ten-second window).
	 */
	idleSeconds?: Partial<Record<Service, number>>;
}

const PRELOAD = path.join(__dirname, 'redirectHosts.cjs');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ratio = (a: number, b: number) => (b === 0 ? null : round(a / b));

const NOTION_WRITE_ROUTES = new Set(['POST /v1/pages', 'PATCH /v1/pages/:id']);
const isHubSpotWrite = (route: string) => /^(POST|PATCH|PUT|DELETE) /.test(route) && !/\/search$|\/batch\/read$/.test(route);

/** Calls, writes and 429s of one run, from the emulator's log (cleared before the run). */
function tally(log: RequestLogEntry[], isWrite: (route: string) => boolean): Pick<RunMeasure, 'calls' | 'byRoute' | 'writes' | 'rateLimited429'> {
	const byRoute: Record<string, number> = {};
	let writes = 0;
	let rateLimited429 = 0;
	for (const e of log) {
		byRoute[e.route] = (byRoute[e.route] ?? 0) + 1;
		if (e.status === 429) rateLimited429++;
		else if (e.status < 300 && isWrite(e.route)) writes++;
	}
	return { calls: log.length, byRoute, writes, rateLimited429 };
}

function withRecords(t: ReturnType<typeof tally>): ReturnType<typeof tally> & { recordsWritten: number } {
	return { ...t, recordsWritten: t.writes };
}

/** The execution's own duration (n8n's startedAt..stoppedAt), else the span of its API calls. */
function executionSeconds(result: ExecutionResult, log: RequestLogEntry[]): number {
	const started = Date.parse(String(result.run.startedAt ?? ''));
	const stopped = Date.parse(String(result.run.stoppedAt ?? ''));
	if (Number.isFinite(started) && Number.isFinite(stopped)) return round((stopped - started) / 1000);
	if (!log.length) return 0;
	return round((log[log.length - 1].at + log[log.length - 1].durationMs - log[0].at) / 1000);
}

function failure(result: ExecutionResult): string | undefined {
	if (result.status === 'success') return undefined;
	const e = result.error;
	return [e?.node?.name, e?.message, e?.description].filter(Boolean).join(': ').slice(0, 300) || result.status;
}

function ratios(builtin: RunMeasure, pkg: RunMeasure): ServiceComparison['ratios']['empty'] {
	return { calls: ratio(builtin.calls, pkg.calls), writeCalls: ratio(builtin.writes, pkg.writes), recordsWritten: ratio(builtin.recordsWritten, pkg.recordsWritten), wallSeconds: ratio(builtin.wallSeconds, pkg.wallSeconds) };
}

function duplicatesOf(keys: string[]): number {
	const seen = new Map<string, number>();
	for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
	let extra = 0;
	for (const n of seen.values()) extra += n - 1;
	return extra;
}

/** The `changed` rows: `count` rows spread over the set get a new value of `field`. */
function changeRows<T extends Record<string, unknown>>(rows: T[], count: number, field: string): { rows: T[]; changed: number } {
	const out = rows.map((r) => ({ ...r }));
	const step = count ? Math.max(1, Math.floor(rows.length / count)) : 0;
	const idx = new Set<number>();
	for (let k = 0; k < count; k++) idx.add((k * step + 3) % rows.length);
	for (const i of idx) (out[i] as Record<string, unknown>)[field] = (((out[i][field] as number) + 17) % 101) as unknown;
	return { rows: out, changed: idx.size };
}

/** Notion rows: the site health rows of bench/notion-sync, the columns of NOTION_SCHEMA only. */
export function notionRows(count: number): Array<Record<string, unknown>> {
	return siteHealthRows(count).map((r) => Object.fromEntries(Object.keys(NOTION_SCHEMA).map((k) => [k, r[k]])));
}

interface Plan {
	service: Service;
	workflows: Array<Record<string, unknown>>;
	execute: (n8n: N8nInstance) => Promise<ServiceComparison>;
}

function planNotion(sandbox: Sandbox, opts: CompareOptions, runs: Set<RunName>, log: (m: string) => void): Plan {
	const em = sandbox.notion!;
	const pacing = opts.notionPacing ?? { batchSize: 2, waitSeconds: 1 };
	const rows = notionRows(opts.rows);
	const changed = changeRows(rows, Math.min(opts.changed ?? 5, rows.length), 'Score');
	const seed = (title: string) => em.seedDatabase({ title, properties: NOTION_SCHEMA });
	const builtinDb = seed('Site Health (built-in pattern)');
	const packageDb = seed('Site Health (Notion Sync)');
	const unpacedDb = seed('Site Health (built-in, unpaced)');
	const retryDb = seed('Site Health (built-in, unpaced, Retry On Fail)');
	const wf = {
		builtin: builtinNotionWorkflow('vsbNotionBuilt01', builtinDb.databaseId, rows, pacing),
		builtinChanged: builtinNotionWorkflow('vsbNotionBuilt02', builtinDb.databaseId, changed.rows, pacing),
		package: notionSyncWorkflow('vsbNotionSync001', packageDb, rows),
		packageChanged: notionSyncWorkflow('vsbNotionSync002', packageDb, changed.rows),
		unpaced: builtinNotionWorkflow('vsbNotionUnpac01', unpacedDb.databaseId, rows, {}),
		unpacedRetry: builtinNotionWorkflow('vsbNotionUnpac02', retryDb.databaseId, rows, { retryOnFail: true }),
	};
	const measure = async (n8n: N8nInstance, what: string, workflow: Record<string, unknown>, dataSourceId: string, expected: Array<Record<string, unknown>>): Promise<RunMeasure> => {
		// Scheduled runs start with a refilled bucket (Notion: 3 requests/s, burst 10).
		await sleep((opts.idleSeconds?.notion ?? 4) * 1000);
		em.clearLog();
		log(`notion ${what}`);
		const result = await n8n.execute(String(workflow.id), { timeoutMs: 30 * 60_000 });
		const entries = em.requestLog.slice();
		const after = em.rows(dataSourceId);
		const want = new Map(expected.map((r) => [String(r['Site ID']), r.Score]));
		return {
			status: result.status,
			...(failure(result) ? { error: failure(result) } : {}),
			...withRecords(tally(entries, (route) => NOTION_WRITE_ROUTES.has(route))),
			wallSeconds: executionSeconds(result, entries),
			rowsAfter: after.length,
			duplicates: duplicatesOf(after.map((r) => String(r.properties['Site ID']))),
			correct: after.filter((r) => want.get(String(r.properties['Site ID'])) === r.properties.Score).length,
		};
	};
	return {
		service: 'notion',
		workflows: Object.values(wf),
		execute: async (n8n) => {
			const out: ServiceComparison = { rows: rows.length, changed: changed.changed, pacing, runs: {}, unpaced: {}, ratios: {} };
			// Without the `empty` run, the later runs start from the rows it would have written (seeded, not counted).
			if (!runs.has('empty') && (runs.has('rerun') || runs.has('changed'))) {
				em.seedRows(builtinDb.dataSourceId, rows);
				em.seedRows(packageDb.dataSourceId, rows);
			}
			for (const run of PACED_RUNS) {
				if (!runs.has(run)) continue;
				const input = run === 'changed' ? changed.rows : rows;
				const builtin = await measure(n8n, `${run}: built-in pattern`, run === 'changed' ? wf.builtinChanged : wf.builtin, builtinDb.dataSourceId, input);
				const pkg = await measure(n8n, `${run}: Notion Sync`, run === 'changed' ? wf.packageChanged : wf.package, packageDb.dataSourceId, input);
				out.runs[run as 'empty'] = { builtin, package: pkg };
				out.ratios[run as 'empty'] = ratios(builtin, pkg);
			}
			if (runs.has('unpaced')) out.unpaced.noRetry = await measure(n8n, 'built-in pattern, unpaced', wf.unpaced, unpacedDb.dataSourceId, rows);
			if (runs.has('unpacedRetry')) out.unpaced.retryOnFail = await measure(n8n, 'built-in pattern, unpaced, Retry On Fail', wf.unpacedRetry, retryDb.dataSourceId, rows);
			return out;
		},
	};
}

async function planHubSpot(sandbox: Sandbox, opts: CompareOptions, runs: Set<RunName>, log: (m: string) => void): Promise<Plan> {
	const em = sandbox.hubspot!;
	const pacing = opts.hubspotPacing ?? { batchSize: 9, waitSeconds: 1 };
	// Setup (not measured): the score property, created through the API like the package's node does.
	resetRateLimiters();
	clearLearnedHubSpotLimits();
	const client = new HubSpotClient({ token: sandbox.credentials.hubspotToken, baseUrl: sandbox.urls.hubspot });
	await client.ensureProperties('companies', [{ name: HUBSPOT_SCORE_PROPERTY, label: 'Health score', type: 'number', fieldType: 'number' }], { group: { name: 'msp_ops', label: 'MSP Ops' } });
	const domains = [...em.objects.companies.values()].slice(0, opts.rows).map((c) => String(c.properties.domain));
	const rows = domains.map((domain, i) => ({ domain, score: 40 + (i % 61) }));
	const changed = changeRows(rows, Math.min(opts.changed ?? 5, rows.length), 'score');
	const wf = {
		builtin: builtinHubSpotWorkflow('vsbHubSpotBuilt1', rows, pacing),
		builtinChanged: builtinHubSpotWorkflow('vsbHubSpotBuilt2', changed.rows, pacing),
		package: hubSpotUpsertWorkflow('vsbHubSpotUpsrt1', rows),
		packageChanged: hubSpotUpsertWorkflow('vsbHubSpotUpsrt2', changed.rows),
		// The unpaced runs write new scores (every company changes), so neither finds its work already done.
		unpaced: builtinHubSpotWorkflow('vsbHubSpotUnpac1', rows.map((r) => ({ ...r, score: r.score + 1 })), {}),
		unpacedRetry: builtinHubSpotWorkflow('vsbHubSpotUnpac2', rows.map((r) => ({ ...r, score: r.score + 2 })), { retryOnFail: true }),
	};
	// Both approaches update the same companies, so before each run the scores are put back to what that approach's
	// previous run left: none before `empty`, the first input's before `rerun` and `changed`.
	const setScores = (input: Array<{ domain: string; score: number }> | undefined) => {
		const byDomain = new Map((input ?? []).map((r) => [r.domain, String(r.score)]));
		for (const c of em.objects.companies.values()) {
			const score = byDomain.get(String(c.properties.domain));
			if (score === undefined) delete c.properties[HUBSPOT_SCORE_PROPERTY];
			else c.properties[HUBSPOT_SCORE_PROPERTY] = score;
		}
	};
	const measure = async (n8n: N8nInstance, what: string, workflow: Record<string, unknown>, expected: Array<{ domain: string; score: number }>): Promise<RunMeasure> => {
		// Scheduled runs start with an empty ten-second window (100 requests per 10 s, free tier).
		await sleep((opts.idleSeconds?.hubspot ?? 10.5) * 1000);
		em.clearLog();
		log(`hubspot ${what}`);
		const updatedBefore = new Map([...em.objects.companies.values()].map((c) => [c.id, c.updatedAt]));
		const result = await n8n.execute(String(workflow.id), { timeoutMs: 30 * 60_000 });
		const entries = em.requestLog.slice();
		const companies = [...em.objects.companies.values()].filter((c) => !c.archived);
		const want = new Map(expected.map((r) => [r.domain, String(r.score)]));
		return {
			status: result.status,
			...(failure(result) ? { error: failure(result) } : {}),
			...tally(entries, isHubSpotWrite),
			recordsWritten: [...em.objects.companies.values()].filter((c) => updatedBefore.get(c.id) !== c.updatedAt).length,
			wallSeconds: executionSeconds(result, entries),
			rowsAfter: companies.length,
			duplicates: duplicatesOf(companies.map((c) => String(c.properties.domain))),
			correct: companies.filter((c) => want.get(String(c.properties.domain)) === c.properties[HUBSPOT_SCORE_PROPERTY]).length,
		};
	};
	return {
		service: 'hubspot',
		workflows: Object.values(wf),
		execute: async (n8n) => {
			const out: ServiceComparison = { rows: rows.length, changed: changed.changed, pacing, runs: {}, unpaced: {}, ratios: {} };
			for (const run of PACED_RUNS) {
				if (!runs.has(run)) continue;
				const input = run === 'changed' ? changed.rows : rows;
				const before = run === 'empty' ? undefined : rows;
				setScores(before);
				const builtin = await measure(n8n, `${run}: built-in pattern`, run === 'changed' ? wf.builtinChanged : wf.builtin, input);
				setScores(before);
				const pkg = await measure(n8n, `${run}: HubSpot node upsert`, run === 'changed' ? wf.packageChanged : wf.package, input);
				out.runs[run as 'empty'] = { builtin, package: pkg };
				out.ratios[run as 'empty'] = ratios(builtin, pkg);
			}
			if (runs.has('unpaced')) out.unpaced.noRetry = await measure(n8n, 'built-in pattern, unpaced', wf.unpaced, rows.map((r) => ({ ...r, score: r.score + 1 })));
			if (runs.has('unpacedRetry')) out.unpaced.retryOnFail = await measure(n8n, 'built-in pattern, unpaced, Retry On Fail', wf.unpacedRetry, rows.map((r) => ({ ...r, score: r.score + 2 })));
			return out;
		},
	};
}

/** Starts the sandbox and one n8n with the redirect preload, runs the plans, stops both. */
export async function compare(opts: CompareOptions): Promise<Partial<Record<Service, ServiceComparison>> & { host: HostVersion }> {
	const log = opts.log ?? (() => undefined);
	const runsOf = (service: Service) => new Set(opts.runsByService?.[service] ?? opts.runs ?? ALL_RUNS);
	const host = opts.host ?? '2.8.4';
	const sandbox = await startSandbox({
		services: opts.services,
		workspace: false,
		world: { sites: opts.rows, unmatched: false, devicesPerSite: opts.rows > 500 ? 1 : undefined },
		emulator: { notion: { maxLogEntries: 500_000 }, hubspot: { maxLogEntries: 500_000 } },
	});
	let n8n: N8nInstance | undefined;
	try {
		const plans: Plan[] = [];
		if (opts.services.includes('notion')) plans.push(planNotion(sandbox, opts, runsOf('notion'), log));
		if (opts.services.includes('hubspot')) plans.push(await planHubSpot(sandbox, opts, runsOf('hubspot'), log));
		const redirect = [sandbox.urls.notion ? `api.notion.com=${sandbox.urls.notion}` : '', sandbox.urls.hubspot ? `api.hubapi.com=${sandbox.urls.hubspot}` : ''].filter(Boolean).join(',');
		log(`n8n ${host}: installing the package, importing ${plans.reduce((n, p) => n + p.workflows.length, 0)} workflows`);
		n8n = await createN8nInstance(host, undefined, { env: { NODE_OPTIONS: `--require ${PRELOAD}`, MSP_OPS_REDIRECT_HOSTS: redirect } });
		await n8n.importCredentials([
			...sandboxCredentials(sandbox),
			...(sandbox.urls.notion ? [{ id: BUILTIN_CREDENTIAL_IDS.notion, name: 'Notion (built-in)', type: 'notionApi', data: { apiKey: sandbox.credentials.notionToken } }] : []),
			...(sandbox.urls.hubspot ? [{ id: BUILTIN_CREDENTIAL_IDS.hubspot, name: 'HubSpot app token (built-in)', type: 'hubspotAppToken', data: { appToken: sandbox.credentials.hubspotToken } }] : []),
		]);
		await n8n.importWorkflows(plans.flatMap((p) => p.workflows));
		const out: Partial<Record<Service, ServiceComparison>> & { host: HostVersion } = { host };
		for (const plan of plans) out[plan.service] = await plan.execute(n8n);
		return out;
	} finally {
		await n8n?.stop();
		await sandbox.stop();
	}
}
