import { MetricsRecorder, resetRateLimiters } from '../../../lib/http';
import { ensureDatabase, NotionRowSync, resolveDataSource, type SchemaProperty } from '../../../lib/notion';
import { SANDBOX_PARENT_PAGE_ID } from '../../../test/sandbox/notion';
import { sandboxNotionTransport, useNotionEmulator } from '../notion/notionSandbox';

/**
 * The credential says 3 requests/s but the service only allows 1/s (another workflow shares the integration, or
 * the plan is smaller). Pacing at the configured rate would draw a 429 and a Retry-After wait for almost every
 * call; the shared bucket must learn the lower rate after a few 429s instead.
 */

jest.setTimeout(120_000);

const SCHEMA: SchemaProperty[] = [
	{ name: 'Site', type: 'title' },
	{ name: 'Site ID', type: 'rich_text' },
	{ name: 'Score', type: 'number' },
];

const emulator = useNotionEmulator();

it('a 30-row sync at 3/s against a service that allows 1/s draws only a few 429s', async () => {
	const setup = sandboxNotionTransport(emulator.url);
	const db = await ensureDatabase(setup, { title: 'Paced', parentPageId: SANDBOX_PARENT_PAGE_ID, properties: SCHEMA });
	const schema = await resolveDataSource(setup, { dataSourceId: db.dataSourceId });

	resetRateLimiters();
	emulator.setRateLimit('default', { kind: 'bucket', ratePerSec: 1, burst: 1 });
	emulator.clearLog();
	const metrics = new MetricsRecorder();
	const transport = sandboxNotionTransport(emulator.url, { requestsPerSecond: 3, burst: 3, retry: undefined, metrics });
	const rows = Array.from({ length: 30 }, (_, i) => ({ fields: { Site: `Site ${i}`, 'Site ID': `site-${i}`, Score: i } }));
	const result = await new NotionRowSync(transport, schema, { keyProperty: 'Site ID' }).run(rows);

	expect(result.stats).toMatchObject({ created: 30, failed: 0 });
	const rateLimited = emulator.statusCounters.get(429) ?? 0;
	// Pacing at 3/s without adapting draws about one 429 per row (30 here).
	expect(rateLimited).toBeGreaterThanOrEqual(1);
	expect(rateLimited).toBeLessThanOrEqual(4);
	expect(metrics.summary().rateLimited).toBe(rateLimited);
	const bucket = transport.http.rateLimiter()!;
	expect(bucket.requestsPerSecond).toBeLessThanOrEqual(1);
	expect(bucket.configuredRequestsPerSecond).toBe(3);
});
