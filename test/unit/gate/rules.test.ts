import { resolveDomainConfig, RISK_LEVELS } from '../../../lib/config';
import { changeHash, evaluateChange, type ChangeEvaluation } from '../../../lib/gate';

const change = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
	maker: 'alice@msp.example',
	sites: ['site-a'],
	changeType: 'vlan',
	risk: 'LOW',
	description: 'Add guest VLAN 20',
	vlanIds: [20],
	...over,
});
const sites = (count: number) => Array.from({ length: count }, (_, i) => `site-${String(i + 1).padStart(2, '0')}`);
const codes = (result: ChangeEvaluation) => result.reasons.map((reason) => reason.code);
const fields = (result: ChangeEvaluation) => result.reasons.map((reason) => reason.field);

describe('evaluateChange: approved, needs approval', () => {
	test('a LOW risk change on one site with a usable VLAN is approved, saying why', () => {
		const result = evaluateChange(change());
		expect(result.decision).toBe('approved');
		expect(result.reasons).toEqual([
			{
				code: 'autoApproved',
				message: 'Approved without a checker: 1 site (more than 10 need approval), LOW risk (approval required for HIGH, CRITICAL), no rule broken',
			},
		]);
		expect(result.changeHash).toMatch(/^[0-9a-f]{64}$/);
		expect(result.changeHash).toBe(changeHash(result.request!));
	});

	test('10 sites are approved, 11 sites are a bulk change that needs approval', () => {
		expect(evaluateChange(change({ sites: sites(10) })).decision).toBe('approved');
		const bulk = evaluateChange(change({ sites: sites(11) }));
		expect(bulk.decision).toBe('needsApproval');
		expect(bulk.reasons).toEqual([
			{ code: 'bulkChange', field: 'sites', message: 'The change touches 11 sites, more than 10 (a bulk change); a checker must approve it' },
		]);
	});

	test('the bulk threshold comes from the domain settings', () => {
		const config = resolveDomainConfig({ bulkSiteThreshold: 3 });
		expect(evaluateChange(change({ sites: sites(3) }), config).decision).toBe('approved');
		expect(codes(evaluateChange(change({ sites: sites(4) }), config))).toEqual(['bulkChange']);
	});

	test('a bulk HIGH risk change with a rollback plan needs approval for both reasons', () => {
		const result = evaluateChange(change({ sites: sites(11), risk: 'HIGH', rollbackPlan: 'Remove VLAN 20 again' }));
		expect(result.decision).toBe('needsApproval');
		expect(codes(result)).toEqual(['bulkChange', 'riskNeedsApproval']);
		expect(result.reasons[1]).toEqual({ code: 'riskNeedsApproval', field: 'risk', message: "A HIGH risk change needs a checker's approval (required for HIGH, CRITICAL)" });
	});
});

describe('evaluateChange: risk and rollback plan', () => {
	// [risk, with a rollback plan, decision, reason codes]
	const table: Array<[string, boolean, string, string[]]> = [
		['LOW', false, 'approved', ['autoApproved']],
		['LOW', true, 'approved', ['autoApproved']],
		['MEDIUM', false, 'approved', ['autoApproved']],
		['MEDIUM', true, 'approved', ['autoApproved']],
		['HIGH', false, 'rejected', ['rollbackPlanMissing']],
		['HIGH', true, 'needsApproval', ['riskNeedsApproval']],
		['CRITICAL', false, 'rejected', ['rollbackPlanMissing']],
		['CRITICAL', true, 'needsApproval', ['riskNeedsApproval']],
	];

	test('the table covers every risk level with and without a plan', () => {
		expect(new Set(table.map(([risk]) => risk))).toEqual(new Set(RISK_LEVELS));
	});

	test.each(table)('%s risk, rollback plan %s: %s', (risk, withPlan, decision, expected) => {
		const result = evaluateChange(change({ risk, ...(withPlan ? { rollbackPlan: 'Remove VLAN 20 again' } : {}) }));
		expect(result.decision).toBe(decision);
		expect(codes(result)).toEqual(expected);
	});

	test.each([['   '], [''], ['\n\t'], [null]])('a blank rollback plan (%j) is no rollback plan', (rollbackPlan) => {
		const result = evaluateChange(change({ risk: 'CRITICAL', rollbackPlan }));
		expect(result.decision).toBe('rejected');
		expect(result.reasons).toEqual([
			{
				code: 'rollbackPlanMissing',
				field: 'rollbackPlan',
				message: 'A CRITICAL risk change needs a rollback plan (required for HIGH, CRITICAL); describe in rollbackPlan how to undo the change',
			},
		]);
		expect(result.request?.rollbackPlan).toBeUndefined();
	});

	test('which risk levels need a plan or an approval comes from the domain settings', () => {
		const config = resolveDomainConfig({ rollbackRequiredFor: ['MEDIUM'], approvalRequiredFor: ['CRITICAL'] });
		expect(codes(evaluateChange(change({ risk: 'MEDIUM' }), config))).toEqual(['rollbackPlanMissing']);
		expect(evaluateChange(change({ risk: 'HIGH' }), config).decision).toBe('approved');
		expect(codes(evaluateChange(change({ risk: 'CRITICAL' }), config))).toEqual(['riskNeedsApproval']);
		const none = resolveDomainConfig({ approvalRequiredFor: [] });
		expect(evaluateChange(change({ risk: 'CRITICAL', rollbackPlan: 'restore backup' }), none).reasons[0].message).toBe(
			'Approved without a checker: 1 site (more than 10 need approval), CRITICAL risk (approval required for none), no rule broken',
		);
	});
});

describe('evaluateChange: VLAN ids', () => {
	test.each([
		[0, 'rejected', 'vlanOutOfRange'],
		[1, 'rejected', 'reservedVlan'],
		[2, 'approved', 'autoApproved'],
		[4094, 'approved', 'autoApproved'],
		[4095, 'rejected', 'reservedVlan'],
		[4096, 'rejected', 'vlanOutOfRange'],
		[-1, 'rejected', 'vlanOutOfRange'],
	])('VLAN %d: %s (%s)', (vlan, decision, code) => {
		const result = evaluateChange(change({ vlanIds: [20, vlan] }));
		expect(result.decision).toBe(decision);
		expect(codes(result)).toEqual([code]);
		if (decision === 'rejected') expect(fields(result)).toEqual(['vlanIds[1]']);
	});

	test('the messages say what is wrong and what to use instead', () => {
		expect(evaluateChange(change({ vlanIds: [4095] })).reasons[0].message).toBe(
			'VLAN 4095 is reserved; use a VLAN id between 1 and 4094 that is not reserved (reserved: 1, 4095)',
		);
		expect(evaluateChange(change({ vlanIds: [0] })).reasons[0].message).toBe('VLAN 0 is outside 1-4094; use a VLAN id between 1 and 4094 that is not reserved (reserved: 1, 4095)');
	});

	test('a VLAN id that is not an integer is malformed, naming the entry', () => {
		const result = evaluateChange(change({ vlanIds: [20, 1.5] }));
		expect(result.decision).toBe('rejected');
		expect(result.reasons).toEqual([{ code: 'malformed', field: 'vlanIds[1]', message: 'Invalid change request: vlanIds[1]: expected integer, received 1.5' }]);
		expect(codes(evaluateChange(change({ vlanIds: ['20'] })))).toEqual(['malformed']);
	});

	test('the reserved list comes from the domain settings; 1-4094 always applies', () => {
		const noneReserved = resolveDomainConfig({ reservedVlans: [] });
		expect(evaluateChange(change({ vlanIds: [1] }), noneReserved).decision).toBe('approved');
		expect(codes(evaluateChange(change({ vlanIds: [4095] }), noneReserved))).toEqual(['vlanOutOfRange']);
		expect(codes(evaluateChange(change({ vlanIds: [100] }), resolveDomainConfig({ reservedVlans: [100] })))).toEqual(['reservedVlan']);
	});

	test('no VLAN ids, null and an empty list are the same: nothing to check', () => {
		for (const vlanIds of [undefined, null, []]) {
			const result = evaluateChange(change({ vlanIds }));
			expect(result.decision).toBe('approved');
			expect(result.request?.vlanIds).toBeUndefined();
		}
	});
});

describe('evaluateChange: every broken rule has its own reason', () => {
	test('each bad VLAN and the missing rollback plan are all listed; approval reasons are not mixed in', () => {
		const result = evaluateChange(change({ sites: sites(11), risk: 'HIGH', vlanIds: [1, 4095, 0, 20] }));
		expect(result.decision).toBe('rejected');
		expect(result.reasons.map(({ code, field }) => [code, field])).toEqual([
			['reservedVlan', 'vlanIds[0]'],
			['reservedVlan', 'vlanIds[1]'],
			['vlanOutOfRange', 'vlanIds[2]'],
			['rollbackPlanMissing', 'rollbackPlan'],
		]);
		// Well-formed, so the checker-facing parts are there even when rejected.
		expect(result.changeHash).toMatch(/^[0-9a-f]{64}$/);
		expect(result.summary).toContain('VLANs: 1, 4095, 0, 20');
	});

	test('rules on the fields that parsed still run when other fields are malformed', () => {
		const result = evaluateChange(change({ risk: 'HIGH', description: '', vlanIds: [4095, 2.5] }));
		expect(result.reasons.map(({ code, field }) => [code, field])).toEqual([
			['malformed', 'description'],
			['malformed', 'vlanIds[1]'],
			['reservedVlan', 'vlanIds[0]'],
			['rollbackPlanMissing', 'rollbackPlan'],
		]);
		expect(result.request).toBeUndefined();
		expect(result.changeHash).toBeUndefined();
		expect(result.summary).toBeUndefined();
	});
});

describe('evaluateChange: malformed requests name the field and never throw', () => {
	test.each([
		['maker missing', { maker: undefined }, 'maker', 'Invalid change request: maker: missing, expected string'],
		['maker blank', { maker: '  ' }, 'maker', 'Invalid change request: maker: expected a non-empty identity such as an email address, received "  "'],
		['no sites', { sites: [] }, 'sites', 'Invalid change request: sites: expected at least 1 entry, received []'],
		['sites not a list', { sites: 'site-a' }, 'sites', 'Invalid change request: sites: expected array, received "site-a"'],
		['a blank site id', { sites: ['site-a', ' '] }, 'sites[1]', 'Invalid change request: sites[1]: expected a non-empty site id, received " "'],
		['a duplicate site', { sites: ['site-a', 'site-b', 'site-a'] }, 'sites[2]', 'Invalid change request: sites[2]: expected each site once ("site-a" is already sites[0]), received "site-a"'],
		['a duplicate site after trimming', { sites: ['site-a', ' site-a '] }, 'sites[1]', 'Invalid change request: sites[1]: expected each site once ("site-a" is already sites[0]), received " site-a "'],
		['change type blank', { changeType: '' }, 'changeType', 'Invalid change request: changeType: expected a non-empty change type such as "vlan", "wifi", "firewall" or "firmware", received ""'],
		['risk unknown', { risk: 'low' }, 'risk', 'Invalid change request: risk: expected one of "LOW", "MEDIUM", "HIGH", "CRITICAL", received "low"'],
		['description missing', { description: undefined }, 'description', 'Invalid change request: description: missing, expected string'],
		['rollback plan not text', { rollbackPlan: 5 }, 'rollbackPlan', 'Invalid change request: rollbackPlan: expected string, received 5'],
		['vlanIds not a list', { vlanIds: 20 }, 'vlanIds', 'Invalid change request: vlanIds: expected array, received 20'],
		['a WiFi value that is an object', { wifi: { ssid: { name: 'Guest' } } }, 'wifi.ssid', 'Invalid change request: wifi.ssid: expected string or number or boolean, received {"name":"Guest"}'],
		['a WiFi value that is not finite', { wifi: { txPower: Infinity } }, 'wifi.txPower', 'Invalid change request: wifi.txPower: expected a finite number, received Infinity'],
		['an unknown field', { vlanID: [1] }, 'vlanID', "Invalid change request: vlanID: unknown field; did you mean 'vlanIds'?"],
	])('%s', (_, over, field, message) => {
		const result = evaluateChange(change(over));
		expect(result.decision).toBe('rejected');
		expect(result.reasons).toEqual([{ code: 'malformed', field, message }]);
		expect(result.request).toBeUndefined();
		expect(result.changeHash).toBeUndefined();
	});

	test.each([[null], [undefined], ['change'], [42], [[change()]]])('input %j that is not an object is one malformed reason', (input) => {
		const result = evaluateChange(input);
		expect(result.decision).toBe('rejected');
		expect(result.reasons).toHaveLength(1);
		expect(result.reasons[0]).toMatchObject({ code: 'malformed', field: '(root)' });
		expect(result.reasons[0].message).toMatch(/^Invalid change request: \(root\): (missing, )?expected object/);
	});

	test('each malformed field gets its own reason', () => {
		const result = evaluateChange({ maker: '', sites: [], risk: 'SEVERE', extra: true });
		expect(result.reasons.map((reason) => [reason.code, reason.field])).toEqual([
			['malformed', 'maker'],
			['malformed', 'sites'],
			['malformed', 'changeType'],
			['malformed', 'risk'],
			['malformed', 'description'],
			['malformed', 'extra'],
		]);
	});
});

describe('evaluateChange: the parsed request and the summary', () => {
	test('text is trimmed and the WiFi settings are kept as given', () => {
		const result = evaluateChange(
			change({ maker: ' Alice@MSP.example ', sites: [' site-b', 'site-a '], description: ' Guest WiFi \n', wifi: { ssid: ' Guest', hidden: false, channel: 36 } }),
		);
		expect(result.request).toEqual({
			maker: 'Alice@MSP.example',
			sites: ['site-b', 'site-a'],
			changeType: 'vlan',
			risk: 'LOW',
			description: 'Guest WiFi',
			vlanIds: [20],
			wifi: { ssid: ' Guest', hidden: false, channel: 36 },
		});
	});

	test('the summary says what the checker approves, with secrets of WiFi settings hidden', () => {
		const result = evaluateChange(
			change({
				sites: sites(8),
				risk: 'HIGH',
				vlanIds: [30, 20],
				wifi: { ssid: 'Guest', passphrase: 'correct horse battery', band: '5g' },
				rollbackPlan: 'Restore the config backup taken before the change',
			}),
		);
		expect(result.summary).toBe(
			[
				'Change: vlan, risk HIGH, requested by alice@msp.example',
				'Sites (8): site-01, site-02, site-03, site-04, site-05 and 3 more',
				'VLANs: 30, 20',
				'WiFi: band="5g", passphrase=[REDACTED], ssid="Guest"',
				'Rollback plan: Restore the config backup taken before the change',
				'Description: Add guest VLAN 20',
			].join('\n'),
		);
		expect(result.summary).not.toContain('correct horse');
	});

	test('a change without VLANs, WiFi or rollback plan says none', () => {
		expect(evaluateChange(change({ vlanIds: undefined, changeType: 'firmware' })).summary).toBe(
			['Change: firmware, risk LOW, requested by alice@msp.example', 'Sites (1): site-a', 'VLANs: none', 'WiFi: none', 'Rollback plan: none', 'Description: Add guest VLAN 20'].join('\n'),
		);
	});
});
