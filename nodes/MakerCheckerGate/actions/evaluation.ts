import type { IExecuteFunctions } from 'n8n-workflow';
import type { GateResult } from '../../../lib/gate';
import { auditDecision, defined, EVALUATE_OUTPUT, issueApproval, reasonText, type ApprovalRequest, type AuditFacts, type GateCredential, type Routed } from './common';

/** The end of Evaluate Change and Evaluate Stage Promotion: the approval request, the audit row, the output. */

const AUDIT_DECISION = { approved: 'auto_approved', needsApproval: 'needs_approval', rejected: 'rejected' } as const;

export interface Evaluated {
	result: GateResult<{ maker: string }>;
	/** The request as it was read, for the output when it did not parse. */
	input: unknown;
	/** What the audit row says about the request besides its hash and maker. */
	audit: AuditFacts;
}

export async function finishEvaluation(
	ctx: IExecuteFunctions,
	itemIndex: number,
	{ result, input, audit }: Evaluated,
	credential: GateCredential,
	validForHours: number,
): Promise<Routed> {
	const maker = result.request?.maker;
	let approval: ApprovalRequest | undefined;
	if (result.decision === 'needsApproval' && result.changeHash && maker) {
		approval = issueApproval(ctx, itemIndex, credential, { changeHash: result.changeHash, maker }, validForHours, new Date());
	}
	// A request too malformed to have a hash and a maker has no audit row: the table keys decisions by both.
	if (result.changeHash && maker) {
		await auditDecision(ctx, {
			change_hash: result.changeHash,
			maker,
			checker: null,
			decision: AUDIT_DECISION[result.decision],
			reason: reasonText(result.reasons),
			reasons: result.reasons,
			...audit,
			request_id: approval?.requestId ?? null,
		});
	}
	return {
		output: EVALUATE_OUTPUT[result.decision],
		json: defined({
			decision: result.decision,
			reasons: result.reasons,
			changeHash: result.changeHash,
			summary: result.summary,
			changeRequest: result.request ?? input,
			approval,
		}),
	};
}
