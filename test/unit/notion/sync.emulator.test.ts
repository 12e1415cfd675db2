import { MetricsRecorder } from '../../../lib/http';
import {
	ensureDatabase,
	NotionRowSync,
	queryRows,
	resolveDataSource,
	type DataSourceSchema,
	type InputRow,
	type NotionConnectionOptions,
	type NotionTransport,
	type RowSyncOptions,
	type SchemaProperty,
} from '../../../lib/notion';
import { SANDBOX_PARENT_PAGE_ID } from '../../../test/sandbox/notion';
import { sandboxNotionTransport, useNotionEmulator } from './notionSandbox';

jest.setTimeout(60_000);

const SCHEMA: SchemaProperty[] = [
	{ name: 'Site', type: 'title' },
	{ name: 'Site ID', type: 'rich_text' },
	{ name: 'Score', type: 'number' },
	{ name: 'Status', type: 'select', options: ['healthy', 'warning', 'critical'] },
	{ name: 'Issues', type: 'multi_select', options: ['wan', 'offline'] },
	{ name: 'Stage', type: 'status' },
	{ name: 'Checked At', type: 'date' },
	{ name: 'Managed', type: 'checkbox' },
	{ name: 'Portal', type: 'url' },
	{ name: 'Contact', type: 'email' },
	{ name: 'Phone', type: 'phone_number' },
	{ name: 'Notes', type: 'rich_text' },
];

const emulator = useNotionEmulator();
let metrics: MetricsRecorder;

const transport = (overrides: Partial<NotionConnectionOptions> = {}): NotionTransport => sandboxNotionTransport(emulator.url, { metrics, ...overrides });

beforeEach(() => {
	metrics = new MetricsRecorder();
});

async function setup(title = 'Site Health'): Promise<{ t: NotionTransport; schema: DataSourceSchema; dataSourceId: string; databaseId: string }> {
	const t = transport();
	const db = await ensureDatabase(t, { title, parentPageId: SANDBOX_PARENT_PAGE_ID, properties: SCHEMA });
	const schema = await resolveDataSource(t, { databaseId: db.databaseId });
	return { t, schema, dataSourceId: db.dataSourceId, databaseId: db.databaseId };
}

function site(i: number, extra: Record<string, unknown> = {}): InputRow {
	return {
		fields: {
			Site: `Harbor Dental ${i}`,
			'Site ID': `site-${i}`,
			Score: 80 + i,
			Status: i % 3 === 0 ? 'critical' : 'healthy',
			Issues: i % 2 ? ['wan', 'offline'] : [],
			Stage: 'Not started',
			'Checked At': '2026-11-22T06:00:00Z',
			Managed: i % 2 === 0,
			Portal: `https://unifi.ui.com/site/${i}`,
			Contact: `ops${i}@harbor.example`,
			Phone: '+1 619 555 0100',
			Notes: i === 1 ? 'n'.repeat(4100) : 'short',
			ignored: { nested: true },
			...extra,
		},
	};
}

const sites = (n: number, extra: (i: number) => Record<string, unknown> = () => ({})) => Array.from({ length: n }, (_, i) => site(i, extra(i)));

function writesSince(before: ReturnType<typeof emulator.getStats>): number {
	const s = emulator.getStats();
	return s.pageCreates + s.pageUpdates + s.pageTrashes - (before.pageCreates + before.pageUpdates + before.pageTrashes);
}

const run = (t: NotionTransport, schema: DataSourceSchema, rows: InputRow[], options: Partial<RowSyncOptions> = {}) =>
	new NotionRowSync(t, schema, { keyProperty: 'Site ID', ...options }).run(rows);

describe('Ensure Database', () => {
	it('creates the database under the parent page, then finds it by title and adds only what is missing', async () => {
		const t = transport();
		const first = await ensureDatabase(t, { title: 'Dashboard', parentPageId: SANDBOX_PARENT_PAGE_ID, properties: SCHEMA });
		expect(first.action).toBe('created');
		expect(emulator.findDataSources('Dashboard')).toHaveLength(1);

		const again = await ensureDatabase(t, { title: 'Dashboard', parentPageId: SANDBOX_PARENT_PAGE_ID, properties: SCHEMA });
		expect(again).toMatchObject({ action: 'unchanged', databaseId: first.databaseId, dataSourceId: first.dataSourceId, addedProperties: [] });

		const more = await ensureDatabase(t, {
			title: 'Dashboard',
			parentPageId: SANDBOX_PARENT_PAGE_ID,
			properties: [...SCHEMA.filter((p) => p.name !== 'Status'), { name: 'Status', type: 'select', options: ['healthy', 'unknown'] }, { name: 'Region', type: 'select', options: ['west'] }, { name: 'Score', type: 'rich_text' }],
		});
		expect(more.action).toBe('updated');
		expect(more.addedProperties).toEqual(['Region']);
		expect(more.addedOptions).toEqual({ Status: ['unknown'] });
		expect(more.typeMismatches).toEqual([{ name: 'Score', expected: 'rich_text', actual: 'number' }]);
		const schema = await resolveDataSource(t, { dataSourceId: first.dataSourceId });
		expect(schema.properties.Status.options).toEqual(['healthy', 'warning', 'critical', 'unknown']);
		expect(schema.properties.Region.type).toBe('select');
		expect(emulator.findDataSources('Dashboard')).toHaveLength(1);
	});

	it('dry run reports the plan and creates nothing', async () => {
		const result = await ensureDatabase(transport(), { title: 'Dry', parentPageId: SANDBOX_PARENT_PAGE_ID, properties: SCHEMA, dryRun: true });
		expect(result).toMatchObject({ action: 'wouldCreate', dryRun: true });
		expect(emulator.findDataSources('Dry')).toHaveLength(0);
	});

	it('a create that fails after it happened is found, not repeated', async () => {
		emulator.failAfterWrite(1, 502);
		const result = await ensureDatabase(transport(), { title: 'Ambiguous', parentPageId: SANDBOX_PARENT_PAGE_ID, properties: SCHEMA });
		expect(result.action).toBe('created');
		expect(emulator.findDataSources('Ambiguous')).toHaveLength(1);
	});
});

describe('Upsert Rows', () => {
	it('creates, then leaves everything unchanged with zero writes, then updates only changed properties', async () => {
		const { t, schema, dataSourceId } = await setup();
		const first = await run(t, schema, sites(12));
		expect(first.stats).toMatchObject({ created: 12, failed: 0, readCalls: 1 });
		expect(first.rows[0]).toMatchObject({ action: 'created', key: 'site-0' });
		expect(first.rows[0].pageId).toMatch(/^[0-9a-f-]{36}$/);
		expect(first.rows[0].url).toContain('notion.so');
		expect(emulator.rows(dataSourceId)).toHaveLength(12);

		const before = emulator.getStats();
		const second = await run(t, schema, sites(12));
		expect(second.rows.every((r) => r.action === 'unchanged')).toBe(true);
		expect(writesSince(before)).toBe(0);

		const third = await run(t, schema, sites(12, (i) => (i === 4 ? { Score: 1, Issues: ['offline'] } : i === 7 ? { Portal: null } : {})));
		const changed = third.rows.filter((r) => r.action !== 'unchanged');
		expect(changed.map((r) => [r.key, r.action, r.changed])).toEqual([
			['site-4', 'updated', ['Score', 'Issues']],
			['site-7', 'updated', ['Portal']],
		]);
		expect(changed[0].changes?.Score).toEqual({ from: 84, to: 1 });
		const row7 = emulator.rows(dataSourceId).find((r) => r.properties['Site ID'] === 'site-7');
		expect(row7?.properties.Portal).toBeNull();
		expect(emulator.rows(dataSourceId)).toHaveLength(12);
	});

	it('round-trips every property type, including text over 2000 characters, as unchanged', async () => {
		const { t, schema, dataSourceId } = await setup();
		await run(t, schema, sites(3));
		const row1 = emulator.rows(dataSourceId).find((r) => r.properties['Site ID'] === 'site-1');
		expect(row1?.properties).toMatchObject({
			Site: 'Harbor Dental 1',
			Score: 81,
			Status: 'healthy',
			Issues: ['wan', 'offline'],
			Managed: false,
			Portal: 'https://unifi.ui.com/site/1',
			Contact: 'ops1@harbor.example',
			Phone: '+1 619 555 0100',
		});
		expect(String(row1?.properties.Notes)).toHaveLength(4100);
		const again = await run(t, schema, sites(3, () => ({ Issues: undefined })).map((r, i) => ({ fields: { ...r.fields, Issues: i % 2 ? ['offline', 'wan'] : [] } })));
		expect(again.rows.map((r) => r.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
	});

	it('writes relations and compares them regardless of order', async () => {
		const { t, schema: target } = await setup('Customers');
		const customers = await run(t, target, sites(2));
		const ids = customers.rows.map((r) => r.pageId as string);
		const db = await ensureDatabase(t, {
			title: 'Tickets',
			parentPageId: SANDBOX_PARENT_PAGE_ID,
			properties: [{ name: 'Ticket', type: 'title' }, { name: 'Sites', type: 'relation', relatedDataSourceId: target.id }],
		});
		const schema = await resolveDataSource(t, { dataSourceId: db.dataSourceId });
		const sync = (rel: unknown) => new NotionRowSync(t, schema, { keyProperty: 'Ticket' }).run([{ fields: { Ticket: 'T-1', Sites: rel } }]);
		expect((await sync(ids)).rows[0].action).toBe('created');
		expect((await sync([...ids].reverse().map((id) => id.replace(/-/g, '')))).rows[0].action).toBe('unchanged');
		expect((await sync([ids[0]])).rows[0]).toMatchObject({ action: 'updated', changed: ['Sites'] });
	});

	it('fails only the item with a wrong type, naming the property, type and value', async () => {
		const { t, schema, dataSourceId } = await setup();
		const rows = sites(3);
		rows[1].fields.Score = 'ninety';
		const result = await run(t, schema, rows);
		expect(result.rows.map((r) => r.action)).toEqual(['created', 'failed', 'created']);
		expect(result.rows[1].error?.message).toMatch(/Property 'Score' \(item 1\): expected a decimal number for Notion type number, received "ninety"/);
		expect(emulator.rows(dataSourceId)).toHaveLength(2);
	});

	it('failFast stops before any write when an item is invalid', async () => {
		const { t, schema, dataSourceId } = await setup();
		const rows = sites(3);
		rows[2].fields.Contact = 'nobody';
		await expect(run(t, schema, rows, { failFast: true })).rejects.toThrow(/Property 'Contact' \(item 2\)/);
		expect(emulator.rows(dataSourceId)).toHaveLength(0);
	});

	it('text needing more than 100 rich text objects fails the item; Notion never sees it', async () => {
		const { t, schema, dataSourceId } = await setup();
		const result = await run(t, schema, [site(0, { Notes: 'x'.repeat(200_001) })]);
		expect(result.rows[0].action).toBe('failed');
		expect(result.rows[0].error?.message).toMatch(/'Notes'/);
		expect(emulator.rows(dataSourceId)).toHaveLength(0);
	});

	it('two rows with one key: fail by default, or update the oldest and report the other', async () => {
		const { t, schema, dataSourceId } = await setup();
		const [older, newer] = emulator.seedRows(dataSourceId, [
			{ Site: 'A', 'Site ID': 'site-0', Score: 1 },
			{ Site: 'B', 'Site ID': 'site-0', Score: 2 },
		]);
		const failed = await run(t, schema, [site(0)]);
		expect(failed.rows[0].action).toBe('failed');
		expect(failed.rows[0].error?.message).toMatch(/2 Notion rows share the key 'site-0'/);
		const updated = await run(t, schema, [site(0)], { onDuplicate: 'updateOldest' });
		expect(updated.rows[0]).toMatchObject({ action: 'updated', pageId: older, duplicates: [newer] });
		const rows = emulator.rows(dataSourceId);
		expect(rows.find((r) => r.pageId === older)?.properties.Score).toBe(80);
		expect(rows.find((r) => r.pageId === newer)?.properties.Score).toBe(2);
	});

	it('dry run reports the plan and writes nothing', async () => {
		const { t, schema, dataSourceId } = await setup();
		await run(t, schema, sites(3));
		const before = emulator.getStats();
		const plan = await run(t, schema, sites(4, (i) => (i === 0 ? { Score: 5 } : {})), { dryRun: true, mirror: true });
		expect(plan.rows.map((r) => r.action)).toEqual(['wouldUpdate', 'unchanged', 'unchanged', 'wouldCreate']);
		expect(plan.rows[0].changes).toEqual({ Score: { from: 80, to: 5 } });
		expect(plan.rows.every((r) => r.dryRun)).toBe(true);
		expect(writesSince(before)).toBe(0);
		expect(emulator.rows(dataSourceId)).toHaveLength(3);
	});

	it('mirror mode moves rows whose key is not in the input to the trash', async () => {
		const { t, schema, dataSourceId } = await setup();
		await run(t, schema, sites(5));
		const result = await run(t, schema, sites(3), { mirror: true, maxArchiveShare: 0.4 });
		expect(result.archived.map((r) => [r.key, r.action])).toEqual([
			['site-3', 'archived'],
			['site-4', 'archived'],
		]);
		expect(emulator.rows(dataSourceId).map((r) => r.properties['Site ID'])).toEqual(['site-0', 'site-1', 'site-2']);
		expect(emulator.rows(dataSourceId, true).filter((r) => r.in_trash)).toHaveLength(2);
		const again = await run(t, schema, sites(3), { mirror: true, maxArchiveShare: 0.4 });
		expect(again.archived).toEqual([]);
	});

	it('a create answered 502 after it happened is verified by key, not duplicated', async () => {
		const { t, schema, dataSourceId } = await setup();
		emulator.failAfterWrite(2, 502);
		const result = await run(t, schema, sites(4));
		expect(result.stats.failed).toBe(0);
		expect(result.rows.filter((r) => r.recovered)).toHaveLength(2);
		expect(result.stats.verifyCalls).toBe(2);
		const keys = emulator.rows(dataSourceId).map((r) => r.properties['Site ID']);
		expect(keys.sort()).toEqual(['site-0', 'site-1', 'site-2', 'site-3']);
		expect(emulator.getStats().ambiguousWrites).toBe(2);
	});

	it('a create whose connection was reset before Notion got it is checked, then sent again', async () => {
		const { t, schema, dataSourceId } = await setup();
		emulator.scriptFaults([{ reset: true }], /^POST \/v1\/pages$/);
		const result = await run(t, schema, sites(2));
		expect(result.rows.map((r) => r.action)).toEqual(['created', 'created']);
		expect(result.rows[0].recovered).toBe(true);
		expect(emulator.rows(dataSourceId)).toHaveLength(2);
	});

	it('a run that fails halfway converges on re-run without duplicates', async () => {
		const { t, schema, dataSourceId } = await setup();
		// Every create after the 5th fails for good (503s beyond the retry budget; creates are not retried blindly).
		await run(t, schema, sites(5));
		emulator.scriptFaults(Array.from({ length: 10 }, () => ({ status: 503 })), /^POST \/v1\/pages$/);
		const broken = await run(t, schema, sites(10, (i) => (i < 5 ? { Score: 1 } : {})), { createAttempts: 2 });
		expect(broken.stats.updated).toBe(5);
		expect(broken.stats.failed).toBe(5);
		expect(broken.stats.verifyCalls).toBe(10);
		expect(emulator.rows(dataSourceId)).toHaveLength(5);
		const rerun = await run(t, schema, sites(10, (i) => (i < 5 ? { Score: 1 } : {})));
		expect(rerun.stats).toMatchObject({ created: 5, unchanged: 5, failed: 0 });
		const keys = emulator.rows(dataSourceId).map((r) => r.properties['Site ID'] as string);
		expect(keys).toHaveLength(10);
		expect(new Set(keys).size).toBe(10);
	});

	it('a run stopped halfway (failFast, as n8n without Continue On Fail) converges on re-run without duplicates', async () => {
		const fresh = await setup('Converge');
		await run(fresh.t, fresh.schema, sites(4));
		// Item 4's create is applied but answered 500 (recovered by key); item 5's create gets a 503 and the run stops.
		emulator.failAfterWrite(1, 500);
		emulator.scriptFaults([{ delayMs: 1 }, { status: 503 }], /^POST \/v1\/pages$/);
		await expect(run(fresh.t, fresh.schema, sites(8), { createAttempts: 1, failFast: true })).rejects.toMatchObject({ httpStatus: 503, itemIndex: 5 });
		expect(emulator.rows(fresh.dataSourceId)).toHaveLength(5);
		const rerun = await run(fresh.t, fresh.schema, sites(8));
		expect(rerun.stats).toMatchObject({ failed: 0, created: 3, unchanged: 5 });
		const third = await run(fresh.t, fresh.schema, sites(8));
		expect(third.rows.every((r) => r.action === 'unchanged')).toBe(true);
		const keys = emulator.rows(fresh.dataSourceId).map((r) => r.properties['Site ID'] as string);
		expect(keys).toHaveLength(8);
		expect(new Set(keys).size).toBe(8);
	});

	it('429 and 529 are retried after Retry-After', async () => {
		const { t, schema } = await setup();
		emulator.scriptFaults([{ status: 429, headers: { 'retry-after': '1' } }], /^POST \/v1\/data_sources\/:id\/query$/);
		emulator.scriptFaults([{ status: 529 }], /^POST \/v1\/pages$/);
		const started = Date.now();
		const result = await run(t, schema, sites(2));
		expect(result.stats.created).toBe(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		const summary = metrics.summary();
		expect(summary.rateLimited).toBeGreaterThanOrEqual(2);
		expect(summary.retries).toBeGreaterThanOrEqual(2);
	});

	it('paces calls per credential and stays under the emulator rate limit', async () => {
		emulator.setRateLimit('default', { kind: 'bucket', ratePerSec: 3, burst: 10 });
		const t = transport({ requestsPerSecond: 3, burst: 3 });
		const db = await ensureDatabase(t, { title: 'Paced', parentPageId: SANDBOX_PARENT_PAGE_ID, properties: SCHEMA.slice(0, 3) });
		const schema = await resolveDataSource(t, { dataSourceId: db.dataSourceId });
		const started = Date.now();
		await new NotionRowSync(t, schema, { keyProperty: 'Site ID' }).run(Array.from({ length: 6 }, (_, i) => ({ fields: { Site: `S${i}`, 'Site ID': `k${i}`, Score: i } })));
		const elapsed = Date.now() - started;
		// 1 schema read + 1 query + 6 creates = 8 calls at 3/s after a burst of 3: about 1.7 s.
		expect(elapsed).toBeGreaterThanOrEqual(1500);
		expect(emulator.statusCounters.get(429) ?? 0).toBe(0);
		emulator.setRateLimit('default', null);
	});

	it('reads the existing rows once, 100 per page, only the needed properties', async () => {
		const { t, schema, dataSourceId } = await setup();
		emulator.seedRows(dataSourceId, Array.from({ length: 250 }, (_, i) => ({ Site: `S${i}`, 'Site ID': `k${i}`, Score: i })));
		emulator.clearLog();
		const spy = jest.spyOn(t.client.dataSources, 'query');
		const result = await run(t, schema, Array.from({ length: 250 }, (_, i) => ({ fields: { 'Site ID': `k${i}`, Score: i === 7 ? 0 : i } })));
		expect(result.stats).toMatchObject({ readCalls: 3, updated: 1, unchanged: 249 });
		const queries = emulator.requestLog.filter((e) => e.route === 'POST /v1/data_sources/:id/query');
		expect(queries).toHaveLength(3);
		expect(spy.mock.calls[0][0].filter_properties).toEqual([schema.properties['Site ID'].id, schema.properties.Score.id]);
	});
});

describe('Query Rows', () => {
	it('reads rows as flat items with filter, sort, Limit and Return All', async () => {
		const { t, schema } = await setup();
		await run(t, schema, sites(7));
		const limited = await queryRows(t, schema, { returnAll: false, limit: 3, sorts: [{ property: 'Score', direction: 'descending' }], properties: [] });
		expect(limited.map((r) => r.properties.Score)).toEqual([86, 85, 84]);
		expect(limited[0].properties).toMatchObject({ Site: 'Harbor Dental 6', Status: 'critical', Issues: [], Managed: true, 'Checked At': expect.stringMatching(/^2026-11-22T06:00/) });
		const all = await queryRows(t, schema, { returnAll: true, limit: 1, sorts: [], properties: ['Site ID'] });
		expect(all).toHaveLength(7);
		expect(Object.keys(all[0].properties)).toEqual(['Site ID']);
		const critical = await queryRows(t, schema, { returnAll: true, limit: 50, filter: { property: 'Status', select: { equals: 'critical' } }, sorts: [], properties: [] });
		expect(critical.map((r) => r.properties['Site ID']).sort()).toEqual(['site-0', 'site-3', 'site-6']);
	});

	it('honours Limit across pages', async () => {
		const { t, schema, dataSourceId } = await setup();
		emulator.seedRows(dataSourceId, Array.from({ length: 130 }, (_, i) => ({ Site: `S${i}`, 'Site ID': `k${i}` })));
		expect(await queryRows(t, schema, { returnAll: false, limit: 120, sorts: [], properties: [] })).toHaveLength(120);
		expect(await queryRows(t, schema, { returnAll: true, limit: 50, sorts: [], properties: [] })).toHaveLength(130);
	});
});

describe('transport', () => {
	it('maps Notion errors to lib errors with code and request id, and never leaks the token', async () => {
		const bad = transport({ token: 'secret-token-value-123' });
		const error = await resolveDataSource(bad, { dataSourceId: '0123456789abcdef0123456789abcdef' }).catch((e: unknown) => e as Error & { httpStatus?: number; code?: string });
		expect(error).toMatchObject({ httpStatus: 401, code: 'unauthorized', kind: 'authentication' });
		expect(JSON.stringify(error)).not.toContain('secret-token-value-123');
		const missing = await resolveDataSource(transport(), { dataSourceId: '0123456789abcdef0123456789abcdef' }).catch((e: unknown) => e as { httpStatus?: number; code?: string; requestId?: string });
		expect(missing).toMatchObject({ httpStatus: 404, code: 'object_not_found' });
		expect((missing as { requestId?: string }).requestId).toBeTruthy();
	});
});
