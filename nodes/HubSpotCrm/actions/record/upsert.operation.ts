import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { syncHubSpotRecords } from '../../../../lib/hubspot';
import { parseWith } from '../../../../lib/validation';
import { getHubSpotClient } from '../../transport';
import { objectTypeOf, outcomeItems, propertiesToSetParameter, readPropertyValues, recordResources } from '../common';

const show = { resource: recordResources, operation: ['upsert'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Match By Property',
		name: 'uniqueProperty',
		type: 'string',
		default: 'domain',
		required: true,
		placeholder: 'domain',
		description: 'A property with unique values (domain for companies, email for contacts, or a custom one with Unique Values on)',
		displayOptions: { show },
	},
	{
		displayName: 'Match Value',
		name: 'matchValue',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.domain }}',
		description: 'The value of the match property for this item',
		displayOptions: { show },
	},
	propertiesToSetParameter('upsert'),
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description: 'Whether to only report what would be created or updated, writing nothing',
		displayOptions: { show },
	},
];

const uniqueSchema = z.string().trim().regex(/^[a-z0-9_]+$/, 'an internal property name with unique values, such as domain');

/**
 * Keyed sync (lib/hubspot/sync.ts on lib/sync): reads the existing records by the match property in batches of 100,
 * compares, then writes only the records whose values changed (batch update) and creates the missing ones (batch
 * create). N items with k changed cost about N/100 reads + k/100 writes; a re-run with nothing changed writes nothing.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const uniqueProperty = parseWith(uniqueSchema, this.getNodeParameter('uniqueProperty', 0, 'domain'), { what: "parameter 'Match By Property'", service: 'hubspot', operation: 'upsertRecords' });
	const client = await getHubSpotClient(this);
	const rows = items.map((_, i) => ({ key: String(this.getNodeParameter('matchValue', i, '') ?? '').trim(), properties: readPropertyValues(this, i, 'upsertRecords') }));
	const results = await syncHubSpotRecords(client, objectTypeOf(this), { uniqueProperty, rows, dryRun: this.getNodeParameter('dryRun', 0, false) as boolean });
	const byIndex = new Map(results.map((r) => [r.index, r]));
	const outcomes = results.map((r) => ({ index: r.index, status: r.action === 'failed' ? ('failed' as const) : ('found' as const), error: r.error }));
	return outcomeItems(this, outcomes, (o) => {
		const r = byIndex.get(o.index)!;
		return { action: r.action, id: r.id ?? null, [uniqueProperty]: r.key, changed: r.changed };
	});
}
