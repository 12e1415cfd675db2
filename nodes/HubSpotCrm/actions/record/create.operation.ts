import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { getHubSpotClient } from '../../transport';
import { objectTypeOf, outcomeItems, propertiesToSetParameter, readPropertyValues, recordJson } from '../common';
import { propertiesMapperParameter, readMappedRecords } from '../propertiesMapper';

export const description: INodeProperties[] = [propertiesMapperParameter('create'), propertiesToSetParameter('create')];

/** Every input item becomes one record, in batch creates of 100. A create that failed ambiguously is reported, not resent. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const client = await getHubSpotClient(this);
	const type = objectTypeOf(this);
	const inputs =
		this.getNode().typeVersion >= 2
			? (await readMappedRecords(this, client, type, 'createRecords', false)).records.map((r) => ({ properties: r.properties }))
			: items.map((_, i) => ({ properties: readPropertyValues(this, i, 'createRecords') }));
	const outcomes = await client.batchCreate(type, inputs);
	return outcomeItems(this, outcomes, (o) => ({ action: 'created', ...recordJson(o.object) }));
}
