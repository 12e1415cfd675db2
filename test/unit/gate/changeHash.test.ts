import { createHash } from 'node:crypto';
import { ValidationError } from '../../../lib/errors';
import { canonicalJson, changeHash, evaluateChange, type ChangeRequest } from '../../../lib/gate';

const request: ChangeRequest = {
	maker: 'alice@msp.example',
	sites: ['site-b', 'site-a', 'site-c'],
	changeType: 'wifi',
	risk: 'HIGH',
	description: 'New guest SSID',
	rollbackPlan: 'Delete the SSID',
	vlanIds: [30, 20],
	wifi: { ssid: 'Guest', band: '5g', hidden: false, channel: 36 },
};

/** The hash of a raw request as the gate reads it. */
const hashOf = (input: Record<string, unknown>) => {
	const result = evaluateChange(input);
	if (!result.changeHash) throw new Error(`not well-formed: ${JSON.stringify(result.reasons)}`);
	return result.changeHash;
};

describe('canonicalJson', () => {
	test('sorts keys at every level, keeps array order, leaves out undefined, no whitespace', () => {
		expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: null, y: 'x' }], c: true }, u: undefined })).toBe('{"a":{"c":true,"d":[3,1,{"y":"x","z":null}]},"b":1}');
		expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
		expect(canonicalJson('é"\n')).toBe('"é\\"\\n"');
		expect(canonicalJson(-0)).toBe('0');
	});

	test.each([
		['NaN', { a: NaN }, 'a', 'NaN'],
		['Infinity', { a: [1, Infinity] }, 'a[1]', 'Infinity'],
		['a Date', { when: new Date(0) }, 'when', 'an object that is not plain data'],
		['undefined at the top', undefined, '(root)', 'undefined'],
		['a bigint', { n: BigInt(1) }, 'n', 'bigint'],
	])('refuses %s, naming where', (_, value, field, received) => {
		let error: unknown;
		try {
			canonicalJson(value);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ValidationError);
		expect(error).toMatchObject({ field, received });
	});
});

describe('changeHash', () => {
	test('is the sha256 of the canonical JSON of the approved fields, normalised', () => {
		const canonical =
			'{"changeType":"wifi","description":"New guest SSID","kind":"msp-ops.gate.change.v1","maker":"alice@msp.example","risk":"HIGH",' +
			'"rollbackPlan":"Delete the SSID","sites":["site-a","site-b","site-c"],"vlanIds":[20,30],' +
			'"wifi":{"band":"5g","channel":36,"hidden":false,"ssid":"Guest"}}';
		expect(changeHash(request)).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
	});

	test('the order of sites, VLAN ids and WiFi settings does not matter', () => {
		const reordered: ChangeRequest = {
			...request,
			sites: ['site-c', 'site-a', 'site-b'],
			vlanIds: [20, 30],
			wifi: { channel: 36, hidden: false, ssid: 'Guest', band: '5g' },
		};
		expect(changeHash(reordered)).toBe(changeHash(request));
	});

	test('whitespace at the ends of text and the case of the maker do not matter', () => {
		const spaced = {
			...request,
			maker: '  Alice@MSP.Example ',
			sites: [' site-b', 'site-a ', '\tsite-c'],
			changeType: ' wifi ',
			description: 'New guest SSID\n',
			rollbackPlan: ' Delete the SSID ',
		};
		expect(hashOf(spaced)).toBe(changeHash(request));
		// changeHash normalises on its own, for a request built by hand.
		expect(changeHash(spaced as ChangeRequest)).toBe(changeHash(request));
	});

	test('a missing, null or blank rollback plan is the same; so are no VLANs and an empty list, no WiFi and {}', () => {
		const { rollbackPlan: _plan, vlanIds: _vlans, wifi: _wifi, ...bare } = request;
		const reference = changeHash(bare);
		expect(changeHash({ ...bare, rollbackPlan: '   ' })).toBe(reference);
		expect(hashOf({ ...bare, rollbackPlan: null, vlanIds: [], wifi: {} })).toBe(reference);
		expect(hashOf({ ...bare, rollbackPlan: '', vlanIds: null, wifi: null })).toBe(reference);
		expect(changeHash({ ...bare, vlanIds: [], wifi: {} })).toBe(reference);
	});

	test('every edit to an approved field changes the hash, and no two edits collide', () => {
		const edits: Array<[string, Partial<ChangeRequest>]> = [
			['another maker', { maker: 'bob@msp.example' }],
			['a site added', { sites: [...request.sites, 'site-d'] }],
			['a site removed', { sites: ['site-a', 'site-b'] }],
			['a site replaced', { sites: ['site-a', 'site-b', 'site-x'] }],
			['another change type', { changeType: 'vlan' }],
			['another risk', { risk: 'CRITICAL' }],
			['lower risk', { risk: 'LOW' }],
			['another description', { description: 'New guest SSID on all APs' }],
			['another rollback plan', { rollbackPlan: 'Disable the SSID' }],
			['no rollback plan', { rollbackPlan: undefined }],
			['a VLAN added', { vlanIds: [20, 30, 40] }],
			['a VLAN replaced', { vlanIds: [20, 31] }],
			['a VLAN repeated', { vlanIds: [20, 30, 30] }],
			['no VLANs', { vlanIds: undefined }],
			['a WiFi value changed', { wifi: { ...request.wifi, ssid: 'Guests' } }],
			['a WiFi value with a trailing space', { wifi: { ...request.wifi, ssid: 'Guest ' } }],
			['a WiFi number as text', { wifi: { ...request.wifi, channel: '36' } }],
			['a WiFi setting added', { wifi: { ...request.wifi, psk: 'secret-pass' } }],
			['a WiFi setting renamed', { wifi: { ssid: 'Guest', band: '5g', hidden: false, chan: 36 } }],
			['no WiFi', { wifi: undefined }],
		];
		const hashes = new Map<string, string>([[changeHash(request), 'original']]);
		for (const [name, edit] of edits) {
			const hash = changeHash({ ...request, ...edit });
			expect([name, hashes.get(hash)]).toEqual([name, undefined]);
			hashes.set(hash, name);
		}
		expect(hashes.size).toBe(edits.length + 1);
	});

	test('values that only look alike in JSON do not collide across fields', () => {
		// A site id holding a comma is one site, not two.
		expect(changeHash({ ...request, sites: ['site-a,site-b'] })).not.toBe(changeHash({ ...request, sites: ['site-a', 'site-b'] }));
		expect(changeHash({ ...request, description: 'x', rollbackPlan: 'y z' })).not.toBe(changeHash({ ...request, description: 'x y', rollbackPlan: 'z' }));
	});
});
