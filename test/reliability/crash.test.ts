/**
 * Reliability area `crash`: the bundled Customer Status Sync and Daily Health Sync, exactly as shipped, in real n8n
 * 2.8.4 against the sandbox's default world (98 sites). Each case starts a run as an `n8n execute` process and
 * SIGKILLs it (n8n and its task runner, the whole process group) at one point of the sync, chosen by the emulators:
 * when the Nth request of a kind arrives, the process is killed while that request is in flight, so the service
 * carries it out and the answer goes nowhere (the worst moment: written, not known to be written). Then a normal
 * run: the end state must equal the fault-free reference (every Notion database, data source and row, every HubSpot
 * record, property and group), with no duplicate and no lost row.
 */
import type { RoutedRequest } from '../sandbox/core';
import { reliabilityTally } from './report';
import {
	clearOfMidnight,
	duplicates,
	endState,
	endStateDiff,
	pipelineRows,
	RELIABILITY_HOST,
	resetWrittenState,
	runPipeline,
	startKillableRun,
	startPipelineWorld,
	type EndState,
	type PipelineName,
	type PipelineWorld,
} from './pipelineState';

const tally = reliabilityTally('crash');

interface KillPoint {
	name: string;
	pipeline: PipelineName;
	/** Which emulator's requests to count, the route to count, and at which one to kill. */
	service: 'notion' | 'hubspot';
	route: string;
	nth: number;
	/** The pipeline's rows in Notion once the run is dead (the killed request included). */
	rowsAtKill: (sites: number) => number;
}

const KILL_POINTS: KillPoint[] = [
	{ name: 'at the 3rd Customer Status row create', pipeline: 'customerStatus', service: 'notion', route: 'POST /v1/pages', nth: 3, rowsAtKill: () => 3 },
	{ name: 'at the 50th Customer Status row create', pipeline: 'customerStatus', service: 'notion', route: 'POST /v1/pages', nth: 50, rowsAtKill: () => 50 },
	{ name: "during HubSpot's batch update of the companies", pipeline: 'customerStatus', service: 'hubspot', route: 'POST /crm/v3/objects/companies/batch/update', nth: 1, rowsAtKill: (n) => n },
	{ name: 'at the 49th Daily Health row create', pipeline: 'dailyHealth', service: 'notion', route: 'POST /v1/pages', nth: 49, rowsAtKill: () => 49 },
];

describe(`Reliability crash on n8n ${RELIABILITY_HOST}`, () => {
	let world: PipelineWorld;
	const reference: Partial<Record<PipelineName, EndState>> = {};
	beforeAll(async () => {
		world = await startPipelineWorld();
	}, 15 * 60_000);
	afterAll(async () => {
		await world?.stop();
	});

	/** The fault-free end state of a pipeline from the seed, run once per pipeline. */
	async function referenceOf(name: PipelineName): Promise<EndState> {
		if (reference[name]) return reference[name];
		resetWrittenState(world);
		const run = await runPipeline(world, name);
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		expect(pipelineRows(world, name)).toBe(world.sandbox.world.sites.length);
		expect(duplicates(world)).toEqual([]);
		return (reference[name] = endState(world));
	}

	test.each(KILL_POINTS.map((k) => [k.name, k] as const))('SIGKILL %s, then a normal run converges to the fault-free end state', async (_label, point) => {
		const sites = world.sandbox.world.sites.length;
		// The reference, the killed run and the recovery must fall on one day in the zone (Daily Health's keys).
		await clearOfMidnight(String(world.workflows[point.pipeline].settings.timezone), 3 * 60_000);
		const want = await referenceOf(point.pipeline);
		resetWrittenState(world);

		const run = await startKillableRun(world, point.pipeline);
		let seen = 0;
		let killedAt: number | undefined;
		const off = world[point.service].onRequest((req: RoutedRequest) => {
			if (req.route !== point.route || killedAt !== undefined) return;
			if (++seen === point.nth) {
				killedAt = Date.now();
				run.kill();
			}
		});
		let exit: Awaited<typeof run.exited>;
		try {
			exit = await run.exited;
		} finally {
			off();
		}
		// Case 1: the kill point was reached and the process died there (not a run that ended on its own).
		tally.check(() => {
			expect({ signal: exit.signal, reached: killedAt !== undefined }).toEqual({ signal: 'SIGKILL', reached: true });
			expect(exit.result).toBeUndefined();
			expect(pipelineRows(world, point.pipeline)).toBe(point.rowsAtKill(sites));
		});

		// The next normal run.
		const recovery = await runPipeline(world, point.pipeline);
		expect(recovery.error).toBeUndefined();
		expect(recovery.status).toBe('success');
		// Case 2: exactly the reference end state (nothing lost, nothing changed that should not be).
		tally.check(() => expect(endStateDiff(want, endState(world))).toEqual([]));
		// Case 3: no duplicate anywhere, one row per site.
		tally.check(() => {
			expect(duplicates(world)).toEqual([]);
			expect(pipelineRows(world, point.pipeline)).toBe(sites);
		});
	}, 10 * 60_000);
});
