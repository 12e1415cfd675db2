import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifyHost } from '../../../../lib/unifi';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getSiteManagerClient } from '../../transport';
import { hostLocator, readLocator, readSimplify, simplifyParameter } from '../common';

const show = { resource: ['host'], operation: ['get'] };

export const description: INodeProperties[] = [hostLocator(show, true, 'The UniFi console (host)'), simplifyParameter(show)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getSiteManagerClient(this), async (client, i) => {
		const host = await client.getHost(readLocator(this, 'host', i), { itemIndex: i });
		return (readSimplify(this, i) ? simplifyHost(host) : host) as unknown as IDataObject;
	});
}
