import type { ILoadOptionsFunctions, INodeExecutionData } from 'n8n-workflow';
import { NotionSync } from '../../../nodes/NotionSync/NotionSync.node';
import { SANDBOX_CREDENTIALS } from '../../sandbox/credentials';
import { SANDBOX_PARENT_PAGE_ID } from '../../sandbox/notion';
import { fakeExecute, rl, type FakeExecuteOptions } from '../unifi/fakeExecute';
import { useNotionEmulator } from './notionSandbox';

/** Version 2 of Notion Sync: the Properties resource mapper (columns from the database, a property to match on). */

jest.setTimeout(60_000);

const emulator = useNotionEmulator({ timestampPrecisionMs: 1 });
const node = new NotionSync();
const credentials = () => ({ mspNotionApi: { token: SANDBOX_CREDENTIALS.notionToken, baseUrl: emulator.url, requestsPerSecond: 1000, burst: 1000 } });

function seedTickets() {
	return emulator.seedDatabase({
		title: 'Tickets',
		parentPageId: SANDBOX_PARENT_PAGE_ID,
		properties: {
			Name: { title: {} },
			'Ticket ID': { rich_text: {} },
			Priority: { select: { options: [{ name: 'High' }, { name: 'Low' }] } },
			Hours: { number: {} },
			Done: { checkbox: {} },
			Due: { date: {} },
			Tags: { multi_select: { options: [] } },
			Age: { formula: { expression: 'now()' } },
		},
	});
}

/** An ILoadOptionsFunctions for the mapper method: the node's current parameters and the Notion credential. */
function loadOptions(parameters: Record<string, unknown>): ILoadOptionsFunctions {
	return {
		getNode: () => ({ id: 'n', name: 'Notion Sync', type: 'n8n-nodes-msp-ops.notionSync', typeVersion: 2, position: [0, 0], parameters }),
		getCredentials: async () => credentials().mspNotionApi,
		getNodeParameter: (name: string, fallback?: unknown, options?: { extractValue?: boolean }) => {
			const value = name in parameters ? parameters[name] : fallback;
			return options?.extractValue && value && typeof value === 'object' && 'value' in value ? (value as { value: unknown }).value : value;
		},
		getCurrentNodeParameter: (name: string) => parameters[name],
		logger: { warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined },
	} as unknown as ILoadOptionsFunctions;
}

async function upsert(columns: Record<string, unknown> | Array<Record<string, unknown>>, json: Array<Record<string, unknown>>, dataSourceId: string, databaseId: string) {
	const base = { resource: 'row', operation: 'upsert', database: rl(databaseId, 'id'), dataSource: rl(dataSourceId, 'id'), options: {} };
	const params: FakeExecuteOptions['params'] = Array.isArray(columns) ? columns.map((c) => ({ ...base, columns: c })) : { ...base, columns };
	const { ctx } = fakeExecute({ params, credentials: credentials(), items: json.length, typeVersion: 2 });
	const items = json.map((j) => ({ json: j })) as INodeExecutionData[];
	(ctx as unknown as { getInputData: () => INodeExecutionData[] }).getInputData = () => items;
	const out = (await node.execute.call(ctx)) as INodeExecutionData[][];
	return out[0];
}

describe('Notion Sync version 2: the Properties mapper', () => {
	it('the node offers versions 1 and 2, 2 by default, and the mapper only on version 2', () => {
		expect(node.description.version).toEqual([1, 2]);
		expect(node.description.defaultVersion).toBe(2);
		const columns = node.description.properties.find((p) => p.name === 'columns')!;
		expect(columns.type).toBe('resourceMapper');
		expect(columns.typeOptions?.resourceMapper).toMatchObject({ resourceMapperMethod: 'getColumns', mode: 'upsert', multiKeyMatch: false, supportAutoMap: true });
		expect(columns.typeOptions?.loadOptionsDependsOn).toEqual(['database.value', 'dataSource.value']);
		expect(columns.default).toMatchObject({ mappingMode: 'autoMapInputData' });
		for (const v1 of ['keyProperty', 'autoMap', 'mapping']) {
			expect(node.description.properties.find((p) => p.name === v1)?.displayOptions?.show?.['@version']).toEqual([1]);
		}
		expect(node.methods.resourceMapping.getColumns).toBeInstanceOf(Function);
	});

	it('lists the database columns with their types, select options, the matchable ones, and computed ones read-only', async () => {
		const t = seedTickets();
		const { fields } = await node.methods.resourceMapping.getColumns.call(loadOptions({ database: rl(t.databaseId, 'list'), dataSource: rl('', 'list') }));
		const byId = Object.fromEntries(fields.map((f) => [f.id, f]));
		expect(Object.keys(byId).sort()).toEqual(['Age', 'Done', 'Due', 'Hours', 'Name', 'Priority', 'Tags', 'Ticket ID']);
		expect(byId['Ticket ID']).toMatchObject({ type: 'string', canBeUsedToMatch: true, readOnly: false, removed: false, display: true });
		expect(byId.Hours).toMatchObject({ type: 'number', canBeUsedToMatch: true });
		expect(byId.Done).toMatchObject({ type: 'boolean', canBeUsedToMatch: false });
		expect(byId.Due).toMatchObject({ type: 'dateTime', canBeUsedToMatch: false });
		expect(byId.Tags).toMatchObject({ type: 'string', canBeUsedToMatch: false });
		expect(byId.Priority).toMatchObject({ type: 'options', canBeUsedToMatch: true, options: [{ name: 'High', value: 'High' }, { name: 'Low', value: 'Low' }] });
		expect(byId.Age).toMatchObject({ readOnly: true, removed: true, canBeUsedToMatch: false });
		expect(byId.Age.displayName).toMatch(/read-only/);
	});

	it('a database that is not chosen yet fails the column load with a message saying so', async () => {
		await expect(node.methods.resourceMapping.getColumns.call(loadOptions({ database: rl('', 'list'), dataSource: rl('', 'list') }))).rejects.toThrow(/Choose a Notion database/);
	});

	it('Map Automatically writes the item fields named like properties, matched on the chosen property; a re-run writes nothing', async () => {
		const t = seedTickets();
		const columns = { mappingMode: 'autoMapInputData', value: {}, matchingColumns: ['Ticket ID'], schema: [] };
		const json = [{ Name: 'Printer', 'ticket id': 'T-1', hours: 2, Unrelated: 'x' }, { Name: 'VPN', 'Ticket ID': 'T-2', Done: true }];
		expect((await upsert(columns, json, t.dataSourceId, t.databaseId)).map((o) => o.json.action)).toEqual(['created', 'created']);
		expect((await upsert(columns, json, t.dataSourceId, t.databaseId)).map((o) => o.json.action)).toEqual(['unchanged', 'unchanged']);
		const rows = emulator.rows(t.dataSourceId).map((r) => r.properties);
		expect(rows.find((r) => r['Ticket ID'] === 'T-1')).toMatchObject({ Name: 'Printer', Hours: 2 });
	});

	it('Map Each Column Manually writes only the values set in the panel (per item), never the item fields', async () => {
		const t = seedTickets();
		const columns = (i: number) => ({
			mappingMode: 'defineBelow',
			value: { 'Ticket ID': `T-${i}`, Name: `Ticket ${i}`, Priority: 'High', Hours: i },
			matchingColumns: ['Ticket ID'],
			schema: [],
		});
		// The items carry fields named like properties: in manual mode they are not written.
		const json = [{ Done: true, Tags: 'a' }, { Done: true, Tags: 'b' }];
		const out = await upsert([columns(1), columns(2)], json, t.dataSourceId, t.databaseId);
		expect(out.map((o) => o.json.action)).toEqual(['created', 'created']);
		const rows = emulator.rows(t.dataSourceId).map((r) => r.properties);
		expect(rows.map((r) => [r['Ticket ID'], r.Name, r.Priority, r.Hours, r.Done])).toEqual(
			expect.arrayContaining([
				['T-1', 'Ticket 1', 'High', 1, false],
				['T-2', 'Ticket 2', 'High', 2, false],
			]),
		);
		// An empty value clears the property (Notion's null), as version 1's mapping did.
		const cleared = await upsert({ ...columns(1), value: { 'Ticket ID': 'T-1', Priority: '' } }, [{}], t.dataSourceId, t.databaseId);
		expect(cleared[0].json).toMatchObject({ action: 'updated', changed: ['Priority'] });
		expect(emulator.rows(t.dataSourceId).find((r) => r.properties['Ticket ID'] === 'T-1')?.properties.Priority).toBeNull();
	});

	it('without a property to match on, the node stops before any call and says what to pick', async () => {
		const t = seedTickets();
		emulator.clearLog();
		const error = await upsert({ mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] }, [{ Name: 'x' }], t.dataSourceId, t.databaseId).catch((e: unknown) => e);
		expect(String((error as Error).message)).toMatch(/Properties.*no column to match on.*pick one under "Property to Match On"/);
		expect(emulator.rows(t.dataSourceId)).toHaveLength(0);
		expect(emulator.requestLog).toEqual([]);
	});

	it('a property to match on that the database lacks names it and the properties there are', async () => {
		const t = seedTickets();
		const error = await upsert({ mappingMode: 'autoMapInputData', value: {}, matchingColumns: ['Site ID'], schema: [] }, [{ Name: 'x' }], t.dataSourceId, t.databaseId).catch((e: unknown) => e);
		expect(String((error as Error).message)).toMatch(/Key property 'Site ID' is not in the Notion data source 'Tickets'/);
		expect(emulator.rows(t.dataSourceId)).toHaveLength(0);
	});
});
