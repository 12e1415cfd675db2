import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { getHubSpotClient } from '../../transport';
import { objectTypeOf, outcomeItems, recordIdParameter } from '../common';

export const description: INodeProperties[] = [recordIdParameter('delete', 'The ID of the record to archive (HubSpot keeps archived records restorable for 90 days)')];

/** Batch archives of 100 by record ID. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const client = await getHubSpotClient(this);
	const ids = items.map((_, i) => String(this.getNodeParameter('recordId', i, '') ?? '').trim());
	const outcomes = await client.batchArchive(objectTypeOf(this), ids);
	return outcomeItems(this, outcomes, (o) => ({ action: 'archived', id: ids[o.index] }));
}
