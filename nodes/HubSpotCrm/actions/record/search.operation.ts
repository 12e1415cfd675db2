import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { parseWith } from '../../../../lib/validation';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getHubSpotClient } from '../../transport';
import { objectTypeOf, propertiesToReturnParameter, readLimit, readReturnProperties, recordJson, recordResources, returnAllAndLimit } from '../common';

const show = { resource: recordResources, operation: ['search'] };
const OPERATORS = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY'] as const;

export const description: INodeProperties[] = [
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Filter',
		default: {},
		description: 'Records must match every filter (HubSpot allows up to 10 filters in a group)',
		displayOptions: { show },
		options: [
			{
				displayName: 'Filter',
				name: 'values',
				values: [
					{ displayName: 'Property Name', name: 'propertyName', type: 'string', default: '', placeholder: 'domain' },
					{
						displayName: 'Operator',
						name: 'operator',
						type: 'options',
						default: 'EQ',
						options: [
							{ name: 'Contains Token', value: 'CONTAINS_TOKEN' },
							{ name: 'Does Not Contain Token', value: 'NOT_CONTAINS_TOKEN' },
							{ name: 'Equal', value: 'EQ' },
							{ name: 'Greater Than', value: 'GT' },
							{ name: 'Greater Than or Equal', value: 'GTE' },
							{ name: 'Has Property', value: 'HAS_PROPERTY' },
							{ name: 'Less Than', value: 'LT' },
							{ name: 'Less Than or Equal', value: 'LTE' },
							{ name: 'Not Equal', value: 'NEQ' },
							{ name: 'Not Has Property', value: 'NOT_HAS_PROPERTY' },
						],
					},
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Filter Groups (JSON)',
		name: 'filterGroupsJson',
		type: 'json',
		default: '',
		placeholder: '[{"filters":[{"propertyName":"city","operator":"EQ","value":"Albany"}]},{"filters":[{"propertyName":"state","operator":"EQ","value":"NY"}]}]',
		description: 'HubSpot filterGroups: groups are ORed, filters in a group ANDed (up to 5 groups, 10 filters each, 25 in all). Used instead of Filters when set.',
		displayOptions: { show },
	},
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		default: '',
		description: 'Text searched in the default searchable properties (optional)',
		displayOptions: { show },
	},
	...returnAllAndLimit(show),
	propertiesToReturnParameter(['search']),
];

const filterSchema = z.object({ propertyName: z.string().trim().min(1, 'a property name'), operator: z.enum(OPERATORS), value: z.unknown().optional() });
const filterGroupsSchema = z
	.array(z.object({ filters: z.array(filterSchema.strict()).min(1).max(10, 'at most 10 filters per group') }).strict())
	.max(5, 'at most 5 filter groups')
	.refine((groups) => groups.reduce((n, g) => n + g.filters.length, 0) <= 25, 'at most 25 filters in all');

function readFilterGroups(ctx: IExecuteFunctions, i: number): Array<{ filters: z.infer<typeof filterSchema>[] }> | undefined {
	const raw = ctx.getNodeParameter('filterGroupsJson', i, '') as unknown;
	if (raw === '' || raw === undefined || raw === null) return undefined;
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch {
			value = raw;
		}
	}
	return parseWith(filterGroupsSchema, value, { what: "parameter 'Filter Groups (JSON)'", service: 'hubspot', operation: 'searchRecords', itemIndex: i });
}

const filtersSchema = z
	.array(filterSchema)
	.max(10, 'at most 10 filters (HubSpot\'s limit per group)');

/** POST /crm/v3/objects/{type}/search, 200 per page on the search bucket; fails rather than stop silently at 10,000. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getHubSpotClient(this), async (client, i) => {
		const groups = readFilterGroups(this, i) ?? [{ filters: parseWith(filtersSchema, this.getNodeParameter('filters.values', i, []), { what: "parameter 'Filters'", service: 'hubspot', operation: 'searchRecords', itemIndex: i }) }];
		const filterGroups = groups
			.filter((g) => g.filters.length)
			.map((g) => ({
				filters: g.filters.map((f) => (f.operator.endsWith('HAS_PROPERTY') ? { propertyName: f.propertyName, operator: f.operator } : { propertyName: f.propertyName, operator: f.operator, value: String(f.value ?? '') })),
			}));
		const query = String(this.getNodeParameter('query', i, '') ?? '').trim();
		const result = await client.search(objectTypeOf(this), {
			filterGroups: filterGroups.length ? filterGroups : undefined,
			query: query || undefined,
			properties: readReturnProperties(this, i),
			limit: readLimit(this, i, 'hubspot', 'searchRecords'),
			itemIndex: i,
		});
		return result.results.map(recordJson);
	});
}
