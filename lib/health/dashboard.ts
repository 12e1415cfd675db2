import type { SiteScore } from './estate';
import { MATCH_METHODS } from './join';
import type { HealthStatus } from './score';

/**
 * The Site Health dashboard: one Notion column per Health Score output field. This is the one definition the
 * Notion Sync node's "Site Health" schema preset, its default custom schema and the bundled workflows use, so the
 * columns, their names and the status options always match what Health Score emits (Notion Sync maps item fields
 * to columns by name, ignoring case and spaces: `devicesOffline` fills "Devices Offline").
 */

/** Every status Health Score emits, in the order a dashboard lists them. */
export const HEALTH_STATUSES = ['Healthy', 'Warning', 'Critical', 'Unknown'] as const satisfies readonly HealthStatus[];
// Fails to compile when Health Score gains a status this list lacks.
const everyStatusListed: Exclude<HealthStatus, (typeof HEALTH_STATUSES)[number]> extends never ? true : never = true;
void everyStatusListed;

export interface DashboardColumn {
	/** Notion property name. */
	name: string;
	/** Notion property type. */
	type: 'title' | 'rich_text' | 'number' | 'select';
	/** The Health Score output field written into it. */
	field: keyof SiteScore;
	options?: string[];
	format?: string;
}

export const SITE_HEALTH_DATABASE_TITLE = 'MSP Site Health';
/** The column rows are matched on (a site's UniFi Site Manager id never changes). */
export const SITE_HEALTH_KEY = 'Site ID';

export const SITE_HEALTH_COLUMNS: readonly DashboardColumn[] = Object.freeze([
	{ name: 'Site', type: 'title', field: 'site' },
	{ name: SITE_HEALTH_KEY, type: 'rich_text', field: 'siteId' },
	{ name: 'Organization', type: 'rich_text', field: 'organization' },
	{ name: 'Score', type: 'number', field: 'score' },
	{ name: 'Status', type: 'select', field: 'status', options: [...HEALTH_STATUSES] },
	{ name: 'Confidence', type: 'number', field: 'confidence', format: 'percent' },
	{ name: 'Summary', type: 'rich_text', field: 'summary' },
	{ name: 'Devices Total', type: 'number', field: 'devicesTotal' },
	{ name: 'Devices Offline', type: 'number', field: 'devicesOffline' },
	{ name: 'WiFi Clients', type: 'number', field: 'wifiClients' },
	{ name: 'Weak WiFi Clients', type: 'number', field: 'weakWifiClients' },
	{ name: 'Endpoints', type: 'number', field: 'endpoints' },
	{ name: 'Matched By', type: 'select', field: 'matchedBy', options: [...MATCH_METHODS] },
] satisfies DashboardColumn[]);

/** The dashboard as a Notion Sync schema: `[{name, type, options?, format?}]`. */
export function siteHealthSchema(): Array<{ name: string; type: DashboardColumn['type']; options?: string[]; format?: string }> {
	return SITE_HEALTH_COLUMNS.map(({ name, type, options, format }) => ({
		name,
		type,
		...(options ? { options: [...options] } : {}),
		...(format ? { format } : {}),
	}));
}
