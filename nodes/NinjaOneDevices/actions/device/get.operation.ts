import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifyDevice } from '../../../../lib/ninjaone';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getNinjaClient } from '../../transport';
import { deviceLocator, readNumericId, readSimplify, simplifyParameter } from '../common';

const show = { resource: ['device'], operation: ['get'] };

export const description: INodeProperties[] = [deviceLocator(show), simplifyParameter(show)];

/** GET /v2/device/{id} (detailed record). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getNinjaClient(this), async (client, i) => {
		const device = await client.getDevice(readNumericId(this, 'device', i, 'Device'), { itemIndex: i });
		return (readSimplify(this, i) ? simplifyDevice(device) : device) as unknown as IDataObject;
	});
}
