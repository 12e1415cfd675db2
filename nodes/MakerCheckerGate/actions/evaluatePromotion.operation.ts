import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { evaluatePromotion, resolvePromotionSettings, type PromotionEvaluation } from '../../../lib/gate';
import { once } from '../../shared/n8nAdapter';
import { approvalValidForHours, approvalValidForOption, readGateCredential, readRequestParameter, routePerItem } from './common';
import { finishEvaluation } from './evaluation';

const show = { operation: ['evaluatePromotion'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Promotion',
		name: 'promotion',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		displayOptions: { show },
		description:
			'The promotion as a JSON object (or JSON text): item, from and to (lab, prod or customer), maker, and as needed validation, enteredFromStageAt and rollback. By default the input item.',
	},
	{
		displayName: 'Options',
		name: 'promotionOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			approvalValidForOption,
			{
				displayName: 'Soak Hours',
				name: 'soakHours',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 24,
				description: 'How long an item must have been in prod before it may be promoted to customer',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const credential = once(() => readGateCredential(this));
	return routePerItem(this, 3, async (i) => {
		const gate = await credential();
		const options = this.getNodeParameter('promotionOptions', i, {}) as IDataObject;
		const settings = resolvePromotionSettings({ soakHours: options.soakHours ?? 24, zone: this.getTimezone() });
		const validForHours = approvalValidForHours(options, i);
		const read = readRequestParameter(this, 'promotion', i, 'Promotion');
		const result: PromotionEvaluation = read.problem ? { decision: 'rejected', reasons: [read.problem] } : evaluatePromotion(read.value, new Date(), settings);
		const request = result.request;
		return finishEvaluation(
			this,
			i,
			{
				result,
				input: read.value,
				audit: { risk: null, change_type: request ? `promotion ${request.from} -> ${request.to}` : null, site_count: null },
			},
			gate,
			validForHours,
		);
	});
}
