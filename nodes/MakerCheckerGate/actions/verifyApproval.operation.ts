import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import {
	changeHash,
	evaluatePromotion,
	normaliseIdentity,
	readChangeRequest,
	verifyApproval,
	verifyApprovalRequest,
	verifyCheckerSignature,
	type ApprovalRequestPayload,
	type GateReason,
} from '../../../lib/gate';
import { redact } from '../../../lib/http/redact';
import { once } from '../../shared/n8nAdapter';
import { auditDecision, defined, readGateCredential, readRequestParameter, reasonText, routePerItem, VERIFY_OUTPUT, type AuditFacts, type RequestReading } from './common';

const show = { operation: ['verifyApproval'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Approval Token',
		name: 'approvalToken',
		type: 'string',
		typeOptions: { password: true },
		default: "={{ $('Evaluate Change').item.json.approval.token }}",
		required: true,
		displayOptions: { show },
		description: "The token of the approval request, from the Evaluate node's Needs Approval item (approval.token). Name the node in the expression as it is named in your workflow.",
	},
	{
		displayName: 'Change Request',
		name: 'changeToApply',
		type: 'json',
		default: "={{ $('Evaluate Change').item.json.changeRequest }}",
		required: true,
		displayOptions: { show },
		description:
			'The change (or promotion) as it will be applied. Its hash is computed again here: an approval counts only for the change the checker saw.',
	},
	{
		displayName: 'Decision',
		name: 'decision',
		type: 'string',
		default: '={{ $json.Decision }}',
		displayOptions: { show },
		description: "The checker's answer, Approve or Reject (any case). Empty when the Wait node timed out: that is a rejection.",
	},
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '={{ $json.Reason }}',
		displayOptions: { show },
		description: "The checker's reason, kept with the decision",
	},
	{
		displayName: 'Approval Code',
		name: 'approvalCode',
		type: 'string',
		default: "={{ $json['Approval Code'] }}",
		displayOptions: { show },
		description: 'The code the checker received with the approval request; it says which checker answers',
	},
	{
		displayName: 'Checker',
		name: 'checker',
		type: 'string',
		default: '',
		placeholder: 'bob@example.com',
		displayOptions: { show },
		description: "Who answers, when the workflow knows it. Leave empty to find the checker from the approval code: each checker's code is their own.",
	},
];

/** No checker could have a code that equals this hash: a change that cannot be read matches no approval. */
const UNREADABLE = '0'.repeat(64);

interface ChangeToApply {
	hash?: string;
	maker?: string;
	problems: GateReason[];
	audit: AuditFacts;
}

/** The hash of the change as it will be applied, computed here: a change request or a stage promotion. */
function readChangeToApply(reading: RequestReading, zone: string): ChangeToApply {
	const prefix = (reasons: GateReason[]) =>
		reasons.map((reason) => ({ ...reason, field: reason.field ? `changeRequest.${reason.field}` : 'changeRequest', message: `Change Request: ${reason.message}` }));
	if (reading.problem) return { problems: [reading.problem], audit: {} };
	const input = reading.value;
	const isPromotion = input !== null && typeof input === 'object' && !Array.isArray(input) && ['item', 'from', 'to'].some((key) => key in input);
	if (isPromotion) {
		const promotion = evaluatePromotion(input, new Date(), { zone });
		if (!promotion.request || !promotion.changeHash) return { problems: prefix(promotion.reasons.filter((r) => r.code === 'malformed')), audit: {} };
		return {
			hash: promotion.changeHash,
			maker: promotion.request.maker,
			problems: [],
			audit: { risk: null, change_type: `promotion ${promotion.request.from} -> ${promotion.request.to}`, site_count: null },
		};
	}
	const { value, problems } = readChangeRequest(input);
	if (!value) return { problems: prefix(problems), audit: {} };
	return { hash: changeHash(value), maker: value.maker, problems: [], audit: { risk: value.risk, change_type: value.changeType, site_count: value.sites.length } };
}

const blank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** The checker whose code this is: each allowed checker's code is compared (in constant time), then the maker's. */
function checkerOfCode(secret: string, token: string, payload: ApprovalRequestPayload, code: string): string | undefined {
	let found: string | undefined;
	for (const candidate of [...payload.checkers, normaliseIdentity(payload.maker)]) {
		if (verifyCheckerSignature(secret, token, candidate, code) && found === undefined) found = candidate;
	}
	return found;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const credential = once(() => readGateCredential(this));
	return routePerItem(this, 2, async (i) => {
		const { secret } = await credential();
		const token = this.getNodeParameter('approvalToken', i, undefined) as unknown;
		const decision = this.getNodeParameter('decision', i, undefined) as unknown;
		const reason = this.getNodeParameter('reason', i, undefined) as unknown;
		const approvalCode = this.getNodeParameter('approvalCode', i, undefined) as unknown;
		const checkerGiven = this.getNodeParameter('checker', i, '') as unknown;
		const reading = readRequestParameter(this, 'changeToApply', i, 'Change Request');
		const change = readChangeToApply(reading, this.getTimezone());
		const current = { changeHash: change.hash ?? UNREADABLE, executionId: String(this.getExecutionId() ?? '') };
		const signed = typeof token === 'string' && token.trim() ? verifyApprovalRequest(token, secret) : undefined;
		const payload = signed?.ok ? signed.payload : undefined;

		// Nothing came back from the checker (the Wait node timed out): one reason says so.
		const nothingArrived = blank(decision) && blank(approvalCode) && blank(checkerGiven);
		let checker: unknown = blank(checkerGiven) ? undefined : checkerGiven;
		const added: GateReason[] = [];
		if (!nothingArrived && checker === undefined && payload && typeof approvalCode === 'string' && !blank(approvalCode)) {
			checker = checkerOfCode(secret, (token as string).trim(), payload, approvalCode);
			if (checker === undefined) {
				added.push({
					code: 'checkerSignatureInvalid',
					field: 'approvalCode',
					message: "The approval code is not the code of any checker of this approval request: it was mistyped, forged, or sent for another request; use the code from your own approval request",
				});
			}
		}
		const verification = verifyApproval(
			nothingArrived ? { current } : { token, checker, checkerSignature: approvalCode, decision, reason, current },
			secret,
			new Date(),
		);
		let reasons = verification.reasons.filter((r) => {
			// Found from the code: a code that matches nobody has its own reason above, not "no checker".
			if (r.code === 'checkerMissing' && blank(checkerGiven)) return false;
			// A change that cannot be read has its own reasons; it does not also "differ".
			if (r.code === 'changeHashMismatch' && change.hash === undefined) return false;
			return true;
		});
		const failed = [...change.problems, ...added];
		reasons = verification.decision === 'approved' && failed.length === 0 ? reasons : [...failed, ...reasons.filter((r) => r.code !== 'checkerApproved')];
		let approved = verification.decision === 'approved' && failed.length === 0;

		const maker = verification.maker ?? payload?.maker ?? change.maker;
		const hash = change.hash ?? verification.changeHash ?? payload?.changeHash;
		if (hash && maker) {
			const audit = await auditDecision(this, {
				change_hash: hash,
				maker,
				checker: verification.checker ?? null,
				decision: approved ? 'approved' : 'rejected',
				reason: reasonText(reasons, approved && verification.checkerReason ? `Checker's reason: ${verification.checkerReason}` : undefined),
				reasons,
				...change.audit,
				request_id: payload?.nonce ?? null,
			});
			// The table records one decision per approval request: a second one is refused, and so is this answer.
			if ((audit?.duplicates.change_approvals ?? 0) > 0) {
				const wasApproved = approved;
				approved = false;
				reasons = [
					{
						code: 'alreadyDecided',
						field: 'token',
						message: `This approval request (${payload?.nonce}) was already decided; an approval request is answered once. Request approval again.`,
					},
					...(wasApproved ? [] : reasons),
				];
			}
		}
		return {
			output: approved ? VERIFY_OUTPUT.approved : VERIFY_OUTPUT.rejected,
			json: defined({
				decision: approved ? 'approved' : 'rejected',
				reasons,
				// What arrived is echoed; the secret, were it typed in, is not.
				checker: verification.checker === undefined ? undefined : redact(verification.checker, [secret]),
				maker,
				changeHash: hash,
				checkerReason: verification.checkerReason,
				changeRequest: reading.value,
			}),
		};
	});
}
