/**
 * What the faults and crash areas share: one sandbox (every service the Customer Status and Daily Health pipelines
 * call) and one n8n 2.8.4 instance with the bundled workflows; the end state of a run as a comparable snapshot (every
 * Notion database, data source and row, every HubSpot object, property and group); the duplicate check; and an
 * `n8n execute` that can be killed.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DateTime } from 'luxon';

import { createN8nInstance, ExecutionResult, freePort, type InstanceOptions, type N8nInstance, parseExecuteOutput } from '../e2e/harness';
import { bundledWorkflow, type BundledWorkflow } from '../e2e/pipelines';
import { sandboxCredentials } from '../e2e/sandboxCredentials';
import { startSandbox, type Sandbox } from '../sandbox';
import type { FaultConfig } from '../sandbox/core';
import type { NotionEmulator } from '../sandbox/notion';
import type { HubSpotEmulator } from '../sandbox/hubspot';
import { seedWorkspace } from '../sandbox/workspace';

/** The areas run on one host: the oldest supported one, where the pipelines have the least help from n8n. */
export const RELIABILITY_HOST = '2.8.4' as const;

/**
 * Notion pacing for these areas: 15 requests per second on both sides (the client's credential and the emulator's
 * token bucket), not Notion's documented 3. Pacing is not what these areas test (the e2e suite runs at 3), and at 3 a
 * fresh Customer Status board alone costs over 30 s of waiting, which the areas repeat for every case.
 */
export const NOTION_TEST_RATE = { requestsPerSecond: 15, burst: 15 } as const;

/**
 * The workspace databases (Config Changes, Azure Pipeline, Runbooks) are seeded with a fixed "now": their dates are
 * relative to it, and the sandbox is reset and reseeded between cases, so the seed must not move with the clock.
 */
const WORKSPACE_NOW = new Date('2026-01-29T12:00:00.000Z');

export const PIPELINES = {
	customerStatus: { file: 'customer-status-sync.json', database: 'Customer Status', key: 'Site ID' },
	dailyHealth: { file: 'daily-health-sync.json', database: 'Daily Health', key: 'Snapshot ID' },
} as const;
export type PipelineName = keyof typeof PIPELINES;

export interface PipelineWorld {
	sandbox: Sandbox;
	n8n: N8nInstance;
	notion: NotionEmulator;
	hubspot: HubSpotEmulator;
	workflows: Record<PipelineName, BundledWorkflow>;
	stop(): Promise<void>;
}

/**
 * The sandbox (default world, 98 sites), a fresh n8n 2.8.4 with the sandbox credentials, and both pipelines imported as
 * shipped. `options.n8n`: the instance's options (its environment, e.g. a PostgreSQL database and queue mode).
 */
export async function startPipelineWorld(options: { n8n?: InstanceOptions } = {}): Promise<PipelineWorld> {
	const sandbox = await startSandbox({
		services: ['unifi', 'ninjaone', 'notion', 'hubspot', 'supabase'],
		workspace: false,
		emulator: { notion: { rateLimits: { default: { kind: 'bucket', ratePerSec: NOTION_TEST_RATE.requestsPerSecond, burst: NOTION_TEST_RATE.burst } } } },
	});
	let n8n: N8nInstance | undefined;
	try {
		seedWorkspace(sandbox.notion!, sandbox.world, WORKSPACE_NOW);
		n8n = await createN8nInstance(RELIABILITY_HOST, undefined, options.n8n);
		const credentials = sandboxCredentials(sandbox, { notionPace: NOTION_TEST_RATE.requestsPerSecond });
		await n8n.importCredentials(credentials);
		const workflows = { customerStatus: bundledWorkflow(PIPELINES.customerStatus.file), dailyHealth: bundledWorkflow(PIPELINES.dailyHealth.file) };
		// One import for all three; the pipelines name the bundled error logger as their Error Workflow.
		await n8n.importWorkflows([bundledWorkflow('ops-error-logger.json'), ...Object.values(workflows)]);
		const instance = n8n;
		return {
			sandbox,
			n8n: instance,
			notion: sandbox.notion!,
			hubspot: sandbox.hubspot!,
			workflows,
			stop: async () => {
				await instance.stop();
				await sandbox.stop();
			},
		};
	} catch (error) {
		await n8n?.stop();
		await sandbox.stop();
		throw error;
	}
}

/** The emulators whose faults the areas set (Supabase: the ops log and the run summary). */
export function faultableEmulators(world: PipelineWorld) {
	const s = world.sandbox;
	return { unifi: s.unifi!, ninjaone: s.ninjaone!, notion: s.notion!, hubspot: s.hubspot!, supabase: s.supabase! };
}

/** Notion and HubSpot back to the seed (the workspace reseeded as at the start), no faults anywhere. */
export function resetWrittenState(world: PipelineWorld): void {
	world.notion.reset();
	seedWorkspace(world.notion, world.sandbox.world, WORKSPACE_NOW);
	world.hubspot.reset();
	clearFaults(world);
}

export function setFaults(world: PipelineWorld, faults: Partial<Record<keyof ReturnType<typeof faultableEmulators>, FaultConfig>>): void {
	for (const [name, emulator] of Object.entries(faultableEmulators(world))) emulator.setFaults(faults[name as keyof typeof faults] ?? {});
}

export function clearFaults(world: PipelineWorld): void {
	for (const emulator of Object.values(faultableEmulators(world))) {
		emulator.setFaults({});
		emulator.clearScriptedFaults();
	}
}

/**
 * Daily Health keys its rows by the day in the workflow's zone: a case whose runs straddle midnight there would
 * rightly write a second day's rows. Wait until the next `withinMs` cannot cross midnight (at most `withinMs`).
 */
export async function clearOfMidnight(zone: string, withinMs: number): Promise<void> {
	const now = DateTime.now().setZone(zone);
	const untilMidnight = now.plus({ days: 1 }).startOf('day').toMillis() - now.toMillis();
	if (untilMidnight < withinMs) await new Promise((r) => setTimeout(r, untilMidnight + 1_000));
}

// ------------------------------------------------------------------------------------------------ the end state

export interface EndState {
	notion: {
		databases: unknown[];
		/** Pages outside any database (the seeded parent page). */
		pages: unknown[];
	};
	hubspot: Record<string, { objects: unknown[]; properties: unknown[]; groups: unknown[] }>;
}

/**
 * Service timestamps, left out of every snapshot: when a write happened differs between any two runs. Notion's
 * page/database `created_time` and `last_edited_time` (and properties of those types), HubSpot's `createdate`,
 * `hs_lastmodifieddate`, `lastmodifieddate` and a definition's `createdAt`/`updatedAt`.
 */
const NOTION_TIME_TYPES = new Set(['created_time', 'last_edited_time']);
const HUBSPOT_TIME_PROPERTIES = new Set(['createdate', 'hs_lastmodifieddate', 'lastmodifieddate']);

/** JSON with object keys sorted, so two snapshots compare by content, not by insertion order. */
export function canonical(value: unknown): string {
	return JSON.stringify(value, (_k, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
	);
}

const sortByCanonical = <T>(list: T[]): T[] => [...list].sort((a, b) => (canonical(a) < canonical(b) ? -1 : canonical(a) > canonical(b) ? 1 : 0));

/**
 * The full Notion and HubSpot state, normalised only where two runs that wrote the same data must differ:
 * - ids (pages, databases, data sources, properties, select options; HubSpot's hs_object_id) are generated by the
 *   service in request order, and retries and re-runs change that order: a Notion id in a value (a relation, a
 *   parent) is replaced by what it names (`database:<title>`, `page:<title>`);
 * - service timestamps (above);
 * - order: rows, databases and records are sorted by content (a create retried later lands later). Duplicates stay
 *   visible: a sorted list keeps both copies.
 * Everything else is compared as stored: titles, schemas (names, types, options and their colors, formats), every
 * property value of every row including trashed ones (with their trash flag), every HubSpot property value.
 */
export function endState(world: PipelineWorld): EndState {
	const notion = world.notion;
	const labels = new Map<string, string>();
	for (const db of notion.databases.values()) labels.set(db.id, `database:${db.title.map((t) => t.plain_text).join('')}`);
	for (const ds of notion.dataSources.values()) labels.set(ds.id, `data source:${ds.name}`);
	for (const page of notion.pages.values()) {
		const ds = page.dataSourceId ? notion.dataSources.get(page.dataSourceId) : undefined;
		const titleDef = ds?.props.find((p) => p.type === 'title');
		const title = (titleDef ? (page.values[titleDef.id] as Array<{ plain_text: string }> | undefined) : (page.values.title as Array<{ plain_text: string }> | undefined)) ?? [];
		labels.set(page.id, `page:${title.map((t) => t.plain_text).join('')}`);
	}
	const relabel = (value: unknown): unknown =>
		JSON.parse(JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === 'string' && labels.has(v) ? labels.get(v) : v)));

	const databases = [...notion.databases.values()].map((db) => ({
		title: db.title.map((t) => t.plain_text).join(''),
		parent: relabel(db.parentPageId),
		inTrash: db.inTrash,
		isInline: db.isInline,
		description: db.description.map((t) => t.plain_text).join(''),
		dataSources: db.dataSourceIds.map((dsId) => {
			const ds = notion.dataSources.get(dsId)!;
			return {
				name: ds.name,
				inTrash: ds.inTrash,
				properties: ds.props.map((p) => ({ name: p.name, type: p.type, description: p.description, config: relabel(stripOptionIds(p.config)) })),
				rows: sortByCanonical(
					ds.pageIds.map((pid) => {
						const row = notion.flatRow(ds, notion.pages.get(pid)!);
						const properties = Object.fromEntries(ds.props.filter((p) => !NOTION_TIME_TYPES.has(p.type)).map((p) => [p.name, relabel(row.properties[p.name])]));
						return { inTrash: row.in_trash, properties };
					}),
				),
			};
		}),
	}));
	const pages = [...notion.pages.values()].filter((p) => !p.dataSourceId).map((p) => ({ label: labels.get(p.id), parent: relabel(p.parent), inTrash: p.inTrash }));

	const hubspot: EndState['hubspot'] = {};
	for (const type of ['companies', 'contacts'] as const) {
		hubspot[type] = {
			objects: sortByCanonical(
				[...world.hubspot.objects[type].values()].map((o) => ({
					archived: o.archived,
					properties: Object.fromEntries(Object.entries(o.properties).filter(([k]) => !HUBSPOT_TIME_PROPERTIES.has(k) && k !== 'hs_object_id')),
				})),
			),
			properties: sortByCanonical([...world.hubspot.properties[type].values()].map(({ createdAt: _c, updatedAt: _u, ...p }) => p as unknown)),
			groups: sortByCanonical([...world.hubspot.groups[type].values()]),
		};
	}
	return { notion: { databases: sortByCanonical(databases), pages: sortByCanonical(pages) }, hubspot };
}

function stripOptionIds(config: Record<string, unknown>): unknown {
	return JSON.parse(JSON.stringify(config), (k, v: unknown) => (k === 'id' ? undefined : v));
}

/**
 * Differences between two end states as readable lines (at most `limit`): per Notion database and data source, the
 * rows only one side has, and any other difference of the database itself; per HubSpot type, the records,
 * properties and groups only one side has. Empty when equal.
 */
export function endStateDiff(want: EndState, got: EndState, limit = 12): string[] {
	const out: string[] = [];
	const multisetDiff = (what: string, a: unknown[], b: unknown[]) => {
		const count = new Map<string, number>();
		for (const x of a) count.set(canonical(x), (count.get(canonical(x)) ?? 0) + 1);
		for (const x of b) count.set(canonical(x), (count.get(canonical(x)) ?? 0) - 1);
		for (const [k, n] of count) {
			if (n > 0) out.push(`${what}: missing ${n > 1 ? `${n}x ` : ''}${k.slice(0, 400)}`);
			if (n < 0) out.push(`${what}: extra ${n < -1 ? `${-n}x ` : ''}${k.slice(0, 400)}`);
		}
	};
	type Db = { title: string; dataSources: Array<{ name: string; rows: unknown[] }> };
	const shell = (db: Db) => ({ ...db, dataSources: db.dataSources.map((ds) => ({ ...ds, rows: ds.rows.length })) });
	const wantDbs = want.notion.databases as Db[];
	const gotDbs = got.notion.databases as Db[];
	multisetDiff('Notion database', wantDbs.map(shell), gotDbs.map(shell));
	for (const db of wantDbs) {
		const other = gotDbs.filter((d) => d.title === db.title);
		if (other.length !== 1) continue;
		db.dataSources.forEach((ds, i) => multisetDiff(`Notion ${db.title} / ${ds.name} row`, ds.rows, other[0].dataSources[i]?.rows ?? []));
	}
	multisetDiff('Notion page', want.notion.pages, got.notion.pages);
	for (const type of Object.keys(want.hubspot)) {
		multisetDiff(`HubSpot ${type}`, want.hubspot[type].objects, got.hubspot[type]?.objects ?? []);
		multisetDiff(`HubSpot ${type} property`, want.hubspot[type].properties, got.hubspot[type]?.properties ?? []);
		multisetDiff(`HubSpot ${type} group`, want.hubspot[type].groups, got.hubspot[type]?.groups ?? []);
	}
	return out.length > limit ? [...out.slice(0, limit), `... and ${out.length - limit} more`] : out;
}

/**
 * Duplicates in the live state: two databases with one title under one parent, two live rows of a pipeline's
 * database with the same key, two companies with one domain or contacts with one email, two property definitions or
 * groups with one name.
 */
export function duplicates(world: PipelineWorld): string[] {
	const out: string[] = [];
	const notion = world.notion;
	const seen = (what: string, keys: string[]) => {
		const n = new Map<string, number>();
		for (const k of keys) n.set(k, (n.get(k) ?? 0) + 1);
		for (const [k, c] of n) if (c > 1) out.push(`${what} ${JSON.stringify(k)} ${c} times`);
	};
	const liveDbs = [...notion.databases.values()].filter((d) => !d.inTrash);
	seen('Notion database', liveDbs.map((d) => `${d.parentPageId}/${d.title.map((t) => t.plain_text).join('')}`));
	const keyOf = new Map<string, string>(Object.values(PIPELINES).map((p) => [p.database, p.key]));
	for (const db of liveDbs) {
		const title = db.title.map((t) => t.plain_text).join('');
		for (const dsId of db.dataSourceIds) {
			// The other databases are the workspace's: the pipelines never write them, and the end-state comparison
			// shows any row added there.
			const key = keyOf.get(title);
			if (key) seen(`Notion ${title} row keyed`, notion.rows(dsId).map((r) => String(r.properties[key])));
		}
	}
	const live = (type: 'companies' | 'contacts') => [...world.hubspot.objects[type].values()].filter((o) => !o.archived);
	seen('HubSpot company with domain', live('companies').map((o) => String(o.properties.domain)));
	seen('HubSpot contact with email', live('contacts').map((o) => String(o.properties.email)));
	for (const type of ['companies', 'contacts'] as const) {
		seen(`HubSpot ${type} property`, [...world.hubspot.properties[type].values()].map((p) => p.name));
		seen(`HubSpot ${type} group`, [...world.hubspot.groups[type].values()].map((g) => g.name));
	}
	return out;
}

// ------------------------------------------------------------------------------------------------ runs

/** Runs a pipeline to the end with `n8n execute`. */
export function runPipeline(world: PipelineWorld, name: PipelineName): Promise<ExecutionResult> {
	return world.n8n.execute(world.workflows[name].id, { timeoutMs: 240_000 });
}

export interface KillableRun {
	pid: number;
	/** SIGKILL to the whole process group of the execute (n8n and its task runner), at once. */
	kill(): void;
	/** Resolves when the process ended: its exit code or signal, and the run when it finished on its own. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; result?: ExecutionResult }>;
}

/**
 * `n8n execute` of a pipeline in its own process group, so that a SIGKILL takes n8n and the task runner it started,
 * as a crash of the host would; nothing gets to clean up or write its execution to the database.
 */
export async function startKillableRun(world: PipelineWorld, name: PipelineName): Promise<KillableRun> {
	const n8n = world.n8n;
	const env = n8n.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()) });
	const outDir = path.join(n8n.userFolder, 'e2e-outputs');
	fs.mkdirSync(outDir, { recursive: true });
	const outFile = path.join(outDir, `killable-${Date.now()}-${process.hrtime.bigint()}.out`);
	const outFd = fs.openSync(outFile, 'w');
	const child = spawn(n8n.host.nodeBin, [n8n.host.n8nScript, 'execute', `--id=${world.workflows[name].id}`, '--rawOutput'], {
		cwd: n8n.userFolder,
		env,
		stdio: ['ignore', outFd, 'ignore'],
		detached: true,
	});
	fs.closeSync(outFd);
	const pid = child.pid!;
	// A run that was never killed (the kill point was not reached) must not outlive the test.
	const guard = setTimeout(() => kill(), 240_000);
	function kill(): void {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; result?: ExecutionResult }>((resolve) => {
		child.on('exit', (code, signal) => {
			clearTimeout(guard);
			const stdout = fs.readFileSync(outFile, 'utf8');
			fs.rmSync(outFile, { force: true });
			let result: ExecutionResult | undefined;
			try {
				result = new ExecutionResult(parseExecuteOutput(stdout), { code, stdout, stderr: '', ms: 0 });
			} catch {
				result = undefined;
			}
			resolve({ code, signal, result });
		});
	});
	return { pid, kill, exited };
}

/** Rows of a pipeline's database (live ones), or [] when the database does not exist yet. */
export function pipelineRows(world: PipelineWorld, name: PipelineName): number {
	const found = world.notion.findDataSources(PIPELINES[name].database);
	return found.length ? world.notion.rows(found[0].dataSourceId).length : 0;
}
