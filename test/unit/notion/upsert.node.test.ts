import { NodeOperationError, type INodeExecutionData } from 'n8n-workflow';
import { SITE_HEALTH_COLUMNS, SITE_HEALTH_KEY, siteHealthSchema } from '../../../lib/health/dashboard';
import { findProperty, type DataSourceSchema } from '../../../lib/notion';
import { NotionSync } from '../../../nodes/NotionSync/NotionSync.node';
import { SANDBOX_CREDENTIALS } from '../../sandbox/credentials';
import { SANDBOX_PARENT_PAGE_ID } from '../../sandbox/notion';
import { fakeExecute, rl, type FakeExecuteOptions } from '../unifi/fakeExecute';
import { useNotionEmulator } from './notionSandbox';
import { CUSTOMER_STATUS_DATABASE, DAILY_HEALTH_DATABASE } from '../../../lib/pipelines/notionDatabases';
import customerStatusSync from '../../../workflows/customer-status-sync.json';
import dailyHealthSync from '../../../workflows/daily-health-sync.json';

jest.setTimeout(60_000);

const emulator = useNotionEmulator({ timestampPrecisionMs: 1 });

const node = new NotionSync();
const credentials = () => ({ mspNotionApi: { token: SANDBOX_CREDENTIALS.notionToken, baseUrl: emulator.url, requestsPerSecond: 1000, burst: 1000 } });

async function executeNode(options: Omit<FakeExecuteOptions, 'credentials'> & { json?: Array<Record<string, unknown>>; zone?: string }): Promise<INodeExecutionData[]> {
	const { ctx } = fakeExecute({ ...options, credentials: credentials(), items: options.json?.length ?? options.items, timezone: options.zone });
	const extra = ctx as unknown as { getInputData: () => INodeExecutionData[] };
	if (options.json) {
		const items = options.json.map((json) => ({ json }));
		extra.getInputData = () => items as INodeExecutionData[];
	}
	const out = (await node.execute.call(ctx)) as INodeExecutionData[][];
	return out[0];
}

const execute = executeNode;

async function ensureSiteHealth(): Promise<{ databaseId: string; dataSourceId: string }> {
	const [out] = await execute({
		params: { resource: 'database', operation: 'ensure', parentPage: rl(SANDBOX_PARENT_PAGE_ID, 'id'), title: 'MSP Site Health', schemaSource: 'siteHealth', options: {} },
	});
	return { databaseId: String(out.json.databaseId), dataSourceId: String(out.json.dataSourceId) };
}

type WorkflowJson = { nodes: Array<{ name: string; typeVersion: number; parameters: Record<string, any> }> };

const healthItem = (i: number) => ({
	kind: 'healthScore.site',
	siteId: `site-${i}`,
	site: `Site ${i}`,
	organizationId: i,
	organization: `Org ${i}`,
	matchedBy: 'name',
	score: 90,
	status: 'Healthy',
	confidence: 1,
	summary: 'All checks passed',
	devicesTotal: 4,
	devicesOffline: 0,
	wifiClients: 10,
	weakWifiClients: 1,
	endpoints: 3,
});

describe('Site Health dashboard: one definition for Ensure Database, Health Score output and the workflow', () => {
	it('every Health Score output field has its column, mapped by name, with every status as an option', () => {
		const schema: DataSourceSchema = {
			id: 'ds',
			title: 'MSP Site Health',
			properties: Object.fromEntries(siteHealthSchema().map((p) => [p.name, { id: p.name, name: p.name, type: p.type, options: p.options }])),
		};
		for (const column of SITE_HEALTH_COLUMNS) expect(findProperty(schema, column.field)?.name).toBe(column.name);
		expect(schema.properties.Status.options).toEqual(['Healthy', 'Warning', 'Critical', 'Unknown']);
	});

	it('the Customer Status Sync workflow uses the preset and keys on its key column', () => {
		const nodes = (customerStatusSync as WorkflowJson).nodes;
		expect(nodes.find((n) => n.name === 'Ensure Database')?.parameters).toMatchObject({ schemaSource: CUSTOMER_STATUS_DATABASE.preset, title: CUSTOMER_STATUS_DATABASE.title });
		expect(nodes.find((n) => n.name === 'Ensure Database')?.parameters.schema).toBeUndefined();
		expect(CUSTOMER_STATUS_DATABASE.key).toBe(SITE_HEALTH_KEY);
		const upsert = nodes.find((n) => n.name === 'Upsert Customer Status')!;
		expect(upsert.typeVersion).toBe(2);
		expect(upsert.parameters.columns).toMatchObject({ mappingMode: 'autoMapInputData', matchingColumns: [SITE_HEALTH_KEY] });
	});

	it('Health Score items land in the preset database with every column filled, then stay unchanged', async () => {
		const db = await ensureSiteHealth();
		// The workflow's own node, pointed at the ensured database.
		const node = (customerStatusSync as WorkflowJson).nodes.find((n) => n.name === 'Upsert Customer Status')!;
		const params = { ...node.parameters, database: rl(db.databaseId, 'id'), dataSource: rl(db.dataSourceId, 'id') };
		const executeV = (o: Parameters<typeof executeNode>[0]) => executeNode({ ...o, typeVersion: node.typeVersion });
		const first = await executeV({ params, json: [healthItem(1), healthItem(2)] });
		expect(first.map((o) => o.json.action)).toEqual(['created', 'created']);
		const row = emulator.rows(db.dataSourceId)[0].properties;
		for (const column of SITE_HEALTH_COLUMNS) expect(row[column.name]).not.toBeNull();
		expect(row.Status).toBe('Healthy');
		const again = await executeV({ params, json: [healthItem(1), healthItem(2)] });
		expect(again.map((o) => o.json.action)).toEqual(['unchanged', 'unchanged']);
	});

	it('an old workflow without the Schema choice still reads its own JSON', async () => {
		const [out] = await execute({
			params: {
				resource: 'database',
				operation: 'ensure',
				parentPage: rl(SANDBOX_PARENT_PAGE_ID, 'id'),
				title: 'Custom',
				schema: JSON.stringify([{ name: 'Name', type: 'title' }, { name: 'Key', type: 'rich_text' }]),
				options: {},
			},
		});
		expect(out.json.action).toBe('created');
		expect(emulator.findDataSources('Custom')).toHaveLength(1);
	});
});

describe('Notion Sync upsert node', () => {
	it('refuses mirror mode when an AI agent runs the node as a tool, and writes nothing', async () => {
		const db = await ensureSiteHealth();
		const params = { resource: 'row', operation: 'upsert', database: rl(db.databaseId, 'id'), dataSource: rl(db.dataSourceId, 'id'), keyProperty: SITE_HEALTH_KEY, autoMap: true };
		await execute({ params: { ...params, options: {} }, json: [healthItem(1), healthItem(2), healthItem(3)] });
		const error = await execute({ params: { ...params, options: { mirror: true } }, json: [healthItem(1)], nodeType: 'n8n-nodes-msp-ops.notionSyncTool' }).catch((e: unknown) => e);
		expect(String((error as Error).message)).toMatch(/Mirror mode .* is not available when an AI agent uses Notion Sync as a tool/);
		expect((error as NodeOperationError).context.itemIndex).toBe(0);
		expect(emulator.rows(db.dataSourceId)).toHaveLength(3);
		// The same settings outside a tool call archive (with the share raised for this small table).
		const out = await execute({ params: { ...params, options: { mirror: true, maxArchiveShare: 100 } }, json: [healthItem(1)] });
		expect(out.map((o) => o.json.action)).toEqual(['unchanged', 'archived', 'archived']);
	});

	it('reads date-times without an offset in the workflow time zone', async () => {
		const t = emulator.seedDatabase({ title: 'Checks', properties: { Name: { title: {} }, Key: { rich_text: {} }, 'Checked At': { date: {} } }, parentPageId: SANDBOX_PARENT_PAGE_ID });
		const params = { resource: 'row', operation: 'upsert', database: rl(t.databaseId, 'id'), dataSource: rl(t.dataSourceId, 'id'), keyProperty: 'Key', autoMap: true, options: {} };
		await execute({ params, json: [{ Name: 'a', Key: 'a', 'Checked At': '2026-11-22T06:00' }], zone: 'America/New_York' });
		expect(emulator.rows(t.dataSourceId)[0].properties['Checked At']).toBe('2026-11-22T06:00:00-05:00');
		const again = await execute({ params, json: [{ Name: 'a', Key: 'a', 'Checked At': '2026-11-22T06:00' }], zone: 'America/New_York' });
		expect(again[0].json.action).toBe('unchanged');
		const moved = await execute({ params, json: [{ Name: 'a', Key: 'a', 'Checked At': '2026-11-22T06:00' }], zone: 'UTC' });
		expect(moved[0].json.action).toBe('updated');
	});
});

describe('Daily Health snapshots: the workflow writes the preset columns, and a same-day re-run writes nothing', () => {
	const nodes = (dailyHealthSync as WorkflowJson).nodes;

	it('Ensure Database uses the preset, the upsert keys on Snapshot ID, and Daily Snapshot sets exactly the columns', () => {
		expect(nodes.find((n) => n.name === 'Ensure Database')?.parameters).toMatchObject({ schemaSource: DAILY_HEALTH_DATABASE.preset, title: DAILY_HEALTH_DATABASE.title });
		expect(nodes.find((n) => n.name === 'Upsert Daily Health')?.parameters.columns.matchingColumns).toEqual([DAILY_HEALTH_DATABASE.key]);
		const snapshot = nodes.find((n) => n.name === 'Daily Snapshot')!;
		const names = (snapshot.parameters.assignments.assignments as Array<{ name: string }>).map((a) => a.name);
		expect(names).toEqual(DAILY_HEALTH_DATABASE.schema().map((p) => p.name));
	});

	it('a snapshot (date-only Date, numbers, nulls, checkbox) reads back equal', async () => {
		const [ensured] = await execute({
			params: { resource: 'database', operation: 'ensure', parentPage: rl(SANDBOX_PARENT_PAGE_ID, 'id'), title: 'Daily Health', schemaSource: 'dailyHealth', options: {} },
		});
		const node = nodes.find((n) => n.name === 'Upsert Daily Health')!;
		const params = { ...node.parameters, database: rl(String(ensured.json.databaseId), 'id'), dataSource: rl(String(ensured.json.dataSourceId), 'id') };
		const executeV = (o: Parameters<typeof executeNode>[0]) => executeNode({ ...o, typeVersion: node.typeVersion });
		const snapshot = (day: string, score: number) => ({
			Site: 'Site 1',
			'Snapshot ID': `site-1:${day}`,
			'Site ID': 'site-1',
			Date: day,
			Score: score,
			Status: 'Critical',
			Critical: true,
			Components: 'devices 100 · firmware 87.5 · wan 92 · wifi — · endpoints 40',
			'Devices Offline': 2,
			'Weak WiFi Clients': null,
			'WAN Latency (ms)': 41.3,
			'Failed Patches': 3,
			'Pending Patches': 0,
			'Active Threats': 1,
			'Open Alerts': 4,
			Summary: 'Active threat on 1 endpoint',
		});
		const zone = 'America/New_York';
		const first = await executeV({ params, json: [snapshot('2026-11-27', 38.5), snapshot('2026-11-28', 41)], zone });
		expect(first.map((o) => o.json.action)).toEqual(['created', 'created']);
		const again = await executeV({ params, json: [snapshot('2026-11-28', 41)], zone });
		expect(again.map((o) => [o.json.action, o.json.changes ?? null])).toEqual([['unchanged', null]]);
		const rows = emulator.rows(String(ensured.json.dataSourceId)).map((r) => r.properties);
		expect(rows.map((r) => [r['Snapshot ID'], r.Date, r.Score, r.Critical, r['Weak WiFi Clients']])).toEqual([
			['site-1:2026-11-27', '2026-11-27', 38.5, true, null],
			['site-1:2026-11-28', '2026-11-28', 41, true, null],
		]);
	});
});
