import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { executeWithOpsLog, opsLogProperty } from '../shared/opsLog';
import * as evaluate from './actions/evaluate.operation';
import * as evaluatePromotion from './actions/evaluatePromotion.operation';
import { testGateCredential } from './actions/common';
import { router } from './actions/router';
import * as verifyApproval from './actions/verifyApproval.operation';

/**
 * The outputs of each operation, evaluated by n8n (editor and engine) from the node's parameters, the way the
 * Switch node chooses its outputs. Serialised into an expression, so it must stay self-contained.
 */
function gateOutputs(parameters: { operation?: string }) {
	if (parameters.operation === 'verifyApproval') {
		return [
			{ type: 'main', displayName: 'Approved' },
			{ type: 'main', displayName: 'Rejected' },
		];
	}
	return [
		{ type: 'main', displayName: 'Approved' },
		{ type: 'main', displayName: 'Needs Approval' },
		{ type: 'main', displayName: 'Rejected' },
	];
}

/**
 * Maker/Checker Gate: decides whether a change (or a stage promotion) may be applied, sends what needs a second
 * person to a checker through an n8n Wait node, and verifies the checker's answer (lib/gate). Not offered as an AI
 * tool: an agent must not be able to approve changes.
 */
export class MakerCheckerGate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Maker/Checker Gate',
		name: 'makerCheckerGate',
		icon: { light: 'file:makerCheckerGate.svg', dark: 'file:makerCheckerGate.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "verifyApproval" ? "Verify Approval" : $parameter["operation"] === "evaluatePromotion" ? "Evaluate Stage Promotion" : "Evaluate Change" }}',
		description: 'Four-eyes control for network changes: approve, reject or send to a checker, then verify the answer',
		defaults: { name: 'Maker/Checker Gate' },
		 
		inputs: [NodeConnectionTypes.Main],
		 
		outputs: `={{(${gateOutputs})($parameter)}}`,
		credentials: [
			{ name: 'mspMakerCheckerApi', required: true, testedBy: 'testGateCredential' },
			// n8n's Supabase credential, for the change_approvals audit (nodes/shared/opsLog.ts; written out for the linter).
			{ name: 'supabaseApi', required: true, displayOptions: { hide: { opsLog: [false] } } },
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'evaluate',
				options: [
					{
						name: 'Evaluate Change',
						value: 'evaluate',
						action: 'Evaluate a change request',
						description: 'Approve, reject, or send a change to a checker with a signed approval request',
					},
					{
						name: 'Evaluate Stage Promotion',
						value: 'evaluatePromotion',
						action: 'Evaluate a stage promotion',
						description: 'Lab -> Prod -> Customer: validation, soak time, and a checker for customer promotions',
					},
					{
						name: 'Verify Approval',
						value: 'verifyApproval',
						action: 'Verify an approval',
						description: "Check the checker's answer after a Wait node: their code, the change, the execution, the expiry",
					},
				],
			},
			...evaluate.description,
			...evaluatePromotion.description,
			...verifyApproval.description,
			{
				...opsLogProperty,
				description:
					'Whether to write every decision to the change_approvals audit table of the Supabase ops log (and errors to integration_logs). A second answer to the same approval request is then rejected.',
			},
		],
	};

	methods = {
		credentialTest: { testGateCredential },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return executeWithOpsLog(this, 'gate', () => router.call(this));
	}
}
