import type { INodeListSearchItems } from 'n8n-workflow';

/** What every "From List" search of the package shares: the filter the user types, and the order of the list. */

/** Whether any of `texts` contains the typed filter, ignoring case; no filter matches everything. */
export function matchesFilter(filter: string | undefined, ...texts: Array<string | null | undefined>): boolean {
	if (!filter) return true;
	const f = filter.toLowerCase();
	return texts.some((t) => typeof t === 'string' && t.toLowerCase().includes(f));
}

/** Entries sorted by their display name, as the user scans the list. */
export function byName<T extends Pick<INodeListSearchItems, 'name'>>(entries: T[]): T[] {
	return entries.sort((a, b) => a.name.localeCompare(b.name));
}
