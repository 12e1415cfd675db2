import { SyncError, ValidationError } from '../../../lib/errors';
import { MetricsRecorder, resetRateLimiters } from '../../../lib/http';
import {
	ensureDatabase,
	existingRowFromPage,
	NotionRowSync,
	queryRows,
	queryParamsSchema,
	resolveDataSource,
	type DataSourceSchema,
	type InputRow,
	type NotionTransport,
	type RowSyncOptions,
	type SchemaProperty,
} from '../../../lib/notion';
import { parseNotionResponse, queryResponseSchema, type NotionPage } from '../../../lib/notion/responses';
import { NotionEmulator, SANDBOX_PARENT_PAGE_ID } from '../../sandbox/notion';
import { sandboxNotionTransport } from './notionSandbox';

/**
 * Data integrity of Notion Sync against the documented contract: the per-query result limit, malformed reads,
 * empty url/email/phone values, status options and mirror safety. Each test failed before its fix.
 */

jest.setTimeout(60_000);

const SCHEMA: SchemaProperty[] = [
	{ name: 'Site', type: 'title' },
	{ name: 'Site ID', type: 'rich_text' },
	{ name: 'Score', type: 'number' },
	{ name: 'Stage', type: 'status' },
	{ name: 'Portal', type: 'url' },
	{ name: 'Contact', type: 'email' },
	{ name: 'Phone', type: 'phone_number' },
];

let emulator: NotionEmulator;

const transport = (): NotionTransport => sandboxNotionTransport(emulator.url, { metrics: new MetricsRecorder() });

async function start(options: ConstructorParameters<typeof NotionEmulator>[0] = {}): Promise<void> {
	// created_time to the millisecond so rows written in one test do not all share one minute (see the windowing test
	// for the whole-minute case Notion really has).
	emulator = new NotionEmulator({ rateLimits: { default: null }, timestampPrecisionMs: 1, ...options });
	await emulator.start();
}

afterEach(async () => {
	await emulator?.stop();
});
beforeEach(() => resetRateLimiters());

async function setup(title = 'Site Health'): Promise<{ t: NotionTransport; schema: DataSourceSchema; dataSourceId: string }> {
	const t = transport();
	const db = await ensureDatabase(t, { title, parentPageId: SANDBOX_PARENT_PAGE_ID, properties: SCHEMA });
	return { t, schema: await resolveDataSource(t, { databaseId: db.databaseId }), dataSourceId: db.dataSourceId };
}

const site = (i: number, extra: Record<string, unknown> = {}): InputRow => ({
	fields: { Site: `Site ${i}`, 'Site ID': `site-${i}`, Score: i, Stage: 'Not started', ...extra },
});
const sites = (n: number, extra: (i: number) => Record<string, unknown> = () => ({})) => Array.from({ length: n }, (_, i) => site(i, extra(i)));

const run = (t: NotionTransport, schema: DataSourceSchema, rows: InputRow[], options: Partial<RowSyncOptions> = {}) =>
	new NotionRowSync(t, schema, { keyProperty: 'Site ID', ...options }).run(rows);

function writes(): number {
	const s = emulator.getStats();
	return s.pageCreates + s.pageUpdates + s.pageTrashes;
}

function duplicateKeys(dataSourceId: string): string[] {
	const seen = new Map<unknown, number>();
	for (const row of emulator.rows(dataSourceId)) seen.set(row.properties['Site ID'], (seen.get(row.properties['Site ID']) ?? 0) + 1);
	return [...seen].filter(([, n]) => n > 1).map(([k]) => String(k));
}

describe('the per-query result limit', () => {
	it('300 rows under a 250-result limit: 300 creates, a re-run writes nothing, 5 changed rows cost exactly 5 writes, no duplicate keys', async () => {
		await start({ queryResultLimit: 250 });
		const { t, schema, dataSourceId } = await setup();

		const first = await run(t, schema, sites(300));
		expect(first.stats).toMatchObject({ created: 300, updated: 0, failed: 0 });
		expect(emulator.rows(dataSourceId)).toHaveLength(300);

		const before = writes();
		const again = await run(t, schema, sites(300));
		expect(again.stats).toMatchObject({ existing: 300, created: 0, updated: 0, unchanged: 300 });
		expect(writes() - before).toBe(0);
		// ceil(300/100) reads, plus one more where the second created_time window starts.
		expect(again.stats.readCalls).toBeLessThanOrEqual(5);
		expect(emulator.getStats().cappedQueries).toBeGreaterThan(0);

		const changed = await run(t, schema, sites(300, (i) => (i % 60 === 7 ? { Score: 1000 + i } : {})));
		expect(changed.stats).toMatchObject({ created: 0, updated: 5, unchanged: 295 });
		expect(writes() - before).toBe(5);
		expect(duplicateKeys(dataSourceId)).toEqual([]);
		expect(emulator.rows(dataSourceId)).toHaveLength(300);
	});

	it('fails the read, and writes nothing, when more rows than one query returns share one created_time', async () => {
		// Notion's created_time is whole minutes: 30 rows made in one minute, a limit of 20.
		await start({ queryResultLimit: 20, timestampPrecisionMs: 60_000, now: () => Date.parse('2026-11-28T10:00:30Z') });
		const { t, schema, dataSourceId } = await setup();
		emulator.seedRows(dataSourceId, Array.from({ length: 30 }, (_, i) => ({ Site: `Site ${i}`, 'Site ID': `site-${i}` })));
		const before = writes();
		const error = await run(t, schema, sites(31)).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(SyncError);
		expect((error as SyncError).code).toBe('query_result_limit_reached');
		expect((error as SyncError).message).toMatch(/share the created_time .* nothing was written/);
		expect(writes()).toBe(before);
	});

	it('Query Rows returns every row past the limit, honours Limit, and fails instead of returning a cut-off sorted result', async () => {
		await start({ queryResultLimit: 250 });
		const { t, schema } = await setup();
		await run(t, schema, sites(300));
		const all = await queryRows(t, schema, queryParamsSchema.parse({ returnAll: true }));
		expect(all).toHaveLength(300);
		expect(new Set(all.map((r) => r.id)).size).toBe(300);
		expect(await queryRows(t, schema, queryParamsSchema.parse({ limit: 120 }))).toHaveLength(120);
		const sorted = queryParamsSchema.parse({ returnAll: true, sorts: [{ property: 'Score', direction: 'descending' }] });
		await expect(queryRows(t, schema, sorted)).rejects.toThrow(/per-query result limit after 250 rows/);
		// Under the limit a sorted read is fine.
		const few = queryParamsSchema.parse({ limit: 10, sorts: [{ property: 'Score', direction: 'descending' }] });
		expect((await queryRows(t, schema, few)).map((r) => r.properties.Score)).toEqual([299, 298, 297, 296, 295, 294, 293, 292, 291, 290]);
	});
});

describe('a read that cannot be trusted never leads to writes', () => {
	it('a query response whose results is not a list fails the run before any write', async () => {
		await start();
		const { t, schema, dataSourceId } = await setup();
		await run(t, schema, sites(5));
		const before = writes();
		emulator.malformNext('POST /v1/data_sources/:id/query');
		const error = await run(t, schema, sites(5)).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).message).toMatch(/Notion queryDataSource response: results: expected array, received "malformed-results".*nothing was written/);
		expect(writes()).toBe(before);
		expect(emulator.rows(dataSourceId)).toHaveLength(5);
	});

	it('a cut-off JSON body fails the run before any write', async () => {
		await start();
		const { t, schema, dataSourceId } = await setup();
		await run(t, schema, sites(3));
		const before = writes();
		emulator.malformNext('POST /v1/data_sources/:id/query', 'invalid-json');
		await expect(run(t, schema, sites(3))).rejects.toThrow();
		expect(writes()).toBe(before);
		expect(emulator.rows(dataSourceId)).toHaveLength(3);
	});

	it('a page without its key property, or with has_more but no cursor, is refused', () => {
		const schema: DataSourceSchema = {
			id: 'ds',
			title: 'T',
			properties: { 'Site ID': { id: 'k', name: 'Site ID', type: 'rich_text' }, Score: { id: 's', name: 'Score', type: 'number' } },
		};
		const page = (properties: Record<string, unknown>): NotionPage =>
			({ object: 'page', id: 'p1', created_time: '2026-11-01T00:00:00.000Z', properties }) as unknown as NotionPage;
		expect(() => existingRowFromPage(page({ Score: { id: 's', type: 'number', number: 1 } }), schema, 'Site ID', ['Score'])).toThrow(
			/without a readable 'Site ID' \(rich_text\) property.*nothing was written/,
		);
		expect(() => existingRowFromPage(page({ 'Site ID': { id: 'k', type: 'rich_text', rich_text: 'site-1' } }), schema, 'Site ID', [])).toThrow(
			/queryDataSource response \(page p1, property 'Site ID'\): rich_text: expected array, received "site-1"/,
		);
		expect(() => parseNotionResponse(queryResponseSchema, { object: 'list', results: [], next_cursor: null, has_more: true }, 'queryDataSource')).toThrow(
			/next_cursor: expected a next_cursor whenever has_more is true/,
		);
		const ok = existingRowFromPage(page({ 'Site ID': { id: 'k', type: 'rich_text', rich_text: [{ plain_text: 'site-1' }] }, Score: { id: 's', type: 'number', number: 2 } }), schema, 'Site ID', ['Score']);
		expect(ok).toMatchObject({ key: 'site-1', values: { Score: 2 } });
	});

	it("a property of the wrong type is refused without echoing a secret in its type or the page id", () => {
		// Found by the reliability suite (bad-input): `received` showed the response's type string as it was.
		const schema: DataSourceSchema = { id: 'ds', title: 'T', properties: { 'Site ID': { id: 'k', name: 'Site ID', type: 'rich_text' } } };
		const page = { object: 'page', id: 'p1', created_time: '2026-11-01T00:00:00.000Z', properties: { 'Site ID': { id: 'k', type: 'Bearer abcdefgh12345678' } } } as unknown as NotionPage;
		let error: unknown;
		try {
			existingRowFromPage(page, schema, 'Site ID', []);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).received).toBe('a Bearer [REDACTED] value');
		expect(JSON.stringify((error as ValidationError).toJSON())).not.toContain('abcdefgh12345678');
		// The page id comes from the response as well.
		const odd = { ...page, id: 'token=abcdefgh12345678', properties: { 'Site ID': { id: 'k', type: 'rich_text', rich_text: 'x' } } } as unknown as NotionPage;
		expect(() => existingRowFromPage(odd, schema, 'Site ID', [])).toThrow(/page token=\[REDACTED\], property 'Site ID'/);
		expect(() => existingRowFromPage({ ...odd, properties: {} } as unknown as NotionPage, schema, 'Site ID', [])).toThrow(/^Notion returned page token=\[REDACTED\] without/);
	});
});

describe('values Notion rejects are never sent', () => {
	it('blank url, email and phone values are written as null (Notion answers 400 to "")', async () => {
		await start();
		const { t, schema, dataSourceId } = await setup();
		const result = await run(t, schema, sites(3, (i) => ({ Portal: i === 0 ? '   ' : 'https://unifi.ui.com', Contact: ' ', Phone: '' })));
		expect(result.stats).toMatchObject({ created: 3, failed: 0 });
		const again = await run(t, schema, sites(3, () => ({ Portal: '  ', Contact: '', Phone: ' ' })));
		expect(again.stats).toMatchObject({ updated: 2, unchanged: 1, failed: 0 });
		expect(emulator.rows(dataSourceId).map((r) => r.properties.Portal)).toEqual([null, null, null]);
		expect(emulator.requestLog.filter((r) => r.status === 400)).toEqual([]);
	});

	it('a status value that is not an option fails that item once, with what to do, without a request', async () => {
		await start();
		const { t, schema, dataSourceId } = await setup();
		const requests = emulator.requestLog.length;
		const result = await run(t, schema, sites(3, (i) => (i === 1 ? { Stage: 'Blocked' } : {})));
		expect(result.rows.map((r) => r.action)).toEqual(['created', 'failed', 'created']);
		expect(result.rows[1].error?.message).toMatch(
			/Status 'Blocked' is not an option of the Notion status property 'Stage' \(options: Not started, In progress, Done\)\. Notion's API cannot add status options: add it in Notion/,
		);
		expect(emulator.requestLog.slice(requests).filter((r) => r.status >= 400)).toEqual([]);
		expect(emulator.rows(dataSourceId)).toHaveLength(2);
	});

	it('Ensure Database never tries to add status options; it reports what a person must add', async () => {
		await start();
		const t = transport();
		const wanted: SchemaProperty[] = [...SCHEMA.filter((p) => p.name !== 'Stage'), { name: 'Stage', type: 'status', options: ['Not started', 'Blocked'] }];
		const created = await ensureDatabase(t, { title: 'Changes', parentPageId: SANDBOX_PARENT_PAGE_ID, properties: wanted });
		expect(created.missingStatusOptions).toEqual({ Stage: ['Blocked'] });
		expect(created.manualSteps).toEqual([
			"In Notion, open 'Changes' and add the status option 'Blocked' to the property 'Stage' (Notion's API cannot add status options)",
		]);
		const again = await ensureDatabase(t, { title: 'Changes', parentPageId: SANDBOX_PARENT_PAGE_ID, properties: wanted });
		expect(again).toMatchObject({ action: 'unchanged', missingStatusOptions: { Stage: ['Blocked'] } });
		const added = await ensureDatabase(t, {
			title: 'Changes',
			parentPageId: SANDBOX_PARENT_PAGE_ID,
			properties: [...wanted, { name: 'Phase', type: 'status', options: ['Lab'] }],
		});
		expect(added).toMatchObject({ action: 'updated', addedProperties: ['Phase'], missingStatusOptions: { Stage: ['Blocked'], Phase: ['Lab'] } });
		expect(emulator.requestLog.filter((r) => r.status >= 400)).toEqual([]);
	});
});

describe('mirror safety', () => {
	it('an empty input never archives', async () => {
		await start();
		const { t, schema, dataSourceId } = await setup();
		await run(t, schema, sites(4));
		const result = await run(t, schema, [], { mirror: true, allowMassArchive: true });
		expect(result.archived).toEqual([]);
		expect(result.archiveSkipped).toMatch(/input is empty/);
		expect(emulator.rows(dataSourceId)).toHaveLength(4);
	});

	it('a partial upstream result (10 of 98) is refused with nothing written; allowed when the user says the input is complete', async () => {
		await start();
		const { t, schema, dataSourceId } = await setup();
		await run(t, schema, sites(98));
		const before = writes();
		const partial = sites(10, (i) => ({ Score: 500 + i }));
		const error = await run(t, schema, partial, { mirror: true }).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(SyncError);
		expect((error as SyncError).message).toMatch(/Mirror would archive 88 of 98 rows \(90 %\), more than the allowed 20 %, so nothing was written/);
		expect(writes()).toBe(before);

		const dry = await run(t, schema, partial, { mirror: true, dryRun: true });
		expect(dry.archiveRefused).toMatch(/88 of 98/);
		expect(dry.archived.every((a) => a.action === 'wouldArchive')).toBe(true);

		const few = await run(t, schema, sites(90), { mirror: true });
		expect(few.stats.archived).toBe(8);
		const forced = await run(t, schema, sites(10), { mirror: true, allowMassArchive: true });
		expect(forced.stats.archived).toBe(80);
		expect(emulator.rows(dataSourceId)).toHaveLength(10);
	});
});
