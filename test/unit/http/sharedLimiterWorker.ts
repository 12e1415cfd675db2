import { getRateLimiter, rateLimitStoreStatus } from '../../../lib/http';
import { useRealSleep } from '../../sandbox/realSleep';

/**
 * One "n8n worker" for shared-rate-limiter.processes.test.ts: takes CALLS turns of one bucket, chosen from its
 * environment as n8n would run it (EXECUTIONS_MODE, QUEUE_BULL_*), after the parent says go. Prints the store it
 * used and the time of each turn as JSON, then ends on its own: an open Redis socket must not keep it alive.
 */
useRealSleep();
const calls = Number(process.env.CALLS ?? '10');
const rate = Number(process.env.RATE ?? '20');

async function main(): Promise<void> {
	const bucket = getRateLimiter('notion', 'worker-test-credential', { requestsPerSecond: rate, burst: 1 });
	process.stdout.write('ready\n');
	await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
	process.stdin.destroy();
	const grants: number[] = [];
	for (let i = 0; i < calls; i++) {
		bucket.succeeded(await bucket.acquire());
		grants.push(Date.now());
	}
	const status = rateLimitStoreStatus();
	process.stdout.write(`${JSON.stringify({ store: status.store, fallbacks: status.fallbacks, grants })}\n`);
}

void main();
