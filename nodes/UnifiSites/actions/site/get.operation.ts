import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifySite } from '../../../../lib/unifi';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getSiteManagerClient } from '../../transport';
import { readLocator, readSimplify, simplifyParameter, siteLocator } from '../common';

const show = { resource: ['site'], operation: ['get'] };

export const description: INodeProperties[] = [siteLocator(show), simplifyParameter(show)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getSiteManagerClient(this), async (client, i) => {
		const site = await client.getSite(readLocator(this, 'site', i), { itemIndex: i });
		return (readSimplify(this, i) ? simplifySite(site) : site) as unknown as IDataObject;
	});
}
