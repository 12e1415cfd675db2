import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifyHost } from '../../../../lib/unifi';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getSiteManagerClient } from '../../transport';
import { readLimit, readSimplify, returnAllAndLimit, simplifyParameter } from '../common';

const show = { resource: ['host'], operation: ['getAll'] };

export const description: INodeProperties[] = [...returnAllAndLimit(show), simplifyParameter(show)];

/** GET /v1/hosts: the consoles (UniFi OS hosts) the API key can see. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getSiteManagerClient(this), async (client, i) => {
		const limit = readLimit(this, i, 'unifi', 'listHosts');
		const simplify = readSimplify(this, i);
		const hosts = await client.listHosts({ limit, itemIndex: i });
		return hosts.map((h) => (simplify ? simplifyHost(h) : h) as unknown as IDataObject);
	});
}
