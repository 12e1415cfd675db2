/**
 * The least calls Customer Status Sync can make per service, derived from the data (the sandbox world and the
 * pipeline's own items), never from the calls observed. Each node must read what it outputs: nodes of one n8n
 * execution share no responses, so a listing two nodes both need counts for both (named in `basis`).
 *
 * Page sizes are the documented maxima (docs/ and the clients in lib/ cite them):
 * - UniFi Site Manager /v1 lists: 200 per page; the console Integration API (through the connector): 200 per page;
 * - NinjaOne lists and the device-health query: 1,000 per page (the client's page size; NinjaOne documents no
 *   maximum), keyset pages end on a page shorter than the page size, so N items take floor(N / 1000) + 1 pages;
 *   /v2/alerts is not paginated;
 * - HubSpot object lists and batch endpoints: 100 per call;
 * - Notion queries: 100 rows per page; there is no batch write, one call per created or changed row.
 */

export const PAGE = { unifiList: 200, unifiIntegration: 200, ninja: 1000, hubspot: 100, notion: 100 } as const;

/** What the floor depends on: counts from the world and from the run's items. */
export interface PipelineData {
	/** UniFi sites (Site Manager), one console (host) each. */
	sites: number;
	hosts: number;
	/** Consoles the connector can read: connected, firmware at or above the connector's floor, answering. */
	readableConsoles: Array<{ sites: number; devicesPerSite: number[]; onlineAccessPoints: number }>;
	/** Connected consoles that do not answer (each costs the one call that times out). */
	timeoutConsoles: number;
	ninjaOrganizations: number;
	ninjaDevices: number;
	/** Rows of the device-health query (one per device, no filter in the workflow). */
	ninjaHealthRows: number;
	hubspotCompanies: number;
	/** Companies Match Companies passes to Upsert Company Health. */
	matchedCompanies: number;
	/** Matched companies whose health properties differ from HubSpot's (first sync: all). */
	changedCompanies: number;
	/** HubSpot properties of the mspHealth preset missing before the run (first sync: 4), and whether its group is. */
	missingProperties: number;
	missingGroup: boolean;
	/** Rows the Notion upsert gets (Health Score's output), rows already in the database, and created/changed ones. */
	notionInputRows: number;
	notionExistingRows: number;
	notionWrites: number;
	/** Whether the Customer Status database exists before the run. */
	databaseExists: boolean;
}

export interface FloorCalls {
	calls: { unifi: number; ninjaone: number; notion: number; hubspot: number };
	/** Each term, by service, as `what: calls`. */
	basis: Record<string, Record<string, number>>;
}

const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));
/** Keyset pages: the last page must be shorter than the page size to tell the end (an empty one after a full one). */
const keysetPages = (items: number, size: number) => Math.floor(items / size) + 1;
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

export function floorCalls(d: PipelineData): FloorCalls {
	const unifi: Record<string, number> = {
		// UniFi Sites: the site list.
		'UniFi Sites: GET /v1/sites': pages(d.sites, PAGE.unifiList),
		// UniFi Access Points: sites and hosts to know each console and its sites, then per console its sites, its
		// devices per site, and one statistics call per online access point (the Integration API has no bulk form).
		'UniFi Access Points: GET /v1/sites': pages(d.sites, PAGE.unifiList),
		'UniFi Access Points: GET /v1/hosts': pages(d.hosts, PAGE.unifiList),
		'UniFi Access Points: console sites': d.readableConsoles.reduce((a, c) => a + pages(c.sites, PAGE.unifiIntegration), 0),
		'UniFi Access Points: console devices': d.readableConsoles.reduce((a, c) => a + c.devicesPerSite.reduce((b, n) => b + pages(n, PAGE.unifiIntegration), 0), 0),
		'UniFi Access Points: AP statistics': d.readableConsoles.reduce((a, c) => a + c.onlineAccessPoints, 0),
		'UniFi Access Points: consoles timing out': d.timeoutConsoles,
	};
	const ninjaone: Record<string, number> = {
		// One OAuth token serves the execution (it lasts an hour).
		'POST /ws/oauth/token': 1,
		'NinjaOne Organizations: GET /v2/organizations': keysetPages(d.ninjaOrganizations, PAGE.ninja),
		'NinjaOne Device Health: GET /v2/queries/device-health': keysetPages(d.ninjaHealthRows, PAGE.ninja),
		// Health rows carry only deviceId: the organization of each comes from the device list.
		'NinjaOne Device Health: GET /v2/devices': keysetPages(d.ninjaDevices, PAGE.ninja),
		// Alerts carry their device's organization: no join.
		'NinjaOne Alerts: GET /v2/alerts': 1,
	};
	const hubspot: Record<string, number> = {
		// Ensure MSP Properties: the groups and the properties, then what is missing (HubSpot's batch property create is
		// not emulated by the sandbox: one call per property).
		'Ensure MSP Properties: GET groups': 1,
		'Ensure MSP Properties: POST group': d.missingGroup ? 1 : 0,
		'Ensure MSP Properties: GET properties': 1,
		'Ensure MSP Properties: POST property': d.missingProperties,
		'HubSpot Companies: GET companies': pages(d.hubspotCompanies, PAGE.hubspot),
		// Upsert by domain: a batch read of the matched companies by domain, then a batch update of the changed ones.
		'Upsert Company Health: batch/read': d.matchedCompanies ? pages(d.matchedCompanies, PAGE.hubspot) : 0,
		'Upsert Company Health: batch/update': d.changedCompanies ? pages(d.changedCompanies, PAGE.hubspot) : 0,
	};
	const notion: Record<string, number> = {
		// Ensure Database: find it by title under the parent page; on the first sync, create it.
		'Ensure Database: search': 1,
		'Ensure Database: create': d.databaseExists ? 0 : 1,
		// An existing database's schema is read to check it (a created one comes back with its schema).
		'Ensure Database: data source': d.databaseExists ? 1 : 0,
		// Upsert Customer Status: the data source's schema, the existing rows (100 per page), one write per new or
		// changed row.
		'Upsert Customer Status: data source': 1,
		'Upsert Customer Status: query': pages(d.notionExistingRows, PAGE.notion),
		'Upsert Customer Status: page writes': d.notionWrites,
	};
	return {
		calls: { unifi: sum(unifi), ninjaone: sum(ninjaone), notion: sum(notion), hubspot: sum(hubspot) },
		basis: { unifi, ninjaone, hubspot, notion },
	};
}
