import { createHmac } from 'node:crypto';
import { ValidationError } from '../../../lib/errors';
import { canonicalJson, checkerKey, checkerSignature, signApprovalRequest, verifyApprovalRequest, verifyCheckerSignature } from '../../../lib/gate';
import { basePayload, decodePayload, OTHER_SECRET, SECRET, signByHand, withPayload } from './tokens';

const catchError = (fn: () => unknown): unknown => {
	try {
		fn();
	} catch (error) {
		return error;
	}
	throw new Error('expected an error');
};

describe('signApprovalRequest / verifyApprovalRequest', () => {
	test('a signed request verifies to its payload', () => {
		const token = signApprovalRequest(basePayload, SECRET);
		expect(verifyApprovalRequest(token, SECRET)).toEqual({ ok: true, payload: basePayload });
	});

	test('the token is base64url(canonical JSON).base64url(HMAC-SHA256) as documented', () => {
		const token = signApprovalRequest(basePayload, SECRET);
		expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
		expect(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).toBe(canonicalJson(basePayload));
		expect(signByHand(canonicalJson(basePayload))).toBe(token);
		// Deterministic: the same request and secret give the same token; another nonce gives another.
		expect(signApprovalRequest({ ...basePayload }, SECRET)).toBe(token);
		expect(signApprovalRequest({ ...basePayload, nonce: 'b'.repeat(32) }, SECRET)).not.toBe(token);
	});

	test('checkers are normalised, listed once, and the maker is never one of them', () => {
		const token = signApprovalRequest({ ...basePayload, checkers: [' Bob@MSP.example', 'bob@msp.example', 'ALICE@msp.example', 'carol@msp.example'] }, SECRET);
		expect(decodePayload(token).checkers).toEqual(['bob@msp.example', 'carol@msp.example']);
	});

	test('expiresAt is stored as UTC', () => {
		const token = signApprovalRequest({ ...basePayload, expiresAt: '2026-03-02T13:00:00+01:00' }, SECRET);
		expect(decodePayload(token).expiresAt).toBe('2026-03-02T12:00:00Z');
	});

	test('refuses a request nobody but the maker could approve', () => {
		const error = catchError(() => signApprovalRequest({ ...basePayload, checkers: ['Alice@msp.example'] }, SECRET));
		expect(error).toBeInstanceOf(ValidationError);
		expect(error).toMatchObject({ field: 'checkers', message: 'Invalid approval request: checkers: expected at least one checker who is not the maker' });
	});

	test.each([
		['changeHash', { changeHash: 'not-a-hash' }],
		['checkers', { checkers: [] }],
		['executionId', { executionId: ' ' }],
		['expiresAt', { expiresAt: 'tomorrow' }],
		['nonce', { nonce: 'short' }],
		['v', { v: 2 }],
	])('refuses a payload with a bad %s, naming it', (field, over) => {
		const error = catchError(() => signApprovalRequest({ ...basePayload, ...over } as typeof basePayload, SECRET));
		expect(error).toBeInstanceOf(ValidationError);
		expect(error).toMatchObject({ field });
	});

	test('a tampered payload keeps its old signature and fails', () => {
		const token = signApprovalRequest(basePayload, SECRET);
		const tampered = withPayload(token, { ...decodePayload(token), checkers: ['bob@msp.example', 'mallory@evil.example'] });
		expect(verifyApprovalRequest(tampered, SECRET)).toMatchObject({ ok: false, code: 'tokenSignatureInvalid' });
		const longer = withPayload(token, { ...decodePayload(token), expiresAt: '2027-01-01T00:00:00Z' });
		expect(verifyApprovalRequest(longer, SECRET)).toMatchObject({ ok: false, code: 'tokenSignatureInvalid' });
	});

	test('a forged signature, a token of another secret and a wrong secret fail', () => {
		const token = signApprovalRequest(basePayload, SECRET);
		const [body, signature] = token.split('.');
		const flipped = `${body}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
		expect(verifyApprovalRequest(flipped, SECRET)).toMatchObject({ ok: false, code: 'tokenSignatureInvalid' });
		expect(verifyApprovalRequest(signApprovalRequest(basePayload, OTHER_SECRET), SECRET)).toMatchObject({ ok: false, code: 'tokenSignatureInvalid' });
		expect(verifyApprovalRequest(token, OTHER_SECRET)).toMatchObject({ ok: false, code: 'tokenSignatureInvalid' });
		// A plain SHA-256 or an HMAC keyed with the secret directly is not the signature either.
		const direct = createHmac('sha256', SECRET).update(body).digest('base64url');
		expect(verifyApprovalRequest(`${body}.${direct}`, SECRET)).toMatchObject({ ok: false, code: 'tokenSignatureInvalid' });
	});

	test.each([[''], ['abc'], ['a.b.c'], ['a b.c'], ['abc.'], ['.abc'], ['a+b/c=.abc'], ['x'.repeat(20_000) + '.abc']])('%j is malformed', (token) => {
		expect(verifyApprovalRequest(token, SECRET)).toMatchObject({ ok: false, code: 'tokenMalformed' });
	});

	test('a correctly signed text that is not an approval request of this version is malformed', () => {
		expect(verifyApprovalRequest(signByHand('not json'), SECRET)).toMatchObject({ ok: false, code: 'tokenMalformed' });
		expect(verifyApprovalRequest(signByHand(canonicalJson({ ...basePayload, v: 2 })), SECRET)).toMatchObject({ ok: false, code: 'tokenMalformed' });
		expect(verifyApprovalRequest(signByHand(canonicalJson({ ...basePayload, admin: true })), SECRET)).toMatchObject({ ok: false, code: 'tokenMalformed' });
	});
});

describe('the signing secret', () => {
	test.each([[''], ['   '], ['x'.repeat(31)], [' '.repeat(10) + 'y'.repeat(31)]])('%j is too short: a ValidationError that says how to set one', (secret) => {
		for (const call of [
			() => signApprovalRequest(basePayload, secret),
			() => verifyApprovalRequest('a.b', secret),
			() => checkerKey(secret, 'bob@msp.example'),
			() => checkerSignature(secret, 'a.b', 'bob@msp.example'),
		]) {
			const error = catchError(call);
			expect(error).toBeInstanceOf(ValidationError);
			expect((error as ValidationError).message).toBe(
				'The approval signing secret is missing or shorter than 32 characters. Set it to at least 32 random characters (for example the output of `openssl rand -hex 32`), the same on every n8n instance that sends or checks approvals.',
			);
		}
	});

	test('32 characters are enough', () => {
		expect(verifyApprovalRequest(signApprovalRequest(basePayload, 's'.repeat(32)), 's'.repeat(32)).ok).toBe(true);
	});

	test('no error message contains the secret', () => {
		const secret = 'do-not-show-this-secret-0123456789';
		const errors = [
			catchError(() => signApprovalRequest({ ...basePayload, changeHash: secret }, secret)),
			catchError(() => signApprovalRequest({ ...basePayload, checkers: ['alice@msp.example'] }, secret)),
			catchError(() => verifyApprovalRequest('a.b', secret.slice(0, 20))),
		];
		for (const error of errors) expect(JSON.stringify({ message: (error as Error).message, ...(error as ValidationError).toJSON() })).not.toContain(secret.slice(0, 20));
		const failure = verifyApprovalRequest(signApprovalRequest(basePayload, OTHER_SECRET), secret);
		expect(JSON.stringify(failure)).not.toContain(secret);
	});
});

describe('checker links', () => {
	const token = signApprovalRequest(basePayload, SECRET);

	test('each checker has their own key and signature', () => {
		expect(checkerKey(SECRET, 'bob@msp.example')).toHaveLength(32);
		expect(checkerKey(SECRET, 'bob@msp.example').equals(checkerKey(SECRET, 'carol@msp.example'))).toBe(false);
		expect(checkerKey(SECRET, 'bob@msp.example').equals(checkerKey(OTHER_SECRET, 'bob@msp.example'))).toBe(false);
		expect(checkerSignature(SECRET, token, 'bob@msp.example')).not.toBe(checkerSignature(SECRET, token, 'carol@msp.example'));
		expect(checkerSignature(SECRET, token, 'bob@msp.example')).toMatch(/^[A-Za-z0-9_-]{43}$/);
	});

	test("a link's signature verifies only for its checker, its token and the secret", () => {
		const bobs = checkerSignature(SECRET, token, 'bob@msp.example');
		expect(verifyCheckerSignature(SECRET, token, 'bob@msp.example', bobs)).toBe(true);
		expect(verifyCheckerSignature(SECRET, token, ' BOB@msp.example ', bobs)).toBe(true);
		expect(verifyCheckerSignature(SECRET, token, 'carol@msp.example', bobs)).toBe(false);
		expect(verifyCheckerSignature(SECRET, token, 'alice@msp.example', bobs)).toBe(false);
		expect(verifyCheckerSignature(SECRET, signApprovalRequest({ ...basePayload, executionId: 'exec-2' }, SECRET), 'bob@msp.example', bobs)).toBe(false);
		expect(verifyCheckerSignature(OTHER_SECRET, token, 'bob@msp.example', bobs)).toBe(false);
		expect(verifyCheckerSignature(SECRET, token, 'bob@msp.example', bobs.slice(0, -1))).toBe(false);
		expect(verifyCheckerSignature(SECRET, token, 'bob@msp.example', '')).toBe(false);
	});

	test('a checker key is not the token key: a token signature is never a checker signature', () => {
		const [, tokenSig] = token.split('.');
		expect(verifyCheckerSignature(SECRET, token, 'bob@msp.example', tokenSig)).toBe(false);
	});
});
