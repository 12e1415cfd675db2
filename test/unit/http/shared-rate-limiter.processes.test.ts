import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';

/**
 * Two real processes, as two n8n queue-mode workers: each takes 10 turns of one bucket (20/s, burst 1) for the same
 * credential, choosing its store from the environment. Sharing through Redis, the 20 turns take at least 19
 * intervals (950 ms); each process on its own bucket would finish in about 9 (450 ms). Each process must also end
 * by itself after its last turn (the Redis socket does not keep it alive).
 */

const root = path.resolve(__dirname, '../../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const workerScript = path.join(__dirname, 'sharedLimiterWorker.ts');

interface WorkerResult {
	store: string;
	fallbacks: number;
	grants: number[];
}

function startWorker(env: Record<string, string>) {
	const child = spawn(tsx, [workerScript], {
		cwd: root,
		env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CALLS: '10', RATE: '20', ...env },
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let out = '';
	let err = '';
	child.stdout.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr.on('data', (d: Buffer) => (err += d.toString()));
	const ready = new Promise<void>((resolve, reject) => {
		const check = () => out.includes('ready\n') && resolve();
		child.stdout.on('data', check);
		child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${err}`)));
	});
	const ended = new Promise<WorkerResult>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill();
			reject(new Error(`worker did not end by itself within 15 s: ${out} ${err}`));
		}, 15_000);
		child.once('exit', (code) => {
			clearTimeout(timer);
			if (code !== 0) return reject(new Error(`worker exited with ${code}: ${err}`));
			const line = out.split('\n').find((l) => l.startsWith('{'));
			if (!line) return reject(new Error(`worker printed no result: ${out} ${err}`));
			resolve(JSON.parse(line) as WorkerResult);
		});
	});
	return { ready, ended, go: () => child.stdin.write('go\n') };
}

async function runTwoWorkers(env: Record<string, string>): Promise<{ results: WorkerResult[]; spanMs: number }> {
	const workers = [startWorker(env), startWorker(env)];
	await Promise.all(workers.map((w) => w.ready));
	for (const w of workers) w.go();
	const results = await Promise.all(workers.map((w) => w.ended));
	const grants = results.flatMap((r) => r.grants);
	return { results, spanMs: Math.max(...grants) - Math.min(...grants) };
}

const prefix = `test-${randomUUID()}`;

afterAll(async () => {
	const admin = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
	const keys = await admin.keys(`${prefix}:*`);
	if (keys.length) await admin.del(...keys);
	await admin.quit();
});

describe('two worker processes on one credential', () => {
	const queueMode = { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: '6379', QUEUE_BULL_PREFIX: prefix };

	it('share one bucket in queue mode, and end on their own', async () => {
		const { results, spanMs } = await runTwoWorkers(queueMode);
		expect(results.map((r) => [r.store, r.fallbacks])).toEqual([
			['redis', 0],
			['redis', 0],
		]);
		expect(spanMs).toBeGreaterThanOrEqual(19 * 50 - 10);
		expect(spanMs).toBeLessThan(19 * 50 + 1_000);
	}, 30_000);

	it('pace each on its own when told to stay in process', async () => {
		const { results, spanMs } = await runTwoWorkers({ ...queueMode, MSP_OPS_RATE_LIMIT_STORE: 'process' });
		expect(results.map((r) => r.store)).toEqual(['process', 'process']);
		expect(spanMs).toBeGreaterThanOrEqual(9 * 50 - 10);
		expect(spanMs).toBeLessThan(19 * 50 - 10);
	}, 30_000);
});
