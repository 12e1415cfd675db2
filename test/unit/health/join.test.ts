import { joinSitesAndOrganizations, normaliseCustomerName, MATCH_METHODS, type JoinOrganization, type JoinSite } from '../../../lib/health';

const site = (siteId: string, name: string): JoinSite => ({ siteId, name });
const org = (organizationId: number, name: string, unifiSiteId: string | null = null): JoinOrganization => ({ organizationId, name, unifiSiteId });
const all = { methods: MATCH_METHODS, mapping: [] };

describe('normaliseCustomerName', () => {
	test.each([
		['Harbor Dental Group', 'harbor dental group'],
		['HARBOR DENTAL GROUP', 'harbor dental group'],
		['Harbor Dental Group, LLC', 'harbor dental group'],
		['Harbor Dental Group Inc.', 'harbor dental group'],
		['  Harbor  Dental   Group', 'harbor dental group'],
		['Harbor-Dental Group.', 'harbor dental group'],
		['Smith & Sons Co.', 'smith and sons'],
		['Café Zürich Ltd', 'cafe zurich'],
		['Inc', 'inc'],
	])('%j -> %j', (input, expected) => expect(normaliseCustomerName(input)).toBe(expected));
});

describe('joinSitesAndOrganizations', () => {
	test('by normalised name, reporting what is left on both sides', () => {
		const sites = [site('s1', 'Harbor Dental Group'), site('s2', 'Summit Legal'), site('s3', 'Lonely Site')];
		const orgs = [org(1, 'SUMMIT LEGAL, LLC'), org(2, 'Harbor Dental Group Inc.'), org(3, 'Endpoints Only Inc.')];
		const r = joinSitesAndOrganizations(sites, orgs, all);
		expect(r.sites.map((m) => [m.site.siteId, m.organization?.organizationId ?? null, m.matchedBy])).toEqual([
			['s1', 2, 'name'],
			['s2', 1, 'name'],
			['s3', null, null],
		]);
		expect(r.unmatched).toEqual([
			{ source: 'unifi', site: sites[2], reason: 'no NinjaOne organization matched (tried: mapping, customField, name)' },
			{ source: 'ninjaone', organization: orgs[2], reason: 'no UniFi site matched (tried: mapping, customField, name)' },
		]);
	});

	test('custom field wins over name, and takes the organization out of name matching', () => {
		const sites = [site('s1', 'Acme'), site('s2', 'Acme Corp')];
		// org 1 is named like s1 but its field says it belongs to s2; org 2 has the same name
		const orgs = [org(1, 'Acme', 's2'), org(2, 'Acme Inc')];
		const r = joinSitesAndOrganizations(sites, orgs, all);
		expect(r.sites.map((m) => [m.site.siteId, m.organization?.organizationId, m.matchedBy])).toEqual([
			['s1', 2, 'name'],
			['s2', 1, 'customField'],
		]);
		expect(r.unmatched).toEqual([]);
	});

	test('mapping table by ids or by names wins over everything; first entry for a site wins', () => {
		const sites = [site('s1', 'Alpha'), site('s2', 'Beta')];
		const orgs = [org(10, 'Alpha'), org(20, 'Beta', 's1'), org(30, 'Gamma')];
		const r = joinSitesAndOrganizations(sites, orgs, {
			methods: MATCH_METHODS,
			mapping: [
				{ site: 's1', organization: 30 },
				{ site: 's1', organization: 10 },
				{ site: 'BETA', organization: 'alpha' },
			],
		});
		expect(r.sites.map((m) => [m.site.siteId, m.organization?.organizationId, m.matchedBy])).toEqual([
			['s1', 30, 'mapping'],
			['s2', 10, 'mapping'],
		]);
		expect(r.unmatched.map((u) => [u.source, u.organization?.organizationId])).toEqual([['ninjaone', 20]]);
	});

	test('a mapping entry naming an unknown organization is reported on the site', () => {
		const r = joinSitesAndOrganizations([site('s1', 'Alpha')], [org(2, 'Other')], { methods: ['mapping'], mapping: [{ site: 's1', organization: 99 }] });
		expect(r.unmatched[0]).toMatchObject({ source: 'unifi', reason: 'mapping entry {"site":"s1","organization":99} names no organization in the input' });
	});

	test('ambiguous names are not guessed', () => {
		const sites = [site('s1', 'Acme'), site('s2', 'ACME Inc')];
		const orgs = [org(1, 'Acme LLC')];
		const r = joinSitesAndOrganizations(sites, orgs, all);
		expect(r.sites.every((m) => m.organization === null)).toBe(true);
		expect(r.unmatched.map((u) => u.reason)).toEqual([
			'ambiguous name "acme": 2 sites and 1 organizations',
			'ambiguous name "acme": 2 sites and 1 organizations',
			'no UniFi site matched (tried: mapping, customField, name)',
		]);
	});

	test('two organizations claiming one site by custom field are reported', () => {
		const r = joinSitesAndOrganizations([site('s1', 'Alpha')], [org(1, 'X', 's1'), org(2, 'Y', 's1')], { methods: ['customField'], mapping: [] });
		expect(r.unmatched[0].reason).toBe('2 organizations have this site id in their custom field (1, 2)');
		expect(r.unmatched).toHaveLength(3);
	});

	test('only the enabled methods are used', () => {
		const r = joinSitesAndOrganizations([site('s1', 'Alpha')], [org(1, 'Alpha', 's1')], { methods: ['customField'], mapping: [] });
		expect(r.sites[0].matchedBy).toBe('customField');
		const none = joinSitesAndOrganizations([site('s1', 'Alpha')], [org(1, 'Alpha')], { methods: ['customField'], mapping: [] });
		expect(none.sites[0].organization).toBeNull();
		expect(none.unmatched[0].reason).toBe('no NinjaOne organization matched (tried: customField)');
	});
});
