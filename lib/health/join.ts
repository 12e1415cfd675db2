/**
 * Joining UniFi sites to NinjaOne organizations (one customer = one site + one organization).
 *
 * Three ways, tried in this order, each only among the sites and organizations still unmatched:
 * 1. `mapping`: an explicit table (site id or name -> organization id or name);
 * 2. `customField`: the organization's custom field holding the UniFi site id (`unifiSiteId` on the record);
 * 3. `name`: the normalised customer name, only when exactly one site and one organization share it.
 * Whatever is left is reported as unmatched with the reason, never dropped.
 */

export type MatchMethod = 'mapping' | 'customField' | 'name';
export const MATCH_METHODS: readonly MatchMethod[] = ['mapping', 'customField', 'name'];

export interface JoinSite {
	siteId: string;
	name: string;
}

export interface JoinOrganization {
	organizationId: number;
	name: string;
	unifiSiteId: string | null;
}

export interface SiteMappingEntry {
	/** UniFi site id, or site name (compared normalised). */
	site: string;
	/** NinjaOne organization id, or organization name (compared normalised). */
	organization: string | number;
}

export interface JoinOptions {
	methods: readonly MatchMethod[];
	mapping: readonly SiteMappingEntry[];
}

export interface SiteMatch<S, O> {
	site: S;
	organization: O | null;
	matchedBy: MatchMethod | null;
}

export interface UnmatchedEntry<S, O> {
	source: 'unifi' | 'ninjaone';
	site?: S;
	organization?: O;
	reason: string;
}

export interface JoinResult<S, O> {
	/** One entry per site, in input order; `organization` null when unmatched. */
	sites: Array<SiteMatch<S, O>>;
	unmatched: Array<UnmatchedEntry<S, O>>;
}

const LEGAL_SUFFIXES = new Set(['llc', 'inc', 'incorporated', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'pty', 'plc', 'gmbh', 'lp', 'llp', 'pc']);

/**
 * Customer name as compared across systems: case, accents, punctuation, spacing, "&"/"and" and trailing legal
 * suffixes ("Inc.", ", LLC") do not matter. "Harbor-Dental Group, LLC" and "harbor dental  group" are equal.
 */
export function normaliseCustomerName(name: string): string {
	const words = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/&/g, ' and ')
		.replace(/[^a-z0-9]+/g, ' ')
		.trim()
		.split(' ')
		.filter(Boolean);
	while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1])) words.pop();
	return words.join(' ');
}

export function joinSitesAndOrganizations<S extends JoinSite, O extends JoinOrganization>(
	sites: readonly S[],
	organizations: readonly O[],
	options: JoinOptions,
): JoinResult<S, O> {
	const orgOf = new Map<S, { org: O; by: MatchMethod }>();
	const claimed = new Map<O, S>();
	const siteNotes = new Map<S, string>();
	const methods = new Set(options.methods);
	const claim = (site: S, org: O, by: MatchMethod) => {
		orgOf.set(site, { org, by });
		claimed.set(org, site);
	};

	if (methods.has('mapping') && options.mapping.length) {
		const orgById = new Map(organizations.map((o) => [o.organizationId, o]));
		const orgsByName = groupBy(organizations, (o) => normaliseCustomerName(o.name));
		const siteById = new Map(sites.map((s) => [s.siteId, s]));
		const sitesByName = groupBy(sites, (s) => normaliseCustomerName(s.name));
		for (const entry of options.mapping) {
			const siteKey = String(entry.site).trim();
			const siteHits = siteById.has(siteKey) ? [siteById.get(siteKey) as S] : (sitesByName.get(normaliseCustomerName(siteKey)) ?? []);
			const orgKey = entry.organization;
			const asId = typeof orgKey === 'number' ? orgKey : /^\d+$/.test(String(orgKey).trim()) ? Number(orgKey) : NaN;
			const orgHits = orgById.has(asId) ? [orgById.get(asId) as O] : (orgsByName.get(normaliseCustomerName(String(orgKey))) ?? []);
			if (siteHits.length !== 1 || orgHits.length !== 1) {
				for (const site of siteHits) {
					siteNotes.set(site, `mapping entry ${JSON.stringify(entry)} ${orgHits.length ? `matches ${orgHits.length} organizations` : 'names no organization in the input'}`);
				}
				continue;
			}
			const [site] = siteHits;
			const [org] = orgHits;
			if (orgOf.has(site) || claimed.has(org)) continue; // first mapping entry wins
			claim(site, org, 'mapping');
		}
	}

	if (methods.has('customField')) {
		const orgsBySiteId = groupBy(
			organizations.filter((o) => o.unifiSiteId && !claimed.has(o)),
			(o) => String(o.unifiSiteId).trim(),
		);
		for (const site of sites) {
			if (orgOf.has(site)) continue;
			const hits = orgsBySiteId.get(site.siteId);
			if (!hits) continue;
			if (hits.length === 1) claim(site, hits[0], 'customField');
			else siteNotes.set(site, `${hits.length} organizations have this site id in their custom field (${hits.map((o) => o.organizationId).join(', ')})`);
		}
	}

	if (methods.has('name')) {
		const openSites = groupBy(
			sites.filter((s) => !orgOf.has(s)),
			(s) => normaliseCustomerName(s.name),
		);
		const openOrgs = groupBy(
			organizations.filter((o) => !claimed.has(o)),
			(o) => normaliseCustomerName(o.name),
		);
		for (const [key, siteGroup] of openSites) {
			const orgGroup = openOrgs.get(key);
			if (!key || !orgGroup) continue;
			if (siteGroup.length === 1 && orgGroup.length === 1) {
				claim(siteGroup[0], orgGroup[0], 'name');
				continue;
			}
			const note = `ambiguous name "${key}": ${siteGroup.length} sites and ${orgGroup.length} organizations`;
			for (const site of siteGroup) siteNotes.set(site, note);
		}
	}

	const tried = options.methods.join(', ') || 'no method enabled';
	const result: JoinResult<S, O> = { sites: [], unmatched: [] };
	for (const site of sites) {
		const hit = orgOf.get(site);
		result.sites.push({ site, organization: hit?.org ?? null, matchedBy: hit?.by ?? null });
		if (!hit) {
			result.unmatched.push({
				source: 'unifi',
				site,
				reason: siteNotes.get(site) ?? `no NinjaOne organization matched (tried: ${tried})`,
			});
		}
	}
	for (const org of organizations) {
		if (claimed.has(org)) continue;
		result.unmatched.push({ source: 'ninjaone', organization: org, reason: `no UniFi site matched (tried: ${tried})` });
	}
	return result;
}

function groupBy<T>(values: readonly T[], key: (value: T) => string): Map<string, T[]> {
	const map = new Map<string, T[]>();
	for (const value of values) {
		const k = key(value);
		const list = map.get(k);
		if (list) list.push(value);
		else map.set(k, [value]);
	}
	return map;
}
