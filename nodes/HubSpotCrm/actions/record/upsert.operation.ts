import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { ValidationError } from '../../../../lib/errors';
import { syncHubSpotRecords, type HubSpotClient, type HubSpotSyncRow } from '../../../../lib/hubspot';
import { parseWith } from '../../../../lib/validation';
import { getHubSpotClient } from '../../transport';
import { objectTypeOf, outcomeItems, propertiesToSetParameter, readPropertyValues, recordResources } from '../common';
import { MATCH_LABEL, propertiesMapperParameter, readMappedRecords, V1 } from '../propertiesMapper';

const show = { resource: recordResources, operation: ['upsert'] };
/** Version 1 keeps Match By Property, Match Value and the Properties fixed collection; version 2 has the mapper. */
const showV1 = { ...show, ...V1 };

export const description: INodeProperties[] = [
	propertiesMapperParameter('upsert'),
	{
		displayName: 'Match By Property',
		name: 'uniqueProperty',
		type: 'string',
		default: 'domain',
		required: true,
		placeholder: 'domain',
		description: 'A property with unique values (domain for companies, email for contacts, or a custom one with Unique Values on)',
		displayOptions: { show: showV1 },
	},
	{
		displayName: 'Match Value',
		name: 'matchValue',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.domain }}',
		description: 'The value of the match property for this item',
		displayOptions: { show: showV1 },
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
	const type = objectTypeOf(this);
	let uniqueProperty: string;
	let rows: HubSpotSyncRow[];
	/** What to do about an item without a value for the match property (version 2 names the mapper's way to give one). */
	let missingKey: ((index: number) => ValidationError) | undefined;
	let client: HubSpotClient;
	if (this.getNode().typeVersion >= 2) {
		client = await getHubSpotClient(this);
		const mapped = await readMappedRecords(this, client, type, 'upsertRecords', true);
		const matchOn = mapped.matchOn!;
		uniqueProperty = matchOn;
		rows = mapped.records.map((r) => ({ key: r.key ?? '', properties: r.properties }));
		missingKey = (index) =>
			new ValidationError(
				`HubSpot upsert item ${index}: no value for '${matchOn}', the property to match on; ${mapped.byName ? `give the item a field named '${matchOn}'` : `set a value for '${matchOn}' under Properties`}, or pick another property under "${MATCH_LABEL}"`,
				{ service: 'hubspot', operation: 'upsertRecords', itemIndex: index, field: matchOn, expected: `a non-empty ${matchOn}`, received: 'nothing' },
			);
	} else {
		uniqueProperty = parseWith(uniqueSchema, this.getNodeParameter('uniqueProperty', 0, 'domain'), { what: "parameter 'Match By Property'", service: 'hubspot', operation: 'upsertRecords' });
		client = await getHubSpotClient(this);
		rows = items.map((_, i) => ({ key: String(this.getNodeParameter('matchValue', i, '') ?? '').trim(), properties: readPropertyValues(this, i, 'upsertRecords') }));
	}
	const results = await syncHubSpotRecords(client, type, { uniqueProperty, rows, dryRun: this.getNodeParameter('dryRun', 0, false) as boolean });
	if (missingKey) for (const r of results) if (r.action === 'failed' && !rows[r.index].key && r.error?.field === 'key') r.error = missingKey(r.index);
	const byIndex = new Map(results.map((r) => [r.index, r]));
	const outcomes = results.map((r) => ({ index: r.index, status: r.action === 'failed' ? ('failed' as const) : ('found' as const), error: r.error }));
	return outcomeItems(this, outcomes, (o) => {
		const r = byIndex.get(o.index)!;
		return { action: r.action, id: r.id ?? null, [uniqueProperty]: r.key, changed: r.changed };
	});
}
