import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { queryParamsSchema, queryRows } from '../../../../lib/notion';
import { parseWith } from '../../../../lib/validation';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { readLimit, returnAllAndLimit } from '../../../shared/parameters';
import { getNotionTransport } from '../../transport';
import { databaseLocator, dataSourceFromParameters, dataSourceLocator } from '../common';

const show = { resource: ['row'], operation: ['query'] };

export const description: INodeProperties[] = [
	databaseLocator(show),
	dataSourceLocator(show),
	...returnAllAndLimit(show),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Filter (JSON)',
				name: 'filter',
				type: 'json',
				default: '',
				placeholder: '{"property": "Status", "select": {"equals": "critical"}}',
				description: 'A Notion data source query filter object',
			},
			{
				displayName: 'Properties',
				name: 'properties',
				type: 'string',
				default: '',
				placeholder: 'Site ID, Score, Status',
				description: 'Comma-separated properties to return (default: all)',
			},
			{
				displayName: 'Sort',
				name: 'sort',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Sort',
				options: [
					{
						displayName: 'Sort',
						name: 'values',
						values: [
							{
								displayName: 'Property Name',
								name: 'property',
								type: 'string',
								default: '',
								description: 'Property to sort on, or created_time / last_edited_time',
							},
							{
								displayName: 'Direction',
								name: 'direction',
								type: 'options',
								default: 'ascending',
								options: [
									{ name: 'Ascending', value: 'ascending' },
									{ name: 'Descending', value: 'descending' },
								],
							},
						],
					},
				],
			},
		],
	},
];

function parseFilter(value: unknown): unknown {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value);
	} catch {
		return value;
	}
}

/** One query per input item; each row becomes an item: {id, url, createdTime, lastEditedTime, ...properties}. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getNotionTransport(this), async (transport, i) => {
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const limit = readLimit(this, i, 'notion', 'queryRows');
		const params = parseWith(
			queryParamsSchema,
			{
				returnAll: limit === undefined,
				limit: limit ?? 50,
				filter: parseFilter(options.filter),
				sorts: ((options.sort as IDataObject | undefined)?.values as IDataObject[] | undefined) ?? [],
				properties: String(options.properties ?? '')
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean),
			},
			{ what: 'Query Rows parameters', service: 'notion', operation: 'queryRows', itemIndex: i },
		);
		const schema = await dataSourceFromParameters(this, transport, i);
		const rows = await queryRows(transport, schema, params);
		return rows.map((r) => ({ id: r.id, url: r.url ?? null, createdTime: r.createdTime ?? null, lastEditedTime: r.lastEditedTime ?? null, ...(r.properties as IDataObject) }));
	});
}
