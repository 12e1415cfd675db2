import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { domainConfigSchema, RISK_LEVELS, type DomainConfig } from '../../../lib/config';
import { evaluateChange, type ChangeEvaluation } from '../../../lib/gate';
import { parseWith } from '../../../lib/validation';
import { once } from '../../shared/n8nAdapter';
import { approvalValidForHours, approvalValidForOption, readGateCredential, readRequestParameter, routePerItem } from './common';
import { finishEvaluation } from './evaluation';

const show = { operation: ['evaluate'] };
const riskOptions = RISK_LEVELS.map((risk) => ({ name: risk, value: risk }));

export const description: INodeProperties[] = [
	{
		displayName: 'Change Request',
		name: 'changeRequest',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		displayOptions: { show },
		description:
			'The change as a JSON object (or JSON text): maker, sites, changeType, risk (LOW, MEDIUM, HIGH or CRITICAL), description, and optionally rollbackPlan, vlanIds and wifi. By default the input item. Unknown fields are rejected, so a misspelt field cannot skip a rule.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			approvalValidForOption,
			{
				displayName: 'Approval Required For',
				name: 'approvalRequiredFor',
				type: 'multiOptions',
				options: riskOptions,
				default: ['HIGH', 'CRITICAL'],
				description: 'Risk levels that need a checker even for a single site',
			},
			{
				displayName: 'Bulk Site Threshold',
				name: 'bulkSiteThreshold',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description: 'A change touching more sites than this is a bulk change and needs a checker',
			},
			{
				displayName: 'Reserved VLANs',
				name: 'reservedVlans',
				type: 'string',
				default: '1, 4095',
				description: 'VLAN IDs no change may use, separated by commas. A change using one is rejected.',
			},
			{
				displayName: 'Rollback Plan Required For',
				name: 'rollbackRequiredFor',
				type: 'multiOptions',
				options: riskOptions,
				default: ['HIGH', 'CRITICAL'],
				description: 'Risk levels for which a change without a rollback plan is rejected',
			},
		],
	},
];

const vlanListSchema = z.array(z.number().int().min(0).max(4095));

/** The domain settings of this item: lib/config defaults with the options set on the node. */
export function domainConfig(options: IDataObject, itemIndex: number): DomainConfig {
	const settings: Record<string, unknown> = {};
	if (options.bulkSiteThreshold !== undefined) settings.bulkSiteThreshold = options.bulkSiteThreshold;
	if (options.approvalRequiredFor !== undefined) settings.approvalRequiredFor = options.approvalRequiredFor;
	if (options.rollbackRequiredFor !== undefined) settings.rollbackRequiredFor = options.rollbackRequiredFor;
	if (options.reservedVlans !== undefined) {
		const text = String(options.reservedVlans).trim();
		const ids = text ? text.split(/[\s,;]+/).map((id) => (/^-?\d+$/.test(id) ? Number(id) : id)) : [];
		settings.reservedVlans = parseWith(vlanListSchema, ids, {
			what: "option 'Reserved VLANs'",
			service: 'gate',
			itemIndex,
			hint: 'List VLAN IDs from 0 to 4095 separated by commas, for example "1, 4095".',
		});
	}
	return parseWith(domainConfigSchema, settings, { what: 'Maker/Checker Gate options', service: 'gate', itemIndex });
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const credential = once(() => readGateCredential(this));
	return routePerItem(this, 3, async (i) => {
		const gate = await credential();
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const config = domainConfig(options, i);
		const validForHours = approvalValidForHours(options, i);
		const read = readRequestParameter(this, 'changeRequest', i, 'Change Request');
		const result: ChangeEvaluation = read.problem ? { decision: 'rejected', reasons: [read.problem] } : evaluateChange(read.value, config);
		const request = result.request;
		return finishEvaluation(
			this,
			i,
			{
				result,
				input: read.value,
				audit: { risk: request?.risk ?? null, change_type: request?.changeType ?? null, site_count: request?.sites.length ?? null },
			},
			gate,
			validForHours,
		);
	});
}
