import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { getHubSpotClient } from '../../transport';
import { objectTypeOf, outcomeItems, propertiesToSetParameter, readPropertyValues, recordIdParameter, recordJson } from '../common';
import { propertiesMapperParameter, readMappedRecords } from '../propertiesMapper';

export const description: INodeProperties[] = [recordIdParameter('update', 'The ID of the record to update'), propertiesMapperParameter('update'), propertiesToSetParameter('update')];

/** Batch updates of 100 by record ID (Upsert is the way to write only what changed). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const client = await getHubSpotClient(this);
	const type = objectTypeOf(this);
	const mapped = this.getNode().typeVersion >= 2 ? (await readMappedRecords(this, client, type, 'updateRecords', false)).records : undefined;
	const inputs = items.map((_, i) => ({
		id: String(this.getNodeParameter('recordId', i, '') ?? '').trim(),
		properties: mapped ? mapped[i].properties : readPropertyValues(this, i, 'updateRecords'),
	}));
	const outcomes = await client.batchUpdate(type, inputs);
	return outcomeItems(this, outcomes, (o) => ({ action: 'updated', ...recordJson(o.object) }));
}
