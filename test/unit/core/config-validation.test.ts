import { z } from 'zod';
import { DEFAULT_DOMAIN_CONFIG, isBulkChange, isUsableVlan, requiresRollbackPlan, resolveDomainConfig } from '../../../lib/config';
import { AuthenticationError, errorForStatus, RateLimitError, ValidationError } from '../../../lib/errors';
import { registerSecret, clearRegisteredSecrets } from '../../../lib/http/redact';
import { describeValue, parseWith } from '../../../lib/validation';

describe('domain config', () => {
	it('has the MSP defaults', () => {
		expect(DEFAULT_DOMAIN_CONFIG).toEqual({
			minWifiSignalDbm: -65,
			reservedVlans: [1, 4095],
			bulkSiteThreshold: 10,
			rollbackRequiredFor: ['HIGH', 'CRITICAL'],
			approvalRequiredFor: ['HIGH', 'CRITICAL'],
		});
	});

	it('applies the VLAN, bulk and rollback rules', () => {
		expect(isUsableVlan(1)).toBe(false);
		expect(isUsableVlan(4095)).toBe(false);
		expect(isUsableVlan(0)).toBe(false);
		expect(isUsableVlan(2)).toBe(true);
		expect(isUsableVlan(4094)).toBe(true);
		expect(isBulkChange(10)).toBe(false);
		expect(isBulkChange(11)).toBe(true);
		expect(requiresRollbackPlan('HIGH')).toBe(true);
		expect(requiresRollbackPlan('MEDIUM')).toBe(false);
	});

	it('rejects bad settings naming the field', () => {
		expect(() => resolveDomainConfig({ minWifiSignalDbm: 'low' })).toThrow(/minWifiSignalDbm: expected number, received "low"/);
		expect(() => resolveDomainConfig({ bulkSiteThresold: 5 })).toThrow(ValidationError);
		expect(() => resolveDomainConfig({ bulkSiteThresold: 5 })).toThrow("Invalid domain settings: bulkSiteThresold: unknown field; did you mean 'bulkSiteThreshold'?");
		expect(resolveDomainConfig({ bulkSiteThreshold: 5 }).bulkSiteThreshold).toBe(5);
	});
});

describe('parseWith', () => {
	const schema = z.object({ data: z.array(z.object({ id: z.string(), status: z.enum(['online', 'offline']) })) });

	it('names the item, the field, what was expected and what arrived', () => {
		let error: ValidationError | undefined;
		try {
			parseWith(schema, { data: [{ id: 'a', status: 'online' }, { id: 7, status: 'online' }] }, { what: 'UniFi GET /v1/devices response', service: 'unifi', itemIndex: 3 });
		} catch (e) {
			error = e as ValidationError;
		}
		expect(error).toBeInstanceOf(ValidationError);
		expect(error?.message).toBe('Invalid UniFi GET /v1/devices response (item 3): data[1].id: expected string, received 7');
		expect(error).toMatchObject({ field: 'data[1].id', expected: 'string', received: '7', itemIndex: 3, service: 'unifi' });
	});

	it('lists enum options', () => {
		expect(() => parseWith(schema, { data: [{ id: 'a', status: 'gone' }] }, { what: 'x' })).toThrow(/data\[0\].status: expected one of "online", "offline", received "gone"/);
	});
});

describe('parseWith messages a user can act on', () => {
	const catchError = (fn: () => unknown): ValidationError => {
		try {
			fn();
		} catch (e) {
			return e as ValidationError;
		}
		throw new Error('no error');
	};

	it('an unknown field names itself and the field it most likely meant, not "Unrecognized key(s)"', () => {
		const schema = z.object({ limit: z.number(), returnAll: z.boolean() }).strict();
		const typo = catchError(() => parseWith(schema, { limit: 1, returnAll: true, limt: 2 }, { what: 'parameters' }));
		expect(typo.message).toBe("Invalid parameters: limt: unknown field; did you mean 'limit'?");
		expect(typo).toMatchObject({ field: 'limt', expected: "'limit'", received: undefined });
		const unknown = catchError(() => parseWith(schema, { limit: 1, returnAll: true, colour: 'red' }, { what: 'parameters' }));
		expect(unknown.message).toBe("Invalid parameters: colour: unknown field; known fields are 'limit', 'returnAll'");
	});

	it('a union says which forms it accepts, or reports the branch the value matched, not "expected Invalid input"', () => {
		const mapping = z.union([z.array(z.object({ site: z.string(), organization: z.union([z.string().min(1), z.number().int()]) }).strict()), z.record(z.string(), z.string())]);
		const ctx = { what: "parameter 'Site Mapping'" };
		expect(catchError(() => parseWith(mapping, '{not json', ctx)).message).toBe(`Invalid parameter 'Site Mapping': (root): expected array or object, received "{not json"`);
		expect(catchError(() => parseWith(mapping, [{ site: 'a', organization: true }], ctx)).message).toBe("Invalid parameter 'Site Mapping': [0].organization: expected string or number, received true");
		expect(catchError(() => parseWith(mapping, [{ site: 'a', organisation: 7 }], ctx)).message).toBe(
			"Invalid parameter 'Site Mapping': [0].organization: missing, expected string or number; [0].organisation: unknown field; did you mean 'organization'?",
		);
		expect(catchError(() => parseWith(z.union([z.literal('a'), z.literal('b')]), 'c', ctx)).message).toMatch(/\(root\): expected "a" or "b", received "c"$/);
	});

	it('string formats and custom messages read as expectations', () => {
		const schema = z.object({ email: z.string().email(), url: z.string().url(), id: z.string().regex(/^\d+$/, 'a numeric ID'), n: z.number().positive() });
		const error = catchError(() => parseWith(schema, { email: 'nope', url: 'x', id: 'a', n: 0 }, { what: 'params', hint: 'Fix the node settings.' }));
		expect(error.message).toBe(
			'Invalid params: email: expected an email address, received "nope"; url: expected a URL such as https://example.com, received "x"; id: expected a numeric ID, received "a" (and 1 more)',
		);
		expect(error.message).not.toMatch(/Invalid (email|url|input)/);
		expect(error.description).toBe('Fix the node settings.');
		expect(catchError(() => parseWith(z.number().gt(0), 0, { what: 'x' })).expected).toBe('a value > 0');
		expect(catchError(() => parseWith(z.string().min(1), '', { what: 'x' })).expected).toBe('at least 1 character');
		expect(catchError(() => parseWith(z.number().finite(), Infinity, { what: 'x' })).message).toBe('Invalid x: (root): expected a finite number, received Infinity');
	});

	it('masks secrets in received values, not field names that look like secret keys', () => {
		registerSecret('leaked-token-value-123');
		try {
			const error = catchError(() => parseWith(z.object({ token: z.number(), note: z.number() }), { token: 'x', note: 'has leaked-token-value-123' }, { what: 'x' }));
			expect(error.message).toBe('Invalid x: token: expected number, received "x"; note: expected number, received "has [REDACTED]"');
		} finally {
			clearRegisteredSecrets();
		}
	});
});

describe('describeValue', () => {
	it('renders what JSON cannot say as what it is', () => {
		expect(describeValue(NaN)).toBe('NaN');
		expect(describeValue(Infinity)).toBe('Infinity');
		expect(describeValue(-Infinity)).toBe('-Infinity');
		expect(describeValue(-0)).toBe('-0');
		expect(describeValue(BigInt(10))).toBe('10n');
		expect(describeValue(function parseRow() {})).toBe('[function parseRow]');
		expect(describeValue(() => 1)).toBe('[function]');
		expect(describeValue(Symbol('id'))).toBe('Symbol(id)');
		expect(describeValue({ a: NaN, b: [Infinity, BigInt(2)], c: undefined })).toBe('{"a":NaN,"b":[Infinity,2n]}');
		expect(describeValue(new Date('nope'))).toBe('Invalid Date');
	});

	it('keeps JSON for plain values, cuts long ones and survives cycles', () => {
		expect(describeValue({ id: 7, tags: ['a'], ok: true, none: null })).toBe('{"id":7,"tags":["a"],"ok":true,"none":null}');
		expect(describeValue('text')).toBe('"text"');
		expect(describeValue(undefined)).toBe('undefined');
		expect(describeValue(new Date('2026-01-02T03:04:05Z'))).toBe('"2026-01-02T03:04:05.000Z"');
		const long = describeValue({ text: 'x'.repeat(500) });
		expect(long).toHaveLength(80);
		expect(long.endsWith('...')).toBe(true);
		const cycle: Record<string, unknown> = { a: 1 };
		cycle.self = cycle;
		expect(describeValue(cycle)).toBe('{"a":1,"self":[Circular]}');
	});

	it('masks a secret before cutting, so a secret across the cut does not show its first part', () => {
		// Found by the reliability suite (bad-input): the value was cut at 80 characters and then redacted, so a
		// registered secret that straddled the cut no longer matched and its first 16 characters were shown.
		const secret = 'describe-value-secret-0123456789abcdef';
		registerSecret(secret);
		try {
			const value = `${'x'.repeat(60)}${secret}`;
			expect(describeValue(value)).toBe(`"${'x'.repeat(60)}[REDACTED]"`);
			const cut = describeValue({ note: `${'x'.repeat(62)}${secret}${'y'.repeat(40)}` });
			expect(cut).not.toContain(secret.slice(0, 8));
			expect(cut).toHaveLength(80);
			expect(() => parseWith(z.object({ id: z.number() }), { id: value }, { what: 'test payload' })).toThrow(/received "x{60}\[REDACTED\]"/);
			expect(describeValue('short', ['short'])).toBe('"[REDACTED]"');
		} finally {
			clearRegisteredSecrets();
		}
	});
});

describe('errorForStatus', () => {
	it('picks the class and retryability from the status', () => {
		expect(errorForStatus(401, 'x')).toBeInstanceOf(AuthenticationError);
		expect(errorForStatus(429, 'x')).toBeInstanceOf(RateLimitError);
		expect(errorForStatus(503, 'x').retryable).toBe(true);
		expect(errorForStatus(400, 'x').retryable).toBe(false);
	});
});
