import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { dateTimeParameter } from '../datetime';
import { ValidationError } from '../errors';
import { redact } from '../http/redact';
import { parseWith } from '../validation';
import { canonicalJson } from './changeHash';
import { identitySchema, nonEmptyText, normaliseIdentity } from './reasons';

/**
 * Signed approval requests, so an approval cannot be forged on n8n hosts whose Wait node resume URLs are not signed.
 *
 * A token is `base64url(canonical JSON payload) + "." + base64url(HMAC-SHA256)`. It binds the change hash, the maker,
 * the allowed checkers, the waiting execution and an expiry. Each checker gets a personal link: the token, their
 * identity and a signature over both under a key derived for that checker, so whoever holds the link cannot turn it
 * into someone else's approval. The secret never appears in a token, a link or a message.
 */

export const MIN_SECRET_LENGTH = 32;
/** Longest token accepted, so a pasted blob is refused before any work is done on it. */
const MAX_TOKEN_LENGTH = 16_384;

// Separate keys for tokens and for checker links: a value signed for one purpose never verifies for the other.
const SIGNATURE_DOMAIN_APPROVAL = 'msp-ops.gate.approval-token.v1';
const SIGNATURE_DOMAIN_CHECKER_LINK = 'msp-ops.gate.checker-link.v1\n';

export const approvalRequestPayloadSchema = z
	.object({
		v: z.literal(1),
		changeHash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest (64 lower-case hex characters)'),
		maker: identitySchema,
		/** Identities allowed to approve, normalised (lower case); the maker is never one of them. */
		checkers: z.array(identitySchema.transform(normaliseIdentity)).min(1),
		/** The n8n execution that waits for this approval. */
		executionId: nonEmptyText('a non-empty execution id'),
		/** Last instant the approval counts (inclusive), as UTC ISO 8601. */
		expiresAt: dateTimeParameter('UTC'),
		/** Random, so two requests for the same change and execution have different tokens. */
		nonce: z
			.string()
			.trim()
			.refine((nonce) => nonce.length >= 16 && nonce.length <= 256, 'from 16 to 256 random characters, such as crypto.randomUUID()'),
	})
	.strict();

export type ApprovalRequestPayload = z.output<typeof approvalRequestPayloadSchema>;
export type ApprovalRequestPayloadInput = z.input<typeof approvalRequestPayloadSchema>;

/** The secret as an HMAC key, or a ValidationError that says how to set one (and never shows it). */
export function assertSigningSecret(secret: unknown): string {
	if (typeof secret !== 'string' || secret.trim().length < MIN_SECRET_LENGTH) {
		throw new ValidationError(
			`The approval signing secret is missing or shorter than ${MIN_SECRET_LENGTH} characters. Set it to at least ${MIN_SECRET_LENGTH} random characters ` +
				'(for example the output of `openssl rand -hex 32`), the same on every n8n instance that sends or checks approvals.',
			{ service: 'internal', field: 'secret', expected: `at least ${MIN_SECRET_LENGTH} characters`, retryable: false },
		);
	}
	return secret.trim();
}

/** parseWith, but a secret pasted into a payload field is masked in the message like any other secret. */
function parseWithoutSecret(payload: unknown, secret: string): ApprovalRequestPayload {
	try {
		return parseWith(approvalRequestPayloadSchema, payload, { what: 'approval request', service: 'internal' });
	} catch (error) {
		if (!(error instanceof ValidationError)) throw error;
		throw new ValidationError(redact(error.message, [secret]), {
			service: error.service,
			field: error.field,
			expected: error.expected,
			received: error.received === undefined ? undefined : redact(error.received, [secret]),
			retryable: false,
		});
	}
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** Equal strings, compared in time that does not depend on where they differ. */
function sameText(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	return left.length === right.length && timingSafeEqual(left, right);
}

const tokenSignature = (secret: string, body: string) => hmac(hmac(secret, SIGNATURE_DOMAIN_APPROVAL), body).toString('base64url');

/**
 * Sign an approval request. Checkers are normalised (lower case, trimmed, each once) and the maker is left out of
 * them; a ValidationError names the field when the payload is not valid or nobody but the maker may approve.
 */
export function signApprovalRequest(payload: ApprovalRequestPayloadInput, secret: string): string {
	const key = assertSigningSecret(secret);
	const parsed = parseWithoutSecret(payload, key);
	const maker = normaliseIdentity(parsed.maker);
	const checkers = [...new Set(parsed.checkers)].filter((checker) => checker !== maker);
	if (checkers.length === 0) {
		throw new ValidationError('Invalid approval request: checkers: expected at least one checker who is not the maker', {
			service: 'internal',
			field: 'checkers',
			expected: 'at least one checker who is not the maker',
		});
	}
	const body = Buffer.from(canonicalJson({ ...parsed, checkers }), 'utf8').toString('base64url');
	return `${body}.${tokenSignature(key, body)}`;
}

export type ApprovalTokenFailure = 'tokenMalformed' | 'tokenSignatureInvalid';
export type ApprovalTokenCheck = { ok: true; payload: ApprovalRequestPayload } | { ok: false; code: ApprovalTokenFailure; message: string };

const TOKEN_FORM = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The payload of a token this secret signed, or why it is not one. Throws only for an unusable secret. */
export function verifyApprovalRequest(token: string, secret: string): ApprovalTokenCheck {
	const key = assertSigningSecret(secret);
	const text = typeof token === 'string' ? token.trim() : '';
	if (text.length > MAX_TOKEN_LENGTH || !TOKEN_FORM.test(text)) {
		return { ok: false, code: 'tokenMalformed', message: 'The approval token is not a token this gate issues (expected <payload>.<signature> in base64url); use the link from the approval request as sent' };
	}
	const [body, signature] = text.split('.');
	if (!sameText(signature, tokenSignature(key, body))) {
		return {
			ok: false,
			code: 'tokenSignatureInvalid',
			message: 'The approval token signature does not match: the token was altered or forged, or signed with another secret; only the link from the approval request counts',
		};
	}
	let decoded: unknown;
	try {
		decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
	} catch {
		decoded = undefined;
	}
	const parsed = approvalRequestPayloadSchema.safeParse(decoded);
	if (!parsed.success) {
		return { ok: false, code: 'tokenMalformed', message: 'The approval token is signed but its payload is not an approval request of this version; send a new approval request' };
	}
	return { ok: true, payload: parsed.data };
}

/** The HMAC key of one checker's links, derived from the secret and the checker's normalised identity. */
export function checkerKey(secret: string, checker: string): Buffer {
	return hmac(assertSigningSecret(secret), SIGNATURE_DOMAIN_CHECKER_LINK + normaliseIdentity(checker));
}

/** The signature of `checker`'s personal link for `token` (base64url): changing the identity in the link voids it. */
export function checkerSignature(secret: string, token: string, checker: string): string {
	return hmac(checkerKey(secret, checker), token.trim()).toString('base64url');
}

/** Whether `signature` is the one checkerSignature issues for this token and checker (constant-time comparison). */
export function verifyCheckerSignature(secret: string, token: string, checker: string, signature: string): boolean {
	const expected = checkerSignature(secret, token, checker);
	return typeof signature === 'string' && sameText(signature.trim(), expected);
}
