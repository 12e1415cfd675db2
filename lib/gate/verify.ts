import { z } from 'zod';
import { ValidationError } from '../errors';
import { redact } from '../http/redact';
import { assertSigningSecret, verifyApprovalRequest, verifyCheckerSignature } from './approvalToken';
import { nonEmptyText, normaliseIdentity, readFields, type GateReason } from './reasons';

/**
 * Verify Approval: whether what came back to the waiting execution is a real approval of this change.
 *
 * Approved only when every check passes and the checker chose approve: the token is one this gate signed, the link
 * is the personal link of the checker named in it, that checker is allowed and is not the maker, the token is for
 * the current change hash and the current execution, and it has not expired. Anything else is rejected with a
 * reason per failed check. A Wait node that timed out delivers no decision: that is a rejection, never an approval.
 */

export type ApprovalDecision = 'approved' | 'rejected';

export interface ApprovalVerification {
	decision: ApprovalDecision;
	reasons: GateReason[];
	/** The checker named in the link (normalised), when one was given. */
	checker?: string;
	/** Maker and change hash from the token, when its signature is valid. */
	maker?: string;
	changeHash?: string;
	/** What the checker wrote with their decision. */
	checkerReason?: string;
}

/** Missing, null and blank are the same: not given. */
const optionalText = z
	.string()
	.nullish()
	.transform((value) => value?.trim() || undefined);

const verifyInputShape = {
	token: optionalText,
	checker: optionalText,
	checkerSignature: optionalText,
	/** 'approve' or 'reject'; absent when the Wait node timed out. */
	decision: z
		.string()
		.nullish()
		.transform((value) => value?.trim().toLowerCase() || undefined)
		.pipe(z.enum(['approve', 'reject']).optional()),
	reason: optionalText,
	/** The change and execution as they are now, when the approval arrives. */
	current: z
		.object({
			changeHash: nonEmptyText('the change hash recomputed from the change as it is now'),
			executionId: nonEmptyText('the id of the execution that waits'),
		})
		.strict(),
};

export type VerifyApprovalInput = z.input<z.ZodObject<typeof verifyInputShape>>;

const isoOf = (epochMs: number) => new Date(epochMs).toISOString().replace('.000Z', 'Z');

/**
 * Decide whether an approval counts. Never throws for the approval's content (a forged or malformed one is rejected);
 * throws a ValidationError for an unusable secret or an invalid `now`, which are the caller's configuration.
 */
export function verifyApproval(input: unknown, secret: string, now: Date): ApprovalVerification {
	const verification = decide(input, secret, now);
	// The reasons echo what arrived (a malformed field, the checker's reason); a secret typed into a field stays hidden.
	const hide = (text: string) => redact(text, [secret.trim()]);
	verification.reasons = verification.reasons.map((reason) => ({ ...reason, message: hide(reason.message) }));
	if (verification.checkerReason !== undefined) verification.checkerReason = hide(verification.checkerReason);
	return verification;
}

function decide(input: unknown, secret: string, now: Date): ApprovalVerification {
	const nowMs = now instanceof Date ? now.getTime() : NaN;
	if (Number.isNaN(nowMs)) throw new ValidationError('verifyApproval: now must be a valid Date', { service: 'internal', field: 'now', expected: 'a valid Date' });
	// Checked first: a missing secret is a configuration error even when the approval carries no token at all.
	assertSigningSecret(secret);
	const { fields, problems } = readFields(verifyInputShape, input, 'approval');
	const reasons: GateReason[] = [...problems];
	const { token, checkerSignature, decision, reason: checkerReason, current } = fields;
	const checker = fields.checker === undefined ? undefined : normaliseIdentity(fields.checker);
	const result: Omit<ApprovalVerification, 'decision' | 'reasons'> = {};
	if (checker) result.checker = checker;
	if (checkerReason) result.checkerReason = checkerReason;

	// A Wait node that timed out resumes with nothing: one reason says so, not a list of what is missing.
	const nothingArrived = !token && !fields.checker && !checkerSignature && !decision;
	if (nothingArrived) {
		reasons.push({ code: 'noDecision', field: 'decision', message: 'No decision arrived before the approval wait ended (the Wait node timed out); a change without an approval is rejected' });
		return { decision: 'rejected', reasons, ...result };
	}
	// A field that is there but malformed has its 'malformed' reason already; it is not also reported missing.
	const missing = (field: string, value: unknown) => value === undefined && !problems.some((problem) => problem.field === field);
	if (missing('decision', decision)) {
		reasons.push({ code: 'noDecision', field: 'decision', message: "No decision was given; an approval needs decision 'approve'" });
	}
	if (missing('token', token)) reasons.push({ code: 'tokenMissing', field: 'token', message: 'The approval has no token; only the link from the approval request counts' });
	if (missing('checker', fields.checker)) reasons.push({ code: 'checkerMissing', field: 'checker', message: 'The approval names no checker; only the link from the approval request counts' });
	if (missing('checkerSignature', checkerSignature)) reasons.push({ code: 'checkerSignatureMissing', field: 'checkerSignature', message: "The approval has no checker signature; only the checker's personal link counts" });

	const verified = token ? verifyApprovalRequest(token, secret) : undefined;
	if (verified && !verified.ok) reasons.push({ code: verified.code, field: 'token', message: verified.message });
	const payload = verified?.ok ? verified.payload : undefined;

	if (payload) {
		result.maker = payload.maker;
		result.changeHash = payload.changeHash;
		if (checker && checkerSignature && !verifyCheckerSignature(secret, token as string, checker, checkerSignature)) {
			reasons.push({
				code: 'checkerSignatureInvalid',
				field: 'checkerSignature',
				message: `The link's signature does not match checker ${checker}: the checker in the link was changed or typed in; each checker must use their own link`,
			});
		}
		if (checker && !payload.checkers.includes(checker)) {
			reasons.push({ code: 'checkerNotAllowed', field: 'checker', message: `${checker} is not an allowed checker for this change (allowed: ${payload.checkers.join(', ')})` });
		}
		if (checker && checker === normaliseIdentity(payload.maker)) {
			reasons.push({ code: 'selfApproval', field: 'checker', message: `${checker} made this change and cannot approve it; another checker must` });
		}
		if (current && payload.changeHash !== current.changeHash) {
			reasons.push({
				code: 'changeHashMismatch',
				field: 'current.changeHash',
				message: 'The approval is for another version of the change (it was edited after the approval request, or the approval belongs to another change); request approval again',
			});
		}
		if (current && payload.executionId !== current.executionId) {
			reasons.push({
				code: 'executionMismatch',
				field: 'current.executionId',
				message: `The approval was issued for execution ${payload.executionId}, not for this one (${current.executionId}); an approval counts only in the execution that requested it`,
			});
		}
		if (nowMs > Date.parse(payload.expiresAt)) {
			reasons.push({ code: 'expired', field: 'token', message: `The approval request expired at ${payload.expiresAt} (now ${isoOf(nowMs)}); request approval again` });
		}
	}

	if (decision === 'reject') {
		reasons.push({ code: 'checkerRejected', field: 'decision', message: `${checker ?? 'The checker'} rejected the change${checkerReason ? `: ${checkerReason}` : ''}` });
	}
	if (reasons.length > 0 || !payload || decision !== 'approve') return { decision: 'rejected', reasons, ...result };
	return { decision: 'approved', reasons: [{ code: 'checkerApproved', message: `Approved by ${checker}` }], ...result };
}
