import type { IExecuteFunctions } from 'n8n-workflow';
import type { UnifiLocalSite, UnifiNetworkClient } from '../../../lib/unifi';
import { readLocator } from './common';

/**
 * The console sites an item asks for: all of them, or the one named by the Local Site parameter. The console's
 * site list is read once per execution and shared by all items.
 */
export function localSiteResolver(ctx: IExecuteFunctions, client: UnifiNetworkClient) {
	let all: Promise<UnifiLocalSite[]> | undefined;
	return async (i: number): Promise<UnifiLocalSite[]> => {
		all ??= client.listSites({ itemIndex: i });
		const sites = await all.catch((error: unknown) => {
			all = undefined;
			throw error;
		});
		if (ctx.getNodeParameter('allSites', i, false)) return sites;
		const wanted = readLocator(ctx, 'localSite', i);
		const site = sites.find((s) => s.name === wanted || s._id === wanted || s.desc === wanted);
		if (site) return [site];
		// Unknown to the list (for example a hidden site): let the console answer for it.
		return [{ _id: '', name: wanted, desc: wanted }];
	};
}
