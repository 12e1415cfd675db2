/**
 * n8n 2.8.4 in queue mode: one main and two workers on a fresh PostgreSQL database and Redis key space (queueMode.ts),
 * the bundled Customer Status Sync and Daily Health Sync exactly as shipped, against the sandbox's default world (98
 * sites). Both pipelines are started at once from the main; each must be enqueued by the main, run on its own worker
 * and succeed, and the Notion and HubSpot end state must equal that of the same two pipelines run in single-process
 * mode (`n8n execute`) from the same seed. Both write to Notion with one credential, so the two workers spend one
 * token's rate at the same time: the emulator enforces the same rate the credential sets, and the 429s it sends
 * show whether the workers kept to it together.
 *
 * One host: queue mode is n8n's, not the package's, and the CI's time is short; 2.8.4 is the oldest supported host.
 */
import { clearOfMidnight, duplicates, endState, endStateDiff, pipelineRows, resetWrittenState, runPipeline, startPipelineWorld, type PipelineName, type PipelineWorld } from '../reliability/pipelineState';
import { sandboxCredentials, WORKFLOW_CREDENTIAL_IDS } from './sandboxCredentials';
import { createQueueBackends, startQueueMode, type QueueBackends, type QueueCluster } from './queueMode';

const HOST = '2.8.4';
/** Notion requests per second (the emulator's bucket and the credential) while the two workers run. */
const QUEUE_NOTION_RATE = 5;
/** 429s the two workers may get together: timing jitter between the client's and Notion's clocks, not a storm. */
const MAX_QUEUE_429S = 3;
const BOTH: PipelineName[] = ['customerStatus', 'dailyHealth'];

interface ApiExecution {
	id: string;
	status: string;
	mode: string;
	startedAt: string;
	stoppedAt: string;
}

/** Notion answers 429 (rate limit) sent since the last reset of the emulator's log. */
const notion429s = (world: PipelineWorld) => world.notion.statusCounters.get(429) ?? 0;

describe(`Queue mode on n8n ${HOST} (main + 2 workers, PostgreSQL, Redis)`, () => {
	let backends: QueueBackends | undefined;
	let world: PipelineWorld;
	let cluster: QueueCluster | undefined;
	beforeAll(async () => {
		backends = await createQueueBackends();
		world = await startPipelineWorld({ n8n: { env: backends.env } });
	}, 10 * 60_000);
	afterAll(async () => {
		await cluster?.stop();
		await world?.stop();
		await backends?.cleanup();
	});

	test('two pipelines on two workers at once: each enqueued by the main and run on its own worker, the end state of single-process runs, one Notion rate for both', async () => {
		const sites = world.sandbox.world.sites.length;
		// Daily Health keys its rows by the day in the workflow's zone: both phases must fall on one day there.
		await clearOfMidnight(String(world.workflows.dailyHealth.settings.timezone), 4 * 60_000);

		// Single-process mode: `n8n execute` (n8n falls back to regular mode for it), one pipeline after the other.
		resetWrittenState(world);
		for (const name of BOTH) {
			const result = await runPipeline(world, name);
			expect({ name, status: result.status, error: result.error?.message }).toEqual({ name, status: 'success', error: undefined });
			expect(pipelineRows(world, name)).toBe(sites);
		}
		const single429s = notion429s(world);
		const want = endState(world);

		// Queue mode from the same seed: main + two workers that take one job each at a time, so the two runs started
		// together are on different workers, sharing one Notion token. At 15 requests/s a run's writes (one at a time)
		// are held up by round trips more than by the rate, and two workers stay under it without any sharing: the
		// token's rate drops to QUEUE_NOTION_RATE on both sides, which one run alone fills.
		resetWrittenState(world);
		world.notion.setRateLimit('default', { kind: 'bucket', ratePerSec: QUEUE_NOTION_RATE, burst: QUEUE_NOTION_RATE });
		await world.n8n.importCredentials(sandboxCredentials(world.sandbox, { notionPace: QUEUE_NOTION_RATE }).filter((c) => c.id === WORKFLOW_CREDENTIAL_IDS.notion));
		cluster = await startQueueMode(world.n8n, { workers: 2, concurrency: 1 });
		const ids = await Promise.all(BOTH.map((name) => world.n8n.runManually(world.workflows[name].id, 'Run Now')));
		const executions = await Promise.all(ids.map((id) => world.n8n.finishedExecution<ApiExecution>(id, 4 * 60_000)));
		const queue429s = notion429s(world);
		process.stderr.write(`[queue-mode] Notion 429s: single-process ${single429s}, two workers ${queue429s}\n`);

		expect(executions.map((e) => e.status)).toEqual(['success', 'success']);
		// Each run: a job the main enqueued, started by exactly one worker under that job id.
		const placement = ids.map((id) => ({ job: cluster!.enqueuedJob(id), ranOn: cluster!.ranOn(id) }));
		for (const { job, ranOn } of placement) {
			expect(job).toBeDefined();
			expect(ranOn).toEqual([{ worker: expect.any(Number), job }]);
		}
		expect(new Set(placement.map((p) => p.ranOn[0].worker)).size).toBe(2);
		// The two runs overlapped in time.
		const [a, b] = executions.map((e) => ({ start: Date.parse(e.startedAt), stop: Date.parse(e.stoppedAt) }));
		expect(a.start < b.stop && b.start < a.stop).toBe(true);

		for (const name of BOTH) expect({ name, rows: pipelineRows(world, name) }).toEqual({ name, rows: sites });
		expect(duplicates(world)).toEqual([]);
		expect(endStateDiff(want, endState(world))).toEqual([]);

		// One token, one rate: two workers together keep to it (a 429 or two from timing jitter, as single-process runs see).
		expect(queue429s).toBeLessThanOrEqual(MAX_QUEUE_429S);
	});
});
