import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifySite } from '../../../../lib/unifi';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getSiteManagerClient } from '../../transport';
import { readLimit, readSimplify, returnAllAndLimit, simplifyParameter } from '../common';

const show = { resource: ['site'], operation: ['getAll'] };

export const description: INodeProperties[] = [...returnAllAndLimit(show), simplifyParameter(show)];

/** GET /v1/sites: every site with its statistics (device/client counts, WAN uptime, ISP, internet issues). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getSiteManagerClient(this), async (client, i) => {
		const limit = readLimit(this, i, 'unifi', 'listSites');
		const simplify = readSimplify(this, i);
		const sites = await client.listSites({ limit, itemIndex: i });
		return sites.map((s) => (simplify ? simplifySite(s) : s) as unknown as IDataObject);
	});
}
