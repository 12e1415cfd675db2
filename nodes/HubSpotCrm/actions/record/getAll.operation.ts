import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getHubSpotClient } from '../../transport';
import { objectTypeOf, propertiesToReturnParameter, readLimit, readReturnProperties, recordJson, recordResources, returnAllAndLimit } from '../common';

export const description: INodeProperties[] = [
	...returnAllAndLimit({ resource: recordResources, operation: ['getAll'] }),
	propertiesToReturnParameter(['getAll']),
];

/** GET /crm/v3/objects/{type}, 100 per page following `after`, stopping at Limit. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getHubSpotClient(this), async (client, i) => {
		const records = await client.list(objectTypeOf(this), { limit: readLimit(this, i, 'hubspot', 'listRecords'), properties: readReturnProperties(this, i), itemIndex: i });
		return records.map(recordJson);
	});
}
