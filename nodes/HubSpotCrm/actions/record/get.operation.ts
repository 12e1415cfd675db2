import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NotFoundError } from '../../../../lib/errors';
import { getHubSpotClient } from '../../transport';
import { objectTypeOf, outcomeItems, propertiesToReturnParameter, readReturnProperties, recordIdParameter, recordJson, recordResources } from '../common';

export const description: INodeProperties[] = [
	recordIdParameter('get', 'The record ID, or the value of the unique property set in ID Property'),
	{
		displayName: 'ID Property',
		name: 'idProperty',
		type: 'string',
		default: '',
		placeholder: 'domain',
		description: 'Find the record by this unique property instead of its record ID (for example domain or email)',
		displayOptions: { show: { resource: recordResources, operation: ['get'] } },
	},
	propertiesToReturnParameter(['get']),
];

/** Every input item's record in batch reads of 100 (not one call per item); a record that is not there fails its item. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const client = await getHubSpotClient(this);
	const type = objectTypeOf(this);
	const idProperty = String(this.getNodeParameter('idProperty', 0, '') ?? '').trim() || undefined;
	const ids = items.map((_, i) => String(this.getNodeParameter('recordId', i, '') ?? '').trim());
	const outcomes = await client.batchRead(type, ids, { idProperty, properties: readReturnProperties(this, 0) });
	for (const o of outcomes) {
		if (o.status === 'notFound') {
			o.status = 'failed';
			o.error = new NotFoundError(`HubSpot ${type} ${idProperty ? `with ${idProperty} "${ids[o.index]}"` : `"${ids[o.index]}"`} was not found (item ${o.index})`, {
				service: 'hubspot',
				operation: 'getRecord',
				itemIndex: o.index,
				httpStatus: 404,
			});
		}
	}
	return outcomeItems(this, outcomes, (o) => recordJson(o.object));
}
