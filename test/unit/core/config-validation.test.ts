import { z } from 'zod';
import { DEFAULT_DOMAIN_CONFIG, isBulkChange, isUsableVlan, requiresRollbackPlan, resolveDomainConfig } from '../../../lib/config';
import { AuthenticationError, errorForStatus, RateLimitError, ValidationError } from '../../../lib/errors';
import { parseWith } from '../../../lib/validation';

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

describe('errorForStatus', () => {
	it('picks the class and retryability from the status', () => {
		expect(errorForStatus(401, 'x')).toBeInstanceOf(AuthenticationError);
		expect(errorForStatus(429, 'x')).toBeInstanceOf(RateLimitError);
		expect(errorForStatus(503, 'x').retryable).toBe(true);
		expect(errorForStatus(400, 'x').retryable).toBe(false);
	});
});
