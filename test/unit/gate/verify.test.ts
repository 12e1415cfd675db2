import { ValidationError } from '../../../lib/errors';
import { canonicalJson, changeHash, checkerSignature, signApprovalRequest, verifyApproval, type ApprovalVerification, type ChangeRequest } from '../../../lib/gate';
import { basePayload, decodePayload, OTHER_SECRET, SECRET, signByHand, withPayload } from './tokens';

const change: ChangeRequest = { maker: 'alice@msp.example', sites: ['site-a'], changeType: 'vlan', risk: 'HIGH', description: 'Add VLAN 20', rollbackPlan: 'Remove VLAN 20', vlanIds: [20] };
const hashA = changeHash(change);
const hashB = changeHash({ ...change, vlanIds: [21] });
const now = new Date('2026-03-02T10:00:00Z');

const sign = (over: Partial<typeof basePayload> = {}) => signApprovalRequest({ ...basePayload, changeHash: hashA, ...over }, SECRET);
const token = sign();
/** The personal link the gate sends a checker: token, checker, signature. */
const link = (checker: string, forToken = token) => ({ token: forToken, checker, checkerSignature: checkerSignature(SECRET, forToken, checker) });
const current = { changeHash: hashA, executionId: 'exec-1' };
const verify = (input: Record<string, unknown>, at: Date = now, secret = SECRET) => verifyApproval({ ...link('bob@msp.example'), decision: 'approve', current, ...input }, secret, at);
const codes = (result: ApprovalVerification) => result.reasons.map((reason) => reason.code);

describe('verifyApproval: a real approval', () => {
	test('an allowed checker approving with their own link, in time, for this change and execution: approved', () => {
		expect(verify({})).toEqual({
			decision: 'approved',
			reasons: [{ code: 'checkerApproved', message: 'Approved by bob@msp.example' }],
			checker: 'bob@msp.example',
			maker: 'alice@msp.example',
			changeHash: hashA,
		});
	});

	test('case and whitespace of the checker and the decision do not matter', () => {
		expect(verify({ checker: ' Bob@MSP.example ', decision: ' Approve ' }).decision).toBe('approved');
	});

	test('exactly at expiresAt it still counts; one millisecond later it does not', () => {
		expect(verify({}, new Date('2026-03-02T12:00:00Z')).decision).toBe('approved');
		const late = verify({}, new Date('2026-03-02T12:00:00.001Z'));
		expect(late.decision).toBe('rejected');
		expect(late.reasons).toEqual([
			{ code: 'expired', field: 'token', message: 'The approval request expired at 2026-03-02T12:00:00Z (now 2026-03-02T12:00:00.001Z); request approval again' },
		]);
	});
});

describe('verifyApproval: every forgery and replay is rejected with its own reason', () => {
	test('the Wait node timed out: no decision is a rejection, never an approval', () => {
		const result = verifyApproval({ current }, SECRET, now);
		expect(result).toEqual({
			decision: 'rejected',
			reasons: [
				{ code: 'noDecision', field: 'decision', message: 'No decision arrived before the approval wait ended (the Wait node timed out); a change without an approval is rejected' },
			],
		});
		expect(codes(verifyApproval({ token: null, checker: '', decision: null, current }, SECRET, now))).toEqual(['noDecision']);
	});

	test('a valid link without a decision is not an approval', () => {
		expect(codes(verify({ decision: undefined }))).toEqual(['noDecision']);
		expect(codes(verify({ decision: '  ' }))).toEqual(['noDecision']);
	});

	test.each([
		['token', 'tokenMissing'],
		['checker', 'checkerMissing'],
		['checkerSignature', 'checkerSignatureMissing'],
	])('no %s: %s', (field, code) => {
		const result = verify({ [field]: undefined });
		expect(result.decision).toBe('rejected');
		expect(codes(result)).toEqual([code]);
		expect(result.reasons[0].field).toBe(field);
	});

	test('self-approval: the maker puts their own identity into a checker link', () => {
		const result = verify({ checker: 'Alice@msp.example' });
		expect(result.decision).toBe('rejected');
		expect(codes(result)).toEqual(['checkerSignatureInvalid', 'checkerNotAllowed', 'selfApproval']);
	});

	test('self-approval: even with a genuine link, when a token lists the maker as a checker', () => {
		// signApprovalRequest leaves the maker out; a token signed elsewhere with the same secret may not.
		const listsMaker = signByHand(canonicalJson({ ...basePayload, changeHash: hashA, checkers: ['alice@msp.example', 'bob@msp.example'] }));
		const result = verify(link(' ALICE@msp.example', listsMaker));
		expect(result.decision).toBe('rejected');
		expect(result.reasons).toEqual([
			{ code: 'selfApproval', field: 'checker', message: 'alice@msp.example made this change and cannot approve it; another checker must' },
		]);
		// The maker's identity is compared after folding look-alike forms and zero-width characters.
		const sneaky = signByHand(canonicalJson({ ...basePayload, changeHash: hashA, checkers: ['alice\u200b@msp.example'] }));
		expect(codes(verify(link('alice\u200b@msp.example', sneaky)))).toEqual(['selfApproval']);
	});

	test('the change was edited after the approval request', () => {
		const result = verify({ current: { ...current, changeHash: hashB } });
		expect(result.decision).toBe('rejected');
		expect(result.reasons).toEqual([
			{
				code: 'changeHashMismatch',
				field: 'current.changeHash',
				message: 'The approval is for another version of the change (it was edited after the approval request, or the approval belongs to another change); request approval again',
			},
		]);
	});

	test("an approval replayed from another change (another execution's link) is rejected", () => {
		const otherChange = sign({ changeHash: hashB, executionId: 'exec-0' });
		expect(codes(verify(link('bob@msp.example', otherChange)))).toEqual(['changeHashMismatch', 'executionMismatch']);
		// Same execution id but another change: still not this change.
		expect(codes(verify(link('bob@msp.example', sign({ changeHash: hashB }))))).toEqual(['changeHashMismatch']);
	});

	test('an approval replayed into another execution of the same change', () => {
		const result = verify({ current: { ...current, executionId: 'exec-2' } });
		expect(result.reasons).toEqual([
			{
				code: 'executionMismatch',
				field: 'current.executionId',
				message: 'The approval was issued for execution exec-1, not for this one (exec-2); an approval counts only in the execution that requested it',
			},
		]);
	});

	test('a forged token signature', () => {
		const [body] = token.split('.');
		const forged = `${body}.${'A'.repeat(43)}`;
		const result = verify(link('bob@msp.example', forged));
		expect(result.decision).toBe('rejected');
		expect(codes(result)).toEqual(['tokenSignatureInvalid']);
		expect(result.maker).toBeUndefined();
		expect(result.changeHash).toBeUndefined();
	});

	test('a tampered payload: the holder adds themselves as a checker and extends the expiry', () => {
		const tampered = withPayload(token, { ...decodePayload(token), checkers: ['mallory@evil.example'], expiresAt: '2030-01-01T00:00:00Z' });
		const result = verify({ token: tampered, checker: 'mallory@evil.example', checkerSignature: 'x'.repeat(43) });
		expect(codes(result)).toEqual(['tokenSignatureInvalid']);
	});

	test('a token made with a different secret, or checked with the wrong secret', () => {
		const foreign = signApprovalRequest({ ...basePayload, changeHash: hashA }, OTHER_SECRET);
		expect(codes(verify({ token: foreign, checker: 'bob@msp.example', checkerSignature: checkerSignature(OTHER_SECRET, foreign, 'bob@msp.example') }))).toEqual([
			'tokenSignatureInvalid',
		]);
		expect(codes(verify({}, now, OTHER_SECRET))).toEqual(['tokenSignatureInvalid']);
	});

	test("the checker identity is changed in the link (Bob's link, Carol's name)", () => {
		const result = verify({ checker: 'carol@msp.example' });
		expect(result.decision).toBe('rejected');
		expect(result.reasons).toEqual([
			{
				code: 'checkerSignatureInvalid',
				field: 'checkerSignature',
				message: "The link's signature does not match checker carol@msp.example: the checker in the link was changed or typed in; each checker must use their own link",
			},
		]);
	});

	test('a link issued to someone who is not an allowed checker', () => {
		const result = verify(link('dave@msp.example'));
		expect(result.reasons).toEqual([
			{ code: 'checkerNotAllowed', field: 'checker', message: 'dave@msp.example is not an allowed checker for this change (allowed: bob@msp.example, carol@msp.example)' },
		]);
	});

	test("the checker rejects: rejected with the checker's reason", () => {
		const result = verify({ decision: 'reject', reason: ' VLAN 20 is already used for cameras ' });
		expect(result).toEqual({
			decision: 'rejected',
			reasons: [{ code: 'checkerRejected', field: 'decision', message: 'bob@msp.example rejected the change: VLAN 20 is already used for cameras' }],
			checker: 'bob@msp.example',
			checkerReason: 'VLAN 20 is already used for cameras',
			maker: 'alice@msp.example',
			changeHash: hashA,
		});
		expect(verify({ decision: 'reject' }).reasons[0].message).toBe('bob@msp.example rejected the change');
	});

	test('a token that is not a token is malformed', () => {
		expect(codes(verify({ token: 'not a token' }))).toEqual(['tokenMalformed']);
	});

	test('every combination of faults gives exactly its reasons, and only none gives an approval', () => {
		const faults = {
			changeHashMismatch: { current: { ...current, changeHash: hashB } },
			executionMismatch: { current: { ...current, executionId: 'exec-9' } },
			checkerSignatureInvalid: { checker: 'carol@msp.example' },
			checkerNotAllowed: { ...link('erin@msp.example') },
			checkerRejected: { decision: 'reject' },
			expired: {},
		};
		const names = Object.keys(faults) as Array<keyof typeof faults>;
		for (let mask = 0; mask < 1 << names.length; mask++) {
			const chosen = names.filter((_, i) => mask & (1 << i));
			// The two current.* faults and the two checker faults would overwrite each other: skip those combinations.
			if (chosen.includes('changeHashMismatch') && chosen.includes('executionMismatch')) continue;
			if (chosen.includes('checkerSignatureInvalid') && chosen.includes('checkerNotAllowed')) continue;
			const input = Object.assign({}, ...chosen.map((name) => faults[name]));
			const result = verify(input, chosen.includes('expired') ? new Date('2026-03-03T00:00:00Z') : now);
			const order = ['checkerSignatureInvalid', 'checkerNotAllowed', 'changeHashMismatch', 'executionMismatch', 'expired', 'checkerRejected'];
			expect([mask, codes(result)]).toEqual([mask, chosen.length ? order.filter((code) => chosen.includes(code as keyof typeof faults)) : ['checkerApproved']]);
			expect(result.decision).toBe(chosen.length ? 'rejected' : 'approved');
		}
	});
});

describe('verifyApproval: malformed input and configuration', () => {
	test.each([
		['an unknown decision', { decision: 'maybe' }, 'decision'],
		['a token that is not text', { token: 42 }, 'token'],
		['no current change', { current: undefined }, 'current'],
		['a blank current change hash', { current: { ...current, changeHash: ' ' } }, 'current.changeHash'],
		['an unknown field', { approved: true }, 'approved'],
	])('%s is malformed, naming the field, and rejected', (_, over, field) => {
		const result = verify(over);
		expect(result.decision).toBe('rejected');
		expect(result.reasons.map((reason) => [reason.code, reason.field])).toEqual([['malformed', field]]);
	});

	test('input that is not an object is rejected, not thrown', () => {
		const result = verifyApproval('approve', SECRET, now);
		expect(result.decision).toBe('rejected');
		expect(codes(result)).toEqual(['malformed', 'noDecision']);
	});

	test('a short secret and an invalid now throw, without the secret in the message', () => {
		const short = 'short-secret-value';
		let error: unknown;
		try {
			verifyApproval({ current }, short, now);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as Error).message).not.toContain(short);
		expect(() => verify({}, new Date(Number.NaN))).toThrow('verifyApproval: now must be a valid Date');
	});

	test('a secret typed into a field does not come back in a reason', () => {
		const result = verify({ decision: SECRET, reason: `my secret is ${SECRET}` });
		expect(result.decision).toBe('rejected');
		expect(JSON.stringify(result)).not.toContain(SECRET);
		expect(JSON.stringify(verify({ decision: 'reject', reason: `my secret is ${SECRET}` }))).not.toContain(SECRET);
		expect(JSON.stringify(verify({ token: SECRET }))).not.toContain(SECRET);
	});
});
